import STGCNTensor

/// One block run for all the windows of a `SlidingWindowEvaluator.logits(_:)` call: the pieces of
/// block input that must be computed (each reusing window's two edges, each other window whole)
/// are stacked into as few batches as possible and run with one `STGCNBlock.forward` each.
///
/// Edges of different lengths share a batch by zero padding on their inner side only: a left
/// edge (the window's own start, then its first positions) is padded after its end, a right edge
/// (ending at the window's own end) before its start by a multiple of the stride, so the padding
/// touches only outputs that are thrown away and the phase of a strided block is kept.
enum BlockBatch {
    /// A piece of one window's block input.
    private struct Job {
        /// The window (index into the call's passes).
        var pass: Int
        /// Input frames of the window.
        var frames: Range<Int>
        /// Output positions of the window it provides.
        var outputs: Range<Int>
        /// Zero frames before `frames` in the batch row.
        var padding = 0
    }

    /// The block outputs `(1, C', T', V)` of every pass, as `plans` say.
    static func run(_ block: STGCNBlock, index: Int, network: STGCNNetwork, passes: [SlidingWindowEvaluator.Pass],
                    plans: [SlidingWindowEvaluator.Plan]) -> [Tensor] {
        let stride = network.configuration.blockSchedule[index].stride
        let radius = (network.configuration.temporalKernelSize - 1) / 2
        let channels = network.configuration.blockSchedule[index].outputChannels
        var outputs: [Tensor] = []
        outputs.reserveCapacity(passes.count)
        // Groups by (whole?, input length): rows of one batch need one length.
        var groups: [GroupKey: [Job]] = [:]
        for (p, pass) in passes.enumerated() {
            let inputFrames = pass.x.shape[2], joints = pass.x.shape[3]
            switch plans[p] {
            case .whole(let outputFrames):
                outputs.append(Tensor(shape: [1, channels, outputFrames, joints]))
                groups[GroupKey(whole: true, inputFrames: inputFrames), default: []]
                    .append(Job(pass: p, frames: 0..<inputFrames, outputs: 0..<outputFrames))
            case .reuse(let copied, let previous, let shift, let outputFrames):
                outputs.append(copyMiddle(copied, from: previous, shift: shift, outputFrames: outputFrames))
                let key = GroupKey(whole: false, inputFrames: inputFrames)
                if copied.lowerBound > 0 {
                    let end = min(inputFrames, stride * (copied.lowerBound - 1) + radius + 1)
                    groups[key, default: []].append(Job(pass: p, frames: 0..<end, outputs: 0..<copied.lowerBound))
                }
                if copied.upperBound < outputFrames {
                    let first = max(0, stride * copied.upperBound - radius)
                    groups[key, default: []].append(Job(pass: p, frames: first..<inputFrames, outputs: copied.upperBound..<outputFrames))
                }
            }
        }
        let adjacency = network.effectiveAdjacency(block: index)
        for key in groups.keys.sorted(by: { ($0.whole ? 1 : 0, $0.inputFrames) < ($1.whole ? 1 : 0, $1.inputFrames) }) {
            guard var jobs = groups[key] else { continue }
            let length = padToCommonLength(&jobs, stride: stride)
            let batch = stack(jobs, passes: passes, length: length)
            let result = block.forward(batch, adjacency: adjacency, support: network.support, mode: .inference)
            for (row, job) in jobs.enumerated() {
                place(row: row, of: result, job: job, stride: stride, into: &outputs[job.pass])
            }
        }
        return outputs
    }

    private struct GroupKey: Hashable {
        var whole: Bool
        var inputFrames: Int
    }

    /// Sets each job's front padding and returns the common row length: left edges and whole
    /// inputs are padded after their end; right edges (all ≡ the input length modulo the stride)
    /// before their start by a multiple of the stride.
    private static func padToCommonLength(_ jobs: inout [Job], stride: Int) -> Int {
        let rightEdges = jobs.indices.filter { jobs[$0].frames.lowerBound > 0 }
        let longestLeft = jobs.filter { $0.frames.lowerBound == 0 }.map(\.frames.count).max() ?? 0
        guard let longestRight = rightEdges.map({ jobs[$0].frames.count }).max() else { return longestLeft }
        var length = longestRight
        while length < longestLeft { length += stride }
        for j in rightEdges { jobs[j].padding = length - jobs[j].frames.count }
        return length
    }

    /// The jobs' input frames as a zero-padded batch `(J, C, length, V)`.
    private static func stack(_ jobs: [Job], passes: [SlidingWindowEvaluator.Pass], length: Int) -> Tensor {
        let (channels, joints) = (passes[jobs[0].pass].x.shape[1], passes[jobs[0].pass].x.shape[3])
        var batch = Tensor(shape: [jobs.count, channels, length, joints])
        batch.scalars.withUnsafeMutableBufferPointer { out in
            for (row, job) in jobs.enumerated() {
                let x = passes[job.pass].x
                let frames = x.shape[2]
                x.scalars.withUnsafeBufferPointer { xp in
                    for c in 0..<channels {
                        let from = (c * frames + job.frames.lowerBound) * joints
                        let to = ((row * channels + c) * length + job.padding) * joints
                        for i in 0..<(job.frames.count * joints) { out[to + i] = xp[from + i] }
                    }
                }
            }
        }
        return batch
    }

    /// A `(1, C', T', V)` output holding `previous`'s positions `copied + shift` at `copied` (zero elsewhere).
    private static func copyMiddle(_ copied: Range<Int>, from previous: Tensor, shift: Int, outputFrames: Int) -> Tensor {
        let (channels, joints, previousFrames) = (previous.shape[1], previous.shape[3], previous.shape[2])
        var y = Tensor(shape: [1, channels, outputFrames, joints])
        y.scalars.withUnsafeMutableBufferPointer { out in
            previous.scalars.withUnsafeBufferPointer { old in
                for c in 0..<channels {
                    let to = (c * outputFrames + copied.lowerBound) * joints
                    let from = (c * previousFrames + copied.lowerBound + shift) * joints
                    for i in 0..<(copied.count * joints) { out[to + i] = old[from + i] }
                }
            }
        }
        return y
    }

    /// Copies `job.outputs` from batch row `row` of `result` into `y`. Row position q is window
    /// output `(job.frames.lowerBound − job.padding) / stride + q`.
    private static func place(row: Int, of result: Tensor, job: Job, stride: Int, into y: inout Tensor) {
        let (channels, frames, joints) = (y.shape[1], y.shape[2], y.shape[3])
        let rowFrames = result.shape[2]
        let firstOutput = (job.frames.lowerBound - job.padding) / stride
        y.scalars.withUnsafeMutableBufferPointer { out in
            result.scalars.withUnsafeBufferPointer { rp in
                for c in 0..<channels {
                    let to = (c * frames + job.outputs.lowerBound) * joints
                    let from = ((row * channels + c) * rowFrames + job.outputs.lowerBound - firstOutput) * joints
                    for i in 0..<(job.outputs.count * joints) { out[to + i] = rp[from + i] }
                }
            }
        }
    }
}
