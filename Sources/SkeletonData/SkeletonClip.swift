/// One skeleton sample: `values` in (C, T, V, M) row-major order, the official per-sample layout.
///
/// C channels per joint (x, y, z for 3D data; x, y, score for 2D pose), T frames, V joints,
/// M persons. Missing persons, joints and frames past the clip's end are zeros: this zero
/// padding is what the released ST-GCN models expect.
///
/// The shape is fixed at creation; `values` can be changed through the subscript or
/// `withUnsafeMutableValues(_:)`, which keep its count.
public struct SkeletonClip: Sendable, Hashable {
    /// C: values per joint (3: x, y, z or x, y, score).
    public let channels: Int
    /// T: frames.
    public let frames: Int
    /// V: joints per person.
    public let joints: Int
    /// M: persons.
    public let persons: Int
    /// `channels * frames * joints * persons` values in (C, T, V, M) row-major order.
    public internal(set) var values: [Float]

    /// A clip of zeros.
    /// - Precondition: every dimension is non-negative (a programming error otherwise).
    public init(channels: Int, frames: Int, joints: Int, persons: Int) {
        precondition(channels >= 0 && frames >= 0 && joints >= 0 && persons >= 0, "SkeletonClip: negative dimension")
        self.channels = channels
        self.frames = frames
        self.joints = joints
        self.persons = persons
        self.values = [Float](repeating: 0, count: channels * frames * joints * persons)
    }

    /// A clip holding `values` in (C, T, V, M) order.
    /// - Throws: `SkeletonDataError.invalidArgument` when a dimension is negative or
    ///   `values.count` is not C·T·V·M.
    public init(channels: Int, frames: Int, joints: Int, persons: Int, values: [Float]) throws(SkeletonDataError) {
        guard channels >= 0, frames >= 0, joints >= 0, persons >= 0 else {
            throw .invalidArgument(name: "shape", value: "(\(channels), \(frames), \(joints), \(persons))", expected: "non-negative dimensions")
        }
        let (product, overflow) = channels.multipliedReportingOverflow(by: frames)
        let (product2, overflow2) = product.multipliedReportingOverflow(by: joints)
        let (count, overflow3) = product2.multipliedReportingOverflow(by: persons)
        guard !overflow, !overflow2, !overflow3, count == values.count else {
            throw .invalidArgument(name: "values", value: "\(values.count) values",
                                   expected: "C·T·V·M = \(channels)·\(frames)·\(joints)·\(persons) values")
        }
        self.channels = channels
        self.frames = frames
        self.joints = joints
        self.persons = persons
        self.values = values
    }

    /// `[C, T, V, M]`.
    public var shape: [Int] { [channels, frames, joints, persons] }

    /// The offset of element (c, t, v, m) in `values`.
    @inlinable
    public func offset(channel c: Int, frame t: Int, joint v: Int, person m: Int) -> Int {
        ((c * frames + t) * joints + v) * persons + m
    }

    /// Element (c, t, v, m). Indices out of range are a programming error (trap).
    public subscript(channel c: Int, frame t: Int, joint v: Int, person m: Int) -> Float {
        get {
            precondition(c >= 0 && c < channels && t >= 0 && t < frames && v >= 0 && v < joints && m >= 0 && m < persons,
                         "SkeletonClip index out of range")
            return values[offset(channel: c, frame: t, joint: v, person: m)]
        }
        set {
            precondition(c >= 0 && c < channels && t >= 0 && t < frames && v >= 0 && v < joints && m >= 0 && m < persons,
                         "SkeletonClip index out of range")
            values[offset(channel: c, frame: t, joint: v, person: m)] = newValue
        }
    }

    /// Element (c, t, v, m), positional form.
    public subscript(_ c: Int, _ t: Int, _ v: Int, _ m: Int) -> Float {
        get { self[channel: c, frame: t, joint: v, person: m] }
        set { self[channel: c, frame: t, joint: v, person: m] = newValue }
    }

    /// Calls `body` with the values (count fixed) for fast in-place changes.
    public mutating func withUnsafeMutableValues<R>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try values.withUnsafeMutableBufferPointer { try body(&$0) }
    }

    /// Whether every value of frame `t` (all channels, joints, persons) is zero.
    public func isZeroFrame(_ t: Int) -> Bool {
        precondition(t >= 0 && t < frames, "SkeletonClip frame out of range")
        let block = joints * persons
        return values.withUnsafeBufferPointer { buffer in
            for c in 0..<channels {
                let base = (c * frames + t) * block
                for i in base..<(base + block) where buffer[i] != 0 { return false }
            }
            return true
        }
    }

    /// The frames from the first to the last frame holding a non-zero value; `nil` when the
    /// clip is all zeros. (The span `random_shift` moves.)
    public var nonZeroFrameRange: Range<Int>? {
        var first: Int?
        var last = 0
        for t in 0..<frames where !isZeroFrame(t) {
            if first == nil { first = t }
            last = t
        }
        guard let first else { return nil }
        return first..<(last + 1)
    }

    /// The number of frames up to and including the last non-zero frame (0 for an all-zero
    /// clip): the valid length of a zero-padded clip.
    public var validFrameCount: Int { nonZeroFrameRange?.upperBound ?? 0 }

    /// A clip of `length` frames: source frame `sourceStart + i` goes to frame
    /// `destinationStart + i`; every frame not written is zero. Out-of-range parts are dropped.
    public func reframed(length: Int, sourceStart: Int, destinationStart: Int, count: Int) -> SkeletonClip {
        precondition(length >= 0, "SkeletonClip: negative length")
        var result = SkeletonClip(channels: channels, frames: length, joints: joints, persons: persons)
        // Clip the copy window to both clips.
        var source = sourceStart, destination = destinationStart, n = count
        if source < 0 { destination -= source; n += source; source = 0 }
        if destination < 0 { source -= destination; n += destination; destination = 0 }
        n = min(n, frames - source, length - destination)
        guard n > 0 else { return result }
        let block = joints * persons
        values.withUnsafeBufferPointer { input in
            result.values.withUnsafeMutableBufferPointer { output in
                for c in 0..<channels {
                    let from = (c * frames + source) * block
                    let to = (c * length + destination) * block
                    for i in 0..<(n * block) { output[to + i] = input[from + i] }
                }
            }
        }
        return result
    }

    /// The clip zero-padded at the end to `length` frames; a longer clip is returned unchanged
    /// (the official `auto_pading` without random offset).
    public func zeroPadded(toFrames length: Int) -> SkeletonClip {
        guard frames < length else { return self }
        return reframed(length: length, sourceStart: 0, destinationStart: 0, count: frames)
    }

    /// Exactly `length` frames: cut at the end or zero-padded at the end.
    public func resized(toFrames length: Int) -> SkeletonClip {
        guard length != frames else { return self }
        return reframed(length: length, sourceStart: 0, destinationStart: 0, count: min(frames, length))
    }

    /// The frames in `range` (clamped to the clip).
    public func frames(_ range: Range<Int>) -> SkeletonClip {
        let lower = max(0, min(range.lowerBound, frames))
        let upper = max(lower, min(range.upperBound, frames))
        return reframed(length: upper - lower, sourceStart: lower, destinationStart: 0, count: upper - lower)
    }

    /// The first `count` persons; persons added when `count > persons` are zeros.
    public func withPersons(_ count: Int) -> SkeletonClip {
        precondition(count >= 0, "SkeletonClip: negative person count")
        guard count != persons else { return self }
        var result = SkeletonClip(channels: channels, frames: frames, joints: joints, persons: count)
        let keep = min(count, persons)
        let rows = channels * frames * joints
        values.withUnsafeBufferPointer { input in
            result.values.withUnsafeMutableBufferPointer { output in
                for row in 0..<rows {
                    for m in 0..<keep { output[row * count + m] = input[row * persons + m] }
                }
            }
        }
        return result
    }

    /// The first `count` channels (e.g. x, y, z of x, y, z, confidence).
    public func withChannels(_ count: Int) -> SkeletonClip {
        precondition(count >= 0 && count <= channels, "SkeletonClip: channel count out of range")
        var result = self
        result.values.removeSubrange((count * frames * joints * persons)...)
        return SkeletonClip(uncheckedChannels: count, frames: frames, joints: joints, persons: persons, values: result.values)
    }

    /// The joints reordered: joint `v` of the result is joint `order[v]` of this clip
    /// (`nil` entries are zeros). Used to map one layout onto another.
    public func remappingJoints(_ order: [Int?]) -> SkeletonClip {
        var result = SkeletonClip(channels: channels, frames: frames, joints: order.count, persons: persons)
        for c in 0..<channels {
            for t in 0..<frames {
                for (v, source) in order.enumerated() {
                    guard let source else { continue }
                    precondition(source >= 0 && source < joints, "SkeletonClip: joint map entry out of range")
                    for m in 0..<persons {
                        result.values[result.offset(channel: c, frame: t, joint: v, person: m)] =
                            values[offset(channel: c, frame: t, joint: source, person: m)]
                    }
                }
            }
        }
        return result
    }

    /// Internal initializer that trusts its arguments.
    init(uncheckedChannels channels: Int, frames: Int, joints: Int, persons: Int, values: [Float]) {
        assert(values.count == channels * frames * joints * persons)
        self.channels = channels
        self.frames = frames
        self.joints = joints
        self.persons = persons
        self.values = values
    }

    /// Stacks clips of one shape into a batch `(N, C, T, V, M)` (the official `data.npy` layout).
    /// - Throws: `SkeletonDataError.invalidArgument` when the shapes differ.
    public static func batch(_ clips: [SkeletonClip]) throws(SkeletonDataError) -> (values: [Float], shape: [Int]) {
        guard let first = clips.first else { return ([], [0, 0, 0, 0, 0]) }
        var values: [Float] = []
        values.reserveCapacity(first.values.count * clips.count)
        for (index, clip) in clips.enumerated() {
            guard clip.shape == first.shape else {
                throw .invalidArgument(name: "clips[\(index)]", value: "shape \(clip.shape)", expected: "shape \(first.shape) like clips[0]")
            }
            values.append(contentsOf: clip.values)
        }
        return (values, [clips.count] + first.shape)
    }
}
