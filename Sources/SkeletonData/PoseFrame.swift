/// One frame of keypoints from a pose estimator: what one line of `stgcn stream`'s input holds.
public struct PoseFrame: Sendable, Hashable {
    /// The producer's frame number, if it gave one (carried to the output, never used to fill gaps).
    public var frame: Int?
    /// The producer's time stamp in seconds, if it gave one.
    public var time: Double?
    /// The persons seen in this frame (possibly none).
    public var persons: [PosePerson]

    /// Creates a frame.
    public init(frame: Int? = nil, time: Double? = nil, persons: [PosePerson]) {
        self.frame = frame
        self.time = time
        self.persons = persons
    }
}
