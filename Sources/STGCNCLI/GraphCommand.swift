import ArgumentParser
import STGCN

/// `stgcn graph`: shows a skeleton layout, its edges and the partition of the adjacency.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print a skeleton layout, its edges and the partition subsets of A.")

    @Option(help: "Layout: \(SkeletonLayout.builtInNames.joined(separator: ", ")).")
    var layout: String = "ntu-rgb+d"

    @Option(help: "Partition strategy: uniform, distance or spatial.")
    var strategy: String = "spatial"

    @Option(help: "Largest hop distance counted as a neighbour.")
    var maxHop: Int = 1

    @Option(help: "Hop step.")
    var dilation: Int = 1

    func run() throws {
        guard let partition = PartitionStrategy(rawValue: strategy) else {
            throw CLIError("unknown strategy \"\(strategy)\"; expected uniform, distance or spatial")
        }
        let skeleton: SkeletonLayout
        do { skeleton = try SkeletonLayout.named(layout) } catch { throw CLIError(error.description) }
        let graph: Graph
        do {
            graph = try Graph(layout: skeleton, strategy: partition, maxHop: maxHop, dilation: dilation)
        } catch {
            throw CLIError(error.description)
        }
        print(graph.partitionDescription)
    }
}
