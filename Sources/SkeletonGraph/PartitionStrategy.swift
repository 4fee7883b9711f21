/// How the neighbours of each joint are split into the K subsets that get separate weights.
public enum PartitionStrategy: String, Sendable, CaseIterable, Codable {
    /// One subset: every neighbour within `maxHop` (uni-labeling). K = 1.
    case uniform
    /// One subset per hop distance 0, dilation, 2·dilation, … ≤ maxHop. K = 2 for the defaults.
    case distance
    /// Root / "close" / "further" by distance to the center joint, per hop. K = 3 for the defaults.
    case spatial
}
