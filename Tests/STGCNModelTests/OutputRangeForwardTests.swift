import XCTest
import STGCNTensor
@testable import STGCNModel

/// The evaluation forwards that compute only some output positions (what the sliding-window
/// evaluator runs on a window's edges) against the same positions of the whole forward.
final class OutputRangeForwardTests: XCTestCase {
    private func input(samples: Int, channels: Int, frames: Int, joints: Int, seed: UInt64) -> Tensor {
        Tensor(shape: [samples, channels, frames, joints],
               scalars: GradientChecker.random(samples * channels * frames * joints, seed: seed, scale: 2))
    }

    /// Largest |a − b| relative to the largest |b|. The GEMMs of a part have fewer columns than
    /// those of the whole, so the BLAS may block them differently: rounding differs, not results.
    private func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
        XCTAssertEqual(a.shape, b.shape)
        let scale = max(b.scalars.map(abs).max() ?? 0, 1e-3)
        return (zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0) / scale
    }

    /// Ranges that start and end inside, on and off Winograd tile boundaries, and whole.
    private func ranges(outputFrames: Int) -> [Range<Int>] {
        [0..<outputFrames, 0..<1, 1..<outputFrames, 2..<5, 3..<6, 4..<outputFrames, (outputFrames - 1)..<outputFrames,
         (outputFrames / 2)..<(outputFrames / 2 + 1)].filter { $0.lowerBound >= 0 && $0.upperBound <= outputFrames && !$0.isEmpty }
    }

    func testTemporalConvolutionComputesExactlyTheRequestedFrames() {
        // Winograd (stride 1, 9 taps), direct stride 1 (5 taps), strided unfold (9 taps, stride 2), 1×1 strided residual.
        let shapes: [(kernel: Int, stride: Int, algorithm: TemporalConvolutionAlgorithm)] = [
            (9, 1, .winograd), (9, 1, .direct), (5, 1, .winograd), (9, 2, .winograd), (1, 2, .winograd), (1, 1, .winograd),
        ]
        for (index, shape) in shapes.enumerated() {
            let layer = TemporalConvolution(inputChannels: 5, outputChannels: 7, kernelSize: shape.kernel, stride: shape.stride)
            layer.algorithm = shape.algorithm
            layer.weight.value = GradientChecker.random(layer.weight.count, seed: UInt64(10 + index), scale: 0.5)
            layer.bias.value = GradientChecker.random(layer.bias.count, seed: UInt64(20 + index))
            for samples in [1, 3] {
                let x = input(samples: samples, channels: 5, frames: 17, joints: 3, seed: UInt64(30 + index))
                let whole = layer.forward(x, mode: .inference)
                let outputFrames = whole.shape[2]
                for range in ranges(outputFrames: outputFrames) {
                    let part = layer.forward(x, outputs: range)
                    XCTAssertEqual(part.shape, [samples, 7, range.count, 3])
                    XCTAssertLessThan(relativeError(part, STGCNBlock.frames(range, of: whole)), 1e-6,
                                      "k\(shape.kernel) s\(shape.stride) \(shape.algorithm) S\(samples) outputs \(range)")
                }
            }
        }
    }

    func testBlockComputesExactlyTheRequestedPositions() {
        let (subsets, joints) = (3, 4)
        let adjacency = GradientChecker.random(subsets * joints * joints, seed: 5)
        // Identity residual, strided projection residual, no residual.
        let blocks = [
            STGCNBlock(inputChannels: 6, outputChannels: 6, subsetCount: subsets, temporalKernelSize: 9, stride: 1),
            STGCNBlock(inputChannels: 6, outputChannels: 8, subsetCount: subsets, temporalKernelSize: 9, stride: 2),
            STGCNBlock(inputChannels: 6, outputChannels: 8, subsetCount: subsets, temporalKernelSize: 9, stride: 1,
                       hasResidual: false),
        ]
        for (index, block) in blocks.enumerated() {
            var seed = UInt64(100 * index)
            block.visitParameters(prefix: "") { _, parameter in
                seed += 1
                parameter.value = GradientChecker.random(parameter.count, seed: seed, scale: 0.5)
            }
            for norm in block.batchNormalizations {
                seed += 1
                norm.runningVariance.value = GradientChecker.random(norm.channelCount, seed: seed).map { 0.5 + abs($0) }
                norm.runningMean.value = GradientChecker.random(norm.channelCount, seed: seed + 50)
            }
            let x = input(samples: 2, channels: 6, frames: 19, joints: joints, seed: UInt64(200 + index))
            let whole = block.forward(x, adjacency: adjacency, support: nil, mode: .inference)
            for range in ranges(outputFrames: whole.shape[2]) {
                let part = block.forward(x, adjacency: adjacency, support: nil, outputs: range)
                XCTAssertLessThan(relativeError(part, STGCNBlock.frames(range, of: whole)), 1e-6, "block \(index) outputs \(range)")
            }
        }
    }
}
