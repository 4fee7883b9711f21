import STGCNTraining
/// Why an ablation run cannot proceed.
public enum AblationError: Error, CustomStringConvertible, Equatable {
    /// The data, settings or variants do not fit together, with an explanation.
    case mismatch(String)

    public var description: String {
        switch self {
        case .mismatch(let message): return message
        }
    }
}
