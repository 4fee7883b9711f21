/// The two halves of an ST-GCN block as the sliding-window evaluator runs them, each with its
/// own kept outputs: the spatial half `ReLU(BN(GraphConv(x)))` works frame by frame (radius 0,
/// stride 1), so a window computes it only on the frames whose block input changed; the temporal
/// half (the 9×1 convolution, residual and output pass) has the kernel's radius and the block's
/// stride, and reads the spatial half's output around an edge from what earlier windows kept.
enum BlockLevel {
    case spatial
    case temporal

    /// The level's index among a network's levels: `2b` and `2b + 1` for block `b`.
    func index(block: Int) -> Int { 2 * block + (self == .temporal ? 1 : 0) }

    /// The level's stride and temporal radius in block `block` of `configuration`.
    func strideAndRadius(block: Int, of configuration: ModelConfiguration) -> (stride: Int, radius: Int) {
        switch self {
        case .spatial: return (1, 0)
        case .temporal: return (configuration.blockSchedule[block].stride, (configuration.temporalKernelSize - 1) / 2)
        }
    }
}
