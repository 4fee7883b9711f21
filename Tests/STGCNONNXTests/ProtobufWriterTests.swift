import XCTest
@testable import STGCNONNX

/// The protobuf encoder and the ONNX messages against byte sequences worked out by hand from
/// the protobuf encoding rules and `onnx.proto`'s field numbers.
final class ProtobufWriterTests: XCTestCase {
    private func varint(_ value: UInt64) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.writeVarint(value)
        return writer.bytes
    }

    func testVarints() {
        XCTAssertEqual(varint(0), [0x00])
        XCTAssertEqual(varint(1), [0x01])
        XCTAssertEqual(varint(127), [0x7F])
        XCTAssertEqual(varint(128), [0x80, 0x01])
        XCTAssertEqual(varint(300), [0xAC, 0x02])
        XCTAssertEqual(varint(UInt64.max), [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }

    func testScalarFields() {
        var writer = ProtobufWriter()
        writer.writeInt(field: 1, 150)
        XCTAssertEqual(writer.bytes, [0x08, 0x96, 0x01])  // the protobuf documentation's example

        writer = ProtobufWriter()
        writer.writeInt(field: 2, -1)  // int64 −1: ten bytes
        XCTAssertEqual(writer.bytes, [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x01])

        writer = ProtobufWriter()
        writer.writeFloat(field: 2, 1e-5)  // 0x3727C5AC, little-endian, wire type 5
        XCTAssertEqual(writer.bytes, [0x15, 0xAC, 0xC5, 0x27, 0x37])

        writer = ProtobufWriter()
        writer.writeString(field: 2, "testing")
        XCTAssertEqual(writer.bytes, [0x12, 0x07] + Array("testing".utf8))

        writer = ProtobufWriter()
        writer.writeInt(field: 20, 7)  // key (20 << 3) | 0 = 160 takes two bytes
        XCTAssertEqual(writer.bytes, [0xA0, 0x01, 0x07])
    }

    func testNestedMessageIsLengthDelimited() {
        struct Inner: ProtobufEncodable {
            func encode(to writer: inout ProtobufWriter) { writer.writeInt(field: 1, 150) }
        }
        var writer = ProtobufWriter()
        writer.writeMessage(field: 3, Inner())
        XCTAssertEqual(writer.bytes, [0x1A, 0x03, 0x08, 0x96, 0x01])
    }

    func testTensorProto() {
        let tensor = ONNXTensor(name: "w", float32: [1, -2], dims: [2])
        XCTAssertEqual(tensor.serializedBytes(), [
            0x08, 0x02,                    // dims: 2
            0x10, 0x01,                    // data_type: FLOAT
            0x42, 0x01, 0x77,              // name: "w"
            0x4A, 0x08, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0,  // raw_data: 1.0, -2.0
        ])
        let shape = ONNXTensor(name: "s", int64: [-1], dims: [1])
        XCTAssertEqual(shape.serializedBytes(), [0x08, 0x01, 0x10, 0x07, 0x42, 0x01, 0x73, 0x4A, 0x08]
                       + [UInt8](repeating: 0xFF, count: 8))
    }

    func testAttributesAndNode() {
        XCTAssertEqual(ONNXAttribute("perm", .ints([1, 0])).serializedBytes(),
                       [0x0A, 0x04] + Array("perm".utf8) + [0x40, 0x01, 0x40, 0x00, 0xA0, 0x01, 0x07])
        XCTAssertEqual(ONNXAttribute("axis", .int(1)).serializedBytes(),
                       [0x0A, 0x04] + Array("axis".utf8) + [0x18, 0x01, 0xA0, 0x01, 0x02])
        XCTAssertEqual(ONNXAttribute("epsilon", .float(1)).serializedBytes(),
                       [0x0A, 0x07] + Array("epsilon".utf8) + [0x15, 0x00, 0x00, 0x80, 0x3F, 0xA0, 0x01, 0x01])
        let node = ONNXNode("Relu", name: "r", inputs: ["x"], outputs: ["y"])
        XCTAssertEqual(node.serializedBytes(),
                       [0x0A, 0x01, 0x78, 0x12, 0x01, 0x79, 0x1A, 0x01, 0x72, 0x22, 0x04] + Array("Relu".utf8))
    }

    func testValueInfoWithSymbolicDimension() {
        let info = ONNXValueInfo(name: "x", shape: [.parameter("N"), .value(3)])
        // ValueInfoProto { name: "x", type: { tensor_type: { elem_type: 1, shape: { dim { dim_param: "N" } dim { dim_value: 3 } } } } }
        let dims: [UInt8] = [0x0A, 0x03, 0x12, 0x01, 0x4E, 0x0A, 0x02, 0x08, 0x03]
        let shape: [UInt8] = [0x12, UInt8(dims.count)] + dims
        let tensorType: [UInt8] = [0x08, 0x01] + shape
        let type: [UInt8] = [0x0A, UInt8(tensorType.count)] + tensorType
        XCTAssertEqual(info.serializedBytes(), [0x0A, 0x01, 0x78, 0x12, UInt8(type.count)] + type)
    }

    func testModelHeaderAndOpset() {
        let model = ONNXModel(graph: ONNXGraph(name: "g"), opsetVersion: 13, producerName: "p", producerVersion: "1")
        XCTAssertEqual(model.serializedBytes(), [
            0x08, 0x07,                    // ir_version 7
            0x12, 0x01, 0x70,              // producer_name "p"
            0x1A, 0x01, 0x31,              // producer_version "1"
            0x3A, 0x03, 0x12, 0x01, 0x67,  // graph { name: "g" }
            0x42, 0x04, 0x0A, 0x00, 0x10, 0x0D,  // opset_import { domain: "", version: 13 }
        ])
        XCTAssertEqual(ONNXModel.irVersion(forOpset: 17), 8)
        XCTAssertEqual(ONNXModel.irVersion(forOpset: 21), 10)
    }
}
