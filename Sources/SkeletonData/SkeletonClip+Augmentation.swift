import Foundation

/// The official `random_move` candidates (feeder/tools.py of yysijie/st-gcn).
public struct RandomMoveParameters: Sendable, Hashable {
    /// Rotation angles in degrees: [−10, −5, 0, 5, 10].
    public var angleCandidates: [Double] = [-10, -5, 0, 5, 10]
    /// Scale factors: [0.9, 1.0, 1.1].
    public var scaleCandidates: [Double] = [0.9, 1.0, 1.1]
    /// Translations for x and y: [−0.2, −0.1, 0, 0.1, 0.2].
    public var translationCandidates: [Double] = [-0.2, -0.1, 0, 0.1, 0.2]
    /// Number of moves: [1] (one segment between two key frames).
    public var moveCountCandidates: [Int] = [1]

    /// The official parameters.
    public init() {}
}

/// The values `randomMove` chose at its key frames (for inspection and tests).
public struct RandomMoveTrace: Sendable, Hashable {
    /// Key frames: `round(i · T / moves)` for i < moves, then T (exclusive end).
    public var nodes: [Int]
    /// Angle (degrees), scale and translations at each node.
    public var angles: [Double], scales: [Double], translationsX: [Double], translationsY: [Double]
}

extension SkeletonClip {
    /// Official `random_choose(size)` (auto_pad on): T == size unchanged; T < size zero-padded
    /// to `size` at a random offset in 0...size−T; T > size a random crop of `size` frames
    /// starting in 0...T−size.
    public func randomChoose(size: Int, using generator: inout some RandomNumberGenerator) -> SkeletonClip {
        precondition(size >= 0, "randomChoose: negative size")
        if frames == size { return self }
        if frames < size { return autoPadding(size: size, randomPad: true, using: &generator) }
        let begin = Int.random(in: 0...(frames - size), using: &generator)
        return reframed(length: size, sourceStart: begin, destinationStart: 0, count: size)
    }

    /// Official `auto_pading(size, random_pad)`: a clip shorter than `size` is zero-padded to
    /// `size` frames, placed at offset 0 or (random_pad) a random offset in 0...size−T; longer
    /// clips are returned unchanged.
    public func autoPadding(size: Int, randomPad: Bool, using generator: inout some RandomNumberGenerator) -> SkeletonClip {
        guard frames < size else { return self }
        let begin = randomPad ? Int.random(in: 0...(size - frames), using: &generator) : 0
        return reframed(length: size, sourceStart: 0, destinationStart: begin, count: frames)
    }

    /// Official `random_move`: picks an angle, scale and x/y translation at each key frame,
    /// interpolates them linearly over the frames between key frames (numpy `linspace`, so
    /// the first and last frame of a segment take the key values exactly), and maps channels
    /// 0 and 1 of every joint and person by `[[cos·s, −sin·s], [sin·s, cos·s]]` plus (tx, ty).
    /// Other channels are untouched. As in the official code the translation also moves
    /// zero (padding) joints.
    /// - Precondition: at least 2 channels.
    public func randomMove(_ parameters: RandomMoveParameters = RandomMoveParameters(),
                           using generator: inout some RandomNumberGenerator) -> SkeletonClip {
        randomMoveTraced(parameters, using: &generator).clip
    }

    /// `randomMove` that also returns the chosen key values.
    public func randomMoveTraced(_ parameters: RandomMoveParameters = RandomMoveParameters(),
                                 using generator: inout some RandomNumberGenerator) -> (clip: SkeletonClip, trace: RandomMoveTrace) {
        precondition(channels >= 2, "randomMove needs x and y channels")
        func pick<T>(_ values: [T]) -> T {
            precondition(!values.isEmpty, "randomMove: empty candidate list")
            return values[Int.random(in: 0..<values.count, using: &generator)]
        }
        let moves = max(1, pick(parameters.moveCountCandidates))
        var nodes: [Int] = []
        // np.arange(0, T, T / moves).round()
        let step = Double(frames) / Double(moves)
        var k = 0
        while frames > 0, Double(k) * step < Double(frames) {
            nodes.append(Int((Double(k) * step).rounded(.toNearestOrEven)))
            k += 1
        }
        nodes.append(frames)
        let count = nodes.count
        let angles = (0..<count).map { _ in pick(parameters.angleCandidates) }
        let scales = (0..<count).map { _ in pick(parameters.scaleCandidates) }
        let tx = (0..<count).map { _ in pick(parameters.translationCandidates) }
        let ty = (0..<count).map { _ in pick(parameters.translationCandidates) }
        let trace = RandomMoveTrace(nodes: nodes, angles: angles, scales: scales, translationsX: tx, translationsY: ty)

        var a = [Double](repeating: 0, count: frames), s = a, dx = a, dy = a
        for i in 0..<(count - 1) {
            let start = nodes[i], end = nodes[i + 1], n = end - start
            for j in 0..<max(0, n) {
                let f = n > 1 ? Double(j) / Double(n - 1) : 0
                a[start + j] = (angles[i] + (angles[i + 1] - angles[i]) * f) * Double.pi / 180
                s[start + j] = scales[i] + (scales[i + 1] - scales[i]) * f
                dx[start + j] = tx[i] + (tx[i + 1] - tx[i]) * f
                dy[start + j] = ty[i] + (ty[i + 1] - ty[i]) * f
            }
        }
        var result = self
        let block = joints * persons
        let frameCount = frames
        result.withUnsafeMutableValues { values in
            for t in 0..<frameCount {
                let c = cos(a[t]) * s[t], sn = sin(a[t]) * s[t]
                let xBase = t * block, yBase = (frameCount + t) * block
                for i in 0..<block {
                    let x = Double(values[xBase + i]), y = Double(values[yBase + i])
                    values[xBase + i] = Float(c * x - sn * y + dx[t])
                    values[yBase + i] = Float(sn * x + c * y + dy[t])
                }
            }
        }
        return (result, trace)
    }

    /// Official `random_shift`: moves the span from the first to the last non-zero frame to a
    /// random offset in 0...T−span (zeros elsewhere). An all-zero clip is returned unchanged.
    public func randomShift(using generator: inout some RandomNumberGenerator) -> SkeletonClip {
        guard let span = nonZeroFrameRange else { return self }
        let bias = Int.random(in: 0...(frames - span.count), using: &generator)
        return reframed(length: frames, sourceStart: span.lowerBound, destinationStart: bias, count: span.count)
    }
}
