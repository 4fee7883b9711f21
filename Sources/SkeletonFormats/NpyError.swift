/// Why a `.npy` file or array was rejected.
///
/// `description` is one line naming the file, the place (byte offset or header key) and
/// what was expected.
public enum NpyError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The first 6 bytes are not `\x93NUMPY`.
    case badMagic(file: String)
    /// The file ends inside the preamble or header.
    case truncatedHeader(file: String, needed: Int, available: Int)
    /// The format version is not 1.0, 2.0 or 3.0.
    case unsupportedVersion(file: String, major: UInt8, minor: UInt8)
    /// The header is not a valid Python dict literal; `offset` is the byte offset in the file.
    case malformedHeader(file: String, offset: Int, reason: String)
    /// A header key is missing or has the wrong type.
    case invalidHeader(file: String, key: String, reason: String)
    /// The descr is not a supported type.
    case unknownDescr(file: String, descr: String)
    /// The descr is big-endian (only little-endian is supported).
    case bigEndian(file: String, descr: String)
    /// The shape has a negative or overflowing size.
    case invalidShape(file: String, shape: [Int], reason: String)
    /// The payload is not `product(shape) * itemsize` bytes (a truncated or padded file).
    case payloadSizeMismatch(file: String, offset: Int, expected: Int, actual: Int)
    /// The dtype cannot be converted to the requested Swift type.
    case notConvertible(file: String, dtype: NpyDType, target: String, reason: String)
    /// A requested element range lies outside the array, or the array is not in C order.
    case invalidElementRange(file: String, range: Range<Int>, count: Int, reason: String)
    /// Writing the file failed.
    case writeFailed(file: String, reason: String)

    /// One line: file, place, and what was expected.
    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read .npy file: \(TextSanitizing.oneLine(reason))"
        case let .badMagic(file):
            return "\(file): byte 0: bad magic, expected \\x93NUMPY (not a .npy file)"
        case let .truncatedHeader(file, needed, available):
            return "\(file): byte \(available): file ends inside the header, expected at least \(needed) bytes"
        case let .unsupportedVersion(file, major, minor):
            return "\(file): byte 6: unsupported .npy format version \(major).\(minor), expected 1.0, 2.0 or 3.0"
        case let .malformedHeader(file, offset, reason):
            return "\(file): byte \(offset): malformed header dict: \(TextSanitizing.oneLine(reason))"
        case let .invalidHeader(file, key, reason):
            return "\(file): header key \(TextSanitizing.quoted(key)): \(TextSanitizing.oneLine(reason))"
        case let .unknownDescr(file, descr):
            return "\(file): header key 'descr': unknown descr \(TextSanitizing.quoted(descr)), expected one of \(NpyDType.allCases.map(\.descr).joined(separator: " "))"
        case let .bigEndian(file, descr):
            return "\(file): header key 'descr': big-endian descr \(TextSanitizing.quoted(descr)) is unsupported, expected little-endian ('<')"
        case let .invalidShape(file, shape, reason):
            return "\(file): header key 'shape': \(ShapeArithmetic.describe(shape)) \(TextSanitizing.oneLine(reason))"
        case let .payloadSizeMismatch(file, offset, expected, actual):
            return "\(file): byte \(offset): payload has \(actual) bytes, expected \(expected) (product of shape × itemsize)\(actual < expected ? "; file truncated?" : "")"
        case let .notConvertible(file, dtype, target, reason):
            return "\(file): cannot convert \(dtype.descr) array to \(target): \(TextSanitizing.oneLine(reason))"
        case let .invalidElementRange(file, range, count, reason):
            return "\(file): element range \(range.lowerBound)..<\(range.upperBound) of \(count) elements: \(TextSanitizing.oneLine(reason))"
        case let .writeFailed(file, reason):
            return "\(file): cannot write .npy file: \(TextSanitizing.oneLine(reason))"
        }
    }
}
