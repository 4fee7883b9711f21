import Foundation
import XCTest
import STGCN
import STGCNTestSupport

/// `model:` and the weights-file policy through the real `stgcn` binary: `infer`, `predict`
/// and `test` build the config's model class and load the same files the same way.
final class TrainedModelLoaderCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = try makeTemporaryDirectory(self)
    }

    func writeConfig(model: String, name: String = "config.yaml") throws -> URL {
        let url = folder.appendingPathComponent(name)
        try """
        model: \(model)
        model_args:
          in_channels: 3
          num_class: 4
          edge_importance_weighting: True
          graph_args:
            layout: 'openpose'
            strategy: 'spatial'
        test_batch_size: 2
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func writeInput(shape: [Int]) throws -> (URL, Tensor) {
        var generator = SeededGenerator(seed: 11)
        let values = (0..<shape.reduce(1, *)).map { _ in generator.nextUniform() - 0.5 }
        let url = folder.appendingPathComponent("input.npy")
        try Npy.write(float32: values, shape: shape, to: url)
        return (url, Tensor(shape: shape, scalars: values))
    }

    /// A two-stream checkpoint (`origin_stream.*`, `motion_stream.*` keys, as the official
    /// two-stream model saves them) gives that model's logits through `stgcn infer` when the
    /// config says `model: net.st_gcn_twostream.Model`, and a clear hint when it does not.
    func testTwoStreamConfigBuildsTheTwoStreamModel() throws {
        let network = try TwoStreamNetwork(configuration: ModelConfiguration(classCount: 4, layout: .openpose))
        network.initializeWeights(seed: 7)
        let weights = folder.appendingPathComponent("two-stream.safetensors")
        try network.saveWeights(to: weights)
        let (input, tensor) = try writeInput(shape: [3, 3, 12, 18, 2])
        let expected = network.infer(tensor).scalars

        let output = folder.appendingPathComponent("logits.npy")
        let config = try writeConfig(model: "net.st_gcn_twostream.Model")
        let result = try CommandRunner.run(["infer", "-c", config.path, "--weights", weights.path,
                                            "--input", input.path, "--output", output.path])
        XCTAssertEqual(result.status, 0, result.error)
        let logits = try Npy.read(contentsOf: output).floatValues()
        XCTAssertEqual(logits.count, expected.count)
        for (a, b) in zip(logits, expected) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b))) }

        let single = try writeConfig(model: "net.st_gcn.Model", name: "single.yaml")
        let wrong = try CommandRunner.run(["infer", "-c", single.path, "--weights", weights.path,
                                           "--input", input.path, "--output", output.path])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.error.contains("set `model: net.st_gcn_twostream.Model`"), wrong.error)

        // ONNX export writes the two-stream graph (onnxruntime checks its logits in scripts/check-onnx).
        let onnx = try CommandRunner.run(["export-onnx", "-c", config.path, "--weights", weights.path,
                                          "--output", folder.appendingPathComponent("m.onnx").path, "--frames", "12"])
        XCTAssertEqual(onnx.status, 0, onnx.error)
        let tooShort = try CommandRunner.run(["export-onnx", "-c", config.path, "--weights", weights.path,
                                              "--output", folder.appendingPathComponent("short.onnx").path, "--frames", "2"])
        XCTAssertNotEqual(tooShort.status, 0)
        XCTAssertTrue(tooShort.error.contains("at least 3"), tooShort.error)
    }

    /// A training checkpoint (weights plus `optimizer.momentum.*`) loads in `infer` and
    /// `predict` alike, and gives the same logits as the plain weights file.
    func testTrainingCheckpointKeysAreSkippedByEveryCommand() throws {
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: 4, layout: .openpose))
        network.initializeWeights(seed: 5)
        var tensors = network.stateDict()
        for (name, parameter) in network.namedParameters() {
            tensors[TrainingCheckpoint.momentumPrefix + name] = SafetensorsTensor(
                float32: [Float](repeating: 0.5, count: parameter.count), shape: parameter.shape)
        }
        let checkpoint = folder.appendingPathComponent("checkpoint.safetensors")
        try SafetensorsFile.write(tensors, to: checkpoint)
        let (input, tensor) = try writeInput(shape: [2, 3, 10, 18, 2])
        let expected = network.infer(tensor).scalars
        let config = try writeConfig(model: "net.st_gcn.Model")

        let output = folder.appendingPathComponent("logits.npy")
        let infer = try CommandRunner.run(["infer", "-c", config.path, "--weights", checkpoint.path,
                                           "--input", input.path, "--output", output.path])
        XCTAssertEqual(infer.status, 0, infer.error)
        let logits = try Npy.read(contentsOf: output).floatValues()
        for (a, b) in zip(logits, expected) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b))) }

        let predict = try CommandRunner.run(["predict", "-c", config.path, "--weights", checkpoint.path,
                                             "--input", input.path, "--json"])
        XCTAssertEqual(predict.status, 0, predict.error)
        let onnx = try CommandRunner.run(["export-onnx", "-c", config.path, "--weights", checkpoint.path,
                                          "--output", folder.appendingPathComponent("m.onnx").path])
        XCTAssertEqual(onnx.status, 0, onnx.error)
    }

    /// `stgcn train` trains the config's model class: the two-stream network goes through the
    /// same Trainer (checkpoints, Ctrl-C/--resume, report) and `stgcn test` evaluates its weights
    /// with the top-1 the training run reported.
    func testTwoStreamTrainsThroughTheTrainerAndTests() throws {
        let experiment = try TinyExperiment(folder: folder.appendingPathComponent("tiny"))
        let config = folder.appendingPathComponent("two-stream.yaml")
        try experiment.config().replacingOccurrences(of: "model: net.st_gcn.Model", with: "model: net.st_gcn_twostream.Model")
            .write(to: config, atomically: true, encoding: .utf8)
        let work = folder.appendingPathComponent("run")
        let train = try CommandRunner.run(["train", "-c", config.path, "--num-epoch", "2", "--work-dir", work.path])
        XCTAssertEqual(train.status, 0, train.error)
        XCTAssertTrue(train.output.contains("Two-stream ST-GCN"), train.output)
        let weights = work.appendingPathComponent("epoch2_model.safetensors")
        let keys = try SafetensorsFile(contentsOf: weights).tensors.keys
        XCTAssertTrue(keys.contains { $0.hasPrefix("origin_stream.") } && keys.contains { $0.hasPrefix("motion_stream.") })

        let test = try CommandRunner.run(["test", "-c", config.path, "--weights", weights.path])
        XCTAssertEqual(test.status, 0, test.error)
        let trainTop1 = train.output.components(separatedBy: "\tTop1: ").last?.prefix(while: { $0 != "%" })
        let testTop1 = test.output.components(separatedBy: "\tTop1: ").last?.prefix(while: { $0 != "%" })
        XCTAssertNotNil(trainTop1)
        XCTAssertEqual(trainTop1, testTop1)

        // One more epoch on the same work_dir continues the run.
        let resumed = try CommandRunner.run(["train", "-c", config.path, "--num-epoch", "3", "--work-dir", work.path, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.error)
        XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent("epoch3_model.safetensors").path))
    }

    /// `stgcn bench -c` measures the config's model class: a two-stream config runs both
    /// streams (twice the single-stream FLOPs per clip).
    func testBenchMeasuresTheConfigsModelClass() throws {
        func measure(_ model: String) throws -> JSONValue {
            let config = try writeConfig(model: model, name: "\(model).yaml")
            let result = try CommandRunner.run(["bench", "-c", config.path, "--mode", "infer", "--batch", "1", "--frames", "8",
                                                "--repeats", "1", "--warmup", "0", "--json"])
            XCTAssertEqual(result.status, 0, result.error)
            let line = try XCTUnwrap(result.output.split(separator: "\n").last.map(String.init))
            return try JSONReader.parse(line)
        }
        let single = try measure("net.st_gcn.Model"), twoStream = try measure("net.st_gcn_twostream.Model")
        XCTAssertEqual(try twoStream.member("model").string(field: "model"), "net.st_gcn_twostream.Model")
        XCTAssertGreaterThan(try twoStream.member("clips_per_second").double(field: "clips_per_second"), 0)
        let singleFlops = try single.member("gflop_per_clip").double(field: "gflop_per_clip")
        XCTAssertEqual(try twoStream.member("gflop_per_clip").double(field: "gflop_per_clip"), 2 * singleFlops, accuracy: 1e-9)
    }

    /// `stgcn convert` validates a two-stream checkpoint against the two-stream model (from the
    /// config's `model:`, or from its keys with `--layout`), and fine-tuning to another class
    /// count drops both streams' classifiers.
    func testConvertValidatesTwoStreamCheckpoints() throws {
        let network = try TwoStreamNetwork(configuration: ModelConfiguration(classCount: 4, layout: .openpose))
        network.initializeWeights(seed: 3)
        let weights = folder.appendingPathComponent("two-stream.safetensors")
        try network.saveWeights(to: weights)
        let config = try writeConfig(model: "net.st_gcn_twostream.Model")
        let out = folder.appendingPathComponent("out.pt")
        let viaConfig = try CommandRunner.run(["convert", weights.path, out.path, "-c", config.path])
        XCTAssertEqual(viaConfig.status, 0, viaConfig.error)
        // Every tensor loads; the graph buffers (A) are rebuilt from the config, as for one stream.
        XCTAssertTrue(viaConfig.output.contains("loaded 342, unused 2 (motion_stream.A, origin_stream.A), missing 0"), viaConfig.output)

        let fineTune = try CommandRunner.run(["convert", weights.path, folder.appendingPathComponent("ft.safetensors").path,
                                              "--layout", "openpose", "--num-class", "7"])
        XCTAssertEqual(fineTune.status, 0, fineTune.error)
        XCTAssertTrue(fineTune.output.contains("checkpoint has 4 classes, model 7"), fineTune.output)
        let kept = try SafetensorsFile(contentsOf: folder.appendingPathComponent("ft.safetensors")).tensors.keys
        XCTAssertFalse(kept.contains { $0.contains("fcn.") }, "both classifiers dropped")
        XCTAssertTrue(kept.contains("motion_stream.data_bn.weight"))

        let single = try writeConfig(model: "net.st_gcn.Model", name: "single.yaml")
        let wrong = try CommandRunner.run(["convert", weights.path, out.path, "-c", single.path])
        XCTAssertNotEqual(wrong.status, 0, "a two-stream checkpoint does not validate against the single-stream model")
    }

    /// The ablation variants come through `model_args.variant` in every command that builds a
    /// model: `infer` gives the variant's own logits from its weights, and `bench -c` runs it.
    func testAblationVariantsThroughModelArgs() throws {
        let (input, tensor) = try writeInput(shape: [2, 3, 10, 18, 2])
        for variant in [ModelVariant.distanceTied, .localConvolution, .baselineTCN] {
            let strategy: PartitionStrategy = variant == .distanceTied ? .distance : .spatial
            let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: 4, layout: .openpose, strategy: strategy,
                                                                             edgeImportanceWeighting: variant.usesGraph, variant: variant))
            network.initializeWeights(seed: 9)
            let weights = folder.appendingPathComponent("\(variant.rawValue).safetensors")
            try network.saveWeights(to: weights)
            let config = folder.appendingPathComponent("\(variant.rawValue).yaml")
            try String(contentsOf: try writeConfig(model: "net.st_gcn.Model"), encoding: .utf8)
                .replacingOccurrences(of: "model_args:\n", with: "model_args:\n  variant: \(variant.rawValue)\n")
                .replacingOccurrences(of: "strategy: 'spatial'", with: "strategy: '\(strategy.rawValue)'")
                .replacingOccurrences(of: "edge_importance_weighting: True", with: "edge_importance_weighting: \(variant.usesGraph ? "True" : "False")")
                .write(to: config, atomically: true, encoding: .utf8)
            let output = folder.appendingPathComponent("\(variant.rawValue).npy")
            let infer = try CommandRunner.run(["infer", "-c", config.path, "--weights", weights.path,
                                               "--input", input.path, "--output", output.path])
            XCTAssertEqual(infer.status, 0, "\(variant): \(infer.error)")
            let expected = network.infer(tensor).scalars
            for (a, b) in zip(try Npy.read(contentsOf: output).floatValues(), expected) {
                XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b)), "\(variant)")
            }
            if variant == .localConvolution {
                let bench = try CommandRunner.run(["bench", "-c", config.path, "--mode", "train", "--batch", "1",
                                                   "--frames", "8", "--repeats", "1", "--warmup", "0"])
                XCTAssertEqual(bench.status, 0, bench.error)
                XCTAssertTrue(bench.output.contains("local_convolution"), bench.output)
            }
        }
    }
}
