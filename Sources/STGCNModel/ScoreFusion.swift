import STGCNTensor

/// Why class scores could not be fused.
public enum ScoreFusionError: Error, Equatable, CustomStringConvertible {
    /// No streams were given.
    case noStreams
    /// A stream's logits do not have the first stream's shape `(N, classes)`.
    case shapeMismatch(stream: Int, expected: [Int], found: [Int])
    /// The weights do not match the streams, or are negative or all zero.
    case invalidWeights(String)

    public var description: String {
        switch self {
        case .noStreams: return "score fusion needs at least one stream"
        case let .shapeMismatch(stream, expected, found):
            return "score fusion: stream \(stream) has logits \(found), expected \(expected)"
        case .invalidWeights(let reason): return "score fusion: \(reason)"
        }
    }
}

/// Late fusion of multi-stream models: `Σ_s w_s · softmax(logits_s)` per sample, with equal
/// weights (the average) unless given (2s-AGCN uses joint 1, bone 1; PySKL's four streams
/// often 2, 2, 1, 1). The result's rows are probabilities when the weights sum to 1, which
/// they do after normalization here.
public enum ScoreFusion {
    /// The fused scores `(N, classes)` of streams' logits, each `(N, classes)`.
    public static func fuse(_ logits: [Tensor], weights: [Float]? = nil) throws(ScoreFusionError) -> Tensor {
        guard let first = logits.first else { throw .noStreams }
        guard first.shape.count == 2 else { throw .shapeMismatch(stream: 0, expected: [first.shape.first ?? 0, -1], found: first.shape) }
        for (index, stream) in logits.enumerated() where stream.shape != first.shape {
            throw .shapeMismatch(stream: index, expected: first.shape, found: stream.shape)
        }
        let raw = weights ?? [Float](repeating: 1, count: logits.count)
        guard raw.count == logits.count else {
            throw .invalidWeights("\(raw.count) weights for \(logits.count) streams")
        }
        guard raw.allSatisfy({ $0 >= 0 && $0.isFinite }) else { throw .invalidWeights("weights must be finite and non-negative, got \(raw)") }
        let total = raw.reduce(0, +)
        guard total > 0 else { throw .invalidWeights("the weights sum to zero") }
        var fused = Tensor(shape: first.shape)
        for (stream, weight) in zip(logits, raw) {
            let probabilities = CrossEntropy.probabilities(logits: stream)
            for i in 0..<fused.count { fused.scalars[i] += weight / total * probabilities.scalars[i] }
        }
        return fused
    }
}
