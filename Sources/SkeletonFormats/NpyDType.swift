/// The element type of a `.npy` array (little-endian or single-byte types only).
public enum NpyDType: String, Sendable, Equatable, Hashable, CaseIterable {
    /// `<f2`
    case float16
    /// `<f4`
    case float32
    /// `<f8`
    case float64
    /// `|i1`
    case int8
    /// `<i2`
    case int16
    /// `<i4`
    case int32
    /// `<i8`
    case int64
    /// `|u1`
    case uint8
    /// `<u2`
    case uint16
    /// `<u4`
    case uint32
    /// `<u8`
    case uint64
    /// `|b1`
    case bool

    /// Bytes per element.
    public var itemSize: Int { scalarKind.byteSize }

    /// The descr string numpy writes for this type, e.g. `<f4` or `|u1`.
    public var descr: String { (itemSize == 1 ? "|" : "<") + Self.codes[self, default: "?"] }

    /// Parses a numpy descr string such as `<f4`, `|u1` or `<i8`.
    /// Single-byte types accept any byte-order mark (`|`, `<`, `>`, `=`); wider types need `<`:
    /// `>` is reported as big-endian, `|` and `=` as unknown.
    /// - Returns: the type, `.bigEndian` for a big-endian descr of a known type, or `.unknown`.
    static func parse(descr: String) -> ParseResult {
        let scalars = Array(descr.unicodeScalars)
        guard scalars.count >= 2, let order = scalars.first, ["<", ">", "|", "="].contains(order) else { return .unknown }
        let code = String(String.UnicodeScalarView(scalars.dropFirst()))
        guard let type = Self.codes.first(where: { $0.value == code })?.key else { return .unknown }
        if type.itemSize == 1 { return .type(type) }
        switch order {
        case "<": return .type(type)
        case ">": return .bigEndian
        default: return .unknown
        }
    }

    /// Outcome of `parse(descr:)`.
    enum ParseResult: Equatable {
        case type(NpyDType)
        case bigEndian
        case unknown
    }

    private static let codes: [NpyDType: String] = [
        .float16: "f2", .float32: "f4", .float64: "f8",
        .int8: "i1", .int16: "i2", .int32: "i4", .int64: "i8",
        .uint8: "u1", .uint16: "u2", .uint32: "u4", .uint64: "u8",
        .bool: "b1",
    ]

    var scalarKind: ScalarKind {
        switch self {
        case .float16: return .float16
        case .float32: return .float32
        case .float64: return .float64
        case .int8: return .int8
        case .int16: return .int16
        case .int32: return .int32
        case .int64: return .int64
        case .uint8: return .uint8
        case .uint16: return .uint16
        case .uint32: return .uint32
        case .uint64: return .uint64
        case .bool: return .bool
        }
    }
}
