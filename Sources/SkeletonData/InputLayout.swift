/// A keypoint set as a pose estimator writes it, in that estimator's joint order: what
/// `stgcn stream`, `predict` and `gendata` accept with `--input-layout`.
///
/// Every joint is three numbers: `[x, y, score]` for the 2-D layouts, `[x, y, z]` for the
/// 3-D one (`ntu25`). `LayoutMapping` turns a layout into a model's layout.
public enum InputLayout: String, Sendable, Hashable, CaseIterable {
    /// COCO-17 (YOLO-pose, RTMPose, MoveNet, MMPose, Detectron2): pixels, score.
    case coco17
    /// MediaPipe Pose's 33 landmarks: image coordinates (pixels, or [0, 1] with
    /// `--image-size 1x1`), the landmark's visibility as the score.
    case mediapipe33
    /// Apple Vision's 19 body joints (`VNHumanBodyPoseObservation`), in the order of
    /// `jointNames`: normalised [0, 1] coordinates with the origin at the lower left (Vision's
    /// own convention), the confidence as the score.
    case vision19
    /// OpenPose COCO-18 (the official Kinetics layout): pixels, score.
    case openpose18
    /// OpenPose BODY_25: pixels, score.
    case body25
    /// Kinect v2 / NTU RGB+D 25 joints: x, y, z in metres (camera space).
    case ntu25

    /// The joints in input order.
    public var jointNames: [String] {
        switch self {
        case .coco17:
            return ["nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
                    "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip",
                    "left_knee", "right_knee", "left_ankle", "right_ankle"]
        case .mediapipe33:
            return ["nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
                    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
                    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
                    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip",
                    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
                    "right_heel", "left_foot_index", "right_foot_index"]
        case .vision19:
            return ["nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
                    "neck", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "root", "left_hip",
                    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"]
        case .openpose18:
            return ["nose", "neck", "right_shoulder", "right_elbow", "right_wrist", "left_shoulder",
                    "left_elbow", "left_wrist", "right_hip", "right_knee", "right_ankle", "left_hip",
                    "left_knee", "left_ankle", "right_eye", "left_eye", "right_ear", "left_ear"]
        case .body25:
            return ["nose", "neck", "right_shoulder", "right_elbow", "right_wrist", "left_shoulder",
                    "left_elbow", "left_wrist", "mid_hip", "right_hip", "right_knee", "right_ankle",
                    "left_hip", "left_knee", "left_ankle", "right_eye", "left_eye", "right_ear", "left_ear",
                    "left_big_toe", "left_small_toe", "left_heel", "right_big_toe", "right_small_toe", "right_heel"]
        case .ntu25:
            return ["spine_base", "spine_mid", "neck", "head", "left_shoulder", "left_elbow", "left_wrist",
                    "left_hand", "right_shoulder", "right_elbow", "right_wrist", "right_hand", "left_hip",
                    "left_knee", "left_ankle", "left_foot", "right_hip", "right_knee", "right_ankle",
                    "right_foot", "spine_shoulder", "left_hand_tip", "left_thumb", "right_hand_tip", "right_thumb"]
        }
    }

    /// The number of joints per person.
    public var jointCount: Int { jointNames.count }

    /// True for `[x, y, z]` keypoints, false for `[x, y, score]`.
    public var isThreeDimensional: Bool { self == .ntu25 }

    /// True when coordinates are normalised to [0, 1] with y pointing up (Apple Vision), so no
    /// image size is needed.
    public var isNormalizedWithYUp: Bool { self == .vision19 }

    /// The index of joint `name`; nil when the layout has no such joint.
    public func index(of name: String) -> Int? { jointNames.firstIndex(of: name) }

    /// The layout called `name` (the raw values above).
    /// - Throws: `LayoutMappingError.unknownInputLayout`, listing the known names.
    public static func named(_ name: String) throws(LayoutMappingError) -> InputLayout {
        guard let layout = InputLayout(rawValue: name) else {
            throw .unknownInputLayout(name: name, known: allCases.map(\.rawValue))
        }
        return layout
    }
}
