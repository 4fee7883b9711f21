import STGCNTensor

/// Evaluation-mode logits of one person's consecutive, overlapping windows that reuses what the
/// previous window computed, with the same answer as `STGCNNetwork.infer` up to float rounding.
///
/// Every part of a block is local in time (graph convolution per frame, batch norm in evaluation
/// mode per channel, the temporal kernel, the 1×1 residual), so when the window moves by `h`
/// frames, a block output whose whole receptive field lies in frames both windows hold is the
/// previous window's output `h / stride` positions later. Per block, those positions are copied
/// and only the two edges are computed, each by running the block on a slice of its input that
/// holds the edge's receptive field (slice edges that are not the window's own fall only on
/// positions that are thrown away). A block whose cumulative stride does not divide `h`, and
/// every block after it, is computed whole. The first window, a window of another length, and a
/// shift of zero or of a window or more are computed whole.
///
/// Only for the plain ST-GCN (`ModelVariant.stgcn`); one evaluator per person, not thread-safe.
public final class SlidingWindowEvaluator {
    /// The network (evaluation mode).
    public let network: STGCNNetwork
    private var outputs: [Tensor] = []
    private var lastStart = 0
    private var lastLength = 0
    private var lastFrames = 0
    /// Block output positions copied from the previous window, and computed, so far.
    public private(set) var reusedPositions = 0
    public private(set) var computedPositions = 0

    /// An evaluator for `network`, or nil when its variant is not the plain ST-GCN or its
    /// temporal kernel radius is not a multiple of every stride (slices would change phase).
    public init?(network: STGCNNetwork) {
        let configuration = network.configuration
        let radius = (configuration.temporalKernelSize - 1) / 2
        guard configuration.variant == .stgcn, configuration.temporalKernelSize % 2 == 1,
              configuration.blockSchedule.allSatisfy({ radius % $0.stride == 0 }) else { return nil }
        self.network = network
    }

    /// The logits of the one-person window `input` `(1, C, W, V, 1)` whose first frame is frame
    /// `start` of the stream and whose first `frames` frames are the stream's (the rest is zero
    /// padding; default: all W).
    public func logits(_ input: Tensor, start: Int, frames: Int? = nil) -> [Float] {
        precondition(input.shape.count == 5 && input.shape[0] == 1 && input.shape[4] == 1, "one one-person window, got \(input.shape)")
        let length = input.shape[2]
        let dataFrames = min(length, max(0, frames ?? length))
        let shift = start - lastStart
        let reusable = !outputs.isEmpty && length == lastLength && shift > 0 && shift < length
        var x = network.normalizeInput(input, mode: .inference)
        var next: [Tensor] = []
        next.reserveCapacity(network.blocks.count)
        // Positions (in the current level's frames) equal to the previous window's `levelShift` later:
        // stream frames in both windows.
        let common = min(dataFrames, lastFrames - shift)
        var valid = reusable && common > 0 ? 0..<common : 0..<0
        var levelShift = shift
        let radius = (network.configuration.temporalKernelSize - 1) / 2
        for (index, block) in network.blocks.enumerated() {
            let stride = network.configuration.blockSchedule[index].stride
            let inputFrames = x.shape[2]
            let outputFrames = (inputFrames - 1) / stride + 1
            var copied = 0..<0
            if reusable, !valid.isEmpty, levelShift % stride == 0 {
                let d = levelShift / stride
                let previous = outputs[index]
                // j is copied when [stride·j − r, stride·j + r] ⊂ valid and j + d exists before.
                let low = (valid.lowerBound + radius + stride - 1) / stride
                let high = min((valid.upperBound - 1 - radius) / stride + 1, previous.shape[2] - d, outputFrames)
                if low < high && valid.upperBound - 1 - radius >= 0 {
                    copied = low..<high
                    levelShift = d
                }
            }
            let y: Tensor
            if copied.isEmpty {
                y = run(block, index: index, x)
                computedPositions += outputFrames
            } else {
                y = assemble(block, index: index, input: x, copied: copied, previous: outputs[index], shift: levelShift,
                             stride: stride, radius: radius, outputFrames: outputFrames)
                reusedPositions += copied.count
                computedPositions += outputFrames - copied.count
            }
            valid = copied
            next.append(y)
            x = y
        }
        outputs = next
        lastStart = start
        lastLength = length
        lastFrames = dataFrames
        return network.classify(x, persons: 1, mode: .inference).scalars
    }

    /// Forgets the previous window.
    public func reset() {
        outputs = []
        lastLength = 0
        lastFrames = 0
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
