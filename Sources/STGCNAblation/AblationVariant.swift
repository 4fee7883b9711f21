import STGCNTraining
import SkeletonGraph
import STGCNModel

/// One row of the ablation table: a name for `stgcn ablation --variants`, the row of the
/// paper's Table 1 it reproduces, and how it changes the base model configuration.
public struct AblationVariant: Sendable, Equatable {
    /// The name used on the command line and in reports (`distance_tied`).
    public let name: String
    /// The row of Table 1 (`ST-GCN + distance partitioning*`).
    public let title: String
    /// The model variant.
    public let variant: ModelVariant
    /// The partition strategy.
    public let strategy: PartitionStrategy
    /// Whether the blocks learn edge-importance masks.
    public let edgeImportance: Bool
    /// The network class (`twoStream` only for the extra `two_stream` row).
    public let architecture: ModelArchitecture

    /// The Table 1 rows in the paper's order, ending with the official model.
    public static let table1: [AblationVariant] = [
        AblationVariant(name: "baseline_tcn", title: "Baseline TCN", variant: .baselineTCN, strategy: .uniform,
                        edgeImportance: false, architecture: .singleStream),
        AblationVariant(name: "local_convolution", title: "Local convolution", variant: .localConvolution,
                        strategy: .uniform, edgeImportance: false, architecture: .singleStream),
        AblationVariant(name: "uniform", title: "ST-GCN + uni-labeling", variant: .stgcn, strategy: .uniform,
                        edgeImportance: false, architecture: .singleStream),
        AblationVariant(name: "distance_tied", title: "ST-GCN + distance partitioning*", variant: .distanceTied,
                        strategy: .distance, edgeImportance: false, architecture: .singleStream),
        AblationVariant(name: "distance", title: "ST-GCN + distance partitioning", variant: .stgcn, strategy: .distance,
                        edgeImportance: false, architecture: .singleStream),
        AblationVariant(name: "spatial", title: "ST-GCN + spatial configuration partitioning", variant: .stgcn,
                        strategy: .spatial, edgeImportance: false, architecture: .singleStream),
        AblationVariant(name: "stgcn", title: "ST-GCN + edge importance (official)", variant: .stgcn, strategy: .spatial,
                        edgeImportance: true, architecture: .singleStream),
    ]

    /// Rows that are not in Table 1 but can be asked for by name.
    public static let extras: [AblationVariant] = [
        AblationVariant(name: "two_stream", title: "Two-stream ST-GCN (coordinates + motion)", variant: .stgcn,
                        strategy: .spatial, edgeImportance: true, architecture: .twoStream),
    ]

    /// Every variant that `named(_:)` knows.
    public static var all: [AblationVariant] { table1 + extras }

    /// The variant called `name`, or nil.
    public static func named(_ name: String) -> AblationVariant? {
        all.first { $0.name == name }
    }

    /// `base` with this row's variant, strategy and edge importance (max_hop 1, dilation 1 as in the paper).
    public func configuration(from base: ModelConfiguration) -> ModelConfiguration {
        var configuration = base
        configuration.variant = variant
        configuration.strategy = strategy
        configuration.edgeImportanceWeighting = edgeImportance
        configuration.maxHop = 1
        configuration.dilation = 1
        return configuration
    }
}
