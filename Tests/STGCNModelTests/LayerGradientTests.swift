import XCTest
import STGCNTensor
@testable import STGCNModel

/// Finite-difference checks of every layer's backward pass on small shapes (no fixtures needed).
final class LayerGradientTests: XCTestCase {
    let checker = GradientChecker()

    private func randomize(_ parameter: Parameter, seed: UInt64, offset: Float = 0, scale: Float = 0.5) {
        parameter.value = GradientChecker.random(parameter.count, seed: seed, scale: scale).map { $0 + offset }
    }

    func testBatchNormGradientsInTrainingAndEvaluation() {
        for training in [true, false] {
            let norm = BatchNorm(channelCount: 4)
            randomize(norm.weight, seed: 1, offset: 1)
            randomize(norm.bias, seed: 2)
            norm.runningMean.value = GradientChecker.random(4, seed: 3)
            norm.runningVariance.value = GradientChecker.random(4, seed: 4).map { 1 + 0.5 * $0 }
            var x = Tensor(shape: [3, 4, 5], scalars: GradientChecker.random(60, seed: 5, scale: 2))
            let r = GradientChecker.random(60, seed: 6)
            let savedMean = norm.runningMean.value, savedVariance = norm.runningVariance.value
            func loss() -> Double {
                let y = norm.forward(x, mode: ForwardMode(training: training))
                norm.runningMean.value = savedMean
                norm.runningVariance.value = savedVariance
                return GradientChecker.weightedSum(y.scalars, r)
            }
            _ = loss()
            let dx = norm.backward(Tensor(shape: [3, 4, 5], scalars: r))
            checker.check("bn(\(training)).x", analytic: dx.scalars, count: 60,
                          read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 }, loss: loss)
            checker.check("bn(\(training)).weight", parameter: norm.weight, loss: loss)
            checker.check("bn(\(training)).bias", parameter: norm.bias, loss: loss)
        }
    }

    func testBatchNormRunningStatisticsFollowPyTorch() {
        let norm = BatchNorm(channelCount: 1)
        let values: [Float] = [1, 2, 3, 6]
        _ = norm.forward(Tensor(shape: [2, 1, 2], scalars: values), mode: .training)
        // mean 3, unbiased variance 14/3
        XCTAssertEqual(norm.runningMean.value[0], 0.3, accuracy: 1e-6)
        XCTAssertEqual(norm.runningVariance.value[0], 0.9 + 0.1 * 14 / 3, accuracy: 1e-6)
        XCTAssertEqual(norm.batchesTracked.value[0], 1)
    }

    func testTemporalConvolutionGradients() {
        let cases: [(kernel: Int, stride: Int, frames: Int)] = [(3, 1, 5), (9, 1, 6), (9, 1, 7), (3, 1, 1), (3, 2, 7), (1, 2, 5), (5, 2, 4), (1, 1, 3)]
        for (kernel, stride, frames) in cases {
            let convolution = TemporalConvolution(inputChannels: 3, outputChannels: 4, kernelSize: kernel, stride: stride)
            randomize(convolution.weight, seed: 11)
            randomize(convolution.bias, seed: 12)
            var x = Tensor(shape: [2, 3, frames, 2], scalars: GradientChecker.random(2 * 3 * frames * 2, seed: 13))
            let outFrames = convolution.outputLength(forInputLength: frames)
            let r = GradientChecker.random(2 * 4 * outFrames * 2, seed: 14)
            func loss() -> Double { GradientChecker.weightedSum(convolution.forward(x, mode: .training).scalars, r) }
            _ = loss()
            let dx = convolution.backward(Tensor(shape: [2, 4, outFrames, 2], scalars: r))
            let label = "conv(k\(kernel),s\(stride),T\(frames))"
            checker.check("\(label).x", analytic: dx.scalars, count: x.count,
                          read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 }, loss: loss)
            checker.check("\(label).weight", parameter: convolution.weight, loss: loss)
            checker.check("\(label).bias", parameter: convolution.bias, loss: loss)
        }
    }

    func testTemporalConvolutionMatchesDirectLoops() {
        for (kernel, stride, frames) in [(9, 1, 11), (9, 2, 11), (3, 2, 6), (1, 2, 7)] {
            let convolution = TemporalConvolution(inputChannels: 3, outputChannels: 5, kernelSize: kernel, stride: stride)
            randomize(convolution.weight, seed: 21)
            randomize(convolution.bias, seed: 22)
            let x = Tensor(shape: [2, 3, frames, 4], scalars: GradientChecker.random(2 * 3 * frames * 4, seed: 23))
            let y = convolution.forward(x, mode: .evaluation)
            let outFrames = (frames + 2 * convolution.padding - kernel) / stride + 1
            XCTAssertEqual(y.shape, [2, 5, outFrames, 4])
            var worst: Float = 0
            for s in 0..<2 { for o in 0..<5 { for t in 0..<outFrames { for v in 0..<4 {
                var expected = convolution.bias.value[o]
                for i in 0..<3 { for tap in 0..<kernel {
                    let source = t * stride + tap - convolution.padding
                    guard source >= 0 && source < frames else { continue }
                    expected += convolution.weight.value[(o * 3 + i) * kernel + tap] * x[s, i, source, v]
                } }
                worst = max(worst, abs(expected - y[s, o, t, v]))
            } } } }
            XCTAssertLessThan(worst, 1e-5, "k\(kernel) s\(stride): worst |direct − GEMM| = \(worst)")
        }
    }

    func testGraphConvolutionMatchesOfficialOrder() {
        // The official order: 1×1 convolution to K·C_out channels, then Σ_k Σ_v z[k, c, t, v] A[k, v, w].
        let (k, cin, cout, frames, joints) = (3, 2, 4, 3, 5)
        let layer = GraphConvolution(inputChannels: cin, outputChannels: cout, subsetCount: k)
        randomize(layer.weight, seed: 31)
        randomize(layer.bias, seed: 32)
        let adjacency = GradientChecker.random(k * joints * joints, seed: 33)
        let x = Tensor(shape: [2, cin, frames, joints], scalars: GradientChecker.random(2 * cin * frames * joints, seed: 34))
        let y = layer.forward(x, adjacency: adjacency, mode: .evaluation)
        var worst: Float = 0
        for s in 0..<2 { for o in 0..<cout { for t in 0..<frames { for w in 0..<joints {
            var expected: Float = 0
            for kk in 0..<k { for v in 0..<joints {
                var z = layer.bias.value[kk * cout + o]
                for i in 0..<cin { z += layer.weight.value[(kk * cout + o) * cin + i] * x[s, i, t, v] }
                expected += z * adjacency[(kk * joints + v) * joints + w]
            } }
            worst = max(worst, abs(expected - y[s, o, t, w]))
        } } } }
        XCTAssertLessThan(worst, 1e-5, "worst |official order − ours| = \(worst)")
    }

    func testGraphConvolutionGradients() {
        let (k, cin, cout, frames, joints) = (3, 3, 4, 3, 5)
        let layer = GraphConvolution(inputChannels: cin, outputChannels: cout, subsetCount: k)
        randomize(layer.weight, seed: 41)
        randomize(layer.bias, seed: 42)
        var adjacency = GradientChecker.random(k * joints * joints, seed: 43)
        var x = Tensor(shape: [2, cin, frames, joints], scalars: GradientChecker.random(2 * cin * frames * joints, seed: 44))
        let r = GradientChecker.random(2 * cout * frames * joints, seed: 45)
        func loss() -> Double {
            GradientChecker.weightedSum(layer.forward(x, adjacency: adjacency, mode: .training).scalars, r)
        }
        _ = loss()
        let (dx, dA) = layer.backward(Tensor(shape: [2, cout, frames, joints], scalars: r))
        checker.check("gcn.x", analytic: dx.scalars, count: x.count,
                      read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 }, loss: loss)
        checker.check("gcn.A", analytic: dA, count: adjacency.count,
                      read: { adjacency[$0] }, write: { adjacency[$0] = $1 }, loss: loss)
        checker.check("gcn.weight", parameter: layer.weight, loss: loss)
        checker.check("gcn.bias", parameter: layer.bias, loss: loss)
    }

    func testDropoutGradientFollowsItsMask() {
        let dropout = Dropout(probability: 0.5, seed: 7)
        var x = Tensor(shape: [40], scalars: GradientChecker.random(40, seed: 51))
        let r = GradientChecker.random(40, seed: 52)
        func loss() -> Double {
            dropout.generator = SeededGenerator(seed: 99)
            return GradientChecker.weightedSum(dropout.forward(x, mode: .training).scalars, r)
        }
        _ = loss()
        let dx = dropout.backward(Tensor(shape: [40], scalars: r))
        let kept = dx.scalars.filter { $0 != 0 }.count
        XCTAssertTrue(kept > 5 && kept < 35, "about half the entries kept, got \(kept)/40")
        checker.check("dropout.x", analytic: dx.scalars, count: 40,
                      read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 }, loss: loss)
        XCTAssertEqual(dropout.forward(x, mode: .evaluation), x, "evaluation mode is the identity")
    }

    func testBlockGradients() {
        // The last case runs dropout (the same mask on every forward: the generator is reset).
        for (cin, cout, stride, dropout) in [(3, 4, 2, 0.0), (4, 4, 1, 0.0), (4, 4, 1, 0.5)] as [(Int, Int, Int, Float)] {
            let (k, frames, joints) = (2, 5, 4)
            let block = STGCNBlock(inputChannels: cin, outputChannels: cout, subsetCount: k,
                                   temporalKernelSize: 3, stride: stride, dropout: dropout, hasResidual: true)
            var seed: UInt64 = 60
            block.visitParameters(prefix: "") { name, parameter in
                seed += 1
                let isScale = name.hasSuffix("weight") && (name.contains("tcn.0") || name.contains("tcn.3") || name.contains("residual.1"))
                randomize(parameter, seed: seed, offset: isScale ? 1 : 0)
            }
            var adjacency = GradientChecker.random(k * joints * joints, seed: 70)
            var x = Tensor(shape: [3, cin, frames, joints], scalars: GradientChecker.random(3 * cin * frames * joints, seed: 71))
            let outFrames = (frames - 1) / stride + 1
            let r = GradientChecker.random(3 * cout * outFrames * joints, seed: 72)
            func loss() -> Double {
                block.dropout.generator = SeededGenerator(seed: 73)
                return GradientChecker.weightedSum(block.forward(x, adjacency: adjacency, mode: .training).scalars, r)
            }
            _ = loss()
            let (dx, dA) = block.backward(Tensor(shape: [3, cout, outFrames, joints], scalars: r))
            let label = "block(\(cin)→\(cout), s\(stride), p\(dropout))"
            checker.check("\(label).x", analytic: dx.scalars, count: x.count,
                          read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 }, loss: loss)
            checker.check("\(label).A", analytic: dA, count: adjacency.count,
                          read: { adjacency[$0] }, write: { adjacency[$0] = $1 }, loss: loss)
            block.visitParameters(prefix: "") { name, parameter in
                checker.check("\(label).\(name)", parameter: parameter, loss: loss)
            }
        }
    }

    func testCrossEntropyGradient() {
        var logits = Tensor(shape: [3, 4], scalars: GradientChecker.random(12, seed: 81, scale: 3))
        let labels = [2, 0, 3]
        let (_, gradient) = CrossEntropy.lossAndGradient(logits: logits, labels: labels)
        checker.check("cross-entropy", analytic: gradient.scalars, count: 12,
                      read: { logits.scalars[$0] }, write: { logits.scalars[$0] = $1 },
                      loss: { Double(CrossEntropy.lossAndGradient(logits: logits, labels: labels).loss) })
        let uniform = CrossEntropy.lossAndGradient(logits: Tensor(shape: [1, 4]), labels: [1])
        XCTAssertEqual(uniform.loss, log(4), accuracy: 1e-6)
    }
}
