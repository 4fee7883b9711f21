import Foundation
import XCTest
import STGCN
import STGCNTestSupport

/// One non-finite policy in every command that reads data arrays: `train`, `test`, `infer` and
/// `predict` reject NaN and Inf before any work, with one line naming the file and the index of
/// the first bad value.
final class NonFiniteDataCommandTests: XCTestCase {
    var folder: URL!
    var experiment: TinyExperiment!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-nonfinite-\(UUID().uuidString)")
        experiment = try TinyExperiment(folder: folder)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// `file` with `value` stored at `index` of its shape (C order).
    func poison(_ file: URL, at index: [Int], with value: Float, to output: URL) throws {
        let array = try Npy.read(contentsOf: file)
        var values = try array.floatValues()
        var flat = 0
        for (axis, position) in index.enumerated() { flat = flat * array.shape[axis] + position }
        values[flat] = value
        try Npy.write(float32: values, shape: array.shape, to: output)
    }

    func assertRejected(_ result: CommandRunner.Result, file: URL, place: String, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, "exit status; stdout: \(result.output)", line: line)
        XCTAssertEqual(result.error.split(separator: "\n").count, 1, "one line: \(result.error)", line: line)
        XCTAssertTrue(result.error.contains(file.path), "names the file: \(result.error)", line: line)
        XCTAssertTrue(result.error.contains(place), "names the index \(place): \(result.error)", line: line)
        XCTAssertTrue(result.error.contains("non-finite"), result.error, line: line)
    }

    func testEveryCommandRejectsNaNAndInfWithTheFileAndIndex() throws {
        let config = try experiment.writeConfig()
        // Weights to test with: the tiny model's official init, saved by a 0-epoch run.
        let work = folder.appendingPathComponent("weights")
        let network = try STGCNNetwork(configuration: try TrainingConfiguration(contentsOf: config).model)
        network.initializeWeights(seed: 1)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let weights = work.appendingPathComponent("w.safetensors")
        try network.saveWeights(to: weights)

        // test: NaN in the validation data (6 samples, (3, 6, 3, 1) each).
        let badTest = folder.appendingPathComponent("val_nan.npy")
        try poison(experiment.testData, at: [4, 2, 5, 1, 0], with: .nan, to: badTest)
        let test = try CommandRunner.run(["test", "-c", config.path, "--weights", weights.path,
                                          "--test-feeder-args.data-path", badTest.path])
        assertRejected(test, file: badTest, place: "(n, c, t, v, m) = (4, 2, 5, 1, 0)")
        XCTAssertFalse(test.output.contains("Top1"), "no scores: \(test.output)")

        // train: +Inf in the training data; nothing is written to the work directory.
        let badTrain = folder.appendingPathComponent("train_inf.npy")
        try poison(experiment.trainData, at: [7, 0, 0, 2, 0], with: .infinity, to: badTrain)
        let trainWork = folder.appendingPathComponent("never")
        let train = try CommandRunner.run(["train", "-c", config.path, "--work-dir", trainWork.path,
                                           "--train-feeder-args.data-path", badTrain.path])
        assertRejected(train, file: badTrain, place: "(n, c, t, v, m) = (7, 0, 0, 2, 0)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: trainWork.appendingPathComponent("checkpoint.safetensors").path))

        // infer: the same file as test's, the same message.
        let infer = try CommandRunner.run(["infer", "-c", config.path, "--weights", weights.path, "--input", badTest.path,
                                           "--output", folder.appendingPathComponent("logits.npy").path])
        assertRejected(infer, file: badTest, place: "(n, c, t, v, m) = (4, 2, 5, 1, 0)")

        // predict: an (N, C, T, V, M) batch, and one (C, T, V, M) sample with -Inf.
        let predict = try CommandRunner.run(["predict", "-c", config.path, "--weights", weights.path, "--input", badTest.path])
        assertRejected(predict, file: badTest, place: "(n, c, t, v, m) = (4, 2, 5, 1, 0)")
        let sample = folder.appendingPathComponent("sample.npy")
        var values = Array(try Npy.read(contentsOf: experiment.testData).floatValues().prefix(3 * 6 * 3))
        values[(1 * 6 + 4) * 3 + 2] = -.infinity
        try Npy.write(float32: values, shape: [3, 6, 3, 1], to: sample)
        let single = try CommandRunner.run(["predict", "-c", config.path, "--weights", weights.path, "--input", sample.path])
        assertRejected(single, file: sample, place: "(c, t, v, m) = (1, 4, 2, 0)")
    }
}
