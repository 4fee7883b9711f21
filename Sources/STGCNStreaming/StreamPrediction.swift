/// One prediction of the stream: person `person`'s window ending at frame `index`.
public struct StreamPrediction: Sendable, Hashable {
    /// The stream index of the frame the window ends at.
    public var index: Int
    /// That frame's producer frame number, if given.
    public var frame: Int?
    /// That frame's producer time stamp, if given.
    public var time: Double?
    /// The person's track id.
    public var person: Int
    /// The ids in the clip's other person slots (most relevant first; fewer than M − 1 when
    /// fewer persons were there).
    public var partners: [Int]
    /// The first frame (stream index) of the window.
    public var windowStart: Int
    /// The logits `(classCount)`.
    public var logits: [Float]
    /// The softmax of the logits.
    public var probabilities: [Float]
    /// Seconds from the frame's arrival to this prediction being ready.
    public var latency: Double

    /// The frames of data in the window (the rest is zero padding).
    public var windowFrames: Int { index - windowStart + 1 }

    /// The `count` most probable classes, most probable first (ties: lower class first).
    public func top(_ count: Int) -> [(classIndex: Int, probability: Float)] {
        let order = probabilities.indices.sorted { a, b in
            probabilities[a] > probabilities[b] || (probabilities[a] == probabilities[b] && a < b)
        }
        return order.prefix(max(0, count)).map { ($0, probabilities[$0]) }
    }
}
