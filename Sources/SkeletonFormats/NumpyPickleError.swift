/// Why a pickled value could not be decoded as a numpy array or integer by `NumpyPickle`.
///
/// `description` is a phrase without the file name (the caller knows the file and the place
/// in the pickle, e.g. `annotations[12].keypoint`, and puts them in front).
public enum NumpyPickleError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The value is not a pickled `numpy.ndarray` or numpy scalar.
    case notAnArray(found: String)
    /// The value is not an integer (a Python int or bool, or a numpy integer scalar or one-element array).
    case notAnInteger(found: String)
    /// A part of the reconstruction (`part`, e.g. "the ndarray state") is not what numpy writes.
    case malformed(part: String, expected: String, found: String)
    /// The dtype is not one of the supported numeric types (e.g. object, string or structured arrays).
    case unsupportedDType(String, reason: String)
    /// The shape has a negative dimension, too many dimensions, or an element count that overflows.
    case invalidShape([Int], reason: String)
    /// The data bytes do not match the shape and dtype.
    case payloadSizeMismatch(shape: [Int], dtype: String, expected: Int, actual: Int)

    /// What was found, as a noun phrase for a caller's "found …, expected …" message.
    public var found: String {
        switch self {
        case let .notAnArray(found), let .notAnInteger(found):
            return found
        case let .malformed(part, expected, found):
            return "\(part) \(TextSanitizing.oneLine(found)) (expected \(expected))"
        case let .unsupportedDType(dtype, reason):
            return "dtype \(TextSanitizing.quoted(dtype, limit: 40)), not supported (\(reason))"
        case let .invalidShape(shape, reason):
            return "shape \(ShapeArithmetic.describe(shape)) (\(reason))"
        case let .payloadSizeMismatch(shape, dtype, expected, actual):
            return "\(actual) data bytes for shape \(ShapeArithmetic.describe(shape)) of dtype \(dtype) (\(expected) needed)"
        }
    }

    /// One line: what was found and what was expected.
    public var description: String {
        switch self {
        case let .notAnArray(found):
            return "found \(found), expected a numpy array (numpy.ndarray or numpy scalar)"
        case let .notAnInteger(found):
            return "found \(found), expected an integer (int or numpy integer scalar)"
        case let .malformed(part, expected, found):
            return "\(part): found \(TextSanitizing.oneLine(found)), expected \(expected)"
        case let .unsupportedDType(dtype, reason):
            return "numpy dtype \(TextSanitizing.quoted(dtype, limit: 40)) is not supported: \(reason)"
        case let .invalidShape(shape, reason):
            return "array shape \(ShapeArithmetic.describe(shape)): \(reason)"
        case let .payloadSizeMismatch(shape, dtype, expected, actual):
            return "array of shape \(ShapeArithmetic.describe(shape)) and dtype \(dtype) needs \(expected) bytes, the pickle holds \(actual)"
        }
    }
}
