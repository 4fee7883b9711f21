/// `TensorProto.DataType`: the element types this exporter writes.
public enum ONNXDataType: Int64, Sendable {
    /// 32-bit IEEE float.
    case float = 1
    /// Signed 64-bit integer (shapes, axes).
    case int64 = 7
}
