import Foundation
import XCTest
import STGCN

/// `stgcn gendata synthetic`: the built-in recipe's clips as official files, equal to what
/// `stgcn train` generates in memory, so training on the files is training on the same data.
final class GendataSyntheticCommandTests: XCTestCase {
    var folder: URL!
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// A small version of the built-in recipe: 2 training and 1 test clip per class, 8 frames.
    let small = ["--train-feeder-args.samples-per-class", "2", "--test-feeder-args.samples-per-class", "1",
                 "--train-feeder-args.frames", "8", "--test-feeder-args.frames", "8"]

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-gendata-synthetic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testFilesHoldTheTrainersClips() throws {
        let out = folder.appendingPathComponent("synthetic")
        let result = try CommandRunner.run(["gendata", "synthetic", "--out-folder", out.path, "--quiet"] + small)
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.output.contains("train_data.npy (26, 3, 8, 25, 2)"), result.output)
        XCTAssertTrue(result.output.contains("val_data.npy (13, 3, 8, 25, 2)"), result.output)

        let overrides = try ConfigurationOverride.parse(small)
        let expected = try TrainingDataSet.load(BuiltInRecipe.configuration(overrides: overrides))
        let train = try Feeder(dataPath: out.appendingPathComponent("train_data.npy"), labelPath: out.appendingPathComponent("train_label.pkl"))
        let val = try Feeder(dataPath: out.appendingPathComponent("val_data.npy"), labelPath: out.appendingPathComponent("val_label.pkl"))
        for (written, generated) in [(train, expected.train), (val, try XCTUnwrap(expected.test))] {
            XCTAssertEqual(written.names, generated.names)
            XCTAssertEqual(written.labels, generated.labels)
            XCTAssertEqual(written.storedSampleShape, generated.storedSampleShape)
            for index in 0..<written.count {
                XCTAssertEqual(try written.rawSample(index), try generated.rawSample(index), "sample \(index)")
            }
        }
        // Centered (center: true) and with a second person in the two-person classes only.
        let handshake = try XCTUnwrap(SyntheticActions.classNames.firstIndex(of: "handshake"))
        let pair = try train.rawSample(try XCTUnwrap(train.labels.firstIndex(of: handshake)))
        let single = try train.rawSample(try XCTUnwrap(train.labels.firstIndex(of: 0)))
        XCTAssertTrue(pair.values.enumerated().contains { $0.offset % 2 == 1 && $0.element != 0 })
        XCTAssertFalse(single.values.enumerated().contains { $0.offset % 2 == 1 && $0.element != 0 })
        let names = try String(contentsOf: out.appendingPathComponent("class_names.txt"), encoding: .utf8)
        XCTAssertEqual(names.split(separator: "\n").map(String.init), SyntheticActions.classNames)
    }

    /// `config/synthetic/train.yaml` on the files trains exactly as the built-in recipe does.
    func testTrainingOnTheFilesEqualsTheBuiltInRecipe() throws {
        let data = folder.appendingPathComponent("data")
        let written = try CommandRunner.run(["gendata", "synthetic", "--out-folder", data.path, "--quiet"] + small)
        XCTAssertEqual(written.status, 0, written.error)
        let run = ["--num-epoch", "1", "--batch-size", "4", "--eval-interval", "1", "--threads", "1"]
        let builtIn = try CommandRunner.run(["train", "--work-dir", folder.appendingPathComponent("built-in").path] + run + small)
        XCTAssertEqual(builtIn.status, 0, builtIn.error)
        let config = Self.repository.appendingPathComponent("config/synthetic/train.yaml")
        let paths = ["train", "val"].flatMap { split -> [String] in
            let key = split == "train" ? "train" : "test"
            return ["--\(key)-feeder-args.data-path", data.appendingPathComponent("\(split)_data.npy").path,
                    "--\(key)-feeder-args.label-path", data.appendingPathComponent("\(split)_label.pkl").path]
        }
        let files = try CommandRunner.run(["train", "-c", config.path, "--work-dir", folder.appendingPathComponent("files").path] + run + paths)
        XCTAssertEqual(files.status, 0, files.error)
        func metrics(_ run: String) throws -> String {
            try String(contentsOf: folder.appendingPathComponent("\(run)/metrics.jsonl"), encoding: .utf8)
        }
        let expected = try metrics("built-in"), actual = try metrics("files")
        let loss = { (text: String) in text.split(separator: ",").first { $0.contains("\"train_loss\"") } }
        XCTAssertNotNil(loss(expected))
        XCTAssertEqual(loss(actual), loss(expected), "same clips, recipe and seed: the same training loss")
        XCTAssertTrue(actual.contains("\"top1\""), actual)
    }

    func testAConfigWithFilesIsRefused() throws {
        let config = Self.repository.appendingPathComponent("config/synthetic/train.yaml")
        let result = try CommandRunner.run(["gendata", "synthetic", "-c", config.path, "--out-folder", folder.appendingPathComponent("x").path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.error.contains("gendata synthetic needs feeder: synthetic"), result.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("x/train_data.npy").path))
    }
}
