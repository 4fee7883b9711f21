import InputLimits

/// Why a skeleton layout or graph was rejected.
///
/// `description` is one line naming the layout, the place (edge index, joint, key) and what
/// was expected.
public enum SkeletonGraphError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `num_node` is not positive.
    case invalidJointCount(layout: String, jointCount: Int)
    /// `num_node` is larger than `InputLimits.maximumJointCount`.
    case tooManyJoints(layout: String, jointCount: Int, limit: Int)
    /// An edge is not a pair of joint indices (decoded `edges` entries must have 2 elements).
    case malformedEdge(layout: String, edgeIndex: Int, values: [Int])
    /// An edge refers to a joint outside `0..<jointCount`.
    case edgeOutOfRange(layout: String, edgeIndex: Int, edge: [Int], jointCount: Int)
    /// The center joint is outside `0..<jointCount`.
    case centerOutOfRange(layout: String, center: Int, jointCount: Int)
    /// Some joints cannot be reached from the center along edges.
    case disconnected(layout: String, center: Int, unreachable: [Int])
    /// `joint_names` does not have one name per joint.
    case jointNameCount(layout: String, names: Int, jointCount: Int)
    /// `SkeletonLayout.named(_:)` got a name that is not built in.
    case unknownLayout(name: String, known: [String])
    /// `maxHop` or `dilation` is out of range.
    case invalidHopParameters(maxHop: Int, dilation: Int, maximumHop: Int)

    /// One line: layout, place, and what was expected.
    public var description: String {
        switch self {
        case let .invalidJointCount(layout, jointCount):
            return "layout '\(layout)': num_node is \(jointCount), expected at least 1"
        case let .tooManyJoints(layout, jointCount, limit):
            return "layout '\(layout)': num_node is \(InputLimits.grouped(jointCount)), expected at most \(InputLimits.grouped(limit)) joints"
        case let .malformedEdge(layout, edgeIndex, values):
            return "layout '\(layout)': edges[\(edgeIndex)] has \(values.count) values [\(BoundedList.describe(values))], expected a pair [a, b] of joint indices"
        case let .edgeOutOfRange(layout, edgeIndex, edge, jointCount):
            return "layout '\(layout)': edges[\(edgeIndex)] = \(edge) refers to a joint outside 0..<\(jointCount) (0-based indices expected)"
        case let .centerOutOfRange(layout, center, jointCount):
            return "layout '\(layout)': center \(center) is outside 0..<\(jointCount)"
        case let .disconnected(layout, center, unreachable):
            return "layout '\(layout)': joints [\(BoundedList.describe(unreachable))] are not connected to center \(center), expected every joint reachable along edges"
        case let .jointNameCount(layout, names, jointCount):
            return "layout '\(layout)': joint_names has \(names) names, expected \(jointCount) (one per joint)"
        case let .unknownLayout(name, known):
            return "unknown layout '\(name)', expected one of \(known.joined(separator: ", ")) or a custom layout (num_node, edges, center)"
        case let .invalidHopParameters(maxHop, dilation, maximumHop):
            return "graph: max_hop \(maxHop) and dilation \(dilation) are invalid, expected 1 <= max_hop <= \(maximumHop) and dilation >= 1"
        }
    }
}
