// Uses swift-stgcn as an app would: builds the official NTU model, loads weights, runs a forward
// pass. With a fixture folder argument it loads that fixture's weights and input and compares the
// logits with the official ones; without, it runs a seeded-random model on a random clip.
import Foundation
import STGCN

let configuration = ModelConfiguration(inputChannels: 3, classCount: 10, layout: .ntuRGBD, strategy: .spatial,
                                       edgeImportanceWeighting: true, dropout: 0)
let network = try STGCNNetwork(configuration: configuration)
print("BLAS: \(BLAS.backendDescription)")

if CommandLine.arguments.count > 1 {
    let folder = URL(fileURLWithPath: CommandLine.arguments[1])
    let weights = try SafetensorsFile(contentsOf: folder.appendingPathComponent("model.safetensors"))
    try network.load(stateDict: weights.tensors, source: "model.safetensors")
    let io = try SafetensorsFile(contentsOf: folder.appendingPathComponent("io.safetensors"))
    let input = try io.tensor("input")
    let logits = network.forward(Tensor(shape: input.shape, scalars: try input.floatValues()), training: false)
    let expected = try io.tensor("logits_eval").floatValues()
    let worst = zip(logits.scalars, expected).map { abs($0 - $1) }.max() ?? .infinity
    print("consumer: fixture logits \(logits.shape), max abs diff from the official logits \(worst)")
    guard worst <= 1e-4 else {
        FileHandle.standardError.write(Data("consumer: logits differ from the fixture by \(worst)\n".utf8))
        exit(1)
    }
} else {
    network.initializeWeights(seed: 1)
    var generator = SeededGenerator(seed: 2)
    let shape = [1, 3, 20, 25, 2]
    let input = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in generator.nextUniform() - 0.5 })
    let logits = network.forward(input, training: false)
    guard logits.scalars.allSatisfy(\.isFinite) else { exit(1) }
    print("consumer: random model logits \(logits.shape), first \(logits.scalars.prefix(3))")
}
