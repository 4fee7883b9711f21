import SkeletonFormats

/// One sample of a PySKL / MMAction2 skeleton annotation file: a dict with `frame_dir`,
/// `label`, `total_frames`, `keypoint` (M, T, V, C) and, for 2D poses, `keypoint_score`
/// (M, T, V), plus `img_shape` and `original_shape` (height, width).
///
/// Keypoints are kept as the file stores them (persons first); `clip(appendingScore:)` turns
/// them into the official (C, T, V, M) layout. The keypoints and their shape are set together
/// by the initializer, so they always agree.
public struct PySKLAnnotation: Sendable, Hashable {
    /// `frame_dir`: the sample's name (e.g. `S001C001P001R001A001`), as the split lists it.
    public var frameDirectory: String
    /// `label`: the 0-based class index.
    public var label: Int
    /// `total_frames` (the keypoints' T when the file omits it).
    public var totalFrames: Int
    /// M: persons.
    public private(set) var persons: Int
    /// T: frames.
    public private(set) var frames: Int
    /// V: joints (17 for COCO 2D poses, 25 for NTU RGB+D 3D skeletons).
    public private(set) var joints: Int
    /// C: values per joint (2: x, y; 3: x, y, z).
    public private(set) var channels: Int
    /// `keypoint` as `Float`, (M, T, V, C) row-major.
    public private(set) var keypoint: [Float]
    /// `keypoint_score` as `Float`, (M, T, V) row-major, when the file has it.
    public private(set) var keypointScore: [Float]?
    /// `img_shape`, when present.
    public var imageShape: ImageShape?
    /// `original_shape`, when present.
    public var originalShape: ImageShape?

    /// An `(height, width)` pair of an annotation, in pixels.
    public struct ImageShape: Sendable, Hashable {
        /// Height in pixels.
        public var height: Int
        /// Width in pixels.
        public var width: Int

        /// Creates a shape.
        public init(height: Int, width: Int) {
            self.height = height
            self.width = width
        }
    }

    /// The keypoint shape `[M, T, V, C]`.
    public var keypointShape: [Int] { [persons, frames, joints, channels] }

    /// Creates an annotation from its parts.
    /// - Throws: `SkeletonDataError.invalidArgument` when `keypoint` does not hold M·T·V·C
    ///   values or `keypointScore` does not hold M·T·V.
    public init(frameDirectory: String, label: Int, totalFrames: Int? = nil, keypoint: [Float], shape: (persons: Int, frames: Int, joints: Int, channels: Int),
                keypointScore: [Float]? = nil, imageShape: ImageShape? = nil, originalShape: ImageShape? = nil) throws(SkeletonDataError) {
        let dimensions = [shape.persons, shape.frames, shape.joints, shape.channels]
        guard dimensions.allSatisfy({ $0 >= 0 }), Self.product(dimensions) == keypoint.count else {
            throw .invalidArgument(name: "keypoint", value: "\(keypoint.count) values", expected: "M·T·V·C for shape \(dimensions)")
        }
        if let keypointScore, Self.product(dimensions.dropLast()) != keypointScore.count {
            throw .invalidArgument(name: "keypointScore", value: "\(keypointScore.count) values", expected: "M·T·V for shape \(Array(dimensions.dropLast()))")
        }
        self.frameDirectory = frameDirectory
        self.label = label
        self.totalFrames = totalFrames ?? shape.frames
        (persons, frames, joints, channels) = shape
        self.keypoint = keypoint
        self.keypointScore = keypointScore
        self.imageShape = imageShape
        self.originalShape = originalShape
    }

    /// The clip in the official (C, T, V, M) layout: the keypoint channels, followed by the
    /// score as one more channel when `appendingScore` is true and the file has scores (2D
    /// poses become (x, y, score), the official Kinetics layout). All persons and frames.
    public func clip(appendingScore: Bool = true) -> SkeletonClip {
        let score = appendingScore ? keypointScore : nil
        let outChannels = channels + (score == nil ? 0 : 1)
        var values = [Float](repeating: 0, count: outChannels * frames * joints * persons)
        let planes = frames * joints
        for m in 0..<persons {
            for point in 0..<planes {
                let source = m * planes + point
                for c in 0..<channels {
                    values[(c * planes + point) * persons + m] = keypoint[source * channels + c]
                }
                if let score {
                    values[(channels * planes + point) * persons + m] = score[source]
                }
            }
        }
        return SkeletonClip(uncheckedChannels: outChannels, frames: frames, joints: joints, persons: persons, values: values)
    }

    private static func product<C: Collection>(_ dimensions: C) -> Int? where C.Element == Int {
        var count = 1
        for dimension in dimensions {
            let (next, overflow) = count.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            count = next
        }
        return count
    }
}
