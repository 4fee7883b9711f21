/// Why a PyTorch checkpoint (`torch.save` file) was rejected.
///
/// `description` is one line naming the file, the place (byte offset, zip entry, storage or
/// tensor key) and what was expected.
public enum TorchCheckpointError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The file is neither a zip archive nor a legacy `torch.save` stream.
    case unrecognizedFormat(file: String)
    /// The zip structure is inconsistent (`offset`: where the problem was found).
    case malformedZip(file: String, offset: Int, reason: String)
    /// A zip entry uses a feature this reader does not implement (compression, encryption).
    case unsupportedZipEntry(file: String, entry: String, reason: String)
    /// A required zip entry is missing.
    case missingEntry(file: String, entry: String)
    /// A pickle inside the checkpoint is malformed or uses something outside the allow-list.
    case pickle(PickleError)
    /// The unpickled objects do not have the structure of a state dict (`place`: a key or a pickle part).
    case invalidStructure(file: String, place: String, reason: String)
    /// A storage class that is not one of the supported dtypes.
    case unsupportedStorageType(file: String, storage: String, type: String)
    /// A storage's bytes do not match its declared element count.
    case storageSizeMismatch(file: String, storage: String, expectedBytes: Int, actualBytes: Int)
    /// A legacy storage record's element count differs from the numel its persistent id declared.
    case storageCountMismatch(file: String, offset: Int, storage: String, expected: Int, declared: UInt64)
    /// The checkpoint ends inside a legacy storage record.
    case truncatedStorage(file: String, offset: Int, storage: String, needed: Int, available: Int)
    /// A tensor's offset, shape and strides reach outside its storage.
    case tensorOutOfBounds(file: String, tensor: String, reason: String)
    /// The checkpoint was written on a big-endian machine.
    case bigEndian(file: String)

    /// One line: file, place, and what was expected.
    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read PyTorch checkpoint: \(TextSanitizing.oneLine(reason))"
        case let .unrecognizedFormat(file):
            return "\(file): byte 0: not a PyTorch checkpoint, expected a zip archive (PK\\x03\\x04) or a legacy torch.save stream (pickled magic number 0x1950a86a20f9469cfc6c)"
        case let .malformedZip(file, offset, reason):
            return "\(file): byte \(offset): malformed zip archive: \(TextSanitizing.oneLine(reason))"
        case let .unsupportedZipEntry(file, entry, reason):
            return "\(file): zip entry \(TextSanitizing.quoted(entry)): \(TextSanitizing.oneLine(reason))"
        case let .missingEntry(file, entry):
            return "\(file): missing zip entry \(TextSanitizing.quoted(entry)), expected by the torch.save layout"
        case let .pickle(error):
            return error.description
        case let .invalidStructure(file, place, reason):
            return "\(file): \(TextSanitizing.oneLine(place)): \(TextSanitizing.oneLine(reason))"
        case let .unsupportedStorageType(file, storage, type):
            return "\(file): storage \(TextSanitizing.quoted(storage)): storage type \(TextSanitizing.quoted(type)) is not supported, expected one of \(TorchStorageType.supportedNames.joined(separator: ", "))"
        case let .storageSizeMismatch(file, storage, expected, actual):
            return "\(file): storage \(TextSanitizing.quoted(storage)): has \(actual) bytes, expected \(expected) (element count × element size)"
        case let .storageCountMismatch(file, offset, storage, expected, declared):
            return "\(file): byte \(offset): storage \(TextSanitizing.quoted(storage)) record declares \(declared) elements, expected \(expected) (the numel of its persistent id)"
        case let .truncatedStorage(file, offset, storage, needed, available):
            return "\(file): byte \(offset): storage \(TextSanitizing.quoted(storage)) needs \(needed) bytes, only \(available) remain"
        case let .tensorOutOfBounds(file, tensor, reason):
            return "\(file): tensor \(TextSanitizing.quoted(tensor)): \(TextSanitizing.oneLine(reason))"
        case let .bigEndian(file):
            return "\(file): checkpoint was saved on a big-endian machine, expected little-endian byte order"
        }
    }
}
