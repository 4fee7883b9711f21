import Foundation
import XCTest

/// Small files committed with the tests (`Tests/STGCNTestSupport/Resources`), shared by every
/// test target. `Resources/pyskl` holds synthetic numpy/PySKL pickles written by real numpy
/// (`scripts/make-pyskl-test-pickles.py`, which documents the values they hold);
/// `Resources/float64-reference` holds the float64 run of the parity fixture's procedure;
/// `Resources/lockstep` a 12-iteration PyTorch training run replayed by `LockStepTrainingTests`.
public enum TestResources {
    /// The resources folder in the built bundle.
    public static var root: URL {
        Bundle.module.bundleURL.appendingPathComponent("Resources")
    }

    /// `Resources/<folder>/<name>`; fails the test (and throws) when it is missing, naming the
    /// script that makes it.
    static func file(_ folder: String, _ name: String, madeBy script: String) throws -> URL {
        let url = root.appendingPathComponent(folder).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("test resource \(url.path) is missing (run \(script))")
            throw CocoaError(.fileNoSuchFile)
        }
        return url
    }

    /// `Resources/pyskl/<name>`; fails the test (and throws) when it is missing.
    public static func pyskl(_ name: String) throws -> URL {
        try file("pyskl", name, madeBy: "scripts/make-pyskl-test-pickles.py")
    }

    /// `Resources/float64-reference/<name>`: the official model's fixture procedure run in float64
    /// (`bench/float64_reference.py`); fails the test (and throws) when it is missing.
    public static func float64Reference(_ name: String = "reference.safetensors") throws -> URL {
        try file("float64-reference", name, madeBy: "bench/float64_reference.py")
    }

    /// `Resources/lockstep/<name>`: 16 clips and the official model's 12-iteration PyTorch
    /// training run on them (`bench/lockstep_reference.py`); fails the test (and throws) when missing.
    public static func lockStep(_ name: String) throws -> URL {
        try file("lockstep", name, madeBy: "bench/lockstep_reference.py")
    }

    /// The bytes of `Resources/pyskl/<name>`.
    public static func pysklData(_ name: String) throws -> Data {
        try Data(contentsOf: try pyskl(name))
    }
}
