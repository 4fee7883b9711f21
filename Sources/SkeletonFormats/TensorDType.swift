/// The element type of a safetensors tensor; the raw value is the header's `dtype` string.
///
/// Only these types are supported; other safetensors dtypes (`U16`, `U32`, `U64`, `F8_*`)
/// are reported as unknown when reading.
public enum TensorDType: String, Sendable, Hashable, CaseIterable {
    /// IEEE 754 binary16.
    case float16 = "F16"
    /// bfloat16 (the upper 16 bits of a binary32).
    case bfloat16 = "BF16"
    /// IEEE 754 binary32.
    case float32 = "F32"
    /// IEEE 754 binary64.
    case float64 = "F64"
    /// Signed 64-bit integer (PyTorch `long`, e.g. BatchNorm's `num_batches_tracked`).
    case int64 = "I64"
    /// Signed 32-bit integer.
    case int32 = "I32"
    /// Signed 16-bit integer.
    case int16 = "I16"
    /// Signed 8-bit integer.
    case int8 = "I8"
    /// Unsigned 8-bit integer.
    case uint8 = "U8"
    /// Boolean stored as one byte (0 or 1).
    case bool = "BOOL"

    /// Bytes per element.
    public var byteSize: Int { scalarKind.byteSize }

    /// True for the floating-point types.
    public var isFloatingPoint: Bool { !scalarKind.isIntegral }

    var scalarKind: ScalarKind {
        switch self {
        case .float16: return .float16
        case .bfloat16: return .bfloat16
        case .float32: return .float32
        case .float64: return .float64
        case .int64: return .int64
        case .int32: return .int32
        case .int16: return .int16
        case .int8: return .int8
        case .uint8: return .uint8
        case .bool: return .bool
        }
    }
}
