import Foundation
import Yams

/// What to do with keys nobody knows.
public enum UnknownKeyPolicy: Sendable, Equatable {
    /// Fail with an error naming them (inference commands).
    case reject
    /// Record a warning naming them and go on (training, as the official processor ignores extras).
    case warn
}

/// A parsed YAML configuration with command-line overrides applied: the top-level mapping and
/// a reader that turns surprises into `ConfigurationError`s naming the key and line (or the
/// command-line option for overridden values).
struct ConfigurationDocument {
    /// The top-level keys and their nodes.
    var top: [String: Node]
    /// Typed access with errors placed in the file or on the command line.
    var reader: NodeReader
    /// Warnings collected while reading (unknown keys under `.warn`).
    var warnings: [String] = []
    /// How unknown keys are treated.
    let policy: UnknownKeyPolicy

    /// Parses `text` (from `file`, which names it in errors) and applies `overrides` in order.
    init(text: String, file: String, policy: UnknownKeyPolicy,
         overrides: [ConfigurationOverride] = []) throws(ConfigurationError) {
        self.policy = policy
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigurationError(file: file, key: "", message: "the file is empty; expected a YAML mapping")
            }
            root = node
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(file: file, key: "", message: "not valid YAML: \(Self.oneLine("\(error)"))")
        }
        var reader = NodeReader(file: file)
        top = try reader.mapping(root, key: "")
        for override in overrides {
            let path = override.path
            guard let first = path.first, !path.contains(where: \.isEmpty) else {
                throw ConfigurationError(file: "command line", key: "", message: "\(override.option): malformed key")
            }
            guard ExperimentConfiguration.knownTopLevelKeys.contains(first) else {
                throw ConfigurationError(file: "command line", key: "",
                                         message: "unknown option \(override.option); config keys: "
                                            + ExperimentConfiguration.knownTopLevelKeys.sorted().joined(separator: ", "))
            }
            let value: Node
            do {
                value = try Yams.compose(yaml: override.value) ?? Node.scalar(Node.Scalar(""))
            } catch {
                throw ConfigurationError(file: "command line", key: override.key,
                                         message: "\(override.option): value \"\(override.value)\" is not valid YAML")
            }
            top[first] = Self.setting(Array(path.dropFirst()), to: value, in: top[first])
            reader.overridden[override.key] = override.option
        }
        self.reader = reader
    }

    /// Reads the file at `url`.
    init(contentsOf url: URL, policy: UnknownKeyPolicy, overrides: [ConfigurationOverride] = []) throws(ConfigurationError) {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: url.path, key: "", message: "cannot read the file (\(ExperimentConfiguration.reason(error)))")
        }
        try self.init(text: text, file: url.path, policy: policy, overrides: overrides)
    }

    /// Rejects or warns about keys of `mapping` outside `allowed`.
    mutating func checkUnknown(_ mapping: [String: Node], allowed: Set<String>, parent: String) throws(ConfigurationError) {
        switch policy {
        case .reject:
            try reader.rejectUnknown(mapping, allowed: allowed, parent: parent)
        case .warn:
            let prefix = parent.isEmpty ? "" : parent + "."
            for key in mapping.keys.sorted() where !allowed.contains(key) {
                let line = mapping[key]?.mark.map { ":\($0.line)" } ?? ""
                warnings.append("\(reader.file)\(line): unknown key \(prefix + key) ignored")
            }
        }
    }

    /// `node` with the value at `path` (mapping keys) replaced by `value`; mappings given as
    /// values are merged into existing mappings.
    static func setting(_ path: [String], to value: Node, in node: Node?) -> Node {
        guard let key = path.first else {
            if case .mapping(let incoming)? = Optional(value), case .mapping? = node {
                var merged = node
                for (k, v) in incoming {
                    merged = setting([k.string ?? ""], to: v, in: merged)
                }
                return merged ?? value
            }
            return value
        }
        var pairs: [(Node, Node)] = []
        if case .mapping(let existing)? = node {
            pairs = existing.map { ($0.key, $0.value) }
        }
        if let index = pairs.firstIndex(where: { $0.0.string == key }) {
            pairs[index].1 = setting(Array(path.dropFirst()), to: value, in: pairs[index].1)
        } else {
            pairs.append((Node.scalar(Node.Scalar(key)), setting(Array(path.dropFirst()), to: value, in: nil)))
        }
        return Node.mapping(Node.Mapping(pairs))
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
