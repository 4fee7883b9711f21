import Foundation
import SkeletonFormats
import STGCNTensor

/// A trainable classifier of skeleton clips: `STGCNNetwork` (every `ModelVariant`) and
/// `TwoStreamNetwork`. Training loops, evaluation and checkpoints work on this protocol.
public protocol ActionRecognitionModel: ParameterContainer {
    /// The number of classes (columns of the logits).
    var classCount: Int { get }
    /// The model options (layout, strategy, channels, variant) it was built with.
    var configuration: ModelConfiguration { get }
    /// The logits `(N, classCount)` for a batch `(N, C, T, V, M)` in `mode`.
    func forward(_ input: Tensor, mode: ForwardMode) -> Tensor
    /// Evaluation-mode logits without keeping anything for `backward` (the fastest way to predict).
    func infer(_ input: Tensor) -> Tensor
    /// Back-propagates `dL/dlogits` through the last retaining `forward`, accumulating every
    /// parameter's gradient; returns `dL/dinput`.
    @discardableResult
    func backward(_ logitsGradient: Tensor) -> Tensor
    /// The official trainer's initialization, reproducible from `seed`.
    func initializeWeights(seed: UInt64)
    /// Reseeds every dropout layer, so that training masks are reproducible.
    func reseedDropout(_ seed: UInt64)
    /// The state dict (parameters, buffers and graph buffers) under the official key names.
    func stateDict() -> [String: SafetensorsTensor]
    /// Every batch norm of the model, in state-dict order (for synchronized batch norm).
    var batchNormalizations: [BatchNorm] { get }
}

extension ActionRecognitionModel {
    /// Writes the state dict to a safetensors file atomically (temporary file, then rename).
    public func saveWeights(to url: URL, metadata: [String: String]? = nil) throws {
        try SafetensorsFile.write(stateDict(), metadata: metadata, to: url)
    }
}
