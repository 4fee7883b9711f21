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
    /// Official keys that are accepted but do not apply here (e.g. `device`).
    public var notApplicable: [String]

    /// Every top-level key of the official processors' argument parsers.
    public static let knownTopLevelKeys: Set<String> = [
        "work_dir", "config", "phase", "save_result", "save_score", "seed", "start_epoch", "num_epoch",
        "use_gpu", "device", "log_interval", "save_interval", "eval_interval", "save_log", "print_log",
        "pavi_log", "show_topk", "feeder", "num_worker", "train_feeder_args", "test_feeder_args",
        "batch_size", "test_batch_size", "debug", "model", "model_args", "weights", "ignore_weights",
        "base_lr", "step", "optimizer", "nesterov", "weight_decay",
    ]
    /// The model classes this package implements.
    public static let supportedModels: Set<String> = Set(ModelArchitecture.allCases.map(\.rawValue))
    static let modelArgumentKeys: Set<String> = [
        "in_channels", "num_class", "edge_importance_weighting", "graph_args", "dropout", "temporal_kernel_size",
        "variant",
    ]
    static let graphArgumentKeys: Set<String> = ["layout", "strategy", "max_hop", "dilation"]

    /// Reads and checks a configuration file.
    public init(contentsOf url: URL) throws(ConfigurationError) {
        let path = url.path
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: path, key: "", message: "cannot read the file (\(Self.reason(error)))")
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigurationError(file: path, key: "", message: "the file is empty; expected a YAML mapping")
            }
            root = node
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(file: path, key: "", message: "not valid YAML: \(error)")
        }
        let reader = NodeReader(file: path)
        let top = try reader.mapping(root, key: "")
        try reader.rejectUnknown(top, allowed: Self.knownTopLevelKeys, parent: "")
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
        try reader.rejectUnknown(args, allowed: Self.modelArgumentKeys, parent: "model_args")
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
        try reader.rejectUnknown(graphArgs, allowed: Self.graphArgumentKeys, parent: "model_args.graph_args")
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
        }
        testBatchSize = try top["test_batch_size"].map { node throws(ConfigurationError) in
            try reader.integer(node, key: "test_batch_size")
        }
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

/// Typed access to YAML nodes that turns every surprise into a `ConfigurationError`.
struct NodeReader {
    let file: String

    func error(_ node: Node, key: String, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, key: key, line: node.mark.map { $0.line }, message: message)
    }

    func mapping(_ node: Node, key: String) throws(ConfigurationError) -> [String: Node] {
        guard case .mapping(let mapping) = node else {
            throw error(node, key: key, "expected a mapping of keys to values")
        }
        var result: [String: Node] = [:]
        for (k, v) in mapping {
            guard let name = k.string else { throw error(k, key: key, "keys must be strings") }
            result[name] = v
        }
        return result
    }

    func rejectUnknown(_ mapping: [String: Node], allowed: Set<String>, parent: String) throws(ConfigurationError) {
        let unknown = mapping.keys.filter { !allowed.contains($0) }.sorted()
        guard let first = unknown.first, let node = mapping[first] else { return }
        let prefix = parent.isEmpty ? "" : parent + "."
        throw error(node, key: prefix + first,
                    "unknown key\(unknown.count > 1 ? "s " + unknown.map { prefix + $0 }.joined(separator: ", ") : ""); known keys here: \(allowed.sorted().joined(separator: ", "))")
    }

    func string(_ node: Node, key: String) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node else { throw error(node, key: key, "expected a string") }
        return scalar.string
    }

    func integer(_ node: Node, key: String) throws(ConfigurationError) -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else {
            throw error(node, key: key, "expected an integer, got \(Self.show(node))")
        }
        return value
    }

    func double(_ node: Node, key: String) throws(ConfigurationError) -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite else {
            throw error(node, key: key, "expected a number, got \(Self.show(node))")
        }
        return value
    }

    func boolean(_ node: Node, key: String) throws(ConfigurationError) -> Bool {
        guard case .scalar(let scalar) = node else { throw error(node, key: key, "expected true or false") }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(node, key: key, "expected true or false, got \(Self.show(node))")
        }
    }

    /// A layout: a built-in name, or a mapping `{name, num_node, edges: [[i, j], …], center}`.
    func layout(_ node: Node, key: String) throws(ConfigurationError) -> SkeletonLayout {
        if case .scalar(let scalar) = node {
            do {
                return try SkeletonLayout.named(scalar.string)
            } catch {
                throw self.error(node, key: key, error.description)
            }
        }
        let fields = try mapping(node, key: key)
        try rejectUnknown(fields, allowed: ["name", "num_node", "edges", "center", "joint_names"], parent: key)
        guard let countNode = fields["num_node"] else { throw error(node, key: key + ".num_node", "missing") }
        guard let edgesNode = fields["edges"] else { throw error(node, key: key + ".edges", "missing") }
        guard let centerNode = fields["center"] else { throw error(node, key: key + ".center", "missing") }
        let count = try integer(countNode, key: key + ".num_node")
        let center = try integer(centerNode, key: key + ".center")
        guard case .sequence(let edgeList) = edgesNode else {
            throw error(edgesNode, key: key + ".edges", "expected a list of [i, j] pairs")
        }
        var edges: [(Int, Int)] = []
        for (index, edgeNode) in edgeList.enumerated() {
            guard case .sequence(let pair) = edgeNode, pair.count == 2 else {
                throw error(edgeNode, key: key + ".edges[\(index)]", "expected a pair [i, j]")
            }
            edges.append((try integer(pair[0], key: key + ".edges[\(index)]"),
                          try integer(pair[1], key: key + ".edges[\(index)]")))
        }
        var names: [String]?
        if let namesNode = fields["joint_names"] {
            guard case .sequence(let list) = namesNode else {
                throw error(namesNode, key: key + ".joint_names", "expected a list of names")
            }
            var collected: [String] = []
            for item in list { collected.append(try string(item, key: key + ".joint_names")) }
            names = collected
        }
        let name = try fields["name"].map { n throws(ConfigurationError) in try string(n, key: key + ".name") } ?? "custom"
        do {
            return try SkeletonLayout(name: name, jointCount: count, edges: edges, center: center, jointNames: names)
        } catch {
            throw self.error(node, key: key, error.description)
        }
    }

    static func show(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return "\"\(scalar.string)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        @unknown default: return "an unsupported node"
        }
    }
}
