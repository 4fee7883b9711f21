import Foundation
import XCTest

/// Small files committed with the tests (`Tests/STGCNTestSupport/Resources`), shared by every
/// test target. `Resources/pyskl` holds synthetic numpy/PySKL pickles written by real numpy
/// (`scripts/make-pyskl-test-pickles.py`, which documents the values they hold).
public enum TestResources {
    /// The resources folder in the built bundle.
    public static var root: URL {
        Bundle.module.bundleURL.appendingPathComponent("Resources")
    }

    /// `Resources/pyskl/<name>`; fails the test (and throws) when it is missing.
    public static func pyskl(_ name: String) throws -> URL {
        let url = root.appendingPathComponent("pyskl").appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("test resource \(url.path) is missing (run scripts/make-pyskl-test-pickles.py)")
            throw CocoaError(.fileNoSuchFile)
        }
        return url
    }

    /// The bytes of `Resources/pyskl/<name>`.
    public static func pysklData(_ name: String) throws -> Data {
        try Data(contentsOf: try pyskl(name))
    }
}
