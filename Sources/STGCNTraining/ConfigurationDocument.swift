import Foundation
import InputLimits
import SkeletonFormats
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
        let root = try Self.parse(text, file: file)
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
            if let reason = YAMLNestingCheck.violation(in: override.value) {
                throw ConfigurationError(file: "command line", key: override.key, message: "\(override.option): value not accepted: \(reason)")
            }
            let value: Node
            do {
                value = try Yams.compose(yaml: override.value) ?? Node.scalar(Node.Scalar(""))
            } catch {
                throw ConfigurationError(file: "command line", key: override.key,
                                         message: "\(override.option): value \(TextSanitizing.quoted(override.value)) is not valid YAML")
            }
            top[first] = Self.setting(Array(path.dropFirst()), to: value, in: top[first])
            reader.overridden[override.key] = override.option
        }
        self.reader = reader
    }

    /// Reads the file at `url`.
    init(contentsOf url: URL, policy: UnknownKeyPolicy, overrides: [ConfigurationOverride] = []) throws(ConfigurationError) {
        try self.init(text: try Self.read(url), file: url.path, policy: policy, overrides: overrides)
    }

    /// The text of the YAML file at `url`, refused beyond `InputLimits.maximumConfigurationBytes`.
    static func read(_ url: URL) throws(ConfigurationError) -> String {
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        if size > InputLimits.maximumConfigurationBytes {
            throw ConfigurationError(file: url.path, key: "", message: "the file has \(InputLimits.grouped(size)) bytes; expected a YAML config of at most "
                                        + "\(InputLimits.grouped(InputLimits.maximumConfigurationBytes)) bytes")
        }
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: url.path, key: "", message: "cannot read the file (\(ExperimentConfiguration.reason(error)))")
        }
    }

    /// The root node of `text` (from `file`, which names it in errors). The nesting depth is
    /// checked first (`YAMLNestingCheck`): the parser recurses once per level.
    static func parse(_ text: String, file: String) throws(ConfigurationError) -> Node {
        if let reason = YAMLNestingCheck.violation(in: text) {
            throw ConfigurationError(file: file, key: "", message: "not accepted: \(reason)")
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigurationError(file: file, key: "", message: "the file is empty; expected a YAML mapping")
            }
            return node
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(file: file, key: "", message: "not valid YAML: \(TextSanitizing.oneLine("\(error)", limit: 300))")
        }
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
