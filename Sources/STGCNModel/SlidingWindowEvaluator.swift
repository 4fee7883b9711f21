import STGCNTensor

/// Evaluation-mode logits of one person's consecutive, overlapping windows that reuses what
/// earlier windows computed, with the same answer as `STGCNNetwork.infer` up to float rounding.
///
/// Every part of a block is local in time (graph convolution per frame, batch norm in evaluation
/// mode per channel, the temporal kernel, the 1×1 residual), so a block output whose whole
/// receptive field lies in stream frames that an earlier window also held is that window's
/// output `shift / S` positions away, where `S` is the cumulative stride up to the block. Such
/// positions are taken over (by reference: `WindowBlockOutput`) and only the two edges are computed, each by running the block on a
/// slice of its input that holds the edge's receptive field (slice edges that are not the
/// window's own fall only on positions that are thrown away).
///
/// Blocks of 256 channels or more run as two levels (`BlockLevel`), each with its own kept
/// outputs: the spatial half (graph convolution, batch norm, ReLU) works frame by frame, so a
/// window computes it only on the frames whose block input changed; the temporal half reads the
/// spatial output around an edge, most of it kept from an earlier window. Run whole, a block's
/// edge also runs the graph convolution on the kernel's margins (two radii). Either way the
/// temporal convolution computes only the edge's own positions (`STGCNBlock.finish`).
///
/// Strides change the phase: when `S` does not divide the shift, the earlier window sampled
/// other frames. So the evaluator keeps, per block, the newest window of each start residue
/// modulo `S` (one window for the stride-1 blocks, two for the blocks after the first stride 2,
/// four after the second), and each block copies from whichever kept window shares the most
/// positions with the current one. With the official schedule and a hop of 10, the blocks
/// after the second stride copy from the window two hops back instead of being run whole.
/// The first window, a window of another length, and windows a whole window apart are computed
/// whole. Two windows that start on the same stream frame share their left padding too, so a
/// window whose start did not move (a person seen for less than W frames, or a window prepared
/// ahead) also copies its left edge. Such windows also end in zero padding after their data; the
/// outputs whose receptive field holds only that padding in both windows are equal, so they are
/// copied too ("tails"), and a person's first W frames cost a step around the end of the data
/// instead of everything after it (NTU model, one thread: 143 → 60 ms per window 150 frames in).
///
/// Work ahead of time (`prepare(_:)`): a window whose last frames have not arrived yet can be run
/// on the frames that have, computing only its left edge and copying the rest from earlier
/// windows, and kept with the count of its leading positions that are exact. When the whole window
/// comes, it copies all of that (same start, so the left edge too) and computes only its right
/// edge. So the work between a frame's arrival and its prediction shrinks to the right edge.
///
/// Only for the plain ST-GCN (`ModelVariant.stgcn`); one evaluator per person, not thread-safe.
public final class SlidingWindowEvaluator {
    /// The network (evaluation mode).
    public let network: STGCNNetwork
    /// Where a kept window lay in the stream.
    struct Placement: Hashable {
        var start: Int
        /// Frames of the window that held stream data (the rest was zero padding).
        var frames: Int
    }
    /// Where a block output is kept: the newest window of each start residue modulo the block's
    /// cumulative stride, and apart from those each window prepared ahead (by its start) until
    /// the complete window comes, so that other persons' or phases' windows do not displace it.
    struct Slot: Hashable {
        var residue: Int
        /// The start of a window prepared ahead; nil for complete windows.
        var prepared: Int?
    }
    /// The levels the blocks run as (`BlockLevel`).
    let levels: [BlockLevel]
    /// Per level: kept outputs.
    /// (`exact`: how many leading positions equal the complete window's — all of them except for
    /// a window prepared ahead.)
    var kept: [[Slot: (placement: Placement, output: WindowBlockOutput, exact: Int)]]
    var keptLength = 0
    /// Cumulative stride after each level.
    let cumulativeStrides: [Int]
    /// Block output positions copied from earlier windows, and computed, so far.
    public internal(set) var reusedPositions = 0
    public internal(set) var computedPositions = 0
    /// Per block: output positions copied from earlier windows so far.
    public internal(set) var reusedPositionsPerBlock: [Int]

    /// An evaluator for `network`, or nil when its variant is not the plain ST-GCN or its
    /// temporal kernel radius is not a multiple of every stride (slices would change phase).
    public convenience init?(network: STGCNNetwork) {
        self.init(network: network, splitChannels: BlockLevel.defaultSplitChannels)
    }

    /// An evaluator that runs blocks of at least `splitChannels` output channels as two levels
    /// (`BlockLevel`; 0: every block, `Int.max`: none). The answer is the same either way.
    init?(network: STGCNNetwork, splitChannels: Int) {
        let configuration = network.configuration
        let radius = (configuration.temporalKernelSize - 1) / 2
        guard configuration.variant == .stgcn, configuration.temporalKernelSize % 2 == 1,
              configuration.blockSchedule.allSatisfy({ radius % $0.stride == 0 }) else { return nil }
        self.network = network
        levels = BlockLevel.levels(of: configuration, splitChannels: splitChannels)
        var product = 1
        cumulativeStrides = levels.map { level in
            if level.endsBlock { product *= configuration.blockSchedule[level.block].stride }
            return product
        }
        kept = Array(repeating: [:], count: levels.count)
        reusedPositionsPerBlock = Array(repeating: 0, count: configuration.blockSchedule.count)
    }

    /// An earlier window followed through the blocks: the positions of the current level where
    /// its output equals the current window's, and how far apart the two are at this level.
    struct Reference {
        var placement: Placement
        /// Current-window positions (at the current level) equal to the earlier window's `shift` later.
        var valid: Range<Int>
        /// Level positions between the two windows; nil once a stride made them out of phase.
        var shift: Int?
        /// With the same start and both windows ending in zero padding (persons seen for less than
        /// W frames): the first position of the current level from which on the two outputs are
        /// equal position for position, because the receptive field holds only padding in both.
        var tail: Int?
    }

    /// One person's window for `logits(_:)`: `input` `(1, C, W, V, 1)` whose first frame is frame
    /// `start` of the stream and whose first `frames` frames are the stream's (the rest is zero
    /// padding; nil: all W).
    public struct Window {
        /// The person's evaluator (its network is the one every window of a call runs).
        public var evaluator: SlidingWindowEvaluator
        public var input: Tensor
        public var start: Int
        public var frames: Int?

        /// A window for `evaluator`.
        public init(evaluator: SlidingWindowEvaluator, input: Tensor, start: Int, frames: Int? = nil) {
            self.evaluator = evaluator
            self.input = input
            self.start = start
            self.frames = frames
        }
    }

    /// The logits of the one-person window `input` `(1, C, W, V, 1)` whose first frame is frame
    /// `start` of the stream and whose first `frames` frames are the stream's (the rest is zero
    /// padding; default: all W).
    public func logits(_ input: Tensor, start: Int, frames: Int? = nil) -> [Float] {
        Self.logits([Window(evaluator: self, input: input, start: start, frames: frames)])[0]
    }

    /// Prepares the one-person window `input` ahead of its last frames: only its first `frames`
    /// frames have arrived (`prepare(_:)`).
    public func prepare(_ input: Tensor, start: Int, frames: Int) {
        Self.prepare([Window(evaluator: self, input: input, start: start, frames: frames)])
    }

    /// The logits of several persons' windows, each through its own evaluator (distinct
    /// evaluators of one network), run together block by block: per block, the edges of every
    /// window that reuses an earlier one run as one batch, and the windows computed whole as
    /// another, so a round of several persons makes a few large matrix products per layer
    /// instead of many small ones.
    public static func logits(_ windows: [Window]) -> [[Float]] {
        guard let network = windows.first?.evaluator.network else { return [] }
        return run(windows, network: network, ahead: false).map { network.classify($0.x.dense(), persons: 1, mode: .inference).scalars }
    }

    /// Runs windows whose last frames have not arrived yet, ahead of time: each `Window` holds the
    /// future window's start and the frames that have arrived (`frames`, the rest zero). Computes
    /// only each block's left edge, copies what earlier windows hold, and keeps that for the
    /// complete window (same start) to copy later; computes no logits. Positions that no earlier
    /// window holds are left to the complete window (a hop's worth, between consecutive windows:
    /// computing them here as separate small pieces cost more than the right edge they would have
    /// shortened), except in blocks where no complete window is in phase and an earlier
    /// preparation of the same window (made hops before, on fewer frames) is extended.
    public static func prepare(_ windows: [Window]) {
        guard let network = windows.first?.evaluator.network else { return }
        _ = run(windows, network: network, ahead: true)
    }

    /// The windows through every block (each evaluator's kept outputs updated).
    private static func run(_ windows: [Window], network: STGCNNetwork, ahead: Bool) -> [Pass] {
        precondition(windows.allSatisfy { $0.evaluator.network === network }, "every window must run the same network")
        precondition(Set(windows.map { ObjectIdentifier($0.evaluator) }).count == windows.count, "one window per evaluator")
        precondition(windows.allSatisfy { $0.evaluator.levels == windows[0].evaluator.levels }, "every evaluator must split the same blocks")
        var passes = windows.map { Pass(window: $0, network: network, ahead: ahead) }
        for (levelIndex, level) in windows[0].evaluator.levels.enumerated() {
            if level.startsBlock { for p in passes.indices { passes[p].blockInput = passes[p].x } }
            let (stride, radius) = level.strideAndRadius(of: network.configuration)
            let plans = passes.indices.map { passes[$0].plan(level: levelIndex, stride: stride, radius: radius) }
            let outputs = BlockBatch.run(level, network: network, passes: passes, plans: plans)
            for p in passes.indices {
                let evaluator = passes[p].evaluator
                // Positions count block outputs.
                if level.endsBlock {
                    switch plans[p] {
                    case .whole(let outputFrames):
                        evaluator.computedPositions += outputFrames
                    case .reuse(let copied, _, _, _, let computed, let tail):
                        evaluator.reusedPositions += copied.count + tail.count
                        evaluator.reusedPositionsPerBlock[level.block] += copied.count + tail.count
                        evaluator.computedPositions += copied.lowerBound + computed.count
                    }
                }
                evaluator.keep(outputs[p], level: levelIndex, placement: passes[p].placement, length: passes[p].length,
                               exact: passes[p].exact, prepared: passes[p].ahead)
                passes[p].x = outputs[p]
            }
        }
        return passes
    }

    /// How one window's block output is made.
    enum Plan {
        /// Run the block on the whole input.
        case whole(outputFrames: Int)
        /// Copy `copied` from `previous` (`shift` positions later there) — its end from a second,
        /// complete window when `then` says so — compute the left edge and `computed`, the
        /// positions after `copied`: for a complete window the right edge, up to `tail`, which is
        /// also copied (the same positions in `previous`, `shift` 0; empty unless both windows end
        /// in zero padding); for a window prepared ahead, the exact positions past an earlier
        /// preparation of it where no complete window is in phase (else none).
        case reuse(copied: Range<Int>, previous: WindowBlockOutput, shift: Int, then: Continuation?, computed: Range<Int>,
                   tail: Range<Int>)

        /// Positions copied from a second earlier window, `shift` positions later there.
        struct Continuation {
            var positions: Range<Int>
            var previous: WindowBlockOutput
            var shift: Int
        }
    }

    /// One window on its way through the blocks.
    struct Pass {
        let evaluator: SlidingWindowEvaluator
        let placement: Placement
        let length: Int
        /// The window's input to the next level (after the last block: its output).
        var x: WindowBlockOutput
        /// The input of the current block (what its temporal half adds back as the residual).
        var blockInput: WindowBlockOutput
        var references: [Reference]
        /// Run ahead of the window's last frames (`prepare(_:)`): only the left edge is computed.
        let ahead: Bool
        /// Leading positions of the current level equal to the complete window's (`Int.max`
        /// unless prepared ahead: then the arrived frames, and after each block its left edge
        /// and copied positions as far as they are exact).
        var exact: Int

        init(window: Window, network: STGCNNetwork, ahead: Bool) {
            let input = window.input
            precondition(input.shape.count == 5 && input.shape[0] == 1 && input.shape[4] == 1, "one one-person window, got \(input.shape)")
            evaluator = window.evaluator
            length = input.shape[2]
            let dataFrames = min(length, max(0, window.frames ?? length))
            placement = Placement(start: window.start, frames: dataFrames)
            self.ahead = ahead
            exact = ahead ? dataFrames : .max
            if length != evaluator.keptLength {
                evaluator.kept = Array(repeating: [:], count: evaluator.kept.count)
                evaluator.keptLength = length
            }
            let (start, windowLength) = (window.start, length)
            references = Set(evaluator.kept.flatMap { $0.values.map(\.placement) }).compactMap { earlier -> Reference? in
                let shift = start - earlier.start
                // Input positions i with i and i + shift both stream frames of their windows.
                let (first, end) = (max(0, -shift), min(dataFrames, earlier.frames - shift))
                // Input positions from which on both windows hold padding only (same start).
                let padding = max(dataFrames, earlier.frames)
                let tail = shift == 0 && padding < windowLength ? padding : nil
                guard first < end || tail != nil else { return nil }
                return Reference(placement: earlier, valid: first < end ? first..<end : 0..<0, shift: shift, tail: tail)
            }
            x = WindowBlockOutput(dense: network.normalizeInput(input, mode: .inference))
            blockInput = x
        }

        /// Follows every reference through level `level` (an index into `levels`) and picks the kept
        /// output that shares the most positions.
        mutating func plan(level: Int, stride: Int, radius: Int) -> Plan {
            let outputFrames = (x.frames - 1) / stride + 1
            var best: (copied: Range<Int>, output: WindowBlockOutput, shift: Int, tail: Range<Int>, prepared: Bool)?
            // The complete window in phase with this one whose shared positions reach furthest.
            var furthestComplete: (copied: Range<Int>, output: WindowBlockOutput, shift: Int)?
            for r in references.indices {
                guard let shift = references[r].shift, shift % stride == 0 else {
                    references[r].valid = 0..<0
                    references[r].tail = nil
                    continue
                }
                let d = shift / stride
                let agreeing = SlidingWindowEvaluator.copyable(valid: references[r].valid, stride: stride, radius: radius,
                                                               shift: d, outputFrames: outputFrames)
                references[r].valid = agreeing
                references[r].shift = d
                // Outputs whose receptive field starts at or after the input tail.
                references[r].tail = references[r].tail.map { ($0 + radius + stride - 1) / stride }.flatMap { $0 < outputFrames ? $0 : nil }
                let residue = SlidingWindowEvaluator.residue(references[r].placement.start, evaluator.cumulativeStrides[level])
                let placement = references[r].placement
                let kept = evaluator.kept[level]
                guard let entry = [kept[Slot(residue: residue, prepared: nil)], kept[Slot(residue: residue, prepared: placement.start)]]
                    .compactMap({ $0 }).first(where: { $0.placement == placement }) else { continue }
                // Only the kept output's exact positions can be copied.
                let end = entry.exact == .max ? agreeing.upperBound : min(agreeing.upperBound, entry.exact - d)
                let copied = agreeing.lowerBound < end ? agreeing.lowerBound..<end : 0..<0
                // The tail of a complete window (a prepared one holds no positions past its left edge).
                let tail = references[r].tail.map { max($0, copied.upperBound) }
                    .flatMap { !ahead && entry.exact == .max && $0 < outputFrames ? $0..<outputFrames : nil } ?? outputFrames..<outputFrames
                if entry.exact == .max && copied.upperBound > (furthestComplete?.copied.upperBound ?? 0) {
                    furthestComplete = (copied, entry.output, d)
                }
                if copied.count + tail.count > (best.map { $0.copied.count + $0.tail.count } ?? 0) {
                    best = (copied, entry.output, d, tail, entry.exact != .max)
                }
            }
            references.removeAll { $0.valid.isEmpty && $0.tail == nil }
            let inputFrames = x.frames
            // Outputs whose receptive field lies in the exact inputs (or in the padding before the start).
            let fromExactInputs = exact >= inputFrames ? outputFrames
                : exact - 1 - radius < 0 ? 0 : min(outputFrames, (exact - 1 - radius) / stride + 1)
            guard let best else {
                if ahead { exact = fromExactInputs }
                return .whole(outputFrames: outputFrames)
            }
            // An earlier preparation of this window holds its left edge but, made on fewer frames,
            // fewer positions than a complete window in phase: the rest comes from that one.
            var copied = best.copied
            var then: Plan.Continuation?
            if best.prepared, best.copied.lowerBound == 0, let other = furthestComplete,
               other.copied.lowerBound <= best.copied.upperBound, other.copied.upperBound > best.copied.upperBound {
                then = Plan.Continuation(positions: best.copied.upperBound..<other.copied.upperBound, previous: other.output,
                                         shift: other.shift)
                copied = 0..<other.copied.upperBound
            }
            guard ahead else {
                return .reuse(copied: copied, previous: best.output, shift: best.shift, then: then,
                              computed: copied.upperBound..<(best.tail.isEmpty ? outputFrames : best.tail.lowerBound),
                              tail: best.tail)
            }
            // Exact positions past the copied ones: computed here when they extend an earlier
            // preparation of this window where no complete window is in phase (a first slide
            // prepared hops before, on fewer frames); past a complete window they are a hop's
            // worth, left to the complete window (as small pieces they cost more than they save).
            var computed = copied.upperBound..<copied.upperBound
            if fromExactInputs >= copied.lowerBound {
                if best.prepared && furthestComplete == nil && fromExactInputs > copied.upperBound {
                    computed = copied.upperBound..<fromExactInputs
                }
                exact = computed.upperBound
            } else {
                exact = fromExactInputs
            }
            return .reuse(copied: copied, previous: best.output, shift: best.shift, then: then, computed: computed, tail: best.tail)
        }
    }

    /// Forgets every earlier window.
    public func reset() {
        kept = Array(repeating: [:], count: kept.count)
        keptLength = 0
    }

    /// Output positions j whose input receptive field `[stride·j − r, stride·j + r]` lies in
    /// `valid` and whose partner `j + shift` exists in the earlier window. With `shift` 0 and
    /// `valid` from position 0 the two windows start on the same frame, so the padding before
    /// it is shared and the left edge counts as well.
    static func copyable(valid: Range<Int>, stride: Int, radius: Int, shift: Int, outputFrames: Int) -> Range<Int> {
        guard !valid.isEmpty, valid.upperBound - 1 - radius >= 0 else { return 0..<0 }
        let sharedStart = shift == 0 && valid.lowerBound == 0
        let low = sharedStart ? 0 : max(0, -shift, (valid.lowerBound + radius + stride - 1) / stride)
        let high = min((valid.upperBound - 1 - radius) / stride + 1, outputFrames - shift, outputFrames)
        return low < high ? low..<high : 0..<0
    }

    static func residue(_ start: Int, _ modulus: Int) -> Int { ((start % modulus) + modulus) % modulus }

    /// Keeps `output` as level `level`'s newest window of its start residue (or, `prepared`, as the
    /// window prepared ahead for that start; a complete window replaces its prepared one), and
    /// drops kept windows a whole window or more away (they share no frame with anything later).
    func keep(_ output: WindowBlockOutput, level: Int, placement: Placement, length: Int, exact: Int, prepared: Bool) {
        let residue = Self.residue(placement.start, cumulativeStrides[level])
        kept[level][Slot(residue: residue, prepared: prepared ? placement.start : nil)] = (placement, output, exact)
        if !prepared { kept[level][Slot(residue: residue, prepared: placement.start)] = nil }
        kept[level] = kept[level].filter { abs($0.value.placement.start - placement.start) < length }
    }
}
