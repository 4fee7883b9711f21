/// Why a safetensors file or tensor was rejected.
///
/// `description` is one line naming the file (when known), the place (byte offset, tensor
/// name or header key) and what was expected.
public enum SafetensorsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The file is shorter than the 8-byte header-length prefix.
    case truncatedPrefix(file: String, size: Int)
    /// The declared header length exceeds what follows it in the file or the sanity limit.
    case invalidHeaderLength(file: String, declared: UInt64, available: Int, limit: Int)
    /// The header is not a valid JSON object; `offset` is the byte offset in the file.
    case malformedHeader(file: String, offset: Int, reason: String)
    /// A header entry (`key`: a tensor name or `__metadata__`) has the wrong structure.
    case invalidEntry(file: String, key: String, reason: String)
    /// A tensor's `dtype` is not one of `TensorDType`.
    case unknownDType(file: String, tensor: String, dtype: String)
    /// A tensor's `data_offsets` end beyond the data buffer.
    case offsetsOutOfBounds(file: String, tensor: String, begin: Int, end: Int, bufferSize: Int)
    /// A tensor's `data_offsets` span does not match its dtype and shape.
    case sizeMismatch(file: String, tensor: String, dtype: TensorDType, shape: [Int], expected: Int, actual: Int)
    /// Two tensors' byte ranges overlap.
    case overlappingTensors(file: String, first: String, second: String)
    /// A requested tensor is not in the file.
    case missingTensor(name: String, file: String)
    /// A tensor built in memory has a byte count that does not match its dtype and shape.
    case byteCountMismatch(dtype: TensorDType, shape: [Int], expected: Int, actual: Int)
    /// A shape has a negative dimension or an element count that overflows.
    case invalidShape(shape: [Int], reason: String)
    /// The tensor's dtype cannot be converted to the requested Swift type.
    case notConvertible(dtype: TensorDType, target: String, reason: String)
    /// Writing the file failed.
    case writeFailed(file: String, reason: String)

    /// One line: file, place, and what was expected.
    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read safetensors file: \(TextSanitizing.oneLine(reason))"
        case let .truncatedPrefix(file, size):
            return "\(file): byte 0: file has \(size) bytes, expected at least 8 (the little-endian u64 header length)"
        case let .invalidHeaderLength(file, declared, available, limit):
            return "\(file): byte 0: header length \(declared) is invalid, expected at most \(min(available, limit)) (\(available) bytes follow the prefix, limit \(limit))"
        case let .malformedHeader(file, offset, reason):
            return "\(file): byte \(offset): malformed JSON header: \(TextSanitizing.oneLine(reason))"
        case let .invalidEntry(file, key, reason):
            return "\(file): header entry \(TextSanitizing.quoted(key)): \(TextSanitizing.oneLine(reason))"
        case let .unknownDType(file, tensor, dtype):
            let known = TensorDType.allCases.map(\.rawValue).joined(separator: ", ")
            return "\(file): tensor \(TextSanitizing.quoted(tensor)): unknown dtype \(TextSanitizing.quoted(dtype)), expected one of \(known)"
        case let .offsetsOutOfBounds(file, tensor, begin, end, bufferSize):
            return "\(file): tensor \(TextSanitizing.quoted(tensor)): data_offsets [\(begin), \(end)] end beyond the \(bufferSize)-byte data buffer"
        case let .sizeMismatch(file, tensor, dtype, shape, expected, actual):
            return "\(file): tensor \(TextSanitizing.quoted(tensor)): data_offsets span \(actual) bytes, expected \(expected) for \(dtype.rawValue) \(ShapeArithmetic.describe(shape))"
        case let .overlappingTensors(file, first, second):
            return "\(file): tensors \(TextSanitizing.quoted(first)) and \(TextSanitizing.quoted(second)) have overlapping data_offsets, expected disjoint byte ranges"
        case let .missingTensor(name, file):
            return "missing tensor \(TextSanitizing.quoted(name)) in \(file)"
        case let .byteCountMismatch(dtype, shape, expected, actual):
            return "tensor data has \(actual) bytes, expected \(expected) for \(dtype.rawValue) \(ShapeArithmetic.describe(shape))"
        case let .invalidShape(shape, reason):
            return "invalid tensor shape \(ShapeArithmetic.describe(shape)): \(TextSanitizing.oneLine(reason))"
        case let .notConvertible(dtype, target, reason):
            return "cannot convert \(dtype.rawValue) tensor to \(target): \(TextSanitizing.oneLine(reason))"
        case let .writeFailed(file, reason):
            return "\(file): cannot write safetensors file: \(TextSanitizing.oneLine(reason))"
        }
    }
}
