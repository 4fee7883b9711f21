import XCTest
import SkeletonFormats
import STGCNTestSupport
import STGCNModel
import STGCNTensor
@testable import STGCNTraining

/// NaN and Inf on the training side: divergence stops the run without saving, and the metrics
/// writer never drops a record with a non-finite number.
final class NonFiniteTrainingTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-nonfinite-training-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func makeTrainer(_ experiment: TinyExperiment, work: String, extra: String) throws -> Trainer {
        let url = try experiment.writeConfig(extra: extra, name: "\(work).yaml")
        let settings = try TrainingConfiguration(contentsOf: url, overrides: [
            ConfigurationOverride(key: "work_dir", value: folder.appendingPathComponent(work).path),
        ])
        try FileManager.default.createDirectory(at: settings.workDirectory, withIntermediateDirectories: true)
        return try Trainer(configuration: settings, network: try STGCNNetwork(configuration: settings.model),
                           data: try TrainingDataSet.load(settings), log: try TrainingLog(file: nil, echo: false))
    }

    func testMetricsAndCheckpointStateWriteNonFiniteNumbersAsStrings() throws {
        var record = EpochRecord(epoch: 2, learningRate: 0.1, trainLoss: .nan, trainAccuracy: 0.25, trainSamples: 8,
                                 seconds: .infinity, clipsPerSecond: -.infinity)
        record.evaluation = EvaluationRecord(ClassificationMetrics(scores: [1, 0], labels: [0], classCount: 2), seconds: 1)
        record.evaluation?.loss = .nan
        let text = TrainingJSON.metricsLines([record, record])
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, "no record dropped")
        XCTAssertTrue(lines[0].contains("\"train_loss\":\"NaN\""), String(lines[0]))
        XCTAssertTrue(lines[0].contains("\"seconds\":\"Infinity\""), String(lines[0]))
        XCTAssertTrue(lines[0].contains("\"clips_per_second\":\"-Infinity\""), String(lines[0]))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any], "valid JSON")
        XCTAssertEqual(object["train_accuracy"] as? Double, 0.25)
        let decoded = try EpochRecord(json: try JSONReader.parse(String(lines[0])))
        XCTAssertEqual(try EpochRecord(json: try JSONReader.parse(JSONWriting.text(decoded.json))).epoch, 2)
        XCTAssertTrue(decoded.trainLoss.isNaN)
        XCTAssertEqual(decoded.seconds, .infinity)
        XCTAssertTrue(try XCTUnwrap(decoded.evaluation).loss.isNaN)
    }

    func testDivergenceThrowsNamingEpochAndBatchAndNeverSavesNonFiniteWeights() throws {
        let experiment = try TinyExperiment(folder: folder, trainPerClass: 4, testPerClass: 1)
        let trainer = try makeTrainer(experiment, work: "diverge", extra: "base_lr: 1000000\nnum_epoch: 2")
        XCTAssertThrowsError(try trainer.run()) { error in
            guard case let TrainingError.diverged(epoch, batch, reason, advice)? = error as? TrainingError else {
                return XCTFail("expected TrainingError.diverged, got \(error)")
            }
            XCTAssertEqual(epoch, 0)
            XCTAssertTrue((0..<3).contains(batch), "\(batch)")
            XCTAssertFalse(reason.isEmpty)
            XCTAssertTrue(advice.contains("no checkpoint yet"), advice)
            XCTAssertFalse("\(error)".contains("\n"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: trainer.files.checkpoint.path))

        // The checkpoint writer refuses non-finite weights whatever calls it.
        let healthy = try makeTrainer(experiment, work: "guard", extra: "num_epoch: 1")
        try healthy.saveCheckpoint()
        let before = try Data(contentsOf: healthy.files.checkpoint)
        healthy.network.namedParameters()[3].parameter.value[0] = .nan
        XCTAssertThrowsError(try healthy.saveCheckpoint()) { error in
            XCTAssertTrue("\(error)".contains("not finite"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: healthy.files.checkpoint), before)
    }
}
