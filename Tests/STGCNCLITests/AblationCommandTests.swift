import Foundation
import XCTest

/// `stgcn ablation`: parameter counts per variant, a tiny synthetic run, one-line errors.
final class AblationCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-ablation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func writeConfig(numClass: Int = 10) throws -> URL {
        let url = folder.appendingPathComponent("ablation.yaml")
        try """
        feeder: synthetic
        train_feeder_args: {samples_per_class: 1, frames: 4}
        test_feeder_args: {samples_per_class: 1, frames: 4}
        model: net.st_gcn.Model
        model_args:
          in_channels: 3
          num_class: \(numClass)
          graph_args: {layout: 'ntu-rgb+d', strategy: 'spatial'}
        base_lr: 0.01
        batch_size: 13
        num_epoch: 1
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testCountOnlyPrintsEveryVariantWithTheOfficialCount() throws {
        let result = try CommandRunner.run(["ablation", "-c", try writeConfig().path, "--count-only"])
        XCTAssertEqual(result.status, 0, result.error)
        let lines = result.output.split(separator: "\n")
        XCTAssertEqual(lines.count, 7)
        XCTAssertTrue(lines.contains { $0.hasPrefix("stgcn ") && $0.contains(" 3085982 parameters") }, result.output)
        XCTAssertTrue(lines.first?.hasPrefix("baseline_tcn") ?? false)
    }

    func testTinySyntheticRunWritesTheTable() throws {
        let work = folder.appendingPathComponent("work")
        let result = try CommandRunner.run(["ablation", "-c", try writeConfig(numClass: 13).path, "--variants", "baseline_tcn,two_stream",
                                            "--work-dir", work.path])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.output.contains("| `baseline_tcn` | Baseline TCN |"), result.output)
        XCTAssertTrue(result.output.contains("| `two_stream` |"), result.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent("ablation.json").path))
        // Single-stream variants run through the shared Trainer, which leaves its files per variant.
        XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent("baseline_tcn/metrics.jsonl").path))
    }

    func testErrorsAreOneLine() throws {
        let config = try writeConfig()
        for arguments in [["--variants", "spatial,nope"], ["--epochs", "0"]] {
            let result = try CommandRunner.run(["ablation", "-c", config.path] + arguments)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            let message = result.error.trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertFalse(message.isEmpty, "\(arguments)")
            XCTAssertTrue(message.hasPrefix("Error:"), message)
        }
        // 13 synthetic classes do not fit num_class 10: the data check names both.
        let result = try CommandRunner.run(["ablation", "-c", config.path, "--variants", "uniform"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.error.contains("num_class is 10"), result.error)
    }
}
