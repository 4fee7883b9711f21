import Foundation

/// `ModelProto`: a graph plus the IR version and operator-set version it is written against.
public struct ONNXModel: ProtobufEncodable, Sendable, Equatable {
    /// The ONNX IR version (`ir_version`).
    public var irVersion: Int64
    /// The version of the default `ai.onnx` operator set (`opset_import`).
    public var opsetVersion: Int64
    /// `producer_name`.
    public var producerName: String
    /// `producer_version`.
    public var producerVersion: String
    /// `doc_string`: a human-readable description.
    public var docString: String
    /// The graph.
    public var graph: ONNXGraph

    /// A model of `graph` against `opsetVersion`, with the lowest IR version that allows that opset.
    public init(graph: ONNXGraph, opsetVersion: Int64, producerName: String = "swift-stgcn",
                producerVersion: String = "0.1", docString: String = "") {
        self.graph = graph
        self.opsetVersion = opsetVersion
        self.irVersion = Self.irVersion(forOpset: opsetVersion)
        self.producerName = producerName
        self.producerVersion = producerVersion
        self.docString = docString
    }

    /// The IR version released with an operator set (ONNX's versioning table):
    /// opsets 13–14 → IR 7, 15–18 → 8, 19–20 → 9, 21 and later → 10.
    public static func irVersion(forOpset opset: Int64) -> Int64 {
        switch opset {
        case ..<15: return 7
        case 15...18: return 8
        case 19...20: return 9
        default: return 10
        }
    }

    /// Field numbers of `onnx.ModelProto` and `onnx.OperatorSetIdProto`.
    enum Field {
        static let irVersion = 1, producerName = 2, producerVersion = 3, docString = 6, graph = 7, opsetImport = 8
        static let opsetDomain = 1, opsetVersion = 2
    }

    /// `OperatorSetIdProto` for the default domain (empty string = `ai.onnx`).
    struct OperatorSetID: ProtobufEncodable {
        var version: Int64
        func encode(to writer: inout ProtobufWriter) {
            writer.writeString(field: Field.opsetDomain, "")
            writer.writeInt(field: Field.opsetVersion, version)
        }
    }

    public func encode(to writer: inout ProtobufWriter) {
        writer.writeInt(field: Field.irVersion, irVersion)
        writer.writeString(field: Field.producerName, producerName)
        writer.writeString(field: Field.producerVersion, producerVersion)
        if !docString.isEmpty { writer.writeString(field: Field.docString, docString) }
        writer.writeMessage(field: Field.graph, graph)
        writer.writeMessage(field: Field.opsetImport, OperatorSetID(version: opsetVersion))
    }

    /// The serialized model, ready to be written to a `.onnx` file.
    public func serializedData() -> Data {
        Data(serializedBytes())
    }
}
