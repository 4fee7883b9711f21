import STGCNTensor

/// The spatial part of an ST-GCN block (`gcn`), one per `ModelVariant`.
public enum SpatialConvolution {
    /// ST-GCN: one shared weight per partition subset (keys `gcn.conv.weight`, `gcn.conv.bias`).
    case shared(GraphConvolution)
    /// Distance partitioning with `W_1 = −W_0` (keys `gcn.conv.weight`, `gcn.conv.bias`, K = 1 shapes).
    case tiedDistance(TiedDistanceGraphConvolution)
    /// Unshared weights per edge (keys `gcn.weight` `(E, C_out, C_in)`, `gcn.bias` `(V, C_out)`).
    case local(LocalGraphConvolution)
    /// The baseline TCN: no graph, a 1×1 convolution over the `C·V` frame features
    /// (keys `gcn.conv.weight`, `gcn.conv.bias`, the same as a K = 1 graph convolution on one node).
    case pointwise(TemporalConvolution)

    /// Visits the parameters under `prefix` (the block's `"….gcn."`).
    func visitParameters(prefix: String, _ body: (String, Parameter) throws -> Void) rethrows {
        switch self {
        case .shared(let layer): try layer.visitParameters(prefix: prefix, body)
        case .tiedDistance(let layer): try layer.visitParameters(prefix: prefix, body)
        case .local(let layer): try layer.visitParameters(prefix: prefix, body)
        case .pointwise(let layer): try layer.visitParameters(prefix: prefix + "conv.", body)
        }
    }

    /// `(S, C_in, T, V)` → `(S, C_out, T, V)` with the effective adjacency (ignored by `.pointwise`).
    func forward(_ x: Tensor, adjacency: [Float], support: [Bool]?, mode: ForwardMode) -> Tensor {
        switch self {
        case .shared(let layer): return layer.forward(x, adjacency: adjacency, support: support, mode: mode)
        case .tiedDistance(let layer): return layer.forward(x, adjacency: adjacency, support: support, mode: mode)
        case .local(let layer): return layer.forward(x, adjacency: adjacency, mode: mode)
        case .pointwise(let layer): return layer.forward(x, mode: mode)
        }
    }

    /// Drops what the last retaining forward kept for `backward`.
    func releaseActivations() {
        switch self {
        case .shared(let layer): layer.releaseActivations()
        case .tiedDistance(let layer): layer.convolution.releaseActivations()
        case .local(let layer): layer.releaseActivations()
        case .pointwise(let layer): layer.releaseActivations()
        }
    }

    /// `(dL/dx, dL/dA)`; dL/dA is empty for `.pointwise`.
    func backward(_ dy: Tensor) -> (input: Tensor, adjacency: [Float]) {
        switch self {
        case .shared(let layer): return layer.backward(dy)
        case .tiedDistance(let layer): return layer.backward(dy)
        case .local(let layer): return layer.backward(dy)
        case .pointwise(let layer): return (layer.backward(dy), [])
        }
    }
}
