import XCTest
import SkeletonGraph
import STGCNTensor
@testable import STGCNModel

final class SlidingWindowEvaluatorTests: XCTestCase {
    /// Windows of `length` frames of one long random sequence, every `hop` frames: each equals
    /// `infer` on the same window, and the later ones reuse block outputs.
    func check(hop: Int, length: Int = 40, windows: Int = 5, expectReuse: Bool, dataFrames: [Int]? = nil) throws {
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: 7, layout: .openpose))
        network.initializeWeights(seed: 8)
        for (name, parameter) in network.namedParameters() where name == "fcn.weight" { parameter.value = parameter.value.map { $0 * 1000 } }
        let (c, v) = (3, 18)
        let total = length + hop * (windows - 1)
        var generator = SeededGenerator(seed: UInt64(hop))
        let sequence = (0..<(c * total * v)).map { _ in generator.nextUniform() - 0.5 }
        let evaluator = try XCTUnwrap(SlidingWindowEvaluator(network: network))
        for w in 0..<windows {
            let start = w * hop
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
    }

    func testEveryBlockReusedWhenTheHopIsAMultipleOfFour() throws { try check(hop: 4, expectReuse: true) }
    func testFirstSevenBlocksReusedWithAnEvenHop() throws { try check(hop: 6, expectReuse: true) }
    func testFirstFourBlocksReusedWithAnOddHop() throws { try check(hop: 3, expectReuse: true) }
    /// Windows whose ends are zero padding (a person's first frames, or a partner's window that
    /// starts later): only frames of the stream held by both windows count as shared.
    func testZeroPaddedWindowsReuseOnlyStreamFrames() throws {
        try check(hop: 4, windows: 4, expectReuse: true, dataFrames: [40, 40, 17, 40])
    }

    func testNothingReusedWhenTheWindowMovesByItsLength() throws { try check(hop: 40, expectReuse: false) }
}
