import SkeletonData

/// `PoseFrame` → `TrackedFrame`: each person's keypoints through the `KeypointConverter`, persons
/// with no joint present left out (not an error), the rest given ids by the `PersonTracker`.
/// The first stage of both the live stream and the offline recording, so both see the same ids.
public struct FrameTracking: Sendable {
    /// Keypoints → model values.
    public let converter: KeypointConverter
    /// Ids.
    public private(set) var tracker: PersonTracker
    /// The index the next frame gets.
    public private(set) var nextIndex = 0

    /// Creates the stage.
    public init(converter: KeypointConverter, tracker settings: PersonTracker.Settings) {
        self.converter = converter
        self.tracker = PersonTracker(settings: settings, jointCount: converter.jointCount,
                                     threeDimensional: converter.input.isThreeDimensional)
    }

    /// The next frame, tracked.
    /// - Precondition: every person has `converter.inputValueCount` keypoint values (the line
    ///   parser checks this against the layout).
    public mutating func track(_ frame: PoseFrame) -> TrackedFrame {
        var detections: [(id: Int?, skeleton: [Float])] = []
        let threeD = converter.input.isThreeDimensional
        for person in frame.persons where person.hasAnyJoint(threeDimensional: threeD) {
            let skeleton = converter.convert(person.keypoints)
            guard Self.hasAnyJoint(skeleton, joints: converter.jointCount, threeDimensional: threeD) else { continue }
            detections.append((person.id, skeleton))
        }
        let index = nextIndex
        nextIndex += 1
        let ids = tracker.update(detections, at: index)
        let persons = zip(ids, detections).map { TrackedPerson(id: $0, skeleton: $1.skeleton) }
        return TrackedFrame(index: index, frame: frame.frame, time: frame.time, persons: persons)
    }

    /// True when a mapped skeleton still has a joint (mapping may drop all the joints given).
    static func hasAnyJoint(_ skeleton: [Float], joints: Int, threeDimensional: Bool) -> Bool {
        if threeDimensional { return skeleton.contains { $0 != 0 } }
        return skeleton[(2 * joints)..<(3 * joints)].contains { $0 > 0 }
    }
}
