import Foundation
import SkeletonFormats
import STGCNModel
import STGCNTensor

/// Config → model → weights: the one path by which every command that runs a trained model
/// (`infer`, `test`, `predict`) builds it.
///
/// - The config's `model` selects the class (`net.st_gcn.Model` → `STGCNNetwork`,
///   `net.st_gcn_twostream.Model` → `TwoStreamNetwork`), `model_args` its options and variant.
/// - Weights load strictly (every model tensor must be present with its shape; keys of another
///   model are an error), with one documented exception: a training checkpoint's non-model keys
///   (`optimizer.momentum.*`, see `TrainingCheckpoint`) are skipped, so a checkpoint written by
///   `stgcn train` loads wherever a weights file does.
public enum TrainedModelLoader {
    /// Key prefixes of a training checkpoint that are not model weights (skipped on load).
    public static let trainingOnlyPrefixes = [TrainingCheckpoint.momentumPrefix]

    /// Builds the config's model and loads `weights` (`.safetensors`, `.pt`, `.pth`) into it.
    /// - Throws: `TrainedModelLoadError` naming the config or the weights file.
    public static func load(_ experiment: ExperimentConfiguration, configSource: String,
                            weights: URL) throws(TrainedModelLoadError) -> any ActionRecognitionModel {
        let model: any ActionRecognitionModel
        do { model = try experiment.architecture.makeModel(configuration: experiment.model) } catch {
            throw .configuration(source: configSource, reason: error.description)
        }
        let tensors: [String: SafetensorsTensor]
        do { tensors = try WeightsFile.tensors(contentsOf: weights) } catch {
            throw .weights(reason: "\(error)")
        }
        do { try model.load(stateDict: tensors, source: weights.path, ignoring: trainingOnlyPrefixes) } catch {
            throw .weights(reason: "\(error)" + hint(experiment.architecture, tensors))
        }
        return model
    }

    /// When the file's keys belong to the other architecture, says which `model:` to use.
    static func hint(_ architecture: ModelArchitecture, _ tensors: [String: SafetensorsTensor]) -> String {
        let twoStreamKeys = tensors.keys.contains { $0.hasPrefix("origin_stream.") || $0.hasPrefix("module.origin_stream.") }
        switch (architecture, twoStreamKeys) {
        case (.singleStream, true): return " (the file holds a two-stream model: set `model: \(ModelArchitecture.twoStream.rawValue)`)"
        case (.twoStream, false): return " (the file holds a single-stream model: set `model: \(ModelArchitecture.singleStream.rawValue)`)"
        default: return ""
        }
    }
}

/// Why a trained model could not be built and loaded.
public enum TrainedModelLoadError: Error, CustomStringConvertible, Equatable {
    /// The config's model cannot be built (`source` is the config file).
    case configuration(source: String, reason: String)
    /// The weights file cannot be read or does not fit the model (the reason names the file).
    case weights(reason: String)

    public var description: String {
        switch self {
        case let .configuration(source, reason): return "\(source): \(reason)"
        case let .weights(reason): return reason
        }
    }
}

extension ActionRecognitionModel {
    /// Evaluation-mode logits `(N, classCount)` for a batch `(N, C, T, V, M)`, run `batchSize`
    /// samples at a time so that memory stays bounded for large inputs.
    public func predictLogits(_ input: Tensor, batchSize: Int = 16) -> Tensor {
        precondition(input.shape.count == 5, "expected (N, C, T, V, M), got \(input.shape)")
        let samples = input.shape[0]
        let perSample = input.count / max(samples, 1)
        let classes = classCount
        var logits = Tensor(shape: [samples, classes])
        var start = 0
        while start < samples {
            let end = min(samples, start + max(1, batchSize))
            var shape = input.shape
            shape[0] = end - start
            let chunk = Tensor(shape: shape, scalars: Array(input.scalars[(start * perSample)..<(end * perSample)]))
            let out = infer(chunk)
            logits.scalars.replaceSubrange((start * classes)..<(end * classes), with: out.scalars)
            start = end
        }
        return logits
    }
}
