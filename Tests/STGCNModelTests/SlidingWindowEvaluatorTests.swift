import XCTest
import SkeletonGraph
import STGCNTensor
@testable import STGCNModel

final class SlidingWindowEvaluatorTests: XCTestCase {
    /// Windows of `length` frames of one long random sequence, every `hop` frames: each equals
    /// `infer` on the same window, and the later ones reuse block outputs.
    @discardableResult
    func check(hop: Int, length: Int = 40, windows: Int = 5, expectReuse: Bool, dataFrames: [Int]? = nil,
               starts: [Int]? = nil) throws -> SlidingWindowEvaluator {
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: 7, layout: .openpose))
        network.initializeWeights(seed: 8)
        for (name, parameter) in network.namedParameters() where name == "fcn.weight" { parameter.value = parameter.value.map { $0 * 1000 } }
        let (c, v) = (3, 18)
        let total = length + max(hop * (windows - 1), starts?.max() ?? 0)
        var generator = SeededGenerator(seed: UInt64(hop))
        let sequence = (0..<(c * total * v)).map { _ in generator.nextUniform() - 0.5 }
        let evaluator = try XCTUnwrap(SlidingWindowEvaluator(network: network))
        for w in 0..<windows {
            let start = starts?[w] ?? w * hop
            var window = Tensor(shape: [1, c, length, v, 1])
            let frames = dataFrames?[w] ?? length
            for ch in 0..<c { for t in 0..<frames { for j in 0..<v {
                window.scalars[(ch * length + t) * v + j] = sequence[(ch * total + start + t) * v + j]
            } } }
            let reused = evaluator.logits(window, start: start, frames: frames)
            let full = network.infer(window).scalars
            for k in 0..<7 { XCTAssertEqual(reused[k], full[k], accuracy: 1e-5 * max(1, abs(full[k])), "hop \(hop) window \(w) class \(k)") }
        }
        if expectReuse { XCTAssertGreaterThan(evaluator.reusedPositions, 0) } else { XCTAssertEqual(evaluator.reusedPositions, 0) }
        return evaluator
    }

    func testEveryBlockReusedWhenTheHopIsAMultipleOfFour() throws { try check(hop: 4, expectReuse: true) }
    func testFirstSevenBlocksReusedWithAnEvenHop() throws { try check(hop: 6, expectReuse: true) }
    func testFirstFourBlocksReusedWithAnOddHop() throws { try check(hop: 3, expectReuse: true) }
    /// Windows whose ends are zero padding (a person's first frames, or a partner's window that
    /// starts later): only frames of the stream held by both windows count as shared.
    func testZeroPaddedWindowsReuseOnlyStreamFrames() throws {
        try check(hop: 4, windows: 4, expectReuse: true, dataFrames: [40, 40, 17, 40])
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

    func testNothingReusedWhenTheWindowMovesByItsLength() throws { try check(hop: 40, expectReuse: false) }
}
