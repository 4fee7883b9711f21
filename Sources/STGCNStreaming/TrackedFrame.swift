/// One frame after layout mapping, normalisation and tracking: every person present, by track
/// id, as the `(3, V)` values the model takes (channel-major).
public struct TrackedFrame: Sendable, Hashable {
    /// The frame's position in the stream (0 for the first line that held a frame).
    public var index: Int
    /// The producer's frame number, if given.
    public var frame: Int?
    /// The producer's time stamp, if given.
    public var time: Double?
    /// The persons present, in input order: track id and `(3, V)` skeleton.
    public var persons: [TrackedPerson]

    /// Creates a frame.
    public init(index: Int, frame: Int?, time: Double?, persons: [TrackedPerson]) {
        self.index = index
        self.frame = frame
        self.time = time
        self.persons = persons
    }

    /// The skeleton of track `id`, or nil when that person is not in this frame.
    public func skeleton(of id: Int) -> [Float]? {
        persons.first { $0.id == id }?.skeleton
    }
}
