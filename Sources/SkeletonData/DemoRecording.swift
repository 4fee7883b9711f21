import SkeletonGraph

/// The built-in multi-person recording `stgcn stream --demo` plays: `SyntheticActions` clips
/// (the 2-D `openpose` rendering) shifted sideways and written as COCO-17 keypoints in pixels
/// of a 640×480 video at 30 fps, without person ids, people entering and leaving.
///
/// Deterministic: the frames depend only on `seed` and the cast.
public enum DemoRecording {
    /// The video's size in pixels.
    public static let imageSize = (width: 640.0, height: 480.0)
    /// Frames per second of the time stamps.
    public static let framesPerSecond = 30.0

    /// One person's part in the recording.
    public struct Appearance: Sendable, Hashable {
        /// The synthetic action (class index of `SyntheticActions`).
        public var action: Int
        /// The first frame the person is in.
        public var firstFrame: Int
        /// How many frames the person stays.
        public var frameCount: Int
        /// Sideways shift, in image widths.
        public var offset: Double

        /// Creates an appearance.
        public init(action: Int, firstFrame: Int, frameCount: Int, offset: Double) {
            self.action = action
            self.firstFrame = firstFrame
            self.frameCount = frameCount
            self.offset = offset
        }
    }

    /// The standard cast (12 s): someone waving from the start and leaving at 8 s, someone
    /// squatting from 2 s to 10 s, someone clapping from 5 s to the end.
    public static let standardCast: [Appearance] = [
        Appearance(action: SyntheticActionClass.waveRightHand.rawValue, firstFrame: 0, frameCount: 240, offset: -0.12),
        Appearance(action: SyntheticActionClass.squatting.rawValue, firstFrame: 60, frameCount: 240, offset: 0),
        Appearance(action: SyntheticActionClass.clapping.rawValue, firstFrame: 150, frameCount: 210, offset: 0.12),
    ]

    /// Frames per rendered action: an appearance is a run of `SyntheticActions` clips of this
    /// length (the built-in recipe's clip length, so each holds one action at the speed a model
    /// trained on those clips knows), each moved sideways so its mean x is the appearance's offset.
    public static let clipFrames = 32

    /// The recording's frames (as many as the cast fills), the persons of each frame in cast order.
    /// - Throws: `SkeletonDataError.invalidArgument` for an unknown action or an empty appearance.
    public static func frames(cast: [Appearance] = standardCast, seed: UInt64 = 7) throws(SkeletonDataError) -> [PoseFrame] {
        let length = cast.map { $0.firstFrame + $0.frameCount }.max() ?? 0
        var frames = (0..<length).map { PoseFrame(frame: $0, time: (Double($0) / framesPerSecond * 1000).rounded() / 1000, persons: []) }
        let generator = SyntheticActions(seed: seed)
        // COCO-17 joint j is openpose joint `toOpenpose[j]` (matched by name).
        let toOpenpose: [Int] = InputLayout.coco17.jointNames.map { InputLayout.openpose18.index(of: $0) ?? 0 }
        for (n, part) in cast.enumerated() {
            guard part.frameCount >= 1, part.firstFrame >= 0 else {
                throw .invalidArgument(name: "cast[\(n)]", value: "\(part.firstFrame)+\(part.frameCount)", expected: "a first frame ≥ 0 and at least 1 frame")
            }
            var chunk = 0
            while chunk * clipFrames < part.frameCount {
                let clip = try generator.clip(class: part.action, index: 100 * n + chunk, frames: clipFrames, split: .test, layout: .openpose)
                for m in 0..<clip.persons {
                    var sum = 0.0, count = 0.0
                    for t in 0..<clip.frames { for v in 0..<18 where clip[2, t, v, m] > 0 { sum += Double(clip[0, t, v, m]); count += 1 } }
                    guard count > 0 else { continue }
                    let shift = part.offset - sum / count
                    for t in 0..<clip.frames where chunk * clipFrames + t < part.frameCount {
                        var keypoints = [Double](repeating: 0, count: 17 * 3)
                        var present = false
                        for (j, v) in toOpenpose.enumerated() where clip[2, t, v, m] > 0 {
                            // Pixels to 1/100, scores to 1/1000, as an estimator would print them.
                            keypoints[3 * j] = ((Double(clip[0, t, v, m]) + 0.5 + shift) * imageSize.width * 100).rounded() / 100
                            keypoints[3 * j + 1] = ((Double(clip[1, t, v, m]) + 0.5) * imageSize.height * 100).rounded() / 100
                            keypoints[3 * j + 2] = max(0.001, (Double(clip[2, t, v, m]) * 1000).rounded() / 1000)
                            present = true
                        }
                        if present { frames[part.firstFrame + chunk * clipFrames + t].persons.append(PosePerson(keypoints: keypoints)) }
                    }
                }
                chunk += 1
            }
        }
        return frames
    }
}
