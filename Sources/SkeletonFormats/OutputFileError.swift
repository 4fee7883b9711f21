/// Why an output file could not be written (or will not be writable), with the path as the
/// user gave it and a one-line reason.
public struct OutputFileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The destination as given.
    public var path: String
    /// What went wrong, e.g. "No space left on device" or "the folder /x does not exist".
    public var reason: String

    /// Creates an error.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`, on one line.
    public var description: String { TextSanitizing.oneLine("\(path): \(reason)") }
}
