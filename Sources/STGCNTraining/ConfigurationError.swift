import SkeletonFormats

/// A configuration file that cannot be used, with the file, the key (and line when known)
/// and what was expected.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The configuration file's path.
    public var file: String
    /// The dotted key path (`model_args.graph_args.layout`), or empty for the whole file.
    public var key: String
    /// The 1-based line of the offending value, when known.
    public var line: Int?
    /// What was wrong and what was expected.
    public var message: String

    public init(file: String, key: String, line: Int? = nil, message: String) {
        self.file = file
        self.key = key
        self.line = line
        self.message = message
    }

    /// One line, control characters (from a binary or hostile file) replaced by spaces.
    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return TextSanitizing.oneLine(key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)")
    }
}
