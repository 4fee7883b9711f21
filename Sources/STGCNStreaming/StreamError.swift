/// Why a stream could not be set up.
public enum StreamError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A window, hop, person count or tracker setting is out of range.
    case invalidSetting(String)
    /// The converter's layout does not fit the model.
    case modelMismatch(String)

    public var description: String {
        switch self {
        case let .invalidSetting(reason): return reason
        case let .modelMismatch(reason): return reason
        }
    }
}
