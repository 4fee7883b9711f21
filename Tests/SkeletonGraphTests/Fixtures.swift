import Foundation
import XCTest

/// Locates the shared read-only fixtures: `<repo root>/../shared/fixtures`, found relative to
/// this source file (symlinks resolved, so scratch packages that link the test folder work).
enum Fixtures {
    /// The fixtures folder, or nil when it is absent.
    static var directory: URL? {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<3 { url.deleteLastPathComponent() }  // File.swift, <TestTarget>, Tests
        let candidate = url.deletingLastPathComponent().appendingPathComponent("shared/fixtures", isDirectory: true)
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory) && isDirectory.boolValue ? candidate : nil
    }

    /// The fixture at `relativePath`, or an `XCTSkip` when the fixtures are not available.
    static func url(_ relativePath: String) throws -> URL {
        guard let directory else {
            throw XCTSkip("../shared/fixtures not found: skipping the test that needs \(relativePath)")
        }
        let url = directory.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("../shared/fixtures/\(relativePath) not found: skipping")
        }
        return url
    }
}
