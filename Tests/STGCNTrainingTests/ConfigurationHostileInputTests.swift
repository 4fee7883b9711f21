import Foundation
import XCTest
@testable import STGCNTraining

/// Configs built to hurt: deep nesting, sizes that would allocate terabytes, control bytes.
/// Each must be a one-line `ConfigurationError`, quickly, without crashing the process.
final class ConfigurationHostileInputTests: XCTestCase {
    let source = URL(fileURLWithPath: "/configs/hostile.yaml")

    func config(numClass: String = "5", layout: String = "'openpose'", extra: String = "") -> String {
        """
        model: net.st_gcn.Model
        model_args:
          in_channels: 3
          num_class: \(numClass)
          graph_args:
            layout: \(layout)
            strategy: 'spatial'
        \(extra)
        """
    }

    /// The error of reading `text` with the inference reader, or a failure when it is accepted.
    func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ConfigurationError? {
        do {
            _ = try ExperimentConfiguration(yaml: text, source: source, unknownKeys: .warn)
            XCTFail("accepted", file: file, line: line)
            return nil
        } catch {
            XCTAssertFalse(error.description.contains("\n"), "one line: \(error.description.prefix(300))", file: file, line: line)
            XCTAssertLessThan(error.description.utf8.count, 1_000, "short: \(error.description.prefix(300))", file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix(source.path), error.description, file: file, line: line)
            return error
        }
    }

    func testDeeplyNestedFlowSequencesAreRejectedBeforeParsing() {
        let depth = 5_000
        let text = config(extra: "step: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        let started = Date()
        let rejected = error(text)
        XCTAssertTrue(rejected?.description.contains("nest") == true, rejected?.description ?? "")
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
        // Flow mappings and mixed brackets too, and on the command line.
        let mapping = String(repeating: "{a: ", count: depth) + "1" + String(repeating: "}", count: depth)
        XCTAssertNotNil(error(config(extra: "debug: " + mapping)))
        XCTAssertThrowsError(try ExperimentConfiguration(yaml: config(), source: source, unknownKeys: .warn,
                                                         overrides: [ConfigurationOverride(key: "step", value: String(repeating: "[", count: depth))])) { error in
            XCTAssertTrue("\(error)".contains("--step"), "\(error)")
        }
    }

    func testDeeplyNestedBlockMappingsAreRejectedBeforeParsing() {
        let depth = 3_000
        let nested = (0..<depth).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " 1"
        let rejected = error(config(extra: "debug:\n" + nested.split(separator: "\n").map { " " + $0 }.joined(separator: "\n")))
        XCTAssertTrue(rejected?.description.contains("nest") == true, rejected?.description ?? "")
        // Block sequences opened on one line (`- - - x`) count too.
        XCTAssertNotNil(error(config(extra: "step:\n" + String(repeating: "- ", count: depth) + "1")))
    }

    func testOfficialNestingAndQuotedBracketsAreAccepted() throws {
        // Brackets inside quoted scalars and comments do not count; a block scalar's text does not either.
        let brackets = String(repeating: "[", count: 200)
        let text = config(extra: """
        work_dir: '\(brackets)'   # \(brackets)
        phase: "\(brackets)\\"\(brackets)"
        save_result: |
        \(stride(from: 0, to: 100, by: 1).map { String(repeating: " ", count: $0 + 2) + "x" }.joined(separator: "\n"))
        """)
        XCTAssertNoThrow(try ExperimentConfiguration(yaml: text, source: source, unknownKeys: .warn))
        XCTAssertNoThrow(try TrainingConfiguration(yaml: TrainingConfigurationTests.officialNTUXSub, source: source))
    }

    func testConfigFilesRejectDeepNesting() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ablation-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: url) }
        try (config() + "\nstep: " + String(repeating: "[", count: 5_000)).write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TrainingConfiguration(contentsOf: url)) { error in
            XCTAssertTrue("\(error)".contains("nest"), "\(error)")
        }
    }

    func testHugeClassCountIsRejectedBeforeAllocating() {
        let rejected = error(config(numClass: "1000000000"))
        XCTAssertTrue(rejected?.description.contains("num_class") == true, rejected?.description ?? "")
        XCTAssertTrue(rejected?.description.contains("100,000") == true, rejected?.description ?? "")
        XCTAssertNotNil(error(config().replacingOccurrences(of: "in_channels: 3", with: "in_channels: 100000000")))
    }

    func testHugeCustomLayoutIsRejectedWithAShortMessage() {
        for count in [10_000_000, 100_000_000] {
            let started = Date()
            let rejected = error(config(layout: "{num_node: \(count), edges: [[0, 1]], center: 0}"))
            XCTAssertTrue(rejected?.description.contains("num_node") == true, rejected?.description ?? "")
            XCTAssertLessThan(Date().timeIntervalSince(started), 2)
        }
        // Within the limit, the unconnected joints are listed with a count of the rest.
        let rejected = error(config(layout: "{num_node: 1000, edges: [[0, 1]], center: 0}"))
        XCTAssertTrue(rejected?.description.contains("… and 988 more") == true, rejected?.description ?? "")
    }

    func testControlBytesAreNotEchoed() {
        var text = config()
        text += "\nweights: \u{1B}[31m\u{07}\u{01}: : [\u{02}"
        let rejected = error(text)
        let description = rejected?.description ?? ""
        XCTAssertFalse(description.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, description.debugDescription)
    }
}
