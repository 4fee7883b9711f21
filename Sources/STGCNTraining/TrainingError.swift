/// A training, test or prediction run that cannot start or continue, with a one-line reason.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// A data or label file does not fit the configuration or the model.
    case data(file: String, reason: String)
    /// A file in the work directory cannot be written or read.
    case io(file: String, reason: String)
    /// The configuration and the data or checkpoint disagree.
    case mismatch(String)
    /// Training produced a non-finite loss or non-finite weights at `epoch` (0-based, as the log
    /// counts) and `batch`; nothing was saved from that point on. `advice` says what to do and
    /// which checkpoint is still good.
    case diverged(epoch: Int, batch: Int, reason: String, advice: String)

    public var description: String {
        switch self {
        case let .data(file, reason): return "\(file): \(reason)"
        case let .io(file, reason): return "\(file): \(reason)"
        case let .mismatch(reason): return reason
        case let .diverged(epoch, batch, reason, advice):
            return "training diverged at epoch \(epoch), batch \(batch): \(reason); \(advice)"
        }
    }
}
