import SkeletonFormats
import STGCNTensor

/// The official two-stream model (`net.st_gcn_twostream.Model`): one ST-GCN on the
/// coordinates and a second, identically configured one on their motion, logits summed.
///
///     m[:, :, t] = x[:, :, t] − ½·x[:, :, t+1] − ½·x[:, :, t−1]   for 0 < t < T − 1,
///     m[:, :, 0] = m[:, :, T−1] = 0                                (zero motion at both ends)
///     logits     = origin_stream(x) + motion_stream(m)
///
/// (The official code builds `m` by concatenating a zero frame, the central difference of the
/// inner frames and another zero frame along T.) Keys are `origin_stream.*` and
/// `motion_stream.*`, each stream with the single-stream key names, so official two-stream
/// checkpoints load.
public final class TwoStreamNetwork: ActionRecognitionModel {
    /// The configuration of each stream.
    public let configuration: ModelConfiguration
    /// `origin_stream`: the network on the coordinates.
    public let originStream: STGCNNetwork
    /// `motion_stream`: the network on the motion.
    public let motionStream: STGCNNetwork

    /// Two streams built from `configuration` (see `STGCNNetwork.init(configuration:)`).
    public init(configuration: ModelConfiguration) throws(ModelConfigurationError) {
        self.configuration = configuration
        originStream = try STGCNNetwork(configuration: configuration)
        motionStream = try STGCNNetwork(configuration: configuration)
    }

    /// The number of classes.
    public var classCount: Int { configuration.classCount }

    /// Both streams' batch norms.
    public var batchNormalizations: [BatchNorm] { originStream.batchNormalizations + motionStream.batchNormalizations }

    public func visitParameters(prefix: String, _ body: (String, Parameter) throws -> Void) rethrows {
        try originStream.visitParameters(prefix: prefix + "origin_stream.", body)
        try motionStream.visitParameters(prefix: prefix + "motion_stream.", body)
    }

    public func visitBuffers(prefix: String, _ body: (String, StateBuffer) throws -> Void) rethrows {
        try originStream.visitBuffers(prefix: prefix + "origin_stream.", body)
        try motionStream.visitBuffers(prefix: prefix + "motion_stream.", body)
    }

    /// Initializes each stream as `STGCNNetwork.initializeWeights(seed:)` does, with two seeds derived from `seed`.
    public func initializeWeights(seed: UInt64) {
        originStream.initializeWeights(seed: seed)
        motionStream.initializeWeights(seed: seed ^ 0x6D6F_7469_6F6E)
    }

    /// Reseeds both streams' dropout layers.
    public func reseedDropout(_ seed: UInt64) {
        originStream.reseedDropout(seed)
        motionStream.reseedDropout(seed ^ 0x6D6F_7469_6F6E)
    }

    /// Both streams' state dicts, including `origin_stream.A` and `motion_stream.A`.
    public func stateDict() -> [String: SafetensorsTensor] {
        originStream.stateDict(prefix: "origin_stream.").merging(motionStream.stateDict(prefix: "motion_stream.")) { a, _ in a }
    }

    /// The summed logits `(N, classCount)` for a batch `(N, C, T, V, M)`.
    public func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        let origin = originStream.forward(input, mode: mode)
        var logits = motionStream.forward(Self.motion(input), mode: mode)
        addInPlace(&logits.scalars, origin.scalars)
        return logits
    }

    /// Evaluation-mode logits, each stream through its fastest inference path.
    public func infer(_ input: Tensor) -> Tensor {
        var logits = motionStream.infer(Self.motion(input))
        addInPlace(&logits.scalars, originStream.infer(input).scalars)
        return logits
    }

    /// The logits in training or evaluation mode, keeping activations for `backward`.
    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        forward(input, mode: ForwardMode(training: training))
    }

    /// Back-propagates `dL/dlogits` through both streams and the motion transform; returns `dL/dinput`.
    @discardableResult
    public func backward(_ logitsGradient: Tensor) -> Tensor {
        var dx = originStream.backward(logitsGradient)
        let dMotion = Self.motionBackward(motionStream.backward(logitsGradient))
        addInPlace(&dx.scalars, dMotion.scalars)
        return dx
    }

    /// The motion input `m` of a batch `(N, C, T, V, M)` (same shape; all zeros when `T < 3`).
    public static func motion(_ x: Tensor) -> Tensor {
        precondition(x.shape.count == 5, "two-stream input must be (N, C, T, V, M), got \(x.shape)")
        let frames = x.shape[2], inner = x.shape[3] * x.shape[4], rows = x.shape[0] * x.shape[1]
        var m = Tensor(shape: x.shape)
        guard frames >= 3 else { return m }
        x.scalars.withUnsafeBufferPointer { xp in
            m.scalars.withUnsafeMutableBufferPointer { mp in
                for row in 0..<rows {
                    let base = row * frames * inner
                    for t in 1..<(frames - 1) {
                        let at = base + t * inner
                        for i in 0..<inner {
                            mp[at + i] = xp[at + i] - 0.5 * xp[at + inner + i] - 0.5 * xp[at - inner + i]
                        }
                    }
                }
            }
        }
        return m
    }

    /// The adjoint of `motion`: `dL/dx` from `dL/dm`.
    public static func motionBackward(_ dm: Tensor) -> Tensor {
        let frames = dm.shape[2], inner = dm.shape[3] * dm.shape[4], rows = dm.shape[0] * dm.shape[1]
        var dx = Tensor(shape: dm.shape)
        guard frames >= 3 else { return dx }
        dm.scalars.withUnsafeBufferPointer { gp in
            dx.scalars.withUnsafeMutableBufferPointer { dp in
                for row in 0..<rows {
                    let base = row * frames * inner
                    for t in 1..<(frames - 1) {
                        let at = base + t * inner
                        for i in 0..<inner {
                            let g = gp[at + i]
                            dp[at + i] += g
                            dp[at + inner + i] -= 0.5 * g
                            dp[at - inner + i] -= 0.5 * g
                        }
                    }
                }
            }
        }
        return dx
    }
}
