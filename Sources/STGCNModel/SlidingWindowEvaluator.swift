import STGCNTensor

/// Evaluation-mode logits of one person's consecutive, overlapping windows that reuses what
/// earlier windows computed, with the same answer as `STGCNNetwork.infer` up to float rounding.
///
/// Every part of a block is local in time (graph convolution per frame, batch norm in evaluation
/// mode per channel, the temporal kernel, the 1×1 residual), so a block output whose whole
/// receptive field lies in stream frames that an earlier window also held is that window's
/// output `shift / S` positions away, where `S` is the cumulative stride up to the block. Such
/// positions are copied and only the two edges are computed, each by running the block on a
/// slice of its input that holds the edge's receptive field (slice edges that are not the
/// window's own fall only on positions that are thrown away).
///
/// Strides change the phase: when `S` does not divide the shift, the earlier window sampled
/// other frames. So the evaluator keeps, per block, the newest window of each start residue
/// modulo `S` (one window for the stride-1 blocks, two for the blocks after the first stride 2,
/// four after the second), and each block copies from whichever kept window shares the most
/// positions with the current one. With the official schedule and a hop of 10, the blocks
/// after the second stride copy from the window two hops back instead of being run whole.
/// The first window, a window of another length, and windows a whole window apart are computed
/// whole.
///
/// Only for the plain ST-GCN (`ModelVariant.stgcn`); one evaluator per person, not thread-safe.
public final class SlidingWindowEvaluator {
    /// The network (evaluation mode).
    public let network: STGCNNetwork
    /// Where a kept window lay in the stream.
    private struct Placement: Hashable {
        var start: Int
        /// Frames of the window that held stream data (the rest was zero padding).
        var frames: Int
    }
    /// Per block: kept outputs keyed by window start modulo the block's cumulative stride.
    private var kept: [[Int: (placement: Placement, output: Tensor)]]
    private var keptLength = 0
    /// Cumulative stride after each block.
    private let cumulativeStrides: [Int]
    /// Block output positions copied from earlier windows, and computed, so far.
    public private(set) var reusedPositions = 0
    public private(set) var computedPositions = 0
    /// Per block: output positions copied from earlier windows so far.
    public private(set) var reusedPositionsPerBlock: [Int]

    /// An evaluator for `network`, or nil when its variant is not the plain ST-GCN or its
    /// temporal kernel radius is not a multiple of every stride (slices would change phase).
    public init?(network: STGCNNetwork) {
        let configuration = network.configuration
        let radius = (configuration.temporalKernelSize - 1) / 2
        guard configuration.variant == .stgcn, configuration.temporalKernelSize % 2 == 1,
              configuration.blockSchedule.allSatisfy({ radius % $0.stride == 0 }) else { return nil }
        self.network = network
        var product = 1
        cumulativeStrides = configuration.blockSchedule.map { product *= $0.stride; return product }
        kept = Array(repeating: [:], count: configuration.blockSchedule.count)
        reusedPositionsPerBlock = Array(repeating: 0, count: configuration.blockSchedule.count)
    }

    /// An earlier window followed through the blocks: the positions of the current level where
    /// its output equals the current window's, and how far apart the two are at this level.
    private struct Reference {
        var placement: Placement
        /// Current-window positions (at the current level) equal to the earlier window's `shift` later.
        var valid: Range<Int>
        /// Level positions between the two windows; nil once a stride made them out of phase.
        var shift: Int?
    }

    /// The logits of the one-person window `input` `(1, C, W, V, 1)` whose first frame is frame
    /// `start` of the stream and whose first `frames` frames are the stream's (the rest is zero
    /// padding; default: all W).
    public func logits(_ input: Tensor, start: Int, frames: Int? = nil) -> [Float] {
        precondition(input.shape.count == 5 && input.shape[0] == 1 && input.shape[4] == 1, "one one-person window, got \(input.shape)")
        let length = input.shape[2]
        let dataFrames = min(length, max(0, frames ?? length))
        if length != keptLength {
            kept = Array(repeating: [:], count: kept.count)
            keptLength = length
        }
        let current = Placement(start: start, frames: dataFrames)
        var references = Set(kept.flatMap { $0.values.map(\.placement) }).compactMap { earlier -> Reference? in
            let shift = start - earlier.start
            // Input positions i with i and i + shift both stream frames of their windows.
            let valid = max(0, -shift)..<min(dataFrames, earlier.frames - shift)
            return valid.isEmpty ? nil : Reference(placement: earlier, valid: valid, shift: shift)
        }
        var x = network.normalizeInput(input, mode: .inference)
        let radius = (network.configuration.temporalKernelSize - 1) / 2
        for (index, block) in network.blocks.enumerated() {
            let stride = network.configuration.blockSchedule[index].stride
            let outputFrames = (x.shape[2] - 1) / stride + 1
            var best: (copied: Range<Int>, output: Tensor, shift: Int)?
            for r in references.indices {
                guard let shift = references[r].shift, shift % stride == 0 else {
                    references[r].shift = nil
                    references[r].valid = 0..<0
                    continue
                }
                let d = shift / stride
                let copied = Self.copyable(valid: references[r].valid, stride: stride, radius: radius, shift: d, outputFrames: outputFrames)
                references[r].valid = copied
                references[r].shift = d
                let residue = Self.residue(references[r].placement.start, cumulativeStrides[index])
                if let entry = kept[index][residue], entry.placement == references[r].placement,
                   copied.count > (best?.copied.count ?? 0) {
                    best = (copied, entry.output, d)
                }
            }
            references.removeAll { $0.valid.isEmpty }
            let y: Tensor
            if let best {
                y = assemble(block, index: index, input: x, copied: best.copied, previous: best.output, shift: best.shift,
                             stride: stride, radius: radius, outputFrames: outputFrames)
                reusedPositions += best.copied.count
                reusedPositionsPerBlock[index] += best.copied.count
                computedPositions += outputFrames - best.copied.count
            } else {
                y = run(block, index: index, x)
                computedPositions += outputFrames
            }
            keep(y, block: index, placement: current, length: length)
            x = y
        }
        return network.classify(x, persons: 1, mode: .inference).scalars
    }

    /// Forgets every earlier window.
    public func reset() {
        kept = Array(repeating: [:], count: kept.count)
        keptLength = 0
    }

    /// Output positions j whose input receptive field `[stride·j − r, stride·j + r]` lies in
    /// `valid` and whose partner `j + shift` exists in the earlier window.
    private static func copyable(valid: Range<Int>, stride: Int, radius: Int, shift: Int, outputFrames: Int) -> Range<Int> {
        guard !valid.isEmpty, valid.upperBound - 1 - radius >= 0 else { return 0..<0 }
        let low = max(0, -shift, (valid.lowerBound + radius + stride - 1) / stride)
        let high = min((valid.upperBound - 1 - radius) / stride + 1, outputFrames - shift, outputFrames)
        return low < high ? low..<high : 0..<0
    }

    private static func residue(_ start: Int, _ modulus: Int) -> Int { ((start % modulus) + modulus) % modulus }

    /// Keeps `output` as block `block`'s newest window of its start residue, and drops kept
    /// windows a whole window or more away (they share no frame with anything later).
    private func keep(_ output: Tensor, block: Int, placement: Placement, length: Int) {
        let modulus = cumulativeStrides[block]
        kept[block][Self.residue(placement.start, modulus)] = (placement, output)
        kept[block] = kept[block].filter { abs($0.value.placement.start - placement.start) < length }
    }

    private func run(_ block: STGCNBlock, index: Int, _ x: Tensor) -> Tensor {
        block.forward(x, adjacency: network.effectiveAdjacency(block: index), support: network.support, mode: .inference)
    }

    /// Block output with `copied` taken from `previous` (`shift` later) and both edges computed.
    private func assemble(_ block: STGCNBlock, index: Int, input x: Tensor, copied: Range<Int>, previous: Tensor, shift: Int,
                          stride: Int, radius: Int, outputFrames: Int) -> Tensor {
        let (channels, joints) = (previous.shape[1], previous.shape[3])
        let inputFrames = x.shape[2]
        var y = Tensor(shape: [1, channels, outputFrames, joints])
        y.scalars.withUnsafeMutableBufferPointer { out in
            previous.scalars.withUnsafeBufferPointer { old in
                for c in 0..<channels {
                    let to = (c * outputFrames + copied.lowerBound) * joints
                    let from = (c * previous.shape[2] + copied.lowerBound + shift) * joints
                    for i in 0..<(copied.count * joints) { out[to + i] = old[from + i] }
                }
            }
        }
        // Left edge: outputs 0..<low from input frames 0..<end (the window's own start).
        if copied.lowerBound > 0 {
            let end = min(inputFrames, stride * (copied.lowerBound - 1) + radius + 1)
            let part = run(block, index: index, slice(x, 0..<end))
            place(part, firstOutput: 0, range: 0..<copied.lowerBound, into: &y)
        }
        // Right edge: outputs high..<T' from input frames a..<T (the window's own end).
        if copied.upperBound < outputFrames {
            let first = max(0, stride * copied.upperBound - radius)
            let part = run(block, index: index, slice(x, first..<inputFrames))
            place(part, firstOutput: first / stride, range: copied.upperBound..<outputFrames, into: &y)
        }
        return y
    }

    /// Frames `range` of `(1, C, T, V)`.
    private func slice(_ x: Tensor, _ range: Range<Int>) -> Tensor {
        let (channels, frames, joints) = (x.shape[1], x.shape[2], x.shape[3])
        var result = Tensor(shape: [1, channels, range.count, joints])
        result.scalars.withUnsafeMutableBufferPointer { out in
            x.scalars.withUnsafeBufferPointer { xp in
                for c in 0..<channels {
                    let from = (c * frames + range.lowerBound) * joints, to = c * range.count * joints
                    for i in 0..<(range.count * joints) { out[to + i] = xp[from + i] }
                }
            }
        }
        return result
    }

    /// Copies output positions `range` from `part`, whose position 0 is output `firstOutput`.
    private func place(_ part: Tensor, firstOutput: Int, range: Range<Int>, into y: inout Tensor) {
        let (channels, frames, joints) = (y.shape[1], y.shape[2], y.shape[3])
        let partFrames = part.shape[2]
        y.scalars.withUnsafeMutableBufferPointer { out in
            part.scalars.withUnsafeBufferPointer { pp in
                for c in 0..<channels {
                    let to = (c * frames + range.lowerBound) * joints
                    let from = (c * partFrames + range.lowerBound - firstOutput) * joints
                    for i in 0..<(range.count * joints) { out[to + i] = pp[from + i] }
                }
            }
        }
    }
}
