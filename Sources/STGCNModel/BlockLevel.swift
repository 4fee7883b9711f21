/// One step of the sliding-window evaluator, with kept outputs of its own: a whole ST-GCN block,
/// or one of its two halves.
///
/// The spatial half `ReLU(BN(GraphConv(x)))` works frame by frame (radius 0, stride 1), so a
/// window computes it only on the frames whose block input changed; the temporal half (the 9×1
/// convolution, the residual and the output pass) has the kernel's radius and the block's stride,
/// and reads the spatial half's output around an edge from what earlier windows kept. A block run
/// whole computes its graph convolution on the kernel's margins around an edge as well, but keeps
/// only its output. By default blocks of at least 256 output channels are split: there the graph
/// convolution's cost per frame (∝ C²) is large for the memory a kept frame of its output takes
/// (∝ C). With the NTU model (5 persons, 30 frames/s, 2 cores) splitting blocks 8–10 took about
/// 8% off the CPU time of the rounds for 90 MB more peak memory; splitting also blocks 5–7 (128
/// channels), or every block, saved little more for another 60–100 and 130–200 MB.
struct BlockLevel: Hashable {
    enum Part: Hashable {
        case whole, spatial, temporal
    }

    var block: Int
    var part: Part

    /// The default number of output channels from which on a block runs as two levels.
    static let defaultSplitChannels = 256

    /// The levels of a network, in order: blocks of at least `splitChannels` output channels split.
    static func levels(of configuration: ModelConfiguration, splitChannels: Int) -> [BlockLevel] {
        configuration.blockSchedule.indices.flatMap { block -> [BlockLevel] in
            configuration.blockSchedule[block].outputChannels >= splitChannels
                ? [BlockLevel(block: block, part: .spatial), BlockLevel(block: block, part: .temporal)]
                : [BlockLevel(block: block, part: .whole)]
        }
    }

    /// Whether the level starts a block (its input is the block input).
    var startsBlock: Bool { part != .temporal }

    /// Whether the level's output is the block output.
    var endsBlock: Bool { part != .spatial }

    /// The level's stride and temporal radius in `configuration`.
    func strideAndRadius(of configuration: ModelConfiguration) -> (stride: Int, radius: Int) {
        part == .spatial ? (1, 0) : (configuration.blockSchedule[block].stride, (configuration.temporalKernelSize - 1) / 2)
    }
}
