import Foundation
import STGCNTestSupport
import XCTest
@testable import SkeletonData

/// A small deterministic generator for tests (SplitMix64).
struct TestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `../shared/data/<name>` beside the repository, or an XCTSkip.
func dataFolder(_ name: String) throws -> URL {
    let url = Fixtures.root.deletingLastPathComponent().appendingPathComponent("data").appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
        throw XCTSkip("\(url.path) not found: skipping (needs ../shared/data beside the clone)")
    }
    return url
}

/// Text of an NTU `.skeleton` file: `bodies[f]` lists the body IDs of frame f; joint j of a
/// body with ID b has x = f + j/100, y = b mod 7, z = 2 + m.
func ntuText(bodies: [[UInt64]], jointCount: Int = 25) -> String {
    var lines = ["\(bodies.count)"]
    for (f, frame) in bodies.enumerated() {
        lines.append("\(frame.count)")
        for (m, id) in frame.enumerated() {
            lines.append("\(id) 0 1 1 1 1 0 -0.437266 -0.2983932 2")
            lines.append("\(jointCount)")
            for j in 0..<jointCount {
                let x = Double(f) + Double(j) / 100
                lines.append("\(x) \(id % 7) \(2 + m) 250.1 180.2 960.5 540.25 0.1 0.2 0.3 0.4 2")
            }
        }
    }
    return lines.joined(separator: "\n") + "\n"
}

/// Asserts that `body` throws a `SkeletonDataError` whose description contains every fragment.
func assertDataError<T>(_ body: @autoclosure () throws -> T, contains fragments: [String],
                        file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected an error containing \(fragments)", file: file, line: line)
    } catch let error as SkeletonDataError {
        let text = error.description
        XCTAssertFalse(text.contains("\n"), "multi-line description: \(text)", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(text.contains(fragment), "'\(text)' lacks '\(fragment)'", file: file, line: line)
        }
    } catch {
        XCTFail("unexpected error type \(type(of: error)): \(error)", file: file, line: line)
    }
}

enum STGCNTestSupportFolder {
    static func fixture(_ name: String) throws -> URL { try Fixtures.folder(name) }
}
