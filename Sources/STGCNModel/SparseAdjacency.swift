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
    /// `entryRanges[k]`: the entries of subset `k` (entries are sorted by subset).
    let entryRanges: [Range<Int>]

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
