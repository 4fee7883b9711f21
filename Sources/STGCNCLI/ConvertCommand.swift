import ArgumentParser
import Foundation
import STGCN

/// `stgcn convert`: between PyTorch checkpoints and safetensors, with the official
/// `ignore_weights` and fine-tuning rules, optionally validated against a model.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert weights between .pt/.pth and .safetensors, optionally checking them against a model.",
        discussion: """
        Reads a state dict from IN (.safetensors, or a .pt/.pth torch.save file, zip or legacy), removes \
        `module.` prefixes, drops keys by prefix (--ignore-weights, as the official ignore_weights), drops \
        fcn.* when --num-class differs from the checkpoint's classifier, and writes OUT (.safetensors, or \
        .pt/.pth that torch.load(..., weights_only=True) reads) atomically. With --config (or --layout) \
        the result is loaded into that model first and what was loaded, unused and missing is reported. \
        The config's `model:` selects the class (net.st_gcn.Model or net.st_gcn_twostream.Model); with \
        --layout, a checkpoint whose keys start with origin_stream./motion_stream. is checked against the \
        two-stream model.
        """)

    @Argument(help: "The checkpoint to read: .safetensors, .pt or .pth.")
    var input: String

    @Argument(help: "The file to write: .safetensors, .pt or .pth.")
    var output: String

    @Option(name: .shortAndLong, help: "An official-format YAML config describing the model to validate against.")
    var config: String?

    @Option(help: "Without --config: the layout of the model to validate against (e.g. ntu-rgb+d, openpose).")
    var layout: String?

    @Option(help: "Without --config: the partition strategy (default spatial).")
    var strategy: String?

    @Option(help: "Without --config: input channels per joint (default 3).")
    var inChannels: Int?

    @Option(parsing: .singleValue, help: "Drop keys starting with this prefix (repeatable), e.g. fcn.")
    var ignoreWeights: [String] = []

    @Option(help: "The number of classes of the model; a checkpoint with another count loses fcn.* (fine-tuning).")
    var numClass: Int?

    func validate() throws {
        if let numClass, numClass < 1 { throw ValidationError("--num-class must be at least 1") }
        if let inChannels, inChannels < 1 { throw ValidationError("--in-channels must be at least 1") }
        if config != nil && (layout != nil || strategy != nil || inChannels != nil) {
            throw ValidationError("give either --config or --layout/--strategy/--in-channels, not both")
        }
        if layout == nil && (strategy != nil || inChannels != nil) {
            throw ValidationError("--strategy and --in-channels describe a model: also give --layout")
        }
    }

    func run() throws {
        let inputURL = URL(fileURLWithPath: input), outputURL = URL(fileURLWithPath: output)
        do { _ = try WeightsFile.Format(url: outputURL) } catch { throw CLIError(error.description) }
        try CLIError.checkOutput(output)
        let tensors: [String: SafetensorsTensor]
        do { tensors = try WeightsFile.tensors(contentsOf: inputURL) } catch { throw CLIError("\(error)") }
        print("read \(input): \(tensors.count) tensors")

        let network = try makeNetwork(tensors: tensors)
        let converted: [String: SafetensorsTensor]
        let report: WeightsConversion.Report
        do {
            (converted, report) = try WeightsConversion.convert(
                tensors, source: input, ignoring: ignoreWeights, classCount: numClass ?? network?.classCount,
                validatingWith: network)
        } catch { throw CLIError("\(error)") }

        if !report.strippedModulePrefix.isEmpty {
            print("removed the module. prefix from \(report.strippedModulePrefix.count) keys")
        }
        if !ignoreWeights.isEmpty {
            print("ignored (--ignore-weights \(ignoreWeights.joined(separator: " "))): \(Self.list(report.ignored))")
        }
        if let change = report.classChange {
            print("dropped for fine-tuning (checkpoint has \(change.from) classes, model \(change.to)): "
                  + Self.list(report.droppedForClassChange))
        }
        if let network, let loaded = report.loaded {
            let model = network.configuration
            print("validated against \(model.layout.name)/\(model.strategy.rawValue), \(model.inputChannels) channels, "
                  + "\(model.classCount) classes: loaded \(loaded.count), unused \(report.unused?.count ?? 0)"
                  + (report.unused?.isEmpty == false ? " (\(Self.list(report.unused ?? [])))" : "")
                  + ", missing \(report.missing?.count ?? 0)"
                  + (report.missing?.isEmpty == false ? " (\(Self.list(report.missing ?? [])); freshly initialized when training)" : ""))
        }
        do {
            try WeightsFile.write(converted, to: outputURL,
                                  metadata: ["format": "pt", "converted_from": inputURL.lastPathComponent])
        } catch { throw CLIError("\(error)") }
        print("wrote \(output): \(converted.count) tensors")
    }

    /// The model to validate against, from `--config` (its `model:` and `model_args`) or
    /// `--layout`, or nil.
    func makeNetwork(tensors: [String: SafetensorsTensor]) throws -> (any ActionRecognitionModel)? {
        var model: ModelConfiguration
        let architecture: ModelArchitecture
        if let config {
            let experiment = try ConfigurationLoading.experiment(config)
            model = experiment.model
            architecture = experiment.architecture
            if let numClass { model.classCount = numClass }
        } else if let layout {
            let skeleton: SkeletonLayout
            do { skeleton = try SkeletonLayout.named(layout) } catch { throw CLIError(error.description) }
            let strategyName = strategy ?? "spatial"
            guard let partition = PartitionStrategy(rawValue: strategyName) else {
                throw CLIError("unknown strategy \"\(strategyName)\"; expected uniform, distance or spatial")
            }
            let classifier = WeightsConversion.classifierWeightKeys.flatMap { [$0, "module." + $0] }.lazy.compactMap { tensors[$0] }.first
            let classes = numClass ?? classifier.map { $0.shape.first ?? 0 }
            guard let classes, classes >= 1 else {
                throw CLIError("\(input): no fcn.weight to take the class count from; pass --num-class")
            }
            model = ModelConfiguration(inputChannels: inChannels ?? 3, classCount: classes, layout: skeleton,
                                       strategy: partition)
            let twoStream = tensors.keys.contains { $0.hasPrefix("origin_stream.") || $0.hasPrefix("module.origin_stream.") }
            architecture = twoStream ? .twoStream : .singleStream
        } else {
            return nil
        }
        do { return try architecture.makeModel(configuration: model) } catch {
            throw CLIError("\(config ?? "--layout \(layout ?? "")"): \(error.description)")
        }
    }

    static func list(_ names: [String]) -> String {
        if names.isEmpty { return "none" }
        let shown = names.prefix(8).joined(separator: ", ")
        return names.count > 8 ? "\(names.count) keys (\(shown), …)" : shown
    }
}
