import InputLimits

/// The joints and bones of a skeleton: the graph ST-GCN convolves over.
///
/// Joints are 0-based indices `0..<jointCount`; edges are undirected bones (self links are
/// added by `Graph`, they need not be listed). Every joint must be reachable from `center`.
///
/// Codable form (for user-defined layouts in YAML/JSON configs):
/// `name`, `num_node` (joint count), `edges` (list of 2-element lists, 0-based),
/// `center`, optional `joint_names`. Decoding validates exactly like `init(name:jointCount:edges:center:jointNames:)`
/// and throws `SkeletonGraphError`.
public struct SkeletonLayout: Sendable, Hashable, Codable {
    /// An undirected bone between two joints (0-based).
    public struct Edge: Sendable, Hashable {
        /// One end (0-based joint index).
        public let first: Int
        /// The other end (0-based joint index).
        public let second: Int

        /// Creates an edge between joints `first` and `second`.
        public init(_ first: Int, _ second: Int) {
            self.first = first
            self.second = second
        }
    }

    /// The layout's name, e.g. `ntu-rgb+d`.
    public let name: String
    /// The number of joints V.
    public let jointCount: Int
    /// The bones, as given (0-based pairs).
    public let edges: [Edge]
    /// The center joint used by the spatial partition strategy.
    public let center: Int
    /// Optional joint names, one per joint.
    public let jointNames: [String]?

    /// Creates a validated layout.
    /// - Throws: `SkeletonGraphError` when `jointCount` is outside `1...InputLimits.maximumJointCount`
    ///   (checked before anything is allocated), an edge or the center is out of range, joints are unreachable from the center (all of them are listed), or
    ///   `jointNames` does not have `jointCount` entries.
    public init(name: String, jointCount: Int, edges: [(Int, Int)], center: Int, jointNames: [String]? = nil) throws(SkeletonGraphError) {
        guard jointCount >= 1 else { throw .invalidJointCount(layout: name, jointCount: jointCount) }
        guard jointCount <= InputLimits.maximumJointCount else {
            throw .tooManyJoints(layout: name, jointCount: jointCount, limit: InputLimits.maximumJointCount)
        }
        for (index, edge) in edges.enumerated() {
            guard (0..<jointCount).contains(edge.0), (0..<jointCount).contains(edge.1) else {
                throw .edgeOutOfRange(layout: name, edgeIndex: index, edge: [edge.0, edge.1], jointCount: jointCount)
            }
        }
        guard (0..<jointCount).contains(center) else { throw .centerOutOfRange(layout: name, center: center, jointCount: jointCount) }
        if let jointNames, jointNames.count != jointCount {
            throw .jointNameCount(layout: name, names: jointNames.count, jointCount: jointCount)
        }
        let layout = SkeletonLayout(unchecked: name, jointCount: jointCount, edges: edges, center: center, jointNames: jointNames)
        let distances = HopDistance.shortestPaths(from: center, jointCount: jointCount, edges: layout.edges, limit: nil)
        let unreachable = distances.indices.filter { distances[$0] == nil }
        guard unreachable.isEmpty else { throw .disconnected(layout: name, center: center, unreachable: unreachable) }
        self = layout
    }

    /// Creates a layout without validation (built-in layouts only; tests re-validate them).
    init(unchecked name: String, jointCount: Int, edges: [(Int, Int)], center: Int, jointNames: [String]?) {
        self.name = name
        self.jointCount = jointCount
        self.edges = edges.map { Edge($0.0, $0.1) }
        self.center = center
        self.jointNames = jointNames
    }

    /// The edges as tuples.
    public var edgePairs: [(Int, Int)] { edges.map { ($0.first, $0.second) } }

    /// The name of joint `index` if known, else `"joint <index>"`.
    public func jointName(_ index: Int) -> String {
        if let jointNames, jointNames.indices.contains(index) { return jointNames[index] }
        return "joint \(index)"
    }

    // MARK: Codable

    private enum CodingKeys: String, CodingKey {
        case name
        case jointCount = "num_node"
        case edges
        case center
        case jointNames = "joint_names"
    }

    /// Decodes `name`, `num_node`, `edges`, `center`, `joint_names` and validates the layout.
    /// - Throws: `DecodingError` for missing or mistyped keys, `SkeletonGraphError` for an invalid layout.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .name)
        let jointCount = try container.decode(Int.self, forKey: .jointCount)
        let rawEdges = try container.decode([[Int]].self, forKey: .edges)
        let center = try container.decode(Int.self, forKey: .center)
        let jointNames = try container.decodeIfPresent([String].self, forKey: .jointNames)
        var edges: [(Int, Int)] = []
        for (index, pair) in rawEdges.enumerated() {
            guard pair.count == 2 else { throw SkeletonGraphError.malformedEdge(layout: name, edgeIndex: index, values: pair) }
            edges.append((pair[0], pair[1]))
        }
        try self.init(name: name, jointCount: jointCount, edges: edges, center: center, jointNames: jointNames)
    }

    /// Encodes the layout with the same keys `init(from:)` reads.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(jointCount, forKey: .jointCount)
        try container.encode(edges.map { [$0.first, $0.second] }, forKey: .edges)
        try container.encode(center, forKey: .center)
        try container.encodeIfPresent(jointNames, forKey: .jointNames)
    }
}
