/// Why a network could not be exported to ONNX.
public enum ONNXExportError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The requested operator-set version is outside the supported range.
    case unsupportedOpset(requested: Int, supported: ClosedRange<Int>)
    /// A declared input dimension is not positive.
    case invalidDimension(name: String, value: Int)
    /// The model is an ablation variant; only the official ST-GCN (`stgcn`) is exported.
    case unsupportedVariant(String)
    /// The exported graph references a value nothing defines (a bug; reported rather than written).
    case malformedGraph(String)

    public var description: String {
        switch self {
        case let .unsupportedOpset(requested, supported):
            return "ONNX opset \(requested) is not supported; expected \(supported.lowerBound) to \(supported.upperBound)"
        case let .invalidDimension(name, value):
            return "ONNX input dimension \(name) = \(value); expected at least 1"
        case let .unsupportedVariant(name):
            return "ONNX export supports the official ST-GCN only, not the \(name) variant"
        case let .malformedGraph(reason):
            return "internal error, the exported ONNX graph is inconsistent: \(reason)"
        }
    }
}
