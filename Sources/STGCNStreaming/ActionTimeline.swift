/// Sliding-window predictions of a long recording turned into action segments.
///
/// Merge rule: windows are taken in order; each window's label covers the frames it adds to
/// the previous window (its last `hop` frames; the first window covers all of its frames), so
/// the segments tile the recording without overlap. Consecutive windows with the same top-1
/// class merge into one segment, from the first frame its first window covers to the last
/// frame of its last window; its probability is the mean of those windows' top-1
/// probabilities. A change of label therefore shows at the end of the last window that still
/// had the old label.
public enum ActionTimeline {
    /// One window's top-1 result.
    public struct Window: Sendable, Hashable {
        /// The window's first frame.
        public var start: Int
        /// The window's last frame (inclusive).
        public var end: Int
        /// The top-1 class.
        public var classIndex: Int
        /// Its probability.
        public var probability: Float

        /// Creates a window.
        public init(start: Int, end: Int, classIndex: Int, probability: Float) {
            self.start = start
            self.end = end
            self.classIndex = classIndex
            self.probability = probability
        }
    }

    /// One merged segment.
    public struct Segment: Sendable, Hashable {
        /// First frame covered.
        public var start: Int
        /// Last frame covered (inclusive).
        public var end: Int
        /// The class.
        public var classIndex: Int
        /// Mean top-1 probability of the merged windows.
        public var probability: Float
        /// How many windows were merged.
        public var windows: Int
    }

    /// The segments of `windows` (in order of their ends).
    public static func segments(_ windows: [Window]) -> [Segment] {
        var segments: [Segment] = []
        var sum: Float = 0
        for window in windows {
            if var last = segments.last, last.classIndex == window.classIndex {
                last.end = max(last.end, window.end)
                last.windows += 1
                sum += window.probability
                last.probability = sum / Float(last.windows)
                segments[segments.count - 1] = last
            } else {
                let start = segments.last.map { $0.end + 1 } ?? window.start
                segments.append(Segment(start: start, end: max(start, window.end), classIndex: window.classIndex,
                                        probability: window.probability, windows: 1))
                sum = window.probability
            }
        }
        return segments
    }

    /// The first frames of the windows of `length` frames that slide over `frameCount` frames
    /// with `hop`: 0, hop, 2·hop, … while the window fits, plus one window ending at the last
    /// frame when the hops miss it; `[0]` when the recording is not longer than a window.
    public static func windowStarts(frameCount: Int, window: Int, hop: Int) -> [Int] {
        guard frameCount > window, window >= 1, hop >= 1 else { return [0] }
        var starts = Array(stride(from: 0, through: frameCount - window, by: hop))
        if let last = starts.last, last + window < frameCount { starts.append(frameCount - window) }
        return starts
    }
}
