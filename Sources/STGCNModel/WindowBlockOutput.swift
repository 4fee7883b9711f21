import STGCNTensor

/// One window's block output `(1, C, T, V)` held as pieces of other tensors instead of one copy.
///
/// A sliding window's block output is mostly an earlier window's output, shifted, plus the two
/// edges computed now (`SlidingWindowEvaluator`). Copying the shared positions into a fresh
/// tensor wrote and read the whole output for every block of every window: about 19 MB per NTU
/// window and round, single-threaded, which pushed the layer weights out of the caches. Here the
/// copy is a list of references: each piece names positions of this output and where they lie in
/// a tensor that already holds them (a batch the block ran on, or an earlier window's piece).
/// Tensors are copy-on-write values, so a piece keeps its source alive without copying it.
///
/// Positions no piece covers read as zero.
struct WindowBlockOutput {
    /// Positions of the output held in one source tensor.
    struct Piece {
        /// The positions of this output the piece provides.
        var positions: Range<Int>
        /// The tensor holding them, laid out channel-major with `channelStride` floats per channel.
        var source: Tensor
        /// Index in `source.scalars` of channel 0, position `positions.lowerBound`, joint 0.
        var base: Int
        /// Floats from one channel to the next in `source`.
        var channelStride: Int
    }

    let channels: Int
    let frames: Int
    let joints: Int
    /// Sorted by position, not overlapping.
    private(set) var pieces: [Piece] = []

    /// An output with no positions yet (all zero).
    init(channels: Int, frames: Int, joints: Int) {
        (self.channels, self.frames, self.joints) = (channels, frames, joints)
    }

    /// The whole of `tensor` `(1, C, T, V)` as one piece.
    init(dense tensor: Tensor) {
        precondition(tensor.shape.count == 4 && tensor.shape[0] == 1, "one (1, C, T, V) output, got \(tensor.shape)")
        self.init(channels: tensor.shape[1], frames: tensor.shape[2], joints: tensor.shape[3])
        if frames > 0 { pieces = [Piece(positions: 0..<frames, source: tensor, base: 0, channelStride: frames * joints)] }
    }

    /// Takes `positions` from row `row` of `source` `(rows, C, T', V)`, where position `p` of
    /// this output is position `p − positions.lowerBound + sourcePosition` of the row. Unless they
    /// are the whole source, they are copied into a tensor of their own: a batch also holds other
    /// windows' rows and padding, which a reference would keep alive for as long as any later
    /// window copies these positions.
    mutating func take(_ positions: Range<Int>, fromRow row: Int, of source: Tensor, sourcePosition: Int) {
        precondition(source.shape.count == 4 && source.shape[1] == channels && source.shape[3] == joints, "source shape \(source.shape)")
        let sourceFrames = source.shape[2]
        precondition(sourcePosition >= 0 && sourcePosition + positions.count <= sourceFrames, "positions outside the source row")
        let piece = Piece(positions: positions, source: source, base: (row * channels * sourceFrames + sourcePosition) * joints,
                          channelStride: sourceFrames * joints)
        // A source that is exactly these positions is referenced as it is.
        insert(source.shape[0] == 1 && positions.count == sourceFrames ? piece : Self.tight(piece, channels: channels, joints: joints))
    }

    /// Takes positions `copied` from `earlier`, where position `p` here is position `p + shift` there.
    mutating func take(_ copied: Range<Int>, from earlier: WindowBlockOutput, shift: Int) {
        precondition(earlier.channels == channels && earlier.joints == joints, "another block's output")
        let wanted = (copied.lowerBound + shift)..<(copied.upperBound + shift)
        for piece in earlier.pieces {
            let overlap = piece.positions.clamped(to: wanted)
            guard !overlap.isEmpty else { continue }
            var taken = Piece(positions: (overlap.lowerBound - shift)..<(overlap.upperBound - shift), source: piece.source,
                              base: piece.base + (overlap.lowerBound - piece.positions.lowerBound) * joints,
                              channelStride: piece.channelStride)
            // A piece that uses less than half of its source gets a copy of its own, so that
            // what outputs keep alive stays within twice what they hold.
            if 2 * taken.positions.count * joints * channels < taken.source.count { taken = Self.tight(taken, channels: channels, joints: joints) }
            insert(taken)
        }
    }

    /// `piece` with its positions copied into a `(1, C, count, V)` tensor of their own.
    private static func tight(_ piece: Piece, channels: Int, joints: Int) -> Piece {
        let count = piece.positions.count * joints
        let copy = Tensor(shape: [1, channels, piece.positions.count, joints]) { out in
            piece.source.scalars.withUnsafeBufferPointer { source in
                guard let source = source.baseAddress else { return }
                for c in 0..<channels { (out + c * count).update(from: source + piece.base + c * piece.channelStride, count: count) }
            }
        }
        return Piece(positions: piece.positions, source: copy, base: 0, channelStride: count)
    }

    private mutating func insert(_ piece: Piece) {
        guard !piece.positions.isEmpty else { return }
        precondition(piece.positions.lowerBound >= 0 && piece.positions.upperBound <= frames, "positions outside the output")
        let index = pieces.firstIndex { $0.positions.lowerBound >= piece.positions.upperBound } ?? pieces.endIndex
        precondition(index == 0 || pieces[index - 1].positions.upperBound <= piece.positions.lowerBound, "overlapping pieces")
        pieces.insert(piece, at: index)
    }

    /// Writes positions `range` into `out`: position `p`, channel `c`, joint `v` goes to
    /// `out[c · channelStride + (p − range.lowerBound) · V + v]`. Positions no piece covers are
    /// left as they are (the caller zeroes them).
    func write(_ range: Range<Int>, into out: UnsafeMutablePointer<Float>, channelStride: Int) {
        for piece in pieces {
            let overlap = piece.positions.clamped(to: range)
            guard !overlap.isEmpty else { continue }
            let count = overlap.count * joints
            let from = piece.base + (overlap.lowerBound - piece.positions.lowerBound) * joints
            let to = (overlap.lowerBound - range.lowerBound) * joints
            piece.source.scalars.withUnsafeBufferPointer { source in
                guard let source = source.baseAddress else { return }
                for c in 0..<channels {
                    (out + c * channelStride + to).update(from: source + c * piece.channelStride + from, count: count)
                }
            }
        }
    }

    /// The output as one `(1, C, T, V)` tensor.
    func dense() -> Tensor {
        if pieces.count == 1, let piece = pieces.first, piece.positions == 0..<frames, piece.base == 0,
           piece.source.shape == [1, channels, frames, joints] {
            return piece.source
        }
        var tensor = Tensor(shape: [1, channels, frames, joints])
        tensor.scalars.withUnsafeMutableBufferPointer { out in
            guard let out = out.baseAddress else { return }
            write(0..<frames, into: out, channelStride: frames * joints)
        }
        return tensor
    }
}
