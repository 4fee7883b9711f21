import XCTest
import STGCNTensor
@testable import STGCNModel

/// The Winograd F(3, 3) temporal convolution against the direct one (one GEMM per tap), which
/// `testTemporalConvolutionMatchesDirectLoops` ties to plain loops.
final class WinogradTemporalTests: XCTestCase {
    private struct Case {
        var kernel: Int, frames: Int, samples: Int, inputs: Int, outputs: Int, joints: Int
    }

    private func pair(_ c: Case, seed: UInt64) -> (direct: TemporalConvolution, winograd: TemporalConvolution) {
        let direct = TemporalConvolution(inputChannels: c.inputs, outputChannels: c.outputs, kernelSize: c.kernel)
        let winograd = TemporalConvolution(inputChannels: c.inputs, outputChannels: c.outputs, kernelSize: c.kernel)
        direct.algorithm = .direct
        XCTAssertTrue(winograd.usesWinograd)
        XCTAssertFalse(direct.usesWinograd)
        let w = GradientChecker.random(direct.weight.count, seed: seed, scale: 0.5)
        let b = GradientChecker.random(direct.bias.count, seed: seed + 1)
        for layer in [direct, winograd] {
            layer.weight.value = w
            layer.bias.value = b
        }
        return (direct, winograd)
    }

    /// Largest |a − b| relative to the largest |b| (at least 1e-3, so all-zero tensors compare absolutely).
    private func relativeError(_ a: [Float], _ b: [Float]) -> Float {
        XCTAssertEqual(a.count, b.count)
        let scale = max(b.map(abs).max() ?? 0, 1e-3)
        return zip(a, b).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    private func check(_ c: Case, rectified: Bool, file: StaticString = #filePath, line: UInt = #line) {
        let (direct, winograd) = pair(c, seed: UInt64(c.kernel * 100 + c.frames))
        let count = c.samples * c.inputs * c.frames * c.joints
        var x = GradientChecker.random(count, seed: 7, scale: 2)
        if rectified { x = x.map { max($0, 0) } }
        let input = Tensor(shape: [c.samples, c.inputs, c.frames, c.joints], scalars: x)
        let expected = direct.forward(input, mode: .evaluation)
        let actual = winograd.forward(input, mode: .evaluation)
        XCTAssertEqual(actual.shape, expected.shape, file: file, line: line)
        let label = "k\(c.kernel) T\(c.frames) S\(c.samples) \(c.inputs)→\(c.outputs) V\(c.joints) rectified \(rectified)"
        XCTAssertLessThan(relativeError(actual.scalars, expected.scalars), 2e-6, "forward \(label)", file: file, line: line)

        let dy = Tensor(shape: expected.shape, scalars: GradientChecker.random(expected.count, seed: 8))
        let dxExpected = direct.backward(dy, input: input, inputIsRectified: rectified)
        let dxActual = winograd.backward(dy, input: input, inputIsRectified: rectified)
        XCTAssertLessThan(relativeError(dxActual.scalars, dxExpected.scalars), 2e-6, "dx \(label)", file: file, line: line)
        XCTAssertLessThan(relativeError(winograd.weight.gradient, direct.weight.gradient), 2e-6,
                          "dW \(label)", file: file, line: line)
        XCTAssertLessThan(relativeError(winograd.bias.gradient, direct.bias.gradient), 1e-6,
                          "db \(label)", file: file, line: line)
        if rectified {
            for (index, value) in x.enumerated() where value <= 0 {
                XCTAssertEqual(dxActual.scalars[index], 0, "masked dx \(label)", file: file, line: line)
            }
        }
    }

    func testMatchesDirectOnEdgeShapes() {
        // Frame counts below, at and around multiples of the tile (3), kernels of 1, 3 and 5 groups.
        for frames in [1, 2, 3, 4, 5, 6, 7, 8, 11, 20] {
            check(Case(kernel: 9, frames: frames, samples: 3, inputs: 4, outputs: 5, joints: 3), rectified: false)
        }
        check(Case(kernel: 3, frames: 7, samples: 2, inputs: 3, outputs: 2, joints: 4), rectified: false)
        check(Case(kernel: 15, frames: 10, samples: 2, inputs: 2, outputs: 3, joints: 2), rectified: false)
        check(Case(kernel: 9, frames: 13, samples: 2, inputs: 6, outputs: 4, joints: 5), rectified: true)
    }

    func testMatchesDirectWhenSamplesAreSplitBetweenWorkers() {
        // With fewer samples than workers each sample's tiles are shared out; try uneven splits.
        let saved = Parallel.workerCount
        defer { Parallel.setWorkerCount(saved) }
        for workers in [1, 2, 3, 5] {
            Parallel.setWorkerCount(workers)
            check(Case(kernel: 9, frames: 16, samples: 1, inputs: 8, outputs: 8, joints: 3), rectified: false)
            check(Case(kernel: 9, frames: 16, samples: 2, inputs: 8, outputs: 8, joints: 3), rectified: true)
        }
    }

    func testMatchesDirectAtAnSTGCNLayerShape() {
        // One real block shape (64 channels, 18 joints) over 30 frames: rounding stays at float level.
        check(Case(kernel: 9, frames: 30, samples: 2, inputs: 64, outputs: 64, joints: 18), rectified: true)
        check(Case(kernel: 9, frames: 10, samples: 8, inputs: 64, outputs: 64, joints: 25), rectified: true)
    }

    /// The transformed kernel is kept between evaluation passes (`WinogradKernelCache`), and a
    /// weight changed in any way (assigned, one entry written, written through a pointer as the
    /// optimizer does) is seen by the next pass, from several threads at once too.
    func testKeptKernelFollowsEveryWeightChange() {
        let c = Case(kernel: 9, frames: 14, samples: 2, inputs: 5, outputs: 6, joints: 3)
        let (direct, winograd) = pair(c, seed: 31)
        let input = Tensor(shape: [c.samples, c.inputs, c.frames, c.joints],
                           scalars: GradientChecker.random(c.samples * c.inputs * c.frames * c.joints, seed: 9))
        func assertSame(_ what: String) {
            let expected = direct.forward(input, mode: .evaluation).scalars
            XCTAssertLessThan(relativeError(winograd.forward(input, mode: .evaluation).scalars, expected), 2e-6, what)
            var results = [[Float]](repeating: [], count: 4)
            results.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let out = out
                Parallel.forEach(4) { index, _ in out[index] = winograd.forward(input, mode: .evaluation).scalars }
            }
            for result in results { XCTAssertLessThan(relativeError(result, expected), 2e-6, "\(what), in parallel") }
        }
        assertSame("first pass")
        assertSame("kept kernel")
        for layer in [direct, winograd] { layer.weight.value[5] += 0.75 }
        assertSame("one entry written")
        for layer in [direct, winograd] {
            layer.weight.value.withUnsafeMutableBufferPointer { w in for i in w.indices { w[i] *= -0.5 } }
        }
        assertSame("written through a pointer")
        let fresh = GradientChecker.random(direct.weight.count, seed: 77)
        for layer in [direct, winograd] { layer.weight.value = fresh }
        assertSame("assigned")
    }

    func testOnlyStrideOneKernelsDivisibleByThreeUseWinograd() {
        XCTAssertTrue(TemporalConvolution(inputChannels: 2, outputChannels: 2, kernelSize: 9).usesWinograd)
        XCTAssertTrue(TemporalConvolution(inputChannels: 2, outputChannels: 2, kernelSize: 3).usesWinograd)
        XCTAssertFalse(TemporalConvolution(inputChannels: 2, outputChannels: 2, kernelSize: 9, stride: 2).usesWinograd)
        XCTAssertFalse(TemporalConvolution(inputChannels: 2, outputChannels: 2, kernelSize: 5).usesWinograd)
        XCTAssertFalse(TemporalConvolution(inputChannels: 2, outputChannels: 2, kernelSize: 1).usesWinograd)
    }

    func testTransformsReproduceAThreeTapCorrelation() {
        // y = Aᵀ[(G g) ⊙ (Bᵀ d)] must equal Σ_r g[r]·d[j + r] for a single channel and tile.
        let d: [Float] = [0.3, -1.2, 2.5, 0.7, -0.4]
        let g: [Float] = [1.5, -0.25, 0.8]
        let kernel = WinogradTemporalCorrelation.transformedKernel(g, outputs: 1, inputs: 1, taps: 3, adjoint: false)
        var transformed = [Float](repeating: 0, count: 5)
        var y = [Float](repeating: 0, count: 3)
        let zeros: [Float] = [0]
        d.withUnsafeBufferPointer { dp in
            zeros.withUnsafeBufferPointer { zp in
                transformed.withUnsafeMutableBufferPointer { tp in
                    // Position 1 with padding 3 reads frames 0…4.
                    WinogradTemporalCorrelation.transformInput(dp.baseAddress!, channels: 1, frames: 5, joints: 1, padding: 3,
                                                               positions: 1..<2, zeros: zp.baseAddress!, into: tp.baseAddress!)
                }
            }
        }
        let products = zip(kernel, transformed).map { $0 * $1 }
        products.withUnsafeBufferPointer { mp in
            y.withUnsafeMutableBufferPointer { yp in
                WinogradTemporalCorrelation.transformOutput(mp.baseAddress!, channels: 1, tiles: 0..<1, frames: 3, joints: 1,
                                                            bias: nil, rectifiedBy: nil, into: yp.baseAddress!)
            }
        }
        for j in 0..<3 {
            let expected = (0..<3).reduce(Float(0)) { $0 + g[$1] * d[j + $1] }
            XCTAssertEqual(y[j], expected, accuracy: 1e-5, "output \(j)")
        }
    }
}
