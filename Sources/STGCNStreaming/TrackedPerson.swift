/// One tracked person in a `TrackedFrame`.
public struct TrackedPerson: Sendable, Hashable {
    /// The track id.
    public var id: Int
    /// `(3, V)` channel-major model values.
    public var skeleton: [Float]

    /// Creates a person.
    public init(id: Int, skeleton: [Float]) {
        self.id = id
        self.skeleton = skeleton
    }
}
