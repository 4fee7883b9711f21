/// Which model of the paper's ablation study (Yan et al. 2018, Table 1) a network is.
///
/// The partition strategy (`graph_args.strategy`) and edge importance
/// (`edge_importance_weighting`) are separate settings; together they give every row of the
/// table:
///
/// | Table 1 row | variant | strategy | edge importance |
/// | --- | --- | --- | --- |
/// | Baseline TCN | `baselineTCN` | – | – |
/// | Local convolution | `localConvolution` | any (hop ≤ 1 graph) | off |
/// | ST-GCN + uni-labeling | `stgcn` | `uniform` | off |
/// | ST-GCN + distance partitioning* | `distanceTied` | `distance` | off |
/// | ST-GCN + distance partitioning | `stgcn` | `distance` | off |
/// | ST-GCN + spatial configuration partitioning | `stgcn` | `spatial` | off |
/// | ST-GCN + importance | `stgcn` | `spatial` | on (the official model) |
public enum ModelVariant: String, Sendable, CaseIterable, Codable {
    /// The official ST-GCN: one shared `C_in → C_out` weight per partition subset (`GraphConvolution`).
    case stgcn
    /// Distance partitioning with tied weights, `W_1 = −W_0` (`TiedDistanceGraphConvolution`).
    /// Needs the `distance` strategy with `max_hop` 1.
    case distanceTied = "distance_tied"
    /// The hop-≤1 skeleton graph with an unshared weight per (target, source) joint pair
    /// (`LocalGraphConvolution`).
    case localConvolution = "local_convolution"
    /// No graph: each frame's joint coordinates form one `C·V` feature vector and every block
    /// is temporal only (Kim & Reiter 2017), with ST-GCN's depth, widths and strides.
    case baselineTCN = "baseline_tcn"

    /// Whether the variant has a skeleton graph (and so can weight its edges).
    public var usesGraph: Bool { self != .baselineTCN }
}
