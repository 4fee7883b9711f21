import XCTest
import SkeletonData
import SkeletonFormats
import SkeletonGraph
import STGCNModel
import STGCNTensor
@testable import STGCNTraining
@testable import STGCNAblation

/// The ablation study: variant lists, settings, a tiny end-to-end run and the report.
final class AblationStudyTests: XCTestCase {
    func testVariantListsAndTable1Order() throws {
        XCTAssertEqual(try AblationStudy.variants(named: nil).map(\.name),
                       ["baseline_tcn", "local_convolution", "uniform", "distance_tied", "distance", "spatial", "stgcn"])
        XCTAssertEqual(try AblationStudy.variants(named: "spatial, two_stream,spatial").map(\.name), ["spatial", "two_stream"])
        XCTAssertThrowsError(try AblationStudy.variants(named: "spatial,gcn9")) { error in
            XCTAssertTrue("\(error)".contains("gcn9"))
        }
        // Every row builds on the official base, whatever its strategy and importance.
        let base = ModelConfiguration(classCount: 10, layout: .ntuRGBD, strategy: .spatial, edgeImportanceWeighting: true)
        let counts = try AblationStudy(base: base, variants: AblationVariant.all).parameterCounts()
        XCTAssertEqual(counts.first { $0.variant.name == "stgcn" }?.parameters, 3_085_982)
        XCTAssertEqual(counts.count, AblationVariant.all.count)
    }

    /// Two classes that differ in the sign of the x coordinate, on a 4-joint skeleton.
    func toyData(samples: Int, seed: UInt64) throws -> Feeder {
        let (c, t, v, m) = (2, 6, 4, 1)
        var generator = SeededGenerator(seed: seed)
        var values: [Float] = []
        var labels: [Int] = []
        for n in 0..<samples {
            let label = n % 2
            labels.append(label)
            for channel in 0..<c { for _ in 0..<(t * v * m) {
                let noise = 0.3 * (generator.nextUniform() - 0.5)
                values.append(channel == 0 ? (label == 0 ? 1 : -1) + noise : noise)
            } }
        }
        return try Feeder(data: values, shape: [samples, c, t, v, m], labels: labels,
                          names: (0..<samples).map { "toy\($0)" })
    }

    func testTinyStudyTrainsEveryVariantAndWritesTheReport() throws {
        let layout = try SkeletonLayout(name: "chain", jointCount: 4, edges: [(0, 1), (1, 2), (1, 3)], center: 1)
        let base = ModelConfiguration(inputChannels: 2, classCount: 2, layout: layout)
        let study = try AblationStudy(base: base, variants: AblationStudy.variants(named: "baseline_tcn,local_convolution,two_stream"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ablation-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configURL = folder.appendingPathComponent("config.yaml")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
        model_args: {in_channels: 2, num_class: 2, graph_args: {layout: openpose}}
        train_feeder_args: {data_path: a.npy, label_path: a.pkl}
        test_feeder_args: {data_path: b.npy, label_path: b.pkl}
        batch_size: 4
        test_batch_size: 8
        base_lr: 0.01
        num_epoch: 3
        seed: 7
        """.write(to: configURL, atomically: true, encoding: .utf8)
        let settings = try TrainingConfiguration(contentsOf: configURL)
        XCTAssertEqual(settings.epochCount, 3)
        XCTAssertEqual(settings.trainFeeder.dataPath?.lastPathComponent, "a.npy")
        XCTAssertEqual(settings.steps, [])
        XCTAssertEqual(settings.feeder, .official)
        let data = TrainingDataSet(train: try toyData(samples: 16, seed: 1), test: try toyData(samples: 8, seed: 2),
                                   classNames: nil, notes: [])
        var lines: [String] = []
        var partialCounts: [Int] = []
        // Every variant, the two-stream network included, trains with the shared Trainer.
        let trainer = SharedTrainerVariantTrainer(configuration: settings, data: data, workDirectory: folder.appendingPathComponent("work"))
        let results = try study.run(trainer: trainer, log: { lines.append($0) },
                                    completed: { partialCounts.append($0.count) })
        for name in ["baseline_tcn", "local_convolution", "two_stream"] {
            let work = folder.appendingPathComponent("work/\(name)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent("metrics.jsonl").path), name)
            XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent("epoch3_model.safetensors").path), name)
        }
        XCTAssertEqual(results.map(\.name), ["baseline_tcn", "local_convolution", "two_stream"])
        XCTAssertEqual(partialCounts, [1, 2, 3])
        XCTAssertEqual(lines.filter { $0.contains("epoch 3/3") }.count, 3)
        for result in results {
            XCTAssertEqual(result.scores.trainingLosses.count, 3)
            XCTAssertLessThan(result.scores.finalTrainingLoss, result.scores.trainingLosses[0], "\(result.name) learns")
            XCTAssertEqual(result.scores.top5, 1, "top-5 of two classes")
            XCTAssertTrue((0...1).contains(result.scores.top1))
            XCTAssertGreaterThan(result.parameters, 0)
        }
        let report = AblationReport(setup: .init(config: "config.yaml", data: "toy", trainSamples: 16, testSamples: 8,
                                                 epochs: 3, batchSize: 4, baseLearningRate: 0.05, steps: [], weightDecay: 1e-4,
                                                 seed: 7, threads: 1, blas: "test"),
                                    results: results)
        try report.write(to: folder)
        let markdown = try String(contentsOf: folder.appendingPathComponent("ablation.md"), encoding: .utf8)
        XCTAssertTrue(markdown.contains("| `local_convolution` | Local convolution |"))
        let written = try JSONReader.parse(Array(Data(contentsOf: folder.appendingPathComponent("ablation.json"))))
        XCTAssertEqual(written, report.json, "ablation.json reads back as the report")
        XCTAssertEqual(try written.member("setup").member("seed").uint64(field: "seed"), 7)
        XCTAssertEqual(AblationReport.grouped(3_085_982), "3,085,982")
    }

    func testSameSeedGivesTheSameResult() throws {
        let layout = try SkeletonLayout(name: "chain", jointCount: 4, edges: [(0, 1), (1, 2), (1, 3)], center: 1)
        let base = ModelConfiguration(inputChannels: 2, classCount: 2, layout: layout, dropout: 0.5)
        let study = try AblationStudy(base: base, variants: AblationStudy.variants(named: "uniform"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ablation-\(UUID()).yaml")
        defer { try? FileManager.default.removeItem(at: folder) }
        try "model_args: {in_channels: 2, num_class: 2, graph_args: {layout: openpose}}\ntrain_feeder_args: {data_path: a, label_path: b}\ntest_feeder_args: {data_path: a, label_path: b}\nbatch_size: 4\nnum_epoch: 1\n"
            .write(to: folder, atomically: true, encoding: .utf8)
        let settings = try TrainingConfiguration(contentsOf: folder)
        let data = TrainingDataSet(train: try toyData(samples: 8, seed: 3), test: try toyData(samples: 4, seed: 4), classNames: nil, notes: [])
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("ablation-work-\(UUID())")
        defer { try? FileManager.default.removeItem(at: work) }
        let first = try study.run(trainer: SharedTrainerVariantTrainer(configuration: settings, data: data,
                                                                       workDirectory: work.appendingPathComponent("a")), log: { _ in })
        let second = try study.run(trainer: SharedTrainerVariantTrainer(configuration: settings, data: data,
                                                                        workDirectory: work.appendingPathComponent("b")), log: { _ in })
        XCTAssertEqual(first[0].scores.finalTrainingLoss, second[0].scores.finalTrainingLoss)
        XCTAssertEqual(first[0].scores.top1, second[0].scores.top1)
    }

    /// The ablation reads its config with `stgcn train`'s reader (`TrainingConfiguration`): same
    /// errors, defaults and policies.
    func testAblationConfigErrorsNameTheKey() throws {
        func message(_ text: String) -> String {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("ablation-\(UUID()).yaml")
            defer { try? FileManager.default.removeItem(at: url) }
            do {
                try ("model_args: {in_channels: 2, num_class: 2, graph_args: {layout: openpose}}\n" + text).write(to: url, atomically: true, encoding: .utf8)
                _ = try TrainingConfiguration(contentsOf: url)
                return ""
            } catch { return "\(error)" }
        }
        // The synthetic feeder's test set has defaults (as in `stgcn train`): no test_feeder_args needed.
        XCTAssertEqual(message("feeder: synthetic\ntrain_feeder_args: {frames: 8}\n"), "")
        XCTAssertTrue(message("feeder: mine\n").contains("feeder"))
        XCTAssertTrue(message("train_feeder_args: {data_path: a}\ntest_feeder_args: {data_path: a, label_path: b}\n")
            .contains("label_path"))
        XCTAssertTrue(message("feeder: synthetic\ntrain_feeder_args: {frames: 0}\ntest_feeder_args: {}\n").contains("at least 1"))
        // Unknown keys are warnings naming key and line, as in every command.
        let unknown = FileManager.default.temporaryDirectory.appendingPathComponent("ablation-\(UUID()).yaml")
        defer { try? FileManager.default.removeItem(at: unknown) }
        try "model_args: {in_channels: 2, num_class: 2, graph_args: {layout: openpose}}\nfeeder: synthetic\ntrain_feeder_args: {frame: 8}\n"
            .write(to: unknown, atomically: true, encoding: .utf8)
        let warnings = try TrainingConfiguration(contentsOf: unknown).warnings
        XCTAssertTrue(warnings.contains { $0.contains("frame") }, "\(warnings)")
        // Nesterov momentum is on unless the config says otherwise (the official trainer's default).
        XCTAssertTrue(try TrainingConfiguration(contentsOf: unknown).nesterov)
        XCTAssertTrue(message("feeder: synthetic\ntrain_feeder_args: {}\ntest_feeder_args: {}\nbatch_size: 0\n").contains("batch_size"))
    }
}
