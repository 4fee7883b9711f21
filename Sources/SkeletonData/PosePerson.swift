/// One person in a `PoseFrame`: an optional track id and the keypoints in the input layout's
/// joint order, three numbers per joint (`[x, y, score]` or `[x, y, z]`), missing joints zero.
public struct PosePerson: Sendable, Hashable {
    /// The producer's id for this person, if it tracks persons itself.
    public var id: Int?
    /// `InputLayout.jointCount × 3` finite numbers.
    public var keypoints: [Double]

    /// Creates a person.
    public init(id: Int? = nil, keypoints: [Double]) {
        self.id = id
        self.keypoints = keypoints
    }

    /// True when at least one joint is present (a non-zero score for 2-D layouts, a non-zero
    /// point for 3-D ones).
    public func hasAnyJoint(threeDimensional: Bool) -> Bool {
        var index = 0
        while index + 2 < keypoints.count {
            if threeDimensional {
                if keypoints[index] != 0 || keypoints[index + 1] != 0 || keypoints[index + 2] != 0 { return true }
            } else if keypoints[index + 2] > 0 {
                return true
            }
            index += 3
        }
        return false
    }
}
