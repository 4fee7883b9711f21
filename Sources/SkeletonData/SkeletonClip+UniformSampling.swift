/// How `SkeletonClip.uniformlySampled(size:mode:using:)` picks the frame of each segment.
public enum UniformSamplingMode: Sendable, Hashable {
    /// A random frame of each segment (training: every epoch sees other frames).
    case random
    /// The middle frame of each segment (evaluation: the same frames every time).
    case centered
}

extension SkeletonClip {
    /// The clip's valid frames (its span of non-zero frames, so zero padding before and after is
    /// left out) resampled to exactly `size` frames in order, as PySKL's uniform sampling does:
    /// the span of `n` frames is cut into `size` equal segments and frame
    /// `⌊(i + u) · n / size⌋` of the span is taken for segment i, with u uniform in [0, 1)
    /// (`.random`) or ½ (`.centered`). A span longer than `size` is thinned evenly over its whole
    /// length instead of cropped; a shorter one has frames repeated evenly instead of zero-padded.
    /// A clip with no valid frame gives `size` zero frames.
    /// - Precondition: `size >= 1`.
    public func uniformlySampled(size: Int, mode: UniformSamplingMode, using generator: inout some RandomNumberGenerator) -> SkeletonClip {
        precondition(size >= 1, "uniformlySampled: size must be at least 1")
        var result = SkeletonClip(channels: channels, frames: size, joints: joints, persons: persons)
        guard let span = nonZeroFrameRange else { return result }
        let n = Double(span.count)
        let sources = (0..<size).map { i -> Int in
            let u = mode == .random ? Double.random(in: 0..<1, using: &generator) : 0.5
            return span.lowerBound + min(span.count - 1, Int(((Double(i) + u) * n / Double(size)).rounded(.down)))
        }
        let block = joints * persons
        values.withUnsafeBufferPointer { input in
            result.values.withUnsafeMutableBufferPointer { output in
                for c in 0..<channels {
                    for (t, source) in sources.enumerated() {
                        let from = (c * frames + source) * block, to = (c * size + t) * block
                        for i in 0..<block { output[to + i] = input[from + i] }
                    }
                }
            }
        }
        return result
    }
}
