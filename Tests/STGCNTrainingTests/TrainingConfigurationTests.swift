import XCTest
import SkeletonGraph
@testable import STGCNTraining

final class TrainingConfigurationTests: XCTestCase {
    func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID()).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// config/st_gcn/ntu-xsub/train.yaml as published.
    static let officialNTUXSub = """
    work_dir: ./work_dir/recognition/ntu-xsub/ST_GCN

    # feeder
    feeder: feeder.feeder.Feeder
    train_feeder_args:
      data_path: ./data/NTU-RGB-D/xsub/train_data.npy
      label_path: ./data/NTU-RGB-D/xsub/train_label.pkl
    test_feeder_args:
      data_path: ./data/NTU-RGB-D/xsub/val_data.npy
      label_path: ./data/NTU-RGB-D/xsub/val_label.pkl

    # model
    model: net.st_gcn.Model
    model_args:
      in_channels: 3
      num_class: 60
      dropout: 0.5
      edge_importance_weighting: True
      graph_args:
        layout: 'ntu-rgb+d'
        strategy: 'spatial'

    #optim
    weight_decay: 0.0001
    base_lr: 0.1
    step: [10, 50]

    # training
    device: [0,1,2,3]
    batch_size: 64
    test_batch_size: 64
    num_epoch: 80

    """

    func testPublishedNTUTrainConfigLoadsUnchanged() throws {
        let url = try write(Self.officialNTUXSub)
        let settings = try TrainingConfiguration(contentsOf: url)
        XCTAssertEqual(settings.feeder, .official)
        XCTAssertEqual(settings.model.classCount, 60)
        XCTAssertEqual(settings.model.layout, .ntuRGBD)
        XCTAssertEqual(settings.model.dropout, 0.5)
        XCTAssertEqual(settings.baseLearningRate, 0.1)
        XCTAssertEqual(settings.steps, [10, 50])
        XCTAssertEqual(settings.weightDecay, 0.0001)
        XCTAssertTrue(settings.nesterov)
        XCTAssertEqual(settings.batchSize, 64)
        XCTAssertEqual(settings.testBatchSize, 64)
        XCTAssertEqual(settings.epochCount, 80)
        XCTAssertEqual(settings.evalInterval, 5)
        XCTAssertEqual(settings.saveInterval, 10)
        XCTAssertEqual(settings.trainFeeder.dataPath?.lastPathComponent, "train_data.npy")
        XCTAssertEqual(settings.testFeeder?.labelPath?.lastPathComponent, "val_label.pkl")
        XCTAssertTrue(settings.workDirectory.path.hasSuffix("work_dir/recognition/ntu-xsub/ST_GCN"))
        XCTAssertEqual(settings.warnings.count, 1)
        XCTAssertTrue(settings.warnings[0].contains("device does not apply"), settings.warnings[0])
    }

    func testUnknownKeysAreWarningsNamingKeyAndLine() throws {
        let url = try write(Self.officialNTUXSub + "learning_rate: 0.3\n")
        let settings = try TrainingConfiguration(contentsOf: url)
        let warning = try XCTUnwrap(settings.warnings.first { $0.contains("learning_rate") })
        XCTAssertTrue(warning.contains(":\(Self.officialNTUXSub.split(separator: "\n", omittingEmptySubsequences: false).count)"), warning)
        // The inference reader stays strict.
        XCTAssertThrowsError(try ExperimentConfiguration(contentsOf: url))
    }

    func testWrongTypesAreErrorsNamingKeyAndLine() throws {
        let text = Self.officialNTUXSub.replacingOccurrences(of: "base_lr: 0.1", with: "base_lr: fast")
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("base_lr") }! + 1
        XCTAssertThrowsError(try TrainingConfiguration(contentsOf: try write(text))) { error in
            let error = error as! ConfigurationError
            XCTAssertEqual(error.key, "base_lr")
            XCTAssertEqual(error.line, line)
            XCTAssertTrue(error.description.contains("expected a number"), error.description)
        }
        let badStep = Self.officialNTUXSub.replacingOccurrences(of: "step: [10, 50]", with: "step: [10, x]")
        XCTAssertThrowsError(try TrainingConfiguration(contentsOf: try write(badStep))) { error in
            XCTAssertEqual((error as? ConfigurationError)?.key, "step[1]")
        }
        let adam = Self.officialNTUXSub + "optimizer: Adam\n"
        XCTAssertThrowsError(try TrainingConfiguration(contentsOf: try write(adam))) { error in
            XCTAssertTrue("\(error)".contains("unsupported optimizer"), "\(error)")
        }
    }

    /// `uniform_sampling` (PySKL's): random frames per segment for training, segment middles for
    /// evaluation; it needs a window_size.
    func testUniformSamplingIsRandomForTrainingAndCenteredForEvaluation() throws {
        let text = Self.officialNTUXSub
            .replacingOccurrences(of: "train_label.pkl\n", with: "train_label.pkl\n  uniform_sampling: True\n  window_size: 64\n")
            .replacingOccurrences(of: "val_label.pkl\n", with: "val_label.pkl\n  uniform_sampling: True\n  window_size: 64\n")
        let settings = try TrainingConfiguration(contentsOf: try write(text))
        XCTAssertEqual(settings.trainFeeder.options.uniformSampling, .random)
        XCTAssertEqual(settings.trainFeeder.options.windowSize, 64)
        XCTAssertEqual(settings.testFeeder?.options.uniformSampling, .centered)
        XCTAssertNil(try TrainingConfiguration(contentsOf: try write(Self.officialNTUXSub)).trainFeeder.options.uniformSampling)
        let noWindow = Self.officialNTUXSub.replacingOccurrences(of: "train_label.pkl\n", with: "train_label.pkl\n  uniform_sampling: True\n")
        let line = noWindow.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("uniform_sampling") }.map { $0 + 1 }
        XCTAssertThrowsError(try TrainingConfiguration(contentsOf: try write(noWindow))) { error in
            XCTAssertEqual((error as? ConfigurationError)?.key, "train_feeder_args.uniform_sampling")
            XCTAssertEqual((error as? ConfigurationError)?.line, line)
            XCTAssertTrue("\(error)".contains("needs window_size"), "\(error)")
        }
    }

    func testCommandLineOverrides() throws {
        let url = try write(Self.officialNTUXSub)
        let overrides = try ConfigurationOverride.parse([
            "--base-lr", "0.05", "--num_epoch=3", "--step", "[1, 2]", "--train-feeder-args.data-path", "/x/d.npy",
            "--test-feeder-args", "{random_move: true}", "--seed", "4",
        ])
        let settings = try TrainingConfiguration(contentsOf: url, overrides: overrides)
        XCTAssertEqual(settings.baseLearningRate, 0.05)
        XCTAssertEqual(settings.epochCount, 3)
        XCTAssertEqual(settings.steps, [1, 2])
        XCTAssertEqual(settings.seed, 4)
        XCTAssertEqual(settings.trainFeeder.dataPath?.path, "/x/d.npy")
        XCTAssertEqual(settings.trainFeeder.labelPath?.lastPathComponent, "train_label.pkl", "other keys kept")
        XCTAssertEqual(settings.testFeeder?.options.randomMove, true, "mappings merge")
        XCTAssertEqual(settings.testFeeder?.dataPath?.lastPathComponent, "val_data.npy", "mappings merge")

        XCTAssertThrowsError(try TrainingConfiguration(contentsOf: url, overrides: ConfigurationOverride.parse(["--batch-size", "big"]))) { error in
            let error = error as! ConfigurationError
            XCTAssertEqual(error.file, "command line")
            XCTAssertTrue(error.description.contains("--batch-size"), error.description)
            XCTAssertTrue(error.description.contains("batch_size"), error.description)
        }
        XCTAssertThrowsError(try TrainingConfiguration(contentsOf: url, overrides: ConfigurationOverride.parse(["--num-epochs", "3"]))) { error in
            XCTAssertTrue("\(error)".contains("unknown option --num-epochs"), "\(error)")
        }
        XCTAssertThrowsError(try ConfigurationOverride.parse(["stray"]))
        XCTAssertEqual(try ConfigurationOverride.parse(["--debug", "--seed", "2"]).map(\.value), ["true", "2"])
    }

    func testMissingTrainFeederAndBadFeederName() throws {
        let noTrain = Self.officialNTUXSub.replacingOccurrences(of: "train_feeder_args:", with: "other_args:")
        XCTAssertThrowsError(try TrainingConfiguration(contentsOf: try write(noTrain))) { error in
            XCTAssertEqual((error as? ConfigurationError)?.key, "train_feeder_args")
        }
        // For testing only test_feeder_args is needed.
        XCTAssertNoThrow(try TrainingConfiguration(contentsOf: try write(noTrain), purpose: .test))
        let badFeeder = Self.officialNTUXSub.replacingOccurrences(of: "feeder: feeder.feeder.Feeder", with: "feeder: my.Feeder")
        XCTAssertThrowsError(try TrainingConfiguration(contentsOf: try write(badFeeder))) { error in
            XCTAssertEqual((error as? ConfigurationError)?.key, "feeder")
            XCTAssertEqual((error as? ConfigurationError)?.line, 4)
        }
    }

    func testBuiltInRecipeReadsAndTakesOverrides() throws {
        let settings = try BuiltInRecipe.configuration(overrides: [ConfigurationOverride(key: "num-epoch", value: "2")])
        XCTAssertEqual(settings.feeder, .synthetic)
        XCTAssertEqual(settings.epochCount, 2)
        XCTAssertEqual(settings.model.classCount, 13)
        XCTAssertEqual(settings.trainFeeder.persons, 2, "both persons of the two-person classes")
        XCTAssertEqual(settings.testFeeder?.persons, 2)
        XCTAssertTrue(settings.warnings.isEmpty, "\(settings.warnings)")
    }
}
