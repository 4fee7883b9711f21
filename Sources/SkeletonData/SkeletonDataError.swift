import SkeletonFormats
import InputLimits
/// Why a skeleton file, name or argument was rejected.
///
/// `description` is one line naming the file, the place (line number and/or field) and what
/// was expected, whatever bytes the file contained.
public enum SkeletonDataError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file or folder could not be read.
    case unreadable(file: String, reason: String)
    /// A field does not hold what the format requires. `line` is 1-based (nil when unknown).
    case malformed(file: String, line: Int?, field: String, expected: String, found: String)
    /// The file ends where more data was required.
    case unexpectedEnd(file: String, line: Int, expected: String)
    /// A coordinate is NaN or infinite and the policy is `.reject`.
    case nonFinite(file: String, line: Int?, field: String, value: String)
    /// The sequence is longer than allowed (`FrameOverflow.error`).
    case tooManyFrames(file: String, frames: Int, limit: Int)
    /// A size read from the file is larger than this package's limit (`InputLimits`).
    case exceedsLimit(file: String, what: String, value: Int, limit: Int)
    /// The file or folder holds no usable data.
    case empty(file: String, expected: String)
    /// A file name does not follow the dataset's naming scheme.
    case invalidFileName(file: String, expected: String)
    /// An argument is out of range.
    case invalidArgument(name: String, value: String, expected: String)
    /// A pickle could not be read (its description names the file and the byte offset).
    case pickle(PickleError)

    /// One line: file, place, and what was expected, with the library's remedy where there is
    /// one (`summary` plus `remedy`).
    public var description: String {
        remedy.map { "\(summary) (\($0))" } ?? summary
    }

    /// How a library caller gets past the error, naming the library's option, or nil.
    /// Command-line tools print `summary` with their own flag instead.
    public var remedy: String? {
        switch self {
        case .nonFinite: return "use NonFinitePolicy.replaceWithZero to accept"
        case .tooManyFrames: return "choose FrameOverflow.truncate or .keepAll for longer clips"
        default: return nil
        }
    }

    /// One line: file, place, and what was expected, without a remedy.
    public var summary: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read: \(TextQuoting.oneLine(reason))"
        case let .malformed(file, line, field, expected, found):
            return "\(file)\(Self.place(line)): \(TextQuoting.oneLine(field)): found \(found), expected \(TextQuoting.oneLine(expected))"
        case let .unexpectedEnd(file, line, expected):
            return "\(file):\(line): file ends early, expected \(TextQuoting.oneLine(expected))"
        case let .nonFinite(file, line, field, value):
            return "\(file)\(Self.place(line)): \(TextQuoting.oneLine(field)): non-finite value \(value), expected a finite number"
        case let .tooManyFrames(file, frames, limit):
            return "\(file): \(frames) frames, expected at most \(limit)"
        case let .exceedsLimit(file, what, value, limit):
            return "\(file): \(TextQuoting.oneLine(what)): \(InputLimits.grouped(value)), expected at most \(InputLimits.grouped(limit)) (this package's limit)"
        case let .empty(file, expected):
            return "\(file): no data, expected \(TextQuoting.oneLine(expected))"
        case let .invalidFileName(file, expected):
            return "\(file): file name does not match \(TextQuoting.oneLine(expected))"
        case let .invalidArgument(name, value, expected):
            return "argument \(name): \(TextQuoting.oneLine(value)), expected \(TextQuoting.oneLine(expected))"
        case let .pickle(error):
            return error.description
        }
    }

    private static func place(_ line: Int?) -> String {
        line.map { ":\($0)" } ?? ""
    }
}

/// The data readers' error quoting: SkeletonFormats' `TextSanitizing` with a shorter default limit.
enum TextQuoting {
    /// `text` in single quotes, control characters escaped, shortened after `limit` scalars.
    static func quoted<S: StringProtocol>(_ text: S, limit: Int = 60) -> String {
        TextSanitizing.quoted(text, limit: limit)
    }

    /// `text` with control characters replaced by spaces.
    static func oneLine(_ text: String) -> String { TextSanitizing.oneLine(text) }
}
