import STGCNTensor

/// One level (a block, or one of its halves: `BlockLevel`) run for all the windows of a
/// `SlidingWindowEvaluator.logits(_:)` or `prepare(_:)` call: the pieces of level input that must
/// be computed (each reusing window's two edges, only the left one for a window prepared ahead,
/// each other window whole) are stacked into as few batches as possible and run through the
/// level once per batch, computing past the graph convolution only the positions that some piece
/// takes.
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

    /// The level outputs `(1, C', T', V)` of every pass, as `plans` say: the pieces to compute are
    /// batched (edges together, whole windows together, by input length) and the level runs once
    /// per batch. Positions reused from an earlier window are referenced, not copied
    /// (`WindowBlockOutput`).
    static func run(_ level: BlockLevel, network: STGCNNetwork, passes: [SlidingWindowEvaluator.Pass],
                    plans: [SlidingWindowEvaluator.Plan]) -> [WindowBlockOutput] {
        let index = level.block, block = network.blocks[index]
        let (stride, radius) = level.strideAndRadius(of: network.configuration)
        let channels = network.configuration.blockSchedule[index].outputChannels
        var jobs: [(key: GroupKey, job: Job)] = []
        for (p, pass) in passes.enumerated() {
            let inputFrames = pass.x.frames
            let outputFrames = (inputFrames - 1) / stride + 1
            switch plans[p] {
            case .whole:
                jobs.append((GroupKey(whole: true, inputFrames: inputFrames), Job(pass: p, frames: 0..<inputFrames, outputs: 0..<outputFrames)))
            case .reuse(let copied, _, _, _, let computed, _):
                let key = GroupKey(whole: false, inputFrames: inputFrames)
                if copied.lowerBound > 0 {
                    let end = min(inputFrames, stride * (copied.lowerBound - 1) + radius + 1)
                    jobs.append((key, Job(pass: p, frames: 0..<end, outputs: 0..<copied.lowerBound)))
                }
                if !computed.isEmpty {
                    let first = max(0, stride * computed.lowerBound - radius)
                    // Short of the window's end (before a copied tail, or the frames a window
                    // prepared ahead has) the piece ends inside the window: it runs to the last
                    // input its outputs read, lengthened to the window end's phase modulo the
                    // stride (so that it batches like an edge that reaches the end).
                    var end = min(inputFrames, stride * (computed.upperBound - 1) + radius + 1)
                    if first > 0 { end = min(inputFrames, end + ((inputFrames - end) % stride + stride) % stride) }
                    jobs.append((key, Job(pass: p, frames: first..<end, outputs: computed)))
                }
            }
        }
        let adjacency = network.effectiveAdjacency(block: index)
        var outputs = passes.indices.map { p in
            initialOutput(plans[p], channels: channels, inputFrames: passes[p].x.frames, joints: passes[p].x.joints, stride: stride)
        }
        for key in Set(jobs.map(\.key)).sorted(by: { ($0.whole ? 1 : 0, $0.inputFrames) < ($1.whole ? 1 : 0, $1.inputFrames) }) {
            var batchJobs = jobs.filter { $0.key == key }.map(\.job)
            let length = padToCommonLength(&batchJobs, stride: stride)
            // Row position q is window output (job.frames.lowerBound − job.padding) / stride + q;
            // only the row positions some job takes are computed (all of them for whole windows).
            func rowPositions(_ job: Job) -> Range<Int> {
                let first = job.outputs.lowerBound - (job.frames.lowerBound - job.padding) / stride
                return first..<(first + job.outputs.count)
            }
            let needed = batchJobs.map(rowPositions).filter { !$0.isEmpty }
            guard var low = needed.map(\.lowerBound).min(), let high = needed.map(\.upperBound).max() else { continue }
            let result: Tensor
            switch level.part {
            case .whole:
                result = block.forward(stack(batchJobs, of: \.x, passes: passes, length: length), adjacency: adjacency,
                                       support: network.support, outputs: low..<high)
            case .spatial:
                // Frame by frame: every stacked frame is a needed position or padding.
                result = block.middle(stack(batchJobs, of: \.x, passes: passes, length: length), adjacency: adjacency,
                                      support: network.support)
                low = 0
            case .temporal:
                let input = block.readsInputInFinish ? stack(batchJobs, of: \.blockInput, passes: passes, length: length)
                    : Tensor(shape: [0])
                result = block.finish(middle: stack(batchJobs, of: \.x, passes: passes, length: length), input: input,
                                      outputs: low..<high)
            }
            for (row, job) in batchJobs.enumerated() where !job.outputs.isEmpty {
                outputs[job.pass].take(job.outputs, fromRow: row, of: result, sourcePosition: rowPositions(job).lowerBound - low)
            }
        }
        return outputs
    }

    /// A block output holding the positions a plan copies from an earlier window (no positions
    /// yet for a window computed whole).
    private static func initialOutput(_ plan: SlidingWindowEvaluator.Plan, channels: Int, inputFrames: Int, joints: Int, stride: Int) -> WindowBlockOutput {
        var output = WindowBlockOutput(channels: channels, frames: (inputFrames - 1) / stride + 1, joints: joints)
        if case .reuse(let copied, let previous, let shift, let then, _, let tail) = plan {
            output.take(then.map { copied.lowerBound..<$0.positions.lowerBound } ?? copied, from: previous, shift: shift)
            if let then { output.take(then.positions, from: then.previous, shift: then.shift) }
            output.take(tail, from: previous, shift: 0)
        }
        return output
    }

    /// Rows of one batch need one length: windows computed whole, and edges, by input length.
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

    /// The jobs' input frames of `source` (the level input, or the block input) as a zero-padded
    /// batch `(J, C, length, V)`.
    private static func stack(_ jobs: [Job], of source: KeyPath<SlidingWindowEvaluator.Pass, WindowBlockOutput>,
                              passes: [SlidingWindowEvaluator.Pass], length: Int) -> Tensor {
        let (channels, joints) = (passes[jobs[0].pass][keyPath: source].channels, passes[jobs[0].pass][keyPath: source].joints)
        var batch = Tensor(shape: [jobs.count, channels, length, joints])
        batch.scalars.withUnsafeMutableBufferPointer { out in
            guard let out = out.baseAddress else { return }
            for (row, job) in jobs.enumerated() {
                passes[job.pass][keyPath: source].write(job.frames, into: out + (row * channels * length + job.padding) * joints,
                                         channelStride: length * joints)
            }
        }
        return batch
    }
}
