extension SkeletonLayout {
    /// OpenPose COCO-18 keypoints (official `openpose` layout): 18 joints, center 1 (neck).
    /// Hips link to the shoulders, not to the neck.
    public static let openpose = SkeletonLayout(
        unchecked: "openpose",
        jointCount: 18,
        edges: [(4, 3), (3, 2), (7, 6), (6, 5), (13, 12), (12, 11), (10, 9), (9, 8), (11, 5),
                (8, 2), (5, 1), (2, 1), (0, 1), (15, 0), (14, 0), (17, 15), (16, 14)],
        center: 1,
        jointNames: ["nose", "neck", "right_shoulder", "right_elbow", "right_wrist", "left_shoulder",
                     "left_elbow", "left_wrist", "right_hip", "right_knee", "right_ankle", "left_hip",
                     "left_knee", "left_ankle", "right_eye", "left_eye", "right_ear", "left_ear"]
    )

    /// NTU RGB+D (Kinect v2) 25 joints (official `ntu-rgb+d` layout), center 20 (spine shoulder).
    /// Note: PySKL/MMAction2's `nturgb+d` differs in two hand edges.
    public static let ntuRGBD = SkeletonLayout(
        unchecked: "ntu-rgb+d",
        jointCount: 25,
        edges: oneBased([(1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21),
                         (10, 9), (11, 10), (12, 11), (13, 1), (14, 13), (15, 14), (16, 15), (17, 1),
                         (18, 17), (19, 18), (20, 19), (22, 23), (23, 8), (24, 25), (25, 12)]),
        center: 20,
        jointNames: ["spine_base", "spine_mid", "neck", "head", "left_shoulder", "left_elbow",
                     "left_wrist", "left_hand", "right_shoulder", "right_elbow", "right_wrist",
                     "right_hand", "left_hip", "left_knee", "left_ankle", "left_foot", "right_hip",
                     "right_knee", "right_ankle", "right_foot", "spine_shoulder", "left_hand_tip",
                     "left_thumb", "right_hand_tip", "right_thumb"]
    )

    /// The official `ntu_edge` layout: 24 nodes, center 2 (0-based).
    ///
    /// The center is index 2, as in the official code (`center = 2`), and as the official
    /// adjacency fixture confirms; index 1 does not reproduce it.
    public static let ntuEdge = SkeletonLayout(
        unchecked: "ntu_edge",
        jointCount: 24,
        edges: oneBased([(1, 2), (3, 2), (4, 3), (5, 2), (6, 5), (7, 6), (8, 7), (9, 2), (10, 9),
                         (11, 10), (12, 11), (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17),
                         (19, 18), (20, 19), (21, 22), (22, 8), (23, 24), (24, 12)]),
        center: 2,
        jointNames: nil
    )

    /// COCO-17 keypoints (most 2D pose estimators), center 0 (nose).
    ///
    /// Edge list from MMAction2's `coco` graph layout (`mmaction/models/utils/graph.py`):
    /// (15,13) (13,11) (16,14) (14,12) (11,5) (12,6) (9,7) (7,5) (10,8) (8,6) (5,0) (6,0)
    /// (1,0) (3,1) (2,0) (4,2), center 0. The partition strategies applied to it are the
    /// official ST-GCN ones (MMAction2's own `spatial` mode differs).
    public static let coco = SkeletonLayout(
        unchecked: "coco",
        jointCount: 17,
        edges: [(15, 13), (13, 11), (16, 14), (14, 12), (11, 5), (12, 6), (9, 7), (7, 5), (10, 8),
                (8, 6), (5, 0), (6, 0), (1, 0), (3, 1), (2, 0), (4, 2)],
        center: 0,
        jointNames: ["nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
                     "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
                     "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"]
    )

    /// The built-in layouts, in the order `named(_:)` lists them.
    public static let builtIn: [SkeletonLayout] = [openpose, ntuRGBD, ntuEdge, coco]

    /// The names `named(_:)` accepts: `openpose`, `ntu-rgb+d`, `ntu_edge`, `coco`.
    public static var builtInNames: [String] { builtIn.map(\.name) }

    /// The built-in layout called `name` (exact, as the official configs spell it).
    /// - Throws: `SkeletonGraphError.unknownLayout`, listing the known names.
    public static func named(_ name: String) throws(SkeletonGraphError) -> SkeletonLayout {
        guard let layout = builtIn.first(where: { $0.name == name }) else {
            throw .unknownLayout(name: name, known: builtInNames)
        }
        return layout
    }

    private static func oneBased(_ pairs: [(Int, Int)]) -> [(Int, Int)] {
        pairs.map { ($0.0 - 1, $0.1 - 1) }
    }
}
