import Foundation

/// The element types both file formats can hold, independent of how each format spells them.
///
/// Internal: `TensorDType` (safetensors) and `NpyDType` (numpy) map onto it so that one
/// decoder converts raw little-endian payloads of either format.
enum ScalarKind: Sendable, Equatable {
    case float16, bfloat16, float32, float64
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case bool

    /// Bytes per element.
    var byteSize: Int {
        switch self {
        case .int8, .uint8, .bool: return 1
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .float32, .int32, .uint32: return 4
        case .float64, .int64, .uint64: return 8
        }
    }

    /// True for the integer and boolean kinds (exactly representable as `Int64` except large `uint64`).
    var isIntegral: Bool {
        switch self {
        case .float16, .bfloat16, .float32, .float64: return false
        default: return true
        }
    }
}
