import STGCNModel

/// A model that can be written as an ONNX graph: both official model classes
/// (`STGCNNetwork` for `net.st_gcn.Model`, `TwoStreamNetwork` for `net.st_gcn_twostream.Model`).
public protocol ONNXExportable: ActionRecognitionModel {
    /// The evaluation-mode model as ONNX: input `input` `(batch, C, T, V, M)`, output `logits`.
    func onnxModel(options: ONNXExportOptions) throws(ONNXExportError) -> ONNXModel
}

extension STGCNNetwork: ONNXExportable {}
extension TwoStreamNetwork: ONNXExportable {}
