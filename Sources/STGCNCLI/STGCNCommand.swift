import ArgumentParser
import STGCN

/// `stgcn`: skeleton-based action recognition with ST-GCN.
@main
struct STGCNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stgcn",
        abstract: "Skeleton-based action recognition with ST-GCN, compatible with the official PyTorch code.",
        subcommands: [TrainCommand.self, TestCommand.self, PredictCommand.self, DemoCommand.self, InferCommand.self,
                      GraphCommand.self, BenchCommand.self, ConvertCommand.self, ExportONNXCommand.self,
                      GendataCommand.self, AblationCommand.self, StreamCommand.self],
        defaultSubcommand: TrainCommand.self
    )

    static func main() {
        AllocatorTuning.apply()
        main(nil)
    }
}
