import ArgumentParser
import Foundation
import STGCN

/// `stgcn infer`: evaluation-mode logits for a `.npy` batch, from an official config and weights.
struct InferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Compute logits (N, num_class) for a float32 (N, C, T, V, M) .npy file.")

    @Option(name: .shortAndLong, help: "An official-format YAML config (model_args, graph_args).")
    var config: String

    @Option(help: "Weights: .safetensors (official key names), .pt or .pth. Defaults to the config's `weights`.")
    var weights: String?

    @Option(help: "Input batch: float32, C-order .npy of shape (N, C, T, V, M).")
    var input: String

    @Option(help: "Where to write the float32 logits (N, num_class) as .npy.")
    var output: String

    @Option(help: "Samples per forward pass (default: the config's test_batch_size, else 16).")
    var batchSize: Int?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    func run() throws {
        try CLIError.requireBLAS()
        try CLIError.checkOutput(output)
        if let threads { Parallel.setWorkerCount(threads) }
        let experiment = try ConfigurationLoading.experiment(config)
        guard let weightsURL = weights.map({ URL(fileURLWithPath: $0) }) ?? experiment.weights else {
            throw CLIError("\(config): no weights given; pass --weights or set `weights` in the config")
        }
        let network: any ActionRecognitionModel
        do { network = try TrainedModelLoader.load(experiment, configSource: config, weights: weightsURL) } catch {
            throw CLIError(error.description)
        }
        let batch = try InputBatch.read(input, configuration: experiment.model)
        let logits = network.predictLogits(batch, batchSize: batchSize ?? experiment.testBatchSize ?? 16)
        do {
            try Npy.write(float32: logits.scalars, shape: logits.shape, to: URL(fileURLWithPath: output))
        } catch { throw CLIError(error.description) }
        print("wrote \(output): logits \(logits.shape) for \(batch.shape[0]) samples")
    }
}
