import STGCNTensor

/// "Local convolution" of the paper's Table 1: the sparse skeleton graph (hop ≤ 1) with weights
/// that are not shared between joints.
///
/// Every edge `e = (v → w)` of the graph (source joint `v`, target joint `w`, self links
/// included; the union of the partition subsets' non-zero entries) has its own weight
/// `W_e` (`C_out × C_in`), and every target joint its own bias `b_w`:
///
///     y[o, t, w] = b_w[o] + Σ_{e = (v → w)} Ā[v, w] · Σ_i W_e[o, i] · x[i, t, v],   Ā = Σ_k A_k (⊙ M_k).
///
/// `Ā` is the normalized hop-≤1 adjacency (times the edge-importance masks when enabled). A
/// per-edge weight could absorb it, but keeping it makes the layer's output scale at a given
/// initialization equal to the shared graph convolution's, so the ablation compares like with
/// like. Compared with ST-GCN's K shared weights, the layer has `E` weights (NTU: 73 edges
/// instead of 3 subsets) at the same FLOPs: each (t, w) sums over deg(w) + 1 weighted neighbours,
/// Σ_w (deg(w) + 1) = E, about K·V.
///
/// Parameters: `weight` `(E, C_out, C_in)`, edges ordered by target joint then source joint
/// (`edges`), and `bias` `(V, C_out)`; keys `gcn.weight`, `gcn.bias`.
///
/// The input is regrouped joint-major, `X̂_v = x[:, :, :, v]` as a `C_in × (S·T)` matrix, so each
/// edge is one GEMM over the whole batch: `Ŷ_w += Ā_e · W_e · X̂_v`, run in parallel over target
/// joints; the backward runs `dW_e = Ā_e · dŶ_w · X̂_vᵀ` in parallel over edges and
/// `dX̂_v = Σ_e Ā_e · W_eᵀ · dŶ_w` in parallel over source joints.
public final class LocalGraphConvolution: ParameterContainer {
    /// Input channels `C_in`.
    public let inputChannels: Int
    /// Output channels `C_out`.
    public let outputChannels: Int
    /// The number of joints `V`.
    public let jointCount: Int
    /// The number of partition subsets `K` of the adjacency this layer is given.
    public let subsetCount: Int
    /// The edges `(source, target)`, ordered by target then source; `weight` block `e` belongs to `edges[e]`.
    public let edges: [(source: Int, target: Int)]
    /// `(E, C_out, C_in)`: one weight matrix per edge.
    public let weight: Parameter
    /// `(V, C_out)`: one bias vector per target joint.
    public let bias: Parameter

    private let support: [Bool]
    private let incoming: [[Int]]
    private let outgoing: [[Int]]
    private var gathered: [Float] = []
    private var edgeValues: [Float] = []
    private var inputShape: [Int] = []

    /// A layer over the non-zero pattern `support` (`K·V·V`, `[k][v][w]`) of a graph's
    /// adjacency, with zero weights; load or initialize them before use.
    public init(inputChannels: Int, outputChannels: Int, support: [Bool], subsetCount: Int, jointCount: Int) {
        precondition(support.count == subsetCount * jointCount * jointCount, "support does not match K·V·V")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.jointCount = jointCount
        self.subsetCount = subsetCount
        self.support = support
        var edges: [(source: Int, target: Int)] = []
        for w in 0..<jointCount {
            for v in 0..<jointCount where (0..<subsetCount).contains(where: { support[($0 * jointCount + v) * jointCount + w] }) {
                edges.append((v, w))
            }
        }
        self.edges = edges
        incoming = (0..<jointCount).map { w in edges.indices.filter { edges[$0].target == w } }
        outgoing = (0..<jointCount).map { v in edges.indices.filter { edges[$0].source == v } }
        weight = Parameter(shape: [edges.count, outputChannels, inputChannels])
        bias = Parameter(shape: [jointCount, outputChannels])
    }

    public func visitParameters(prefix: String, _ body: (String, Parameter) throws -> Void) rethrows {
        try body(prefix + "weight", weight)
        try body(prefix + "bias", bias)
    }

    public func visitBuffers(prefix: String, _ body: (String, StateBuffer) throws -> Void) rethrows {}

    /// Applies the layer to `x` `(S, C_in, T, V)` with the effective adjacency `adjacency`
    /// (`K·V·V`; only its sum over `k` on the edges is used), giving `(S, C_out, T, V)`.
    public func forward(_ x: Tensor, adjacency: [Float], mode: ForwardMode) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == inputChannels && x.shape[3] == jointCount,
                     "LocalGraphConvolution(\(inputChannels)→\(outputChannels), V = \(jointCount)) got shape \(x.shape)")
        precondition(adjacency.count == subsetCount * jointCount * jointCount, "adjacency does not match K·V·V")
        let (samples, frames) = (x.shape[0], x.shape[2])
        let joints = jointCount, columns = samples * frames
        let (cin, cout) = (inputChannels, outputChannels)
        let values = edges.map { edge in
            (0..<subsetCount).reduce(Float(0)) { $0 + adjacency[($1 * joints + edge.source) * joints + edge.target] }
        }
        let input = Self.jointMajor(x.scalars, samples: samples, channels: cin, frames: frames, joints: joints)
        let output = withReadPointers(input, weight.value, bias.value) { x, weights, bias in
            Tensor(shape: [joints, cout, columns]) { y in
                Parallel.forEach(joints) { w, _ in
                    let yw = y + w * cout * columns
                    for o in 0..<cout { (yw + o * columns).update(repeating: bias[w * cout + o], count: columns) }
                    for e in incoming[w] {
                        BLAS.gemm(m: cout, n: columns, k: cin, alpha: values[e], a: weights + e * cout * cin, lda: cin,
                                  b: x + edges[e].source * cin * columns, ldb: columns, beta: 1, c: yw, ldc: columns)
                    }
                }
            }.scalars
        }
        // Inference writes nothing to the layer, so clips may run through it concurrently.
        if mode.retainsActivations {
            gathered = input
            edgeValues = values
            inputShape = x.shape
        }
        return Tensor(shape: [samples, cout, frames, joints],
                      scalars: Self.sampleMajor(output, samples: samples, channels: cout, frames: frames, joints: joints))
    }

    /// Drops what the last retaining forward kept for `backward`.
    public func releaseActivations() {
        gathered = []
        edgeValues = []
        inputShape = []
    }

    /// Returns `(dL/dx, dL/dA)` for the last retaining `forward` and accumulates the weight and
    /// bias gradients. dL/dA (`K·V·V`) is `Σ_{o,i} W_e ⊙ (dŶ_w · X̂_vᵀ)` on every subset's
    /// support entry of edge `e`, zero elsewhere.
    public func backward(_ dy: Tensor) -> (input: Tensor, adjacency: [Float]) {
        precondition(!inputShape.isEmpty, "LocalGraphConvolution.backward without a retaining forward")
        let (samples, frames, joints) = (inputShape[0], inputShape[2], jointCount)
        let (cin, cout) = (inputChannels, outputChannels), columns = samples * frames
        precondition(dy.shape == [samples, cout, frames, joints],
                     "LocalGraphConvolution.backward: unexpected gradient shape \(dy.shape)")
        let gradient = Self.jointMajor(dy.scalars, samples: samples, channels: cout, frames: frames, joints: joints)
        var edgeGradient = [Float](repeating: 0, count: edges.count)
        let values = edgeValues
        let inputGradient = withReadPointers(gradient, gathered, weight.value) { dy, x, weights in
            // Bias: row sums of dŶ_w.
            bias.gradient.withUnsafeMutableBufferPointer { db in
                Parallel.forEach(joints) { w, _ in
                    for o in 0..<cout {
                        db[w * cout + o] += VectorReduction.sum(dy + (w * cout + o) * columns, count: columns)
                    }
                }
            }
            // Per edge: P = dŶ_w · X̂_vᵀ (in the worker's scratch); dW_e += Ā_e·P; dĀ_e = ⟨W_e, P⟩.
            weight.gradient.withUnsafeMutableBufferPointer { dw in
                edgeGradient.withUnsafeMutableBufferPointer { da in
                    Parallel.forEach(edges.count, scratchPerWorker: cout * cin) { e, p in
                        BLAS.gemm(transposeB: true, m: cout, n: cin, k: columns,
                                  a: dy + edges[e].target * cout * columns, lda: columns,
                                  b: x + edges[e].source * cin * columns, ldb: columns, beta: 0, c: p, ldc: cin)
                        let we = weights + e * cout * cin, dwe = dw.baseAddress! + e * cout * cin
                        let a = values[e]
                        var dot: Float = 0
                        for j in 0..<(cout * cin) {
                            dwe[j] += a * p[j]
                            dot += we[j] * p[j]
                        }
                        da[e] = dot
                    }
                }
            }
            // Per source joint: dX̂_v = Σ_e Ā_e · W_eᵀ · dŶ_w.
            return Tensor(shape: [joints, cin, columns]) { dx in
                Parallel.forEach(joints) { v, _ in
                    let dxv = dx + v * cin * columns
                    if outgoing[v].isEmpty { dxv.update(repeating: 0, count: cin * columns) }
                    for (n, e) in outgoing[v].enumerated() {
                        BLAS.gemm(transposeA: true, m: cin, n: columns, k: cout, alpha: values[e],
                                  a: weights + e * cout * cin, lda: cin,
                                  b: dy + edges[e].target * cout * columns, ldb: columns,
                                  beta: n == 0 ? 0 : 1, c: dxv, ldc: columns)
                    }
                }
            }.scalars
        }
        var dAdjacency = [Float](repeating: 0, count: subsetCount * joints * joints)
        for (e, edge) in edges.enumerated() {
            for k in 0..<subsetCount {
                let index = (k * joints + edge.source) * joints + edge.target
                if support[index] { dAdjacency[index] = edgeGradient[e] }
            }
        }
        let dx = Self.sampleMajor(inputGradient, samples: samples, channels: cin, frames: frames, joints: joints)
        return (Tensor(shape: inputShape, scalars: dx), dAdjacency)
    }

    /// `(S, C, T, V)` → `(V, C, S·T)`.
    static func jointMajor(_ x: [Float], samples: Int, channels: Int, frames: Int, joints: Int) -> [Float] {
        let columns = samples * frames
        return [Float](unsafeUninitializedCapacity: x.count) { buffer, n in
            let out = buffer
            x.withUnsafeBufferPointer { xp in
                Parallel.forEachRange(samples * channels, minimumChunk: 4) { range, _ in
                    for row in range {
                        let s = row / channels, c = row % channels
                        let from = xp.baseAddress! + row * frames * joints
                        for t in 0..<frames {
                            for v in 0..<joints { out[(v * channels + c) * columns + s * frames + t] = from[t * joints + v] }
                        }
                    }
                }
            }
            n = x.count
        }
    }

    /// `(V, C, S·T)` → `(S, C, T, V)`, the inverse of `jointMajor`.
    static func sampleMajor(_ x: [Float], samples: Int, channels: Int, frames: Int, joints: Int) -> [Float] {
        let columns = samples * frames
        return [Float](unsafeUninitializedCapacity: x.count) { buffer, n in
            let out = buffer
            x.withUnsafeBufferPointer { xp in
                Parallel.forEachRange(samples * channels, minimumChunk: 4) { range, _ in
                    for row in range {
                        let s = row / channels, c = row % channels
                        let to = out.baseAddress! + row * frames * joints
                        for t in 0..<frames {
                            for v in 0..<joints { to[t * joints + v] = xp[(v * channels + c) * columns + s * frames + t] }
                        }
                    }
                }
            }
            n = x.count
        }
    }
}
