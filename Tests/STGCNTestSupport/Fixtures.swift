import Foundation
import XCTest

/// The official reference outputs in `../shared/fixtures` (beside the repository), when present.
public enum Fixtures {
    /// `<repo>/../shared/fixtures`, found from this source file's location.
    /// (Symlinks are resolved, so scratch packages that link the test folders work too.)
    public static let root: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/fixtures")

    /// The folder of one fixture set, or an `XCTSkip` saying why the test cannot run.
    public static func folder(_ name: String) throws -> URL {
        let url = root.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("\(url.path) not found: skipping the parity test (needs ../shared/fixtures beside the clone)")
        }
        return url
    }

    /// The fixture file at `relativePath` (e.g. `real/pyskl-hagrid.pth`), or an `XCTSkip` when absent.
    public static func url(_ relativePath: String) throws -> URL {
        let url = root.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("\(url.path) not found: skipping the test that needs it (../shared/fixtures beside the clone)")
        }
        return url
    }
}

/// A fresh temporary directory, removed when the test finishes.
public func makeTemporaryDirectory(_ testCase: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-test-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Compares two tensors: the worst absolute error and that error relative to `expected`'s
/// largest magnitude (the fixture README's measure for gradients).
public func tensorError(_ actual: [Float], _ expected: [Float]) -> (relative: Float, absolute: Float) {
    precondition(actual.count == expected.count, "sizes differ: \(actual.count) vs \(expected.count)")
    var worst: Float = 0, scale: Float = 0
    for i in 0..<actual.count {
        worst = max(worst, abs(actual[i] - expected[i]))
        scale = max(scale, abs(expected[i]))
    }
    return (scale > 0 ? worst / scale : worst, worst)
}

/// ‖actual − expected‖₂ / ‖expected‖₂ (0 when both are zero).
public func normRelativeError(_ actual: [Float], _ expected: [Float]) -> Float {
    precondition(actual.count == expected.count)
    var difference = 0.0, reference = 0.0
    for i in 0..<actual.count {
        let d = Double(actual[i]) - Double(expected[i])
        difference += d * d
        reference += Double(expected[i]) * Double(expected[i])
    }
    return reference > 0 ? Float((difference / reference).squareRoot()) : Float(difference.squareRoot())
}

/// Asserts that logits agree entry by entry within 1e-4 relative or 1e-5 absolute.
public func assertLogitsClose(_ actual: [Float], _ expected: [Float], _ label: String,
                              file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(label): count", file: file, line: line)
    var worst: Float = 0
    for (a, e) in zip(actual, expected) {
        let error = abs(a - e)
        if error > 1e-5 { worst = max(worst, error / max(abs(e), 1e-12)) }
    }
    XCTAssertLessThanOrEqual(worst, 1e-4, "\(label): worst relative error \(worst)", file: file, line: line)
}

/// How far a tensor is from its float32 reference: the worst entry measured against the
/// reference's largest magnitude (floored at `scaleFloor`, so that tensors whose true value is
/// zero and which hold only rounding noise on both sides compare sensibly), and the whole
/// tensor as ‖actual − expected‖ / max(‖expected‖, floor).
public struct TensorAgreement: CustomStringConvertible {
    /// The largest |actual − expected| / max(max |expected|, scaleFloor).
    public var worst: Float
    /// ‖actual − expected‖₂ / max(‖expected‖₂, scaleFloor · √count).
    public var normRelative: Float

    public init(_ actual: [Float], _ expected: [Float], scaleFloor: Float = 1e-3) {
        precondition(actual.count == expected.count, "sizes differ: \(actual.count) vs \(expected.count)")
        let scale = max(expected.map { abs($0) }.max() ?? 0, scaleFloor)
        var worst: Float = 0, difference = 0.0, reference = 0.0
        for i in 0..<actual.count {
            let error = abs(actual[i] - expected[i])
            worst = max(worst, error / scale)
            difference += Double(error) * Double(error)
            reference += Double(expected[i]) * Double(expected[i])
        }
        self.worst = worst
        let floor = Double(scaleFloor) * Double(actual.count).squareRoot()
        self.normRelative = Float(difference.squareRoot() / max(reference.squareRoot(), floor))
    }

    public var description: String {
        String(format: "worst entry %.2e of max |ref|, norm error %.2e", worst, normRelative)
    }
}
