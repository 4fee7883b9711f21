import InputLimits
import SkeletonGraph

/// The hyper-parameters of an ST-GCN model, mirroring the official `model_args`.
public struct ModelConfiguration: Sendable, Equatable {
    /// Channels per joint: 3 for (x, y, score) or (x, y, z). (`in_channels`)
    public var inputChannels: Int
    /// The number of action classes. (`num_class`)
    public var classCount: Int
    /// The skeleton layout. (`graph_args.layout`)
    public var layout: SkeletonLayout
    /// The partition strategy. (`graph_args.strategy`)
    public var strategy: PartitionStrategy
    /// The largest hop distance that counts as a neighbour. (`graph_args.max_hop`)
    public var maxHop: Int
    /// The hop step. (`graph_args.dilation`)
    public var dilation: Int
    /// Whether each block learns a `(K, V, V)` mask multiplied into `A`. (`edge_importance_weighting`)
    public var edgeImportanceWeighting: Bool
    /// The dropout probability of blocks 1–9. (`dropout`)
    public var dropout: Float
    /// The temporal kernel size (odd; the official model uses 9).
    public var temporalKernelSize: Int
    /// The ablation variant (`model_args.variant`; `stgcn`, the official model, by default).
    public var variant: ModelVariant

    /// A configuration with the official defaults for everything not given.
    public init(inputChannels: Int = 3, classCount: Int, layout: SkeletonLayout,
                strategy: PartitionStrategy = .spatial, maxHop: Int = 1, dilation: Int = 1,
                edgeImportanceWeighting: Bool = true, dropout: Float = 0, temporalKernelSize: Int = 9,
                variant: ModelVariant = .stgcn) {
        self.inputChannels = inputChannels
        self.classCount = classCount
        self.layout = layout
        self.strategy = strategy
        self.maxHop = maxHop
        self.dilation = dilation
        self.edgeImportanceWeighting = edgeImportanceWeighting
        self.dropout = dropout
        self.temporalKernelSize = temporalKernelSize
        self.variant = variant
    }

    /// The (input, output, stride) of the ten blocks for this configuration. The baseline TCN's
    /// first block reads each frame's `C·V` concatenated joint coordinates.
    public var blockSchedule: [(inputChannels: Int, outputChannels: Int, stride: Int)] {
        let first = variant == .baselineTCN ? inputChannels * layout.jointCount : inputChannels
        return [(first, 64, 1), (64, 64, 1), (64, 64, 1), (64, 64, 1), (64, 128, 2),
         (128, 128, 1), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 256, 1)]
    }

    /// Checks the values that cannot be expressed in the types, and the sizes against
    /// `InputLimits` (before a network allocates anything for them).
    public func validate() throws(ModelConfigurationError) {
        if let reason = InputLimits.violation("in_channels", inputChannels, atMost: InputLimits.maximumInputChannels) { throw .invalid(reason) }
        if let reason = InputLimits.violation("num_class", classCount, atMost: InputLimits.maximumClassCount) { throw .invalid(reason) }
        if temporalKernelSize > InputLimits.maximumTemporalKernelSize {
            throw .invalid(InputLimits.violation("temporal_kernel_size", temporalKernelSize, atMost: InputLimits.maximumTemporalKernelSize) ?? "")
        }
        if !(dropout >= 0 && dropout < 1) { throw .invalid("dropout must be in [0, 1), got \(dropout)") }
        if temporalKernelSize < 1 || temporalKernelSize % 2 == 0 {
            throw .invalid("the temporal kernel size must be odd, got \(temporalKernelSize)")
        }
        if maxHop < 0 { throw .invalid("max_hop must not be negative, got \(maxHop)") }
        if dilation < 1 { throw .invalid("dilation must be at least 1, got \(dilation)") }
        if variant == .baselineTCN && edgeImportanceWeighting {
            throw .invalid("the baseline TCN has no graph, so edge_importance_weighting must be false")
        }
        if variant == .distanceTied && (strategy != .distance || maxHop != 1 || dilation != 1) {
            throw .invalid("distance_tied needs the distance strategy with max_hop 1 and dilation 1 (two subsets), got \(strategy.rawValue), max_hop \(maxHop), dilation \(dilation)")
        }
    }
}

/// A model configuration that cannot be built.
public enum ModelConfigurationError: Error, CustomStringConvertible, Equatable {
    /// A value out of its range, with an explanation.
    case invalid(String)
    /// The graph could not be built from the layout and strategy.
    case graph(String)

    public var description: String {
        switch self {
        case .invalid(let message): return "invalid model configuration: \(message)"
        case .graph(let message): return "invalid graph: \(message)"
        }
    }
}
