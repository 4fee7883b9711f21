import Foundation
import Yams
import SkeletonGraph
import STGCNModel

/// An official-format YAML configuration (`config/st_gcn/*/train.yaml`, `test.yaml`), read
/// into typed values. Keys the official processor knows but this command does not use are
/// accepted; keys nobody knows are errors naming them.
public struct ExperimentConfiguration: Sendable {
    /// The configuration file.
    public var source: URL
    /// `model_args`, as a model configuration.
    public var model: ModelConfiguration
    /// `model`: the single-stream or the two-stream network.
    public var architecture: ModelArchitecture = .singleStream
    /// `weights`: the checkpoint to start from, resolved against the file's folder.
    public var weights: URL?
    /// `test_feeder_args.data_path`.
    public var testDataPath: URL?
    /// `test_feeder_args.label_path`.
    public var testLabelPath: URL?
    /// `test_batch_size`.
    public var testBatchSize: Int?
    /// The clip length the test feeder gives the model: `test_feeder_args.window_size`, else
    /// `test_feeder_args.frames` (the synthetic feeder); nil when the config sets neither.
    public var testFrameCount: Int?
    /// Persons per clip of the test feeder, `test_feeder_args.persons` (the synthetic feeder), or nil.
    public var testPersonCount: Int?
    /// Official keys that are accepted but do not apply here (e.g. `device`).
    public var notApplicable: [String]

    /// Every top-level key of the official processors' argument parsers, and this package's `sync_bn`.
    public static let knownTopLevelKeys: Set<String> = [
        "work_dir", "config", "phase", "save_result", "save_score", "seed", "start_epoch", "num_epoch",
        "use_gpu", "device", "log_interval", "save_interval", "eval_interval", "save_log", "print_log",
        "pavi_log", "show_topk", "feeder", "num_worker", "train_feeder_args", "test_feeder_args",
        "batch_size", "test_batch_size", "debug", "model", "model_args", "weights", "ignore_weights",
        "base_lr", "step", "optimizer", "nesterov", "weight_decay", "sync_bn",
    ]
    /// The model classes this package implements.
    public static let supportedModels: Set<String> = Set(ModelArchitecture.allCases.map(\.rawValue))
    static let modelArgumentKeys: Set<String> = [
        "in_channels", "num_class", "edge_importance_weighting", "graph_args", "dropout", "temporal_kernel_size",
        "variant",
    ]
    static let graphArgumentKeys: Set<String> = ["layout", "strategy", "max_hop", "dilation"]

    /// Reads and checks a configuration file; unknown keys are errors.
    public init(contentsOf url: URL) throws(ConfigurationError) {
        try self.init(contentsOf: url, unknownKeys: .reject)
    }

    /// Reads and checks a configuration file, applying command-line `overrides` first.
    /// Unknown keys are errors or, with `.warn`, listed in `warnings`.
    public init(contentsOf url: URL, unknownKeys: UnknownKeyPolicy,
                overrides: [ConfigurationOverride] = []) throws(ConfigurationError) {
        var document = try ConfigurationDocument(contentsOf: url, policy: unknownKeys, overrides: overrides)
        try self.init(document: &document, source: url)
    }

    /// Reads a configuration held in memory; `source` names it in errors and anchors relative paths.
    public init(yaml text: String, source: URL, unknownKeys: UnknownKeyPolicy,
                overrides: [ConfigurationOverride] = []) throws(ConfigurationError) {
        var document = try ConfigurationDocument(text: text, file: source.path, policy: unknownKeys, overrides: overrides)
        try self.init(document: &document, source: source)
    }

    /// Warnings found while reading (unknown keys under `UnknownKeyPolicy.warn`).
    public var warnings: [String] = []

    init(document: inout ConfigurationDocument, source url: URL) throws(ConfigurationError) {
        let path = url.path
        let reader = document.reader
        let top = document.top
        try document.checkUnknown(top, allowed: Self.knownTopLevelKeys, parent: "")
        source = url
        notApplicable = top.keys.filter { ["device", "use_gpu", "num_worker", "pavi_log"].contains($0) }.sorted()

        if let modelNode = top["model"] {
            let name = try reader.string(modelNode, key: "model")
            guard let kind = ModelArchitecture(rawValue: name) else {
                throw reader.error(modelNode, key: "model",
                                   "unsupported model \"\(name)\"; supported: \(Self.supportedModels.sorted().joined(separator: ", "))")
            }
            architecture = kind
        }
        guard let argsNode = top["model_args"] else {
            throw ConfigurationError(file: path, key: "model_args", message: "missing; expected the model's arguments")
        }
        let args = try reader.mapping(argsNode, key: "model_args")
        try document.checkUnknown(args, allowed: Self.modelArgumentKeys, parent: "model_args")
        func required(_ key: String) throws(ConfigurationError) -> Node {
            guard let node = args[key] else {
                throw reader.error(argsNode, key: "model_args.\(key)", "missing")
            }
            return node
        }
        let inChannels = try reader.integer(try required("in_channels"), key: "model_args.in_channels")
        let classes = try reader.integer(try required("num_class"), key: "model_args.num_class")
        var variant = try args["variant"].map { node throws(ConfigurationError) -> ModelVariant in
            let name = try reader.string(node, key: "model_args.variant")
            guard let variant = ModelVariant(rawValue: name) else {
                throw reader.error(node, key: "model_args.variant",
                                   "unknown variant \"\(name)\"; expected one of \(ModelVariant.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return variant
        } ?? .stgcn
        // The baseline TCN has no graph to weight, so its default is off.
        let importance = try args["edge_importance_weighting"].map { node throws(ConfigurationError) in
            try reader.boolean(node, key: "model_args.edge_importance_weighting")
        } ?? variant.usesGraph
        let dropout = try args["dropout"].map { node throws(ConfigurationError) in
            try reader.double(node, key: "model_args.dropout")
        } ?? 0
        let kernel = try args["temporal_kernel_size"].map { node throws(ConfigurationError) in
            try reader.integer(node, key: "model_args.temporal_kernel_size")
        } ?? 9

        let graphNode = try required("graph_args")
        let graphArgs = try reader.mapping(graphNode, key: "model_args.graph_args")
        try document.checkUnknown(graphArgs, allowed: Self.graphArgumentKeys, parent: "model_args.graph_args")
        guard let layoutNode = graphArgs["layout"] else {
            throw reader.error(graphNode, key: "model_args.graph_args.layout", "missing")
        }
        let layout = try reader.layout(layoutNode, key: "model_args.graph_args.layout")
        var strategyName = try graphArgs["strategy"].map { node throws(ConfigurationError) in
            try reader.string(node, key: "model_args.graph_args.strategy")
        } ?? "uniform"
        // `distance_tied` (the paper's "distance partitioning*") is the distance graph with tied weights.
        if strategyName == ModelVariant.distanceTied.rawValue {
            if variant != .stgcn && variant != .distanceTied {
                throw reader.error(graphArgs["strategy"] ?? graphNode, key: "model_args.graph_args.strategy",
                                   "distance_tied is a variant of its own and cannot be combined with variant \(variant.rawValue)")
            }
            strategyName = PartitionStrategy.distance.rawValue
            variant = .distanceTied
        }
        guard let strategy = PartitionStrategy(rawValue: strategyName) else {
            throw reader.error(graphArgs["strategy"] ?? graphNode, key: "model_args.graph_args.strategy",
                               "unknown strategy \"\(strategyName)\"; expected one of uniform, distance, distance_tied, spatial")
        }
        let maxHop = try graphArgs["max_hop"].map { node throws(ConfigurationError) in
            try reader.integer(node, key: "model_args.graph_args.max_hop")
        } ?? 1
        let dilation = try graphArgs["dilation"].map { node throws(ConfigurationError) in
            try reader.integer(node, key: "model_args.graph_args.dilation")
        } ?? 1
        model = ModelConfiguration(inputChannels: inChannels, classCount: classes, layout: layout,
                                   strategy: strategy, maxHop: maxHop, dilation: dilation,
                                   edgeImportanceWeighting: importance, dropout: Float(dropout),
                                   temporalKernelSize: kernel, variant: variant)
        do {
            try model.validate()
        } catch {
            throw reader.error(argsNode, key: "model_args", error.description)
        }

        let folder = url.deletingLastPathComponent()
        weights = try top["weights"].flatMap { node throws(ConfigurationError) in
            node.null != nil ? nil : Self.resolve(try reader.string(node, key: "weights"), against: folder)
        }
        if let feederNode = top["test_feeder_args"] {
            let feeder = try reader.mapping(feederNode, key: "test_feeder_args")
            testDataPath = try feeder["data_path"].map { node throws(ConfigurationError) in
                Self.resolve(try reader.string(node, key: "test_feeder_args.data_path"), against: folder)
            }
            testLabelPath = try feeder["label_path"].map { node throws(ConfigurationError) in
                Self.resolve(try reader.string(node, key: "test_feeder_args.label_path"), against: folder)
            }
            testPersonCount = try feeder["persons"].map { node throws(ConfigurationError) in
                try reader.integer(node, key: "test_feeder_args.persons")
            }.flatMap { $0 >= 1 ? $0 : nil }
            for key in ["window_size", "frames"] where testFrameCount == nil {
                guard let node = feeder[key] else { continue }
                let value = try reader.integer(node, key: "test_feeder_args.\(key)")
                if value >= 1 { testFrameCount = value }
            }
        }
        testBatchSize = try top["test_batch_size"].map { node throws(ConfigurationError) in
            try reader.integer(node, key: "test_batch_size")
        }
        warnings = document.warnings
    }

    /// A relative path as written in an official config: relative to the working directory
    /// when it exists there (how the official tools run), else to the config file's folder.
    static func resolve(_ path: String, against folder: URL) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path) }
        if FileManager.default.fileExists(atPath: path) { return URL(fileURLWithPath: path) }
        return folder.appendingPathComponent(path)
    }

    static func reason(_ error: Error) -> String {
        (error as NSError).localizedDescription
    }
}

