import STGCNTensor

/// The graph convolution of "distance partitioning*" in the paper's Table 1: the distance
/// partition (A_0: each joint itself, A_1: its hop-1 neighbours) with tied weights `W_1 = −W_0`.
///
/// The untied layer (`GraphConvolution` with K = 2) computes
///
///     y = W_0·(x·A_0) + W_1·(x·A_1) + (b_0 ⊗ colsum A_0 + b_1 ⊗ colsum A_1).
///
/// Here one weight block `W` (`(C_out, C_in, 1, 1)`, key `gcn.conv.weight`) and one bias `b`
/// (`gcn.conv.bias`) are learned, with `W_0 = W`, `W_1 = −W` and likewise `b_0 = b`, `b_1 = −b`:
///
///     y = W·(x·A_0) − W·(x·A_1) + b ⊗ colsum(A_0 − A_1) = W·(x·(A_0 − A_1)) + b ⊗ colsum(A_0 − A_1).
///
/// So the layer is a K = 1 `GraphConvolution` over the signed adjacency `A_0 − A_1`, and it runs
/// on the same sparse aggregate-then-GEMM kernel. Why this tying: the paper defines the variant
/// by `w_0 = −w_1` only; with it each joint's response is `W` applied to the difference between its
/// own feature and the normalized sum of its neighbours' (a learned graph Laplacian). Tying the
/// bias as well keeps the layer exactly one 1×1 convolution; the bias is followed by batch norm,
/// which removes any per-channel constant, so an untied bias would change little.
///
/// With edge importance the two masks multiply their own subsets before the subtraction
/// (`A_0 ⊙ M_0 − A_1 ⊙ M_1`), and their gradients are `+dÃ` and `−dÃ`.
public final class TiedDistanceGraphConvolution: ParameterContainer {
    /// The K = 1 convolution holding `W` and `b`.
    public let convolution: GraphConvolution

    /// A layer with zero weights; load or initialize them before use.
    public init(inputChannels: Int, outputChannels: Int) {
        convolution = GraphConvolution(inputChannels: inputChannels, outputChannels: outputChannels, subsetCount: 1)
    }

    public func visitParameters(prefix: String, _ body: (String, Parameter) throws -> Void) rethrows {
        try convolution.visitParameters(prefix: prefix, body)
    }

    public func visitBuffers(prefix: String, _ body: (String, StateBuffer) throws -> Void) rethrows {}

    /// Applies the layer to `x` `(S, C_in, T, V)` with the effective distance-partition
    /// adjacency `adjacency` (`2·V·V`: A_0 then A_1), giving `(S, C_out, T, V)`.
    public func forward(_ x: Tensor, adjacency: [Float], support: [Bool]? = nil, mode: ForwardMode) -> Tensor {
        precondition(adjacency.count % 2 == 0, "distance_tied needs a two-subset adjacency, got \(adjacency.count) entries")
        let plane = adjacency.count / 2
        let signed = (0..<plane).map { adjacency[$0] - adjacency[plane + $0] }
        let signedSupport = support.map { s in (0..<plane).map { s[$0] || s[plane + $0] } }
        return convolution.forward(x, adjacency: signed, support: signedSupport, mode: mode)
    }

    /// Returns `(dL/dx, dL/dA)` with dL/dA of shape `2·V·V` (`+dÃ` for A_0, `−dÃ` for A_1) and
    /// accumulates the gradients of `W` and `b`.
    public func backward(_ dy: Tensor) -> (input: Tensor, adjacency: [Float]) {
        let (dx, dSigned) = convolution.backward(dy)
        return (dx, dSigned + dSigned.map { -$0 })
    }
}
