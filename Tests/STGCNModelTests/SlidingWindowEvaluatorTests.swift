import XCTest
import SkeletonGraph
import STGCNTensor
@testable import STGCNModel

final class SlidingWindowEvaluatorTests: XCTestCase {
    /// Positions each window of the last `check` copied from earlier ones.
    private var reusedPerWindow: [Int] = []

    /// Windows of `length` frames of one long random sequence, every `hop` frames: each equals
    /// `infer` on the same window, and the later ones reuse block outputs.
    @discardableResult
    func check(hop: Int, length: Int = 40, windows: Int = 5, expectReuse: Bool, dataFrames: [Int]? = nil,
               starts: [Int]? = nil, splitChannels: Int = BlockLevel.defaultSplitChannels) throws -> SlidingWindowEvaluator {
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: 7, layout: .openpose))
        network.initializeWeights(seed: 8)
        for (name, parameter) in network.namedParameters() where name == "fcn.weight" { parameter.value = parameter.value.map { $0 * 1000 } }
        let (c, v) = (3, 18)
        let total = length + max(hop * (windows - 1), starts?.max() ?? 0)
        var generator = SeededGenerator(seed: UInt64(hop))
        let sequence = (0..<(c * total * v)).map { _ in generator.nextUniform() - 0.5 }
        let evaluator = try XCTUnwrap(SlidingWindowEvaluator(network: network, splitChannels: splitChannels))
        for w in 0..<windows {
            let start = starts?[w] ?? w * hop
            var window = Tensor(shape: [1, c, length, v, 1])
            let frames = dataFrames?[w] ?? length
            for ch in 0..<c { for t in 0..<frames { for j in 0..<v {
                window.scalars[(ch * length + t) * v + j] = sequence[(ch * total + start + t) * v + j]
            } } }
            let before = evaluator.reusedPositions
            let reused = evaluator.logits(window, start: start, frames: frames)
            reusedPerWindow.append(evaluator.reusedPositions - before)
            let full = network.infer(window).scalars
            for k in 0..<7 { XCTAssertEqual(reused[k], full[k], accuracy: 1e-5 * max(1, abs(full[k])), "hop \(hop) window \(w) class \(k)") }
        }
        if expectReuse { XCTAssertGreaterThan(evaluator.reusedPositions, 0) } else { XCTAssertEqual(evaluator.reusedPositions, 0) }
        return evaluator
    }

    func testEveryBlockReusedWhenTheHopIsAMultipleOfFour() throws { try check(hop: 4, expectReuse: true) }

    /// Blocks run whole or as a spatial and a temporal level (`BlockLevel`): every block split, or
    /// none, gives the same answers and copies the same block output positions as the default.
    func testSplittingBlocksChangesNeitherAnswersNorReusedPositions() throws {
        for (hop, dataFrames) in [(4, nil), (6, nil), (3, nil), (0, [12, 16, 30, 22, 40])] as [(Int, [Int]?)] {
            var reused: [[Int]] = []
            for split in [BlockLevel.defaultSplitChannels, 0, Int.max] {
                reusedPerWindow = []
                let evaluator = try check(hop: hop, expectReuse: true, dataFrames: dataFrames, splitChannels: split)
                XCTAssertEqual(evaluator.levels.count, split == 0 ? 20 : split == Int.max ? 10 : 13, "split at \(split)")
                reused.append(reusedPerWindow)
            }
            XCTAssertEqual(reused[1], reused[0], "hop \(hop): every block split")
            XCTAssertEqual(reused[2], reused[0], "hop \(hop): no block split")
        }
    }
    func testFirstSevenBlocksReusedWithAnEvenHop() throws { try check(hop: 6, expectReuse: true) }
    func testFirstFourBlocksReusedWithAnOddHop() throws { try check(hop: 3, expectReuse: true) }
    /// Windows whose ends are zero padding (a person's first frames, or a partner's window that
    /// starts later): only frames of the stream held by both windows count as shared.
    func testZeroPaddedWindowsReuseOnlyStreamFrames() throws {
        try check(hop: 4, windows: 4, expectReuse: true, dataFrames: [40, 40, 17, 40])
    }

    /// A person seen for fewer than W frames: every window starts on the person's first frame and
    /// ends in zero padding. Positions whose receptive field lies in the padding of both windows
    /// are equal and copied, so a step computes only around the end of the data; also when a
    /// window holds fewer frames than the one before (a partner's window from an earlier round).
    func testWindowsWithOneStartCopyTheirZeroPaddedTails() throws {
        try check(hop: 0, length: 96, windows: 5, expectReuse: true, dataFrames: [12, 16, 30, 22, 96])
        // Without the tails, a step could copy at most the positions whose receptive field lies in
        // the earlier data: at most ⌈d / S⌉ per block for d earlier frames and cumulative stride S.
        let strides = [1, 1, 1, 1, 2, 2, 2, 4, 4, 4]
        for (w, earlierFrames) in [(1, 12), (2, 16), (3, 22)] {
            let dataOnly = strides.map { (earlierFrames + $0 - 1) / $0 }.reduce(0, +)
            XCTAssertGreaterThan(reusedPerWindow[w], dataOnly, "window \(w) copied \(reusedPerWindow)")
        }
    }

    /// A hop of 6 puts the blocks after the second stride (cumulative stride 4) out of phase with
    /// the previous window, but in phase with the one two hops back, which is kept and used.
    func testBlocksAfterTheSecondStrideReuseTheWindowTwoHopsBack() throws {
        let evaluator = try check(hop: 6, length: 128, windows: 4, expectReuse: true)
        XCTAssertGreaterThan(evaluator.reusedPositionsPerBlock[7], 0, "\(evaluator.reusedPositionsPerBlock)")
        XCTAssertGreaterThan(evaluator.reusedPositionsPerBlock[4], 0, "\(evaluator.reusedPositionsPerBlock)")
    }

    /// Windows out of order (a partner's window ending before the person's own, as when
    /// persons' rounds are staggered): earlier and later kept windows both serve.
    func testWindowsOutOfOrderStillMatchInfer() throws {
        try check(hop: 0, windows: 6, expectReuse: true, starts: [8, 4, 12, 10, 2, 16])
    }

    /// Three persons' windows evaluated together each round (edges of all of them in one batch
    /// per block, a newcomer's window run whole beside them) equal `infer` on each window.
    func testSeveralPersonsTogetherMatchInfer() throws {
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: 5, layout: .openpose))
        network.initializeWeights(seed: 3)
        let (c, v, length, hop, rounds) = (3, 18, 48, 4, 4)
        let total = length + hop * rounds
        var generator = SeededGenerator(seed: 99)
        let sequences = (0..<3).map { _ in (0..<(c * total * v)).map { _ in generator.nextUniform() - 0.5 } }
        let evaluators = try (0..<3).map { _ in try XCTUnwrap(SlidingWindowEvaluator(network: network)) }
        for round in 0..<rounds {
            var windows: [SlidingWindowEvaluator.Window] = []
            var inputs: [Tensor] = []
            // Person 2 arrives in round 2 (its first window is computed whole) with 30 frames of data.
            for person in 0..<3 where person < 2 || round >= 2 {
                let start = round * hop + person
                let frames = person == 2 && round == 2 ? 30 : length
                var window = Tensor(shape: [1, c, length, v, 1])
                for ch in 0..<c { for t in 0..<frames { for j in 0..<v {
                    window.scalars[(ch * length + t) * v + j] = sequences[person][(ch * total + start + t) * v + j]
                } } }
                windows.append(.init(evaluator: evaluators[person], input: window, start: start, frames: frames))
                inputs.append(window)
            }
            let together = SlidingWindowEvaluator.logits(windows)
            for (w, input) in inputs.enumerated() {
                let full = network.infer(input).scalars
                for k in 0..<5 { XCTAssertEqual(together[w][k], full[k], accuracy: 1e-5 * max(1, abs(full[k])), "round \(round) window \(w) class \(k)") }
            }
        }
        XCTAssertGreaterThan(evaluators[0].reusedPositions, 0)
        XCTAssertGreaterThan(evaluators[2].reusedPositions, 0)
    }

    /// A window whose start does not move (a person seen for less than W frames) copies its
    /// left edge from the previous round as well: positions from 0 are reused.
    func testWindowsWithOneStartCopyTheirLeftEdge() throws {
        let evaluator = try check(hop: 0, windows: 3, expectReuse: true, dataFrames: [20, 30, 40], starts: [0, 0, 0])
        // Block 1 (stride 1): the 20-frame window determines positions 0..<16 (radius 4), all copied later.
        XCTAssertGreaterThanOrEqual(evaluator.reusedPositionsPerBlock[0], 16 + 26, "\(evaluator.reusedPositionsPerBlock)")
    }

    /// Frames 0..<length of one random sequence, as a window starting at `start` holding
    /// `frames` of them (zero after).
    private func window(_ sequence: [Float], total: Int, start: Int, frames: Int, length: Int) -> Tensor {
        let (c, v) = (3, 18)
        var window = Tensor(shape: [1, c, length, v, 1])
        for ch in 0..<c { for t in 0..<frames { for j in 0..<v {
            window.scalars[(ch * length + t) * v + j] = sequence[(ch * total + start + t) * v + j]
        } } }
        return window
    }

    /// Windows of `length` frames every `hop` frames, each prepared ahead (as the stream does:
    /// after each round, on the frames up to the next frame) or not; returns the positions
    /// computed by the complete windows after the first and checks each against `infer`.
    private func preparedRounds(length: Int, hop: Int, rounds: Int, prepare: [Int], firstFrames: Int? = nil) throws -> Int {
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: 7, layout: .openpose))
        network.initializeWeights(seed: 5)
        for (name, parameter) in network.namedParameters() where name == "fcn.weight" { parameter.value = parameter.value.map { $0 * 1000 } }
        let total = length + hop * rounds
        var generator = SeededGenerator(seed: UInt64(length * 100 + hop))
        let sequence = (0..<(3 * total * 18)).map { _ in generator.nextUniform() - 0.5 }
        let evaluator = try XCTUnwrap(SlidingWindowEvaluator(network: network))
        var computed = 0
        for round in 0..<rounds {
            // Round r ends on frame r·hop + length − 1; a newcomer (`firstFrames`) is first seen on
            // frame length − firstFrames, where its windows start until it has been seen for `length` frames.
            let end = round * hop + length - 1
            let start = max(length - (firstFrames ?? length), end - length + 1)
            if round > 0 {
                for arrived in prepare {
                    // `arrived` frames after the previous round's end.
                    let last = end - hop + arrived
                    let frames = last - start + 1
                    guard frames > 0 else { continue }
                    evaluator.prepare(window(sequence, total: total, start: start, frames: min(frames, length), length: length),
                                      start: start, frames: min(frames, length))
                }
            }
            let frames = min(length, end - start + 1)
            let before = evaluator.computedPositions
            let input = window(sequence, total: total, start: start, frames: frames, length: length)
            let logits = evaluator.logits(input, start: start, frames: frames)
            if round > 0 { computed += evaluator.computedPositions - before }
            let full = network.infer(input).scalars
            for k in 0..<7 {
                XCTAssertEqual(logits[k], full[k], accuracy: 1e-5 * max(1, abs(full[k])),
                               "length \(length) hop \(hop) prepared \(prepare) round \(round) class \(k)")
            }
        }
        return computed
    }

    /// A window prepared ahead on the frames that have arrived equals `infer` once complete and
    /// then computes fewer positions than without preparation (its right edge, none of its
    /// left); preparing again as more frames arrive adds nothing.
    func testPreparedWindowsComputeOnlyTheirRightEdgeWhenComplete() throws {
        let none = try preparedRounds(length: 96, hop: 8, rounds: 4, prepare: [])
        let once = try preparedRounds(length: 96, hop: 8, rounds: 4, prepare: [1])
        let every = try preparedRounds(length: 96, hop: 8, rounds: 4, prepare: Array(1..<8))
        XCTAssertLessThan(once, none)
        XCTAssertEqual(every, once)
    }

    /// A window prepared hops early (on fewer frames, as the stream prepares a person's first
    /// slides) and again one frame after the previous round: the second preparation computes the
    /// exact positions between the two where no earlier window is in phase (blocks 8–10 at hop 6
    /// in round 1), so the complete window computes no more than with the late preparation alone,
    /// and less than with the early one alone.
    func testWindowPreparedEarlyAndAgainLeavesOnlyTheRightEdge() throws {
        let late = try preparedRounds(length: 96, hop: 6, rounds: 3, prepare: [1])
        let early = try preparedRounds(length: 96, hop: 6, rounds: 3, prepare: [-18])
        let both = try preparedRounds(length: 96, hop: 6, rounds: 3, prepare: [-18, 1])
        XCTAssertLessThan(late, early)
        XCTAssertEqual(both, late)
    }

    /// Windows prepared ahead on few frames (a short window, a hop out of phase with the strides,
    /// a newcomer whose window starts at its first frame): parts of them are computed whole on
    /// inputs that are exact only in part, and only the exact positions may be copied later.
    func testPreparedShortAndOutOfPhaseWindowsMatchInfer() throws {
        _ = try preparedRounds(length: 16, hop: 10, rounds: 5, prepare: [1])
        _ = try preparedRounds(length: 40, hop: 6, rounds: 5, prepare: [1, 3])
        _ = try preparedRounds(length: 40, hop: 5, rounds: 6, prepare: [1], firstFrames: 12)
    }

    func testNothingReusedWhenTheWindowMovesByItsLength() throws { try check(hop: 40, expectReuse: false) }
}
