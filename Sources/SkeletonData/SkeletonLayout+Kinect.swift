import SkeletonGraph

extension SkeletonLayout {
    /// Kinect v1 (Microsoft SDK) 20 joints, the order of UTKinect-Action3D files: 0 hip
    /// center, 1 spine, 2 shoulder center, 3 head, 4–7 left shoulder, elbow, wrist, hand, 8–11
    /// the same on the right, 12–15 left hip, knee, ankle, foot, 16–19 the same on the right.
    /// Center 2 (shoulder center, the counterpart of NTU's spine shoulder).
    public static let kinectV1: SkeletonLayout = builtInKinect(
        name: "kinect-v1",
        edges: [(0, 1), (1, 2), (2, 3), (2, 4), (4, 5), (5, 6), (6, 7), (2, 8), (8, 9), (9, 10), (10, 11),
                (0, 12), (12, 13), (13, 14), (14, 15), (0, 16), (16, 17), (17, 18), (18, 19)],
        center: 2,
        names: ["hip_center", "spine", "shoulder_center", "head", "left_shoulder", "left_elbow", "left_wrist",
                "left_hand", "right_shoulder", "right_elbow", "right_wrist", "right_hand", "left_hip", "left_knee",
                "left_ankle", "left_foot", "right_hip", "right_knee", "right_ankle", "right_foot"])

    /// MSR Action3D's own 20-joint order (0-based): 0 left shoulder, 1 right shoulder, 2
    /// shoulder center (neck), 3 spine, 4 left hip, 5 right hip, 6 hip center, 7 left elbow,
    /// 8 right elbow, 9 left wrist, 10 right wrist, 11 left hand, 12 right hand, 13 left knee,
    /// 14 right knee, 15 left ankle, 16 right ankle, 17 left foot, 18 right foot, 19 head.
    /// Center 2.
    ///
    /// Verified on the 567 sequences of the dataset (test `testMSRJointOrderFromBoneLengthsAndMotion`):
    /// left and right bones have equal median lengths (upper arm 0.276, forearm 0.290, hand
    /// 0.069, thigh 0.544/0.542, shin 0.427, foot 0.167 m; shoulder 0.220/0.215) and the edges
    /// below join each joint to its nearest neighbours. The arm or leg that moves in the
    /// one-limb actions (1–9 and 14–15, which subjects performed with the right limb) is joints
    /// 1, 8, 10, 12 / 5, 14, 16, 18 in 294 of 297 sequences, and that shoulder has the larger
    /// camera x (Kinect camera space) in 98.6% of the frames. So the sides are the reverse of
    /// the order often quoted (1 = right shoulder); the topology is as quoted.
    public static let msrAction3D: SkeletonLayout = builtInKinect(
        name: "msr-action3d",
        edges: [(2, 0), (2, 1), (2, 19), (2, 3), (3, 6), (6, 4), (6, 5), (0, 7), (7, 9), (9, 11),
                (1, 8), (8, 10), (10, 12), (4, 13), (13, 15), (15, 17), (5, 14), (14, 16), (16, 18)],
        center: 2,
        names: ["left_shoulder", "right_shoulder", "shoulder_center", "spine", "left_hip", "right_hip", "hip_center",
                "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hand", "right_hand", "left_knee",
                "right_knee", "left_ankle", "right_ankle", "left_foot", "right_foot", "head"])

    /// For each Kinect v1 joint, its index in MSR Action3D order (to map MSR clips onto `kinectV1`).
    public static let msrAction3DToKinectV1: [Int] = [6, 3, 2, 19, 0, 7, 9, 11, 1, 8, 10, 12, 4, 13, 15, 17, 5, 14, 16, 18]

    private static func builtInKinect(name: String, edges: [(Int, Int)], center: Int, names: [String]) -> SkeletonLayout {
        do {
            return try SkeletonLayout(name: name, jointCount: 20, edges: edges, center: center, jointNames: names)
        } catch {
            fatalError("built-in layout \(name) is invalid: \(error)")  // constant data; tested
        }
    }
}
