/// The non-zero pattern of a `(K, V, V)` adjacency as a list of entries, so that aggregation
/// over joints costs one multiply-add per edge instead of `V` per joint (NTU: 73 entries of 1,875).
struct SparseAdjacency {
    let subsetCount: Int
    let jointCount: Int
    /// Entry `e` connects source joint `sources[e]` to target joint `targets[e]` in subset `subsets[e]`.
    let subsets: [Int]
    let sources: [Int]
    let targets: [Int]
    /// `A[k, v, w]` at each entry.
    let values: [Float]
    /// `entryRanges[k]`: the entries of subset `k` (entries are sorted by subset, source, target).
    let entryRanges: [Range<Int>]
    /// The entries into target joint `w` of subset `k` are slots `incomingOffsets[k·V + w] ..<
    /// incomingOffsets[k·V + w + 1]`, in entry order (so by increasing source); each slot holds the
    /// entry's source joint and value.
    let incomingOffsets: [Int]
    let incomingSources: [Int]
    let incomingValues: [Float]
    /// The entries out of source joint `v`, over all subsets, are `outgoing[outgoingOffsets[v] ..<
    /// outgoingOffsets[v + 1]]`, in entry order (so by increasing subset, then target);
    /// `outgoingValues` holds their values in the same order.
    let outgoingOffsets: [Int]
    let outgoing: [Int]
    let outgoingValues: [Float]

    /// The entries of `adjacency` (`K·V·V`, `[k][v][w]`) where `support` is true (or, without a
    /// support, where the value is non-zero).
    init(adjacency: [Float], support: [Bool]?, subsetCount: Int, jointCount: Int) {
        self.subsetCount = subsetCount
        self.jointCount = jointCount
        var subsets: [Int] = [], sources: [Int] = [], targets: [Int] = [], values: [Float] = []
        var ranges: [Range<Int>] = []
        for k in 0..<subsetCount {
            let start = values.count
            for v in 0..<jointCount {
                for w in 0..<jointCount {
                    let index = (k * jointCount + v) * jointCount + w
                    if support?[index] ?? (adjacency[index] != 0) {
                        subsets.append(k)
                        sources.append(v)
                        targets.append(w)
                        values.append(adjacency[index])
                    }
                }
            }
            ranges.append(start..<values.count)
        }
        self.subsets = subsets
        self.sources = sources
        self.targets = targets
        self.values = values
        self.entryRanges = ranges
        let entryCount = values.count
        var incomingOffsets = [Int](repeating: 0, count: subsetCount * jointCount + 1)
        var outgoingOffsets = [Int](repeating: 0, count: jointCount + 1)
        for e in 0..<entryCount {
            incomingOffsets[subsets[e] * jointCount + targets[e] + 1] += 1
            outgoingOffsets[sources[e] + 1] += 1
        }
        for slot in 0..<(subsetCount * jointCount) { incomingOffsets[slot + 1] += incomingOffsets[slot] }
        for v in 0..<jointCount { outgoingOffsets[v + 1] += outgoingOffsets[v] }
        var incoming = [Int](repeating: 0, count: entryCount), outgoing = [Int](repeating: 0, count: entryCount)
        var incomingFill = incomingOffsets, outgoingFill = outgoingOffsets
        for e in 0..<entryCount {
            let slot = subsets[e] * jointCount + targets[e]
            incoming[incomingFill[slot]] = e
            incomingFill[slot] += 1
            outgoing[outgoingFill[sources[e]]] = e
            outgoingFill[sources[e]] += 1
        }
        self.incomingOffsets = incomingOffsets
        incomingSources = incoming.map { sources[$0] }
        incomingValues = incoming.map { values[$0] }
        self.outgoingOffsets = outgoingOffsets
        self.outgoing = outgoing
        outgoingValues = outgoing.map { values[$0] }
    }

    /// The number of entries.
    var count: Int { values.count }

    /// `Σ_v A[k, v, w]` for each `(k, w)`, `K·V`.
    var columnSums: [Float] {
        var sums = [Float](repeating: 0, count: subsetCount * jointCount)
        for e in 0..<count { sums[subsets[e] * jointCount + targets[e]] += values[e] }
        return sums
    }
}
