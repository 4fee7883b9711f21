import STGCNTensor

/// Aggregation over the joints of a graph: the sparse `x·A_k` of a graph convolution and its
/// backward pass.
///
/// The data are rows of `V` joints (one row per (channel, frame)). Indexing single joints of one
/// row at a time gives scalar code whose read-modify-writes into the output row stall on each
/// other, so eight consecutive rows are handled together instead: each joint of the eight rows
/// becomes one 8-lane vector, every graph entry is one vector multiply-add, and each output joint
/// is written once. Outputs are pulled from their inputs in the same order the scalar form would
/// add them (by increasing source; by increasing subset, then target), so `aggregate` and the
/// input gradient are bit-identical to it; only the per-entry gradient sums in another order.
extension SparseAdjacency {
    private typealias Lanes = SIMD8<Float>
    private static var laneCount: Int { Lanes.scalarCount }

    /// For rows `r` of one sample: `b[k·planeStride + r·V + w] = Σ_{(v, w) ∈ A_k} x[r·V + v] · A[k, v, w]`.
    func aggregate(_ x: UnsafePointer<Float>, rows: Range<Int>, planeStride: Int,
                   into b: UnsafeMutablePointer<Float>) {
        let joints = jointCount, lanes = Self.laneCount
        withReadPointers(incomingOffsets, incomingSources, incomingValues) { offsets, sources, weights in
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: joints) { columns in
                var r = rows.lowerBound
                while r + lanes <= rows.upperBound {
                    let from = x + r * joints
                    for v in 0..<joints { columns[v] = Self.loadColumn(from + v, stride: joints) }
                    for k in 0..<subsetCount {
                        let to = b + k * planeStride + r * joints, slots = k * joints
                        for w in 0..<joints {
                            var sum = Lanes()
                            for j in offsets[slots + w]..<offsets[slots + w + 1] {
                                sum += columns[sources[j]] * Lanes(repeating: weights[j])
                            }
                            Self.storeColumn(sum, to + w, stride: joints)
                        }
                    }
                    r += lanes
                }
                for r in r..<rows.upperBound {
                    let from = x + r * joints
                    for k in 0..<subsetCount {
                        let to = b + k * planeStride + r * joints, slots = k * joints
                        for w in 0..<joints {
                            var sum: Float = 0
                            for j in offsets[slots + w]..<offsets[slots + w + 1] { sum += from[sources[j]] * weights[j] }
                            to[w] = sum
                        }
                    }
                }
            }
        }
    }

    /// For every row `r` of one sample, given `G` (the gradient of the aggregated input, laid out
    /// as `aggregate`'s output): `dx[r·V + v] = Σ_k Σ_{(v, w) ∈ A_k} G_k[r·V + w] · A[k, v, w]` and,
    /// per entry `e = (k, v, w)`, `entryGradient[e] += Σ_r x[r·V + v] · G_k[r·V + w]`.
    func aggregateBackward(_ g: UnsafePointer<Float>, input x: UnsafePointer<Float>, rows: Int, planeStride: Int,
                           inputGradient dx: UnsafeMutablePointer<Float>,
                           entryGradient: UnsafeMutablePointer<Float>) {
        let joints = jointCount, lanes = Self.laneCount
        // Per outgoing slot: where it reads G (k·planeStride + w); depends on the layer's shape.
        let reads = outgoing.map { subsets[$0] * planeStride + targets[$0] }
        withReadPointers(outgoingOffsets, outgoing, reads, outgoingValues) { offsets, entries, reads, weights in
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: outgoing.count) { sums in
                sums.initialize(repeating: Lanes())
                var r = 0
                while r + lanes <= rows {
                    let gRows = g + r * joints, xRows = x + r * joints, dxRows = dx + r * joints
                    for v in 0..<joints {
                        let xv = Self.loadColumn(xRows + v, stride: joints)
                        var sum = Lanes()
                        for j in offsets[v]..<offsets[v + 1] {
                            let gw = Self.loadColumn(gRows + reads[j], stride: joints)
                            sum += gw * Lanes(repeating: weights[j])
                            sums[j] += xv * gw
                        }
                        Self.storeColumn(sum, dxRows + v, stride: joints)
                    }
                    r += lanes
                }
                for j in 0..<outgoing.count { entryGradient[entries[j]] += sums[j].sum() }
                for r in r..<rows {
                    let gRow = g + r * joints, xRow = x + r * joints, dxRow = dx + r * joints
                    for v in 0..<joints {
                        let xv = xRow[v]
                        var sum: Float = 0
                        for j in offsets[v]..<offsets[v + 1] {
                            let gw = gRow[reads[j]]
                            sum += gw * weights[j]
                            entryGradient[entries[j]] += xv * gw
                        }
                        dxRow[v] = sum
                    }
                }
            }
        }
    }

    /// `(p[0], p[stride], …, p[7·stride])`: one joint of eight consecutive rows.
    @inline(__always)
    private static func loadColumn(_ p: UnsafePointer<Float>, stride: Int) -> Lanes {
        Lanes(p[0], p[stride], p[2 * stride], p[3 * stride], p[4 * stride], p[5 * stride], p[6 * stride], p[7 * stride])
    }

    /// Writes the lanes of `value` to `p[0], p[stride], …, p[7·stride]`.
    @inline(__always)
    private static func storeColumn(_ value: Lanes, _ p: UnsafeMutablePointer<Float>, stride: Int) {
        for lane in 0..<laneCount { p[lane * stride] = value[lane] }
    }
}
