/// How a forward pass runs.
public enum ForwardMode: Sendable, Equatable {
    /// Batch statistics (running statistics updated), dropout active, activations kept for `backward`.
    case training
    /// Running statistics, no dropout, activations kept for `backward` (e.g. gradient checks, saliency).
    case evaluation
    /// Running statistics, no dropout, nothing kept: the fastest, lowest-memory prediction.
    case inference

    /// Whether batch norm uses (and updates) batch statistics.
    @inlinable public var usesBatchStatistics: Bool { self == .training }
    /// Whether layers keep what `backward` needs.
    @inlinable public var retainsActivations: Bool { self != .inference }

    /// `.training` or `.evaluation`.
    @inlinable public init(training: Bool) { self = training ? .training : .evaluation }
}
