import ArgumentParser
import Foundation
import STGCN

/// `stgcn demo` (the default): runs the official NTU-size model on a built-in clip.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the NTU RGB+D ST-GCN (random weights) on a built-in clip and report timing.")

    @Option(help: "Frames of the built-in clip.")
    var frames: Int = 300

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    func run() throws {
        try CLIError.requireBLAS()
        if let threads { Parallel.setWorkerCount(threads) }
        let configuration = ModelConfiguration(inputChannels: 3, classCount: 60, layout: .ntuRGBD, strategy: .spatial,
                                               edgeImportanceWeighting: true, dropout: 0.5)
        let network = try STGCNNetwork(configuration: configuration)
        network.initializeWeights(seed: 1)
        let clip = BuiltInClip.waving(frames: frames)
        print("ST-GCN, layout ntu-rgb+d (V=25), strategy spatial (K=3), \(network.parameterCount) parameters")
        print("BLAS: \(BLAS.backendDescription); \(Parallel.workerCount) worker thread(s)")
        let start = Date()
        let logits = network.infer(clip)
        let seconds = Date().timeIntervalSince(start)
        let probabilities = CrossEntropy.probabilities(logits: logits)
        let top = probabilities.scalars.enumerated().sorted { $0.element > $1.element }.prefix(5)
        print(String(format: "forward pass of one (1, 3, %d, 25, 2) clip: %.3f s", frames, seconds))
        print("top-5 classes of the untrained model: "
              + top.map { String(format: "%d (%.3f)", $0.offset, $0.element) }.joined(separator: ", "))
    }
}

/// A procedurally generated clip for the demo: one person waving the right hand.
enum BuiltInClip {
    static func waving(frames: Int) -> Tensor {
        let joints = 25, persons = 2
        var clip = Tensor(shape: [1, 3, frames, joints, persons])
        for t in 0..<frames {
            let phase = Float(t) / 10
            for v in 0..<joints {
                let height = Float(v % 5) * 0.2 - 0.4
                var x = Float(v / 5) * 0.1 - 0.25, y = height, z: Float = 3
                if v == 11 || v == 23 || v == 24 { x += 0.2 * sin(phase); y += 0.5 }
                z += 0.01 * cos(phase)
                clip[0, 0, t, v, 0] = x
                clip[0, 1, t, v, 0] = y
                clip[0, 2, t, v, 0] = z
            }
        }
        return clip
    }
}
