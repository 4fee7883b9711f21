/// One `--key value` given on the command line that replaces a configuration value, as the
/// official processors let any config key be given as an option (`--base_lr 0.05`).
///
/// Keys are the YAML keys; dashes may stand for underscores (`--base-lr`), and a dotted key
/// reaches into a mapping (`--train-feeder-args.data-path D`). The value is read as YAML, so
/// `--step "[10, 20]"` is a list and `--test-feeder-args "{data_path: d.npy}"` a mapping (merged
/// into the file's mapping).
public struct ConfigurationOverride: Sendable, Equatable, CustomStringConvertible {
    /// The dotted key path with underscores (`train_feeder_args.data_path`).
    public var key: String
    /// The value as written (YAML).
    public var value: String
    /// The option as the user typed it (`--base-lr`), for error messages.
    public var option: String

    /// An override of `key` (dashes become underscores) with a YAML `value`.
    public init(key: String, value: String, option: String? = nil) {
        self.key = key.replacingOccurrences(of: "-", with: "_")
        self.value = value
        self.option = option ?? "--" + key
    }

    /// The key path's components.
    public var path: [String] { key.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }

    public var description: String { "\(option) \(value)" }

    /// Reads `--key value` and `--key=value` pairs. An option followed by another option (or by
    /// nothing) is a flag and means `true`.
    /// - Throws: `ConfigurationError` (file "command line") for a stray argument or an empty key.
    public static func parse(_ arguments: [String]) throws(ConfigurationError) -> [ConfigurationOverride] {
        var result: [ConfigurationOverride] = []
        var index = 0
        while index < arguments.count {
            let token = arguments[index]
            guard token.hasPrefix("--"), token.count > 2 else {
                throw ConfigurationError(file: "command line", key: "",
                                         message: "unexpected argument \"\(token)\"; expected --key value pairs naming config keys")
            }
            let body = String(token.dropFirst(2))
            if let equals = body.firstIndex(of: "=") {
                let key = String(body[..<equals])
                guard !key.isEmpty else {
                    throw ConfigurationError(file: "command line", key: "", message: "\"\(token)\" has no key before =")
                }
                result.append(ConfigurationOverride(key: key, value: String(body[body.index(after: equals)...]),
                                                    option: "--" + key))
                index += 1
            } else if index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") {
                result.append(ConfigurationOverride(key: body, value: arguments[index + 1], option: token))
                index += 2
            } else {
                result.append(ConfigurationOverride(key: body, value: "true", option: token))
                index += 1
            }
        }
        return result
    }
}
