import ArgumentParser
import Foundation
import STGCN

/// `stgcn export-onnx`: the evaluation-mode network as an ONNX model.
struct ExportONNXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-onnx",
        abstract: "Export the evaluation-mode network to ONNX: input `input` (batch, C, T, V, M), output `logits`.",
        discussion: "The config's `model:` selects the class: net.st_gcn.Model or net.st_gcn_twostream.Model (T ≥ 3).")

    @Option(name: .shortAndLong, help: "An official-format YAML config (model_args, graph_args).")
    var config: String

    @Option(help: "Weights: .safetensors, .pt or .pth. Defaults to the config's `weights`.")
    var weights: String?

    @Option(name: .shortAndLong, help: "Where to write the .onnx model.")
    var output: String

    @Option(help: "Frames T of the declared input shape (the graph accepts any T).")
    var frames: Int = 300

    @Flag(help: "Declare T as the symbolic dimension `frames` instead of --frames.")
    var dynamicFrames = false

    @Option(help: "Persons M per clip (fixed: the head averages over them).")
    var persons: Int = 2

    @Option(help: "ONNX operator-set version, \(ONNXExportOptions.supportedOpsets.lowerBound)–\(ONNXExportOptions.supportedOpsets.upperBound).")
    var opset: Int = 17

    func run() throws {
        try CLIError.requireBLAS()
        let options = ONNXExportOptions(frames: dynamicFrames ? nil : frames, persons: persons, opset: opset)
        do { try options.validate() } catch { throw CLIError("\(output): \(error.description)") }
        try CLIError.checkOutput(output)
        let experiment = try ConfigurationLoading.experiment(config)
        guard let weightsURL = weights.map({ URL(fileURLWithPath: $0) }) ?? experiment.weights else {
            throw CLIError("\(config): no weights given; pass --weights or set `weights` in the config")
        }
        let loaded: any ActionRecognitionModel
        do { loaded = try TrainedModelLoader.load(experiment, configSource: config, weights: weightsURL) } catch {
            throw CLIError(error.description)
        }
        guard let network = loaded as? any ONNXExportable else {
            throw CLIError("\(config): export-onnx cannot export \(experiment.architecture.rawValue)")
        }
        let model: ONNXModel
        do { model = try network.onnxModel(options: options) } catch { throw CLIError("\(output): \(error.description)") }
        do { try OutputFile.write(model.serializedData(), to: URL(fileURLWithPath: output)) } catch { throw CLIError(error.description) }
        let shape = "(batch, \(experiment.model.inputChannels), \(dynamicFrames ? "frames" : String(frames)), "
            + "\(experiment.model.layout.jointCount), \(persons))"
        print("wrote \(output): opset \(opset), \(model.graph.nodes.count) nodes, \(model.graph.initializers.count) initializers; "
              + "input \(shape) → logits (batch, \(experiment.model.classCount))")
    }
}
