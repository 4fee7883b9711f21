/// Why a PyTorch checkpoint could not be written.
public enum TorchCheckpointWriteError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A tensor's dtype has no PyTorch storage class here.
    case unsupportedDType(file: String, tensor: String, dtype: TensorDType)
    /// A tensor's byte count does not match its shape and dtype.
    case inconsistentTensor(file: String, tensor: String, reason: String)
    /// The archive would need ZIP64 (over 4 GiB).
    case tooLarge(file: String, reason: String)
    /// The file could not be written.
    case writeFailed(file: String, reason: String)

    /// One line naming the file and the tensor or reason.
    public var description: String {
        switch self {
        case let .unsupportedDType(file, tensor, dtype):
            return "\(file): tensor \(TextSanitizing.quoted(tensor)) has dtype \(dtype.rawValue); expected one with a torch storage class"
        case let .inconsistentTensor(file, tensor, reason):
            return "\(file): tensor \(TextSanitizing.quoted(tensor)): \(TextSanitizing.oneLine(reason))"
        case let .tooLarge(file, reason):
            return "\(file): \(TextSanitizing.oneLine(reason))"
        case let .writeFailed(file, reason):
            return "\(file): cannot write checkpoint: \(TextSanitizing.oneLine(reason))"
        }
    }
}
