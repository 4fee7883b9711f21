import XCTest
import SkeletonFormats
import STGCNTestSupport
import STGCNModel
import STGCNTensor
@testable import STGCNTraining

final class TrainerTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-trainer-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A trainer for the tiny experiment writing to `work`, optionally resuming.
    func makeTrainer(_ experiment: TinyExperiment, work: String, extra: String = "", resume: Bool = false) throws -> Trainer {
        let url = try experiment.writeConfig(extra: extra, name: "\(work).yaml")
        let settings = try TrainingConfiguration(contentsOf: url, overrides: [
            ConfigurationOverride(key: "work_dir", value: folder.appendingPathComponent(work).path),
        ])
        try FileManager.default.createDirectory(at: settings.workDirectory, withIntermediateDirectories: true)
        let network = try STGCNNetwork(configuration: settings.model)
        let trainer = try Trainer(configuration: settings, network: network, data: try TrainingDataSet.load(settings),
                                  log: try TrainingLog(file: nil, echo: false))
        if resume { try trainer.resume() }
        return trainer
    }

    /// Every parameter, buffer and momentum buffer, by key.
    func snapshot(_ trainer: Trainer) -> [String: [Float]] {
        var result: [String: [Float]] = [:]
        for (name, parameter) in trainer.network.namedParameters() { result[name] = parameter.value }
        for (name, buffer) in trainer.network.namedBuffers() { result["buffer." + name] = buffer.value }
        for (name, values) in trainer.optimizer.momentumBuffers { result["momentum." + name] = values }
        return result
    }

    func assertBitIdentical(_ a: [String: [Float]], _ b: [String: [Float]], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.keys.sorted(), b.keys.sorted(), file: file, line: line)
        var differing: [String] = []
        for (key, values) in a where values.map(\.bitPattern) != (b[key] ?? []).map(\.bitPattern) { differing.append(key) }
        XCTAssertTrue(differing.isEmpty, "\(differing.count) tensors differ, e.g. \(differing.sorted().prefix(3))", file: file, line: line)
    }

    /// The acceptance test of `--resume`: stopped after epoch 1 (and, separately, in the middle of
    /// epoch 1), continued by a fresh trainer from the checkpoint, the run ends with the same
    /// weights, BN statistics and momentum, bit for bit, as an uninterrupted run.
    func testInterruptedAndResumedRunEqualsUninterruptedRun() throws {
        let experiment = try TinyExperiment(folder: folder, trainPerClass: 4, testPerClass: 1)
        let straight = try makeTrainer(experiment, work: "straight")
        XCTAssertEqual(try straight.run(), .finished)
        let reference = snapshot(straight)
        XCTAssertEqual(straight.state.history.count, 3)

        for (label, stopEpoch, stopBatch) in [("after-epoch", 1, 0), ("mid-epoch", 1, 2)] {
            let first = try makeTrainer(experiment, work: label)
            first.shouldStop = { first.state.epoch == stopEpoch && first.state.batch == stopBatch }
            XCTAssertEqual(try first.run(), .interrupted, label)
            XCTAssertEqual(first.state.epoch, stopEpoch, label)
            XCTAssertNotEqual(snapshot(first)["fcn.weight"], reference["fcn.weight"], "\(label): stopped early, weights must differ")

            let second = try makeTrainer(experiment, work: label, resume: true)
            XCTAssertEqual(second.state.epoch, stopEpoch, label)
            XCTAssertEqual(second.state.batch, stopBatch, label)
            XCTAssertEqual(try second.run(), .finished, label)
            assertBitIdentical(snapshot(second), reference)
            XCTAssertEqual(second.state.history.map(\.trainLoss), straight.state.history.map(\.trainLoss), label)
            XCTAssertEqual(second.state.history.map { $0.evaluation?.top1 }, straight.state.history.map { $0.evaluation?.top1 }, label)
            let lines = try String(contentsOf: second.files.metrics, encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(lines.count, 3, label)
        }
    }

    func testDifferentSeedGivesDifferentWeights() throws {
        let experiment = try TinyExperiment(folder: folder)
        let a = try makeTrainer(experiment, work: "a", extra: "num_epoch: 1")
        let b = try makeTrainer(experiment, work: "b", extra: "num_epoch: 1\nseed: 8")
        XCTAssertEqual(b.configuration.seed, 8)
        try a.run()
        try b.run()
        XCTAssertNotEqual(snapshot(a)["fcn.weight"], snapshot(b)["fcn.weight"])
    }

    func testResumeRefusesAnotherSeedOrBatchSize() throws {
        let experiment = try TinyExperiment(folder: folder)
        let first = try makeTrainer(experiment, work: "run", extra: "num_epoch: 1")
        try first.run()
        XCTAssertThrowsError(try makeTrainer(experiment, work: "run", extra: "num_epoch: 2\nseed: 9", resume: true)) { error in
            XCTAssertTrue("\(error)".contains("seed 7"), "\(error)")
        }
        XCTAssertThrowsError(try makeTrainer(experiment, work: "fresh", resume: true)) { error in
            XCTAssertTrue("\(error)".contains("no checkpoint"), "\(error)")
        }
    }

    func testTrainingLearnsTheTinyTaskAndWritesItsFiles() throws {
        let experiment = try TinyExperiment(folder: folder, trainPerClass: 8, testPerClass: 4)
        let url = try experiment.writeConfig(name: "learn.yaml")
        let settings = try TrainingConfiguration(contentsOf: url, overrides: ConfigurationOverride.parse([
            "--work-dir", folder.appendingPathComponent("learn").path, "--num-epoch", "6", "--step", "[4]", "--save-interval", "3",
            "--base-lr", "0.01", "--model-args.dropout", "0",
            "--train-feeder-args", "{random_choose: false, random_move: false, window_size: -1}",
        ]))
        try FileManager.default.createDirectory(at: settings.workDirectory, withIntermediateDirectories: true)
        let trainer = try Trainer(configuration: settings, network: try STGCNNetwork(configuration: settings.model),
                                  data: try TrainingDataSet.load(settings), log: try TrainingLog(file: nil, echo: false))
        // The loss on the whole training set at once (batch statistics of all 24 clips: a steadier
        // measure than the per-batch losses of 4-clip batches).
        func wholeSetLoss() throws -> Float {
            var generator = SeededGenerator(seed: 0)
            let all = try trainer.data.train.batch(indices: Array(0..<trainer.data.train.count), using: &generator)
            let logits = trainer.network.forward(Tensor(shape: all.shape, scalars: all.values), mode: .training)
            return CrossEntropy.lossAndGradient(logits: logits, labels: all.labels).loss
        }
        let before = try wholeSetLoss()
        try trainer.run()
        let after = try wholeSetLoss()
        XCTAssertLessThan(after, 0.6 * before, "loss on the training set before \(before), after \(after)")
        let history = trainer.state.history
        print("tiny task (train loss, train accuracy, top-1):", history.map { ($0.trainLoss, $0.trainAccuracy, $0.evaluation?.top1 ?? -1) })
        XCTAssertEqual(history.count, 6)
        for (rate, expected) in zip(history.map(\.learningRate), [0.01, 0.01, 0.01, 0.01, 0.001, 0.001]) {
            XCTAssertEqual(rate, expected, accuracy: 1e-12)
        }
        // 36 steps of 4-clip batches on 6-frame clips are too few for the BN running statistics
        // that evaluation uses to settle, so eval accuracy is not asserted here.
        XCTAssertEqual(trainer.lastEvaluation?.sampleCount, 12)
        for name in ["epoch3_model.safetensors", "epoch6_model.safetensors", "checkpoint.safetensors", "metrics.jsonl", "report.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: trainer.files.directory.appendingPathComponent(name).path), name)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: trainer.files.directory.appendingPathComponent("epoch2_model.safetensors").path))
        // The saved model is plain weights with official keys; the checkpoint loads as weights too.
        let network = try STGCNNetwork(configuration: trainer.configuration.model)
        try WeightsFile.load(trainer.files.model(afterEpoch: 5), into: network)
        XCTAssertEqual(network.namedParameters().first?.parameter.value, trainer.network.namedParameters().first?.parameter.value)
        try WeightsFile.load(trainer.files.checkpoint, into: network, ignoring: [TrainingCheckpoint.momentumPrefix])
        let html = try String(contentsOf: trainer.files.report, encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 4, "loss, accuracy, skeleton, confusion")
        XCTAssertEqual(html.components(separatedBy: "<svg").count, html.components(separatedBy: "</svg>").count)
        XCTAssertTrue(html.contains("tiny"))
    }
}
