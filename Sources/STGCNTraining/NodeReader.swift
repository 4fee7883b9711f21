import InputLimits
import Yams
import SkeletonGraph

/// Typed access to YAML nodes that turns every surprise into a `ConfigurationError`.
struct NodeReader {
    let file: String
    /// Key paths replaced from the command line, with the option that replaced them.
    var overridden: [String: String] = [:]

    /// An error at `node`: in the file with its line, or on the command line when `key` (or a
    /// mapping above it) was overridden there.
    func error(_ node: Node, key: String, _ message: String) -> ConfigurationError {
        for (path, option) in overridden where key == path || key.hasPrefix(path + ".") || key.hasPrefix(path + "[") {
            return ConfigurationError(file: "command line", key: key, message: "\(option): \(message)")
        }
        return ConfigurationError(file: file, key: key, line: node.mark.map { $0.line }, message: message)
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
                    "unknown key\(unknown.count > 1 ? "s " + BoundedList.describe(unknown) { prefix + $0 } : ""); known keys here: \(allowed.sorted().joined(separator: ", "))")
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
