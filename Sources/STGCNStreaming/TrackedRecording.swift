import SkeletonData

/// A whole recording, tracked, for offline use: `stgcn predict` on a JSON-lines file, the
/// sliding-window timeline, and the reference the live stream is tested against.
///
/// A person's window ending at frame `end` covers frames `max(first seen, end − W + 1)...end`
/// (the frames since the person was first seen, at most W of them); the clip puts the person
/// in slot 0 and the `M − 1` most relevant others (`PersonRelevance`, over the same frames) in
/// the next slots, with zeros where a person is absent and zero padding at the end up to W
/// frames (the official `auto_pading`).
public struct TrackedRecording: Sendable {
    /// Every frame, in order (`frames[i].index == i`).
    public let frames: [TrackedFrame]
    /// V.
    public let jointCount: Int
    /// True for x, y, z skeletons.
    public let threeDimensional: Bool

    /// Tracks `poses` from the start.
    public init(poses: [PoseFrame], tracking: FrameTracking) {
        var tracking = tracking
        frames = poses.map { tracking.track($0) }
        jointCount = tracking.converter.jointCount
        threeDimensional = tracking.converter.input.isThreeDimensional
    }

    /// Every track id, in the order the persons were first seen.
    public var personIDs: [Int] {
        var seen: Set<Int> = []
        var ids: [Int] = []
        for frame in frames {
            for person in frame.persons where seen.insert(person.id).inserted { ids.append(person.id) }
        }
        return ids
    }

    /// The first frame holding person `id`.
    public func firstSeen(_ id: Int) -> Int? {
        frames.first { $0.skeleton(of: id) != nil }?.index
    }

    /// The last frame holding person `id`.
    public func lastSeen(_ id: Int) -> Int? {
        frames.last { $0.skeleton(of: id) != nil }?.index
    }

    /// Person `id`'s `(3, window, V, persons)` clip ending at frame `end`, with the first frame
    /// it covers and the ids in slots 1...; nil when the person was not seen by then.
    public func clip(person id: Int, endingAt end: Int, window: Int, persons: Int) -> (clip: SkeletonClip, start: Int, partners: [Int])? {
        guard window >= 1, persons >= 1, end >= 0, end < frames.count, let first = firstSeen(id), first <= end else { return nil }
        let start = max(first, end - window + 1)
        let span = frames[start...end]
        let partners = Array(PersonRelevance.ranked(span, excluding: id, jointCount: jointCount,
                                                     threeDimensional: threeDimensional).prefix(persons - 1))
        let slots = [id] + partners
        var clip = SkeletonClip(channels: KeypointConverter.channels, frames: window, joints: jointCount, persons: persons)
        for frame in span {
            let t = frame.index - start
            for (m, slotID) in slots.enumerated() {
                guard let skeleton = frame.skeleton(of: slotID) else { continue }
                for c in 0..<KeypointConverter.channels {
                    for v in 0..<jointCount { clip[c, t, v, m] = skeleton[c * jointCount + v] }
                }
            }
        }
        return (clip, start, partners)
    }
}
