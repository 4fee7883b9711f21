/// Why a label file (`*_label.pkl`) was rejected or could not be written.
///
/// `description` is one line naming the file and what was expected.
public enum LabelFileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The pickle itself is malformed or uses something outside plain data.
    case pickle(PickleError)
    /// The pickle is valid but not a `(names: list[str], labels: list[int])` pair.
    case unexpectedStructure(file: String, reason: String)
    /// The names and labels differ in length.
    case countMismatch(file: String, names: Int, labels: Int)
    /// Writing the file failed.
    case writeFailed(file: String, reason: String)

    /// One line: file, place, and what was expected.
    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read label file: \(TextSanitizing.oneLine(reason))"
        case let .pickle(error):
            return error.description
        case let .unexpectedStructure(file, reason):
            return "\(file): \(TextSanitizing.oneLine(reason)), expected a pickled (sample_names: list[str], labels: list[int]) tuple"
        case let .countMismatch(file, names, labels):
            return "\(file): \(names) sample names but \(labels) labels, expected equal counts"
        case let .writeFailed(file, reason):
            return "\(file): cannot write label file: \(TextSanitizing.oneLine(reason))"
        }
    }
}
