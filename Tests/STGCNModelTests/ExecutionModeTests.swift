import XCTest
import STGCNTensor
import SkeletonGraph
@testable import STGCNModel

/// The fast paths (inference mode, parallel workers, frame splitting for small batches) must
/// compute what the plain evaluation path computes.
final class ExecutionModeTests: XCTestCase {
    override func tearDown() {
        Parallel.setWorkerCount(ProcessInfo.processInfo.activeProcessorCount)
    }

    func makeNetwork() throws -> STGCNNetwork {
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: 5, layout: .coco, dropout: 0.5))
        network.initializeWeights(seed: 5)
        for block in network.blocks {
            block.normalizationBefore.runningMean.value = block.normalizationBefore.runningMean.value.map { $0 + 0.1 }
            block.normalizationAfter.runningVariance.value = block.normalizationAfter.runningVariance.value.map { $0 * 2 }
        }
        return network
    }

    func input(persons: Int, samples: Int, frames: Int) -> Tensor {
        let shape = [samples, 3, frames, 17, persons]
        return Tensor(shape: shape, scalars: GradientChecker.random(shape.reduce(1, *), seed: 9))
    }

    func assertClose(_ a: Tensor, _ b: Tensor, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.shape, b.shape, label, file: file, line: line)
        let scale = max(b.scalars.map { abs($0) }.max() ?? 0, 1e-6)
        let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst / scale, 1e-5, "\(label): worst relative difference \(worst / scale)", file: file, line: line)
    }

    func testInferenceEqualsEvaluation() throws {
        let network = try makeNetwork()
        for (persons, samples) in [(1, 1), (2, 1), (2, 3)] {
            let x = input(persons: persons, samples: samples, frames: 11)
            assertClose(network.infer(x), network.forward(x, training: false), "M=\(persons), N=\(samples)")
        }
    }

    func testWorkerCountDoesNotChangeResults() throws {
        let network = try makeNetwork()
        let buffers = network.namedBuffers().map { $0.buffer.value }
        func restoreBuffers() {
            for ((_, buffer), saved) in zip(network.namedBuffers(), buffers) { buffer.value = saved }
        }
        func gradients(_ x: Tensor, outputShape: [Int]) -> [[Float]] {
            restoreBuffers()
            network.zeroGradients()
            network.reseedDropout(1)
            _ = network.forward(x, training: true)
            network.backward(Tensor(shape: outputShape, repeating: 0.1))
            return network.namedParameters().map { $0.parameter.gradient }
        }
        for (persons, samples) in [(1, 1), (2, 2)] {
            let x = input(persons: persons, samples: samples, frames: 9)
            Parallel.setWorkerCount(1)
            restoreBuffers()
            let serial = network.forward(x, training: false)
            for workers in [2, 3, 4] {
                Parallel.setWorkerCount(workers)
                restoreBuffers()
                assertClose(network.forward(x, training: false), serial, "eval, \(workers) workers, N=\(samples)")
                assertClose(network.infer(x), serial, "inference, \(workers) workers, N=\(samples)")
            }
        }
        // Gradients: per-worker partial sums and split GEMMs round differently, which in a 10-layer
        // ReLU network can flip an activation that sits at zero and move a few entries. A batch of
        // 4 sequences × 24 frames keeps that rare; a race or indexing bug moves whole tensors, which
        // the norm over each tensor exposes.
        let x = input(persons: 2, samples: 2, frames: 24)
        Parallel.setWorkerCount(1)
        let outputShape = [2, 5]
        let serialGradients = gradients(x, outputShape: outputShape)
        let names = network.namedParameters().map(\.name)
        for workers in [2, 3] {
            Parallel.setWorkerCount(workers)
            for (index, actual) in gradients(x, outputShape: outputShape).enumerated() {
                let reference = serialGradients[index]
                var difference = 0.0, norm = 0.0
                for (a, b) in zip(actual, reference) {
                    difference += Double(a - b) * Double(a - b)
                    norm += Double(b) * Double(b)
                }
                // Biases feeding a training-mode BN have a true gradient of 0 (only noise): floor the norm.
                let relative = (difference / max(norm, 1e-6 * Double(reference.count))).squareRoot()
                XCTAssertLessThanOrEqual(relative, 1e-3, "\(names[index]) with \(workers) workers")
            }
        }
    }
}
