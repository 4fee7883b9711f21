import SkeletonGraph

/// Which input joints make each joint of a model's layout: the joint-by-joint table from an
/// `InputLayout` (what a pose estimator writes) to a `SkeletonLayout` (what a model takes).
///
/// Joints are matched by name (`InputLayout.jointNames` against `SkeletonLayout.jointNames`),
/// with one derived joint: a model `neck` that the input lacks (COCO-17, MediaPipe-33) is the
/// midpoint of the two shoulders, present only when both shoulders are, with the mean of their
/// scores. Input joints the model has no place for (feet, hands, face detail, BODY_25's mid-hip)
/// are dropped. 2-D inputs feed 2-D model layouts (`openpose`, `coco`, or a custom layout with
/// joint names), the 3-D input (`ntu25`) feeds `ntu-rgb+d`.
public struct LayoutMapping: Sendable, Hashable {
    /// Where one model joint comes from.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// Input joint `index`.
        case joint(Int)
        /// The midpoint of two input joints (both must be present).
        case midpoint(Int, Int)

        public var description: String {
            switch self {
            case let .joint(index): return "\(index)"
            case let .midpoint(a, b): return "midpoint(\(a), \(b))"
            }
        }
    }

    /// The input layout.
    public let input: InputLayout
    /// The model's layout.
    public let model: SkeletonLayout
    /// For each model joint, its source in the input.
    public let sources: [Source]

    /// Model layouts that take 3-D keypoints.
    public static let threeDimensionalModelLayouts: Set<String> = [SkeletonLayout.ntuRGBD.name, SkeletonLayout.ntuEdge.name]

    /// The mapping from `input` onto `model`.
    /// - Throws: `LayoutMappingError.unsupported` when the dimensionality differs or a model
    ///   joint has no source (the error lists the input layouts that model does take).
    public init(from input: InputLayout, to model: SkeletonLayout) throws(LayoutMappingError) {
        guard let sources = Self.sources(from: input, to: model) else {
            throw .unsupported(input: input.rawValue, model: model.name,
                               accepted: InputLayout.allCases.filter { Self.sources(from: $0, to: model) != nil }.map(\.rawValue))
        }
        self.input = input
        self.model = model
        self.sources = sources
    }

    /// The table, or nil when `input` cannot feed `model`.
    static func sources(from input: InputLayout, to model: SkeletonLayout) -> [Source]? {
        let modelIs3D = threeDimensionalModelLayouts.contains(model.name)
        guard modelIs3D == input.isThreeDimensional, let names = model.jointNames else { return nil }
        var sources: [Source] = []
        for name in names {
            if let index = input.index(of: name) {
                sources.append(.joint(index))
            } else if name == "neck", let left = input.index(of: "left_shoulder"), let right = input.index(of: "right_shoulder") {
                sources.append(.midpoint(left, right))
            } else {
                return nil
            }
        }
        return sources
    }

    /// One person's keypoints (`input.jointCount × 3`, joint by joint) in the model's joint order
    /// (`model.jointCount × 3`), values unchanged: a midpoint joint averages its two sources (all
    /// three numbers) when both are present and is zero otherwise. Present: a score above 0
    /// (2-D), any non-zero number (3-D).
    /// - Precondition: `keypoints.count == input.jointCount * 3`.
    public func apply(_ keypoints: [Double]) -> [Double] {
        precondition(keypoints.count == input.jointCount * 3, "LayoutMapping.apply: \(keypoints.count) values, expected \(input.jointCount * 3)")
        let threeD = input.isThreeDimensional
        func present(_ i: Int) -> Bool {
            threeD ? (keypoints[3 * i] != 0 || keypoints[3 * i + 1] != 0 || keypoints[3 * i + 2] != 0) : keypoints[3 * i + 2] > 0
        }
        var result = [Double](repeating: 0, count: sources.count * 3)
        for (v, source) in sources.enumerated() {
            switch source {
            case let .joint(i):
                for k in 0..<3 { result[3 * v + k] = keypoints[3 * i + k] }
            case let .midpoint(a, b):
                guard present(a), present(b) else { continue }
                for k in 0..<3 { result[3 * v + k] = (keypoints[3 * a + k] + keypoints[3 * b + k]) / 2 }
            }
        }
        return result
    }

    /// One row per model joint: `model index, model name ← input index(es) and name(s)`.
    public var rows: [(modelIndex: Int, modelName: String, source: String)] {
        let modelNames = model.jointNames ?? (0..<model.jointCount).map { "joint \($0)" }
        let inputNames = input.jointNames
        return sources.enumerated().map { v, source in
            switch source {
            case let .joint(i): return (v, modelNames[v], "\(i) \(inputNames[i])")
            case let .midpoint(a, b): return (v, modelNames[v], "midpoint of \(a) \(inputNames[a]) and \(b) \(inputNames[b])")
            }
        }
    }
}
