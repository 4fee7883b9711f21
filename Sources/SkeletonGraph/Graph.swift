/// The normalized adjacency tensor `A` (K, V, V) that ST-GCN multiplies features by,
/// built from a skeleton layout and a partition strategy exactly as the official code does.
///
/// Construction:
/// 1. Hop distances by shortest path, but only up to `maxHop`; farther pairs are "infinite"
///    (`hopDistance` holds nil).
/// 2. The valid hops are `0, dilation, 2·dilation, … ≤ maxHop`; the binary adjacency `B`
///    marks every pair whose hop is valid (self links included).
/// 3. Normalization `An = B · D⁻¹`, `D` the diagonal of column sums (zero columns stay zero).
/// 4. The strategy splits `An` into K subsets (see `PartitionStrategy`):
///    - uniform: `[An]`;
///    - distance: one matrix per valid hop h, keeping the entries with hop == h;
///    - spatial: per valid hop h, each pair (j, i) with hop(j, i) == h is classified by the
///      distances c[·] to the center: c[j] == c[i] → root, c[j] > c[i] → "close",
///      c[j] < c[i] → "further". Hop 0 contributes [root]; hop h > 0 contributes
///      [root + close, further].
///
/// Official-code quirk kept for compatibility: c[·] uses the same truncated distances, so
/// with `maxHop` 1 every joint not adjacent to the center has c = ∞, and ∞ == ∞ counts as
/// "root"; ∞ is larger than any finite distance. This is what reproduces the official
/// matrices (and checkpoints trained with them).
///
/// Indexing: `adjacency[(k*V + v)*V + w]`; row v is the source joint, column w the target,
/// as in y[·, w] = Σ_v x[·, v] · A[k, v, w].
public struct Graph: Sendable {
    /// Largest `maxHop` accepted.
    public static let maximumHop = 32

    /// The skeleton.
    public let layout: SkeletonLayout
    /// The partition strategy.
    public let strategy: PartitionStrategy
    /// Neighbours are joints within this many hops.
    public let maxHop: Int
    /// Step between the hop distances used (1 = every hop).
    public let dilation: Int
    /// `hopDistance[i][j]`: shortest-path hops between joints i and j, nil when farther than `maxHop`.
    public let hopDistance: [[Int?]]
    /// The hops that take part: `stride(from: 0, through: maxHop, by: dilation)`.
    public let validHops: [Int]
    /// The K·V·V normalized adjacency, row-major: `adjacency[(k*V + v)*V + w]`.
    public let adjacency: [Float]
    /// A short human-readable label per subset, e.g. `hop 1: further`.
    public let subsetLabels: [String]

    /// Builds the graph.
    /// - Throws: `SkeletonGraphError.invalidHopParameters` unless `1 <= maxHop <= Graph.maximumHop` and `dilation >= 1`.
    public init(layout: SkeletonLayout, strategy: PartitionStrategy, maxHop: Int = 1, dilation: Int = 1) throws(SkeletonGraphError) {
        guard (1...Self.maximumHop).contains(maxHop), dilation >= 1 else {
            throw .invalidHopParameters(maxHop: maxHop, dilation: dilation, maximumHop: Self.maximumHop)
        }
        let jointCount = layout.jointCount
        let hops = HopDistance.matrix(jointCount: jointCount, edges: layout.edges, limit: maxHop)
        let validHops = Array(stride(from: 0, through: maxHop, by: dilation))
        let validSet = Set(validHops)
        let normalized = Self.normalizedAdjacency(hops: hops, validHops: validSet)
        let (subsets, labels) = Self.partition(strategy: strategy, hops: hops, validHops: validHops,
                                               normalized: normalized, center: layout.center)
        self.layout = layout
        self.strategy = strategy
        self.maxHop = maxHop
        self.dilation = dilation
        self.hopDistance = hops
        self.validHops = validHops
        self.adjacency = subsets.flatMap { $0.flatMap { $0.map { Float($0) } } }
        self.subsetLabels = labels
    }

    /// Builds the graph of a built-in layout by name (`openpose`, `ntu-rgb+d`, `ntu_edge`, `coco`).
    /// - Throws: `SkeletonGraphError.unknownLayout` or `.invalidHopParameters`.
    public init(layoutNamed name: String, strategy: PartitionStrategy, maxHop: Int = 1, dilation: Int = 1) throws(SkeletonGraphError) {
        try self.init(layout: SkeletonLayout.named(name), strategy: strategy, maxHop: maxHop, dilation: dilation)
    }

    /// The number of joints V.
    public var jointCount: Int { layout.jointCount }

    /// The number of subsets K.
    public var subsetCount: Int { subsetLabels.count }

    /// The shape of `adjacency`: `[K, V, V]`.
    public var shape: [Int] { [subsetCount, jointCount, jointCount] }

    /// Entry (k, source v, target w) of the adjacency.
    public func entry(subset k: Int, source v: Int, target w: Int) -> Float {
        adjacency[(k * jointCount + v) * jointCount + w]
    }

    /// Subset k as a V×V matrix (`[v][w]`, row = source joint). `k` must be in `0..<subsetCount`.
    public func subset(_ k: Int) -> [[Float]] {
        precondition((0..<subsetCount).contains(k), "subset \(k) outside 0..<\(subsetCount)")
        let v = jointCount
        return (0..<v).map { row in Array(adjacency[((k * v + row) * v)..<((k * v + row) * v + v)]) }
    }

    // MARK: Construction steps

    /// `B · D⁻¹` in Double, B[i][j] = 1 where hop(i, j) is a valid hop.
    private static func normalizedAdjacency(hops: [[Int?]], validHops: Set<Int>) -> [[Double]] {
        let count = hops.count
        var binary = [[Double]](repeating: [Double](repeating: 0, count: count), count: count)
        for i in 0..<count {
            for j in 0..<count {
                if let hop = hops[i][j], validHops.contains(hop) { binary[i][j] = 1 }
            }
        }
        var columnSums = [Double](repeating: 0, count: count)
        for i in 0..<count { for j in 0..<count { columnSums[j] += binary[i][j] } }
        for i in 0..<count {
            for j in 0..<count where columnSums[j] > 0 { binary[i][j] /= columnSums[j] }
        }
        return binary
    }

    private static func partition(strategy: PartitionStrategy, hops: [[Int?]], validHops: [Int],
                                  normalized: [[Double]], center: Int) -> ([[[Double]]], [String]) {
        let count = hops.count
        let zero = [[Double]](repeating: [Double](repeating: 0, count: count), count: count)
        switch strategy {
        case .uniform:
            return ([normalized], ["all neighbours within \(validHops.last ?? 0) hops"])
        case .distance:
            var subsets: [[[Double]]] = []
            for hop in validHops {
                var matrix = zero
                for i in 0..<count { for j in 0..<count where hops[i][j] == hop { matrix[i][j] = normalized[i][j] } }
                subsets.append(matrix)
            }
            return (subsets, validHops.map { "hop \($0)" })
        case .spatial:
            // Distances to the center with "infinite" (nil) mapped to Int.max: ∞ == ∞, ∞ > finite.
            let toCenter = (0..<count).map { hops[$0][center] ?? Int.max }
            var subsets: [[[Double]]] = []
            var labels: [String] = []
            for hop in validHops {
                var root = zero, close = zero, further = zero
                for j in 0..<count {
                    for i in 0..<count where hops[j][i] == hop {
                        if toCenter[j] == toCenter[i] {
                            root[j][i] = normalized[j][i]
                        } else if toCenter[j] > toCenter[i] {
                            close[j][i] = normalized[j][i]
                        } else {
                            further[j][i] = normalized[j][i]
                        }
                    }
                }
                if hop == 0 {
                    subsets.append(root)
                    labels.append("hop 0: root (self links)")
                } else {
                    subsets.append(zip(root, close).map { zip($0, $1).map { $0 + $1 } })
                    labels.append("hop \(hop): root + close (source as far from the center as the target, or farther)")
                    subsets.append(further)
                    labels.append("hop \(hop): further (source nearer the center than the target)")
                }
            }
            return (subsets, labels)
        }
    }
}
