import XCTest
import STGCNModel
import SkeletonGraph
@testable import STGCNONNX

/// The structure of the exported graph (numerics are checked against onnxruntime by
/// scripts/check-onnx).
final class ONNXExportTests: XCTestCase {
    func makeNetwork(layout: SkeletonLayout = .openpose, strategy: PartitionStrategy = .spatial,
                     importance: Bool = true) throws -> STGCNNetwork {
        let network = try STGCNNetwork(configuration: ModelConfiguration(
            classCount: 6, layout: layout, strategy: strategy, edgeImportanceWeighting: importance))
        network.initializeWeights(seed: 11)
        if importance {
            for (index, mask) in network.edgeImportance.enumerated() {
                mask.value = mask.value.indices.map { 1 + Float(($0 + index) % 7) / 10 }
            }
        }
        return network
    }

    func testOperatorCountsFollowTheOfficialModules() throws {
        let model = try makeNetwork().onnxModel(options: ONNXExportOptions(frames: 33, persons: 2, opset: 13))
        var counts: [String: Int] = [:]
        for node in model.graph.nodes { counts[node.opType, default: 0] += 1 }
        XCTAssertEqual(counts, [
            "Conv": 10 + 10 + 2 + 1,              // gcn, tcn.2, two residual projections, fcn
            "MatMul": 10,                         // aggregation with A ⊙ importance
            "BatchNormalization": 1 + 20 + 2,     // data_bn, tcn.0/tcn.3, residual.1
            "Relu": 20, "Add": 9,                 // block 0 has no residual
            "Transpose": 2 + 10, "Reshape": 2 + 20 + 1, "Flatten": 2, "ReduceMean": 2,
        ])
        XCTAssertNil(model.graph.firstDanglingReference())
        XCTAssertEqual(Set(model.graph.nodes.map(\.name)).count, model.graph.nodes.count, "node names are unique")
        XCTAssertEqual(Set(model.graph.initializers.map(\.name)).count, model.graph.initializers.count)
        XCTAssertEqual(model.graph.nodes.last?.outputs, ["logits"])
    }

    /// The two-stream graph: the motion transform, each stream under its official key prefix
    /// (the initializers are exactly the state dict's tensors, less `A`), the logits summed.
    func testTwoStreamGraphPrefixesEachStreamAndSumsTheLogits() throws {
        let network = try TwoStreamNetwork(configuration: ModelConfiguration(classCount: 6, layout: .openpose))
        network.initializeWeights(seed: 5)
        let model = try network.onnxModel(options: ONNXExportOptions(frames: 20, persons: 2, opset: 17))
        var counts: [String: Int] = [:]
        for node in model.graph.nodes { counts[node.opType, default: 0] += 1 }
        XCTAssertEqual(counts["Slice"], 3)
        XCTAssertEqual(counts["Pad"], 1)
        XCTAssertEqual(counts["Conv"], 2 * 23)
        XCTAssertEqual(counts["Add"], 2 * 9 + 1)
        XCTAssertNil(model.graph.firstDanglingReference())
        XCTAssertEqual(Set(model.graph.nodes.map(\.name)).count, model.graph.nodes.count, "node names are unique")
        XCTAssertEqual(model.graph.nodes.last?.opType, "Add")
        XCTAssertEqual(model.graph.nodes.last?.inputs, ["origin_stream.logits", "motion_stream.logits"])
        let names = Set(model.graph.initializers.map(\.name))
        for key in network.stateDict().keys where !key.hasSuffix(".A") && !key.hasSuffix("num_batches_tracked") && !key.contains("edge_importance") {
            XCTAssertTrue(names.contains(key), "initializer \(key)")
        }
        XCTAssertThrowsError(try network.onnxModel(options: ONNXExportOptions(frames: 2, persons: 2, opset: 17)))
    }

    func testInputsOutputsAndOpsetVariants() throws {
        let network = try makeNetwork()
        let fixed = try network.onnxModel(options: ONNXExportOptions(frames: 33, persons: 2, opset: 13))
        XCTAssertEqual(fixed.graph.inputs, [ONNXValueInfo(name: "input", shape: [.parameter("batch"), .value(3), .value(33), .value(18), .value(2)])])
        XCTAssertEqual(fixed.graph.outputs, [ONNXValueInfo(name: "logits", shape: [.parameter("batch"), .value(6)])])
        XCTAssertEqual(fixed.irVersion, 7)
        XCTAssertTrue(fixed.graph.nodes.filter { $0.opType == "ReduceMean" }.allSatisfy {
            $0.inputs.count == 1 && $0.attributes.contains { $0.name == "axes" }
        })

        let dynamic = try network.onnxModel(options: ONNXExportOptions(frames: nil, persons: 1, opset: 18))
        XCTAssertEqual(dynamic.graph.inputs.first?.shape[2], .parameter("frames"))
        XCTAssertEqual(dynamic.graph.inputs.first?.shape[4], .value(1))
        XCTAssertTrue(dynamic.graph.nodes.filter { $0.opType == "ReduceMean" }.allSatisfy {
            $0.inputs.count == 2 && !$0.attributes.contains { $0.name == "axes" }
        }, "opset 18 takes the axes as an input")

        XCTAssertThrowsError(try network.onnxModel(options: ONNXExportOptions(opset: 12))) { error in
            XCTAssertEqual(error as? ONNXExportError, .unsupportedOpset(requested: 12, supported: 13...21))
        }
        XCTAssertThrowsError(try network.onnxModel(options: ONNXExportOptions(frames: 0)))
        XCTAssertThrowsError(try network.onnxModel(options: ONNXExportOptions(persons: 0)))
    }

    func testStridesPaddingAndWeightsUseTheOfficialNames() throws {
        let network = try makeNetwork()
        let model = try network.onnxModel()
        func node(_ name: String) throws -> ONNXNode { try XCTUnwrap(model.graph.nodes.first { $0.name == name }, name) }
        func ints(_ node: ONNXNode, _ name: String) -> [Int64]? {
            guard case .ints(let values)? = node.attributes.first(where: { $0.name == name })?.value else { return nil }
            return values
        }
        for index in 0..<10 {
            let stride: Int64 = [4, 7].contains(index) ? 2 : 1
            let temporal = try node("st_gcn_networks.\(index).tcn.2")
            XCTAssertEqual(ints(temporal, "kernel_shape"), [9, 1])
            XCTAssertEqual(ints(temporal, "strides"), [stride, 1])
            XCTAssertEqual(ints(temporal, "pads"), [4, 0, 4, 0])
            XCTAssertEqual(temporal.inputs.dropFirst(), ["st_gcn_networks.\(index).tcn.2.weight", "st_gcn_networks.\(index).tcn.2.bias"])
        }
        XCTAssertEqual(ints(try node("st_gcn_networks.4.residual.0"), "strides"), [2, 1])
        XCTAssertEqual(try node("st_gcn_networks.5.residual_add").inputs.last, "st_gcn_networks.4.relu", "identity residual")

        let initializers = Dictionary(uniqueKeysWithValues: model.graph.initializers.map { ($0.name, $0) })
        let weight = try XCTUnwrap(initializers["st_gcn_networks.4.tcn.2.weight"])
        XCTAssertEqual(weight.dims, [128, 128, 9, 1])
        XCTAssertEqual(weight.rawData, ONNXTensor(name: "", float32: network.blocks[4].temporalConvolution.weight.value, dims: [128 * 128 * 9]).rawData)
        let adjacency = try XCTUnwrap(initializers["st_gcn_networks.3.gcn.adjacency"])
        XCTAssertEqual(adjacency.dims, [3 * 18, 18])
        XCTAssertEqual(adjacency.rawData, ONNXTensor(name: "", float32: network.effectiveAdjacency(block: 3), dims: [3 * 18 * 18]).rawData)
        XCTAssertEqual(initializers["data_bn.running_var"]?.dims, [3 * 18])
        XCTAssertEqual(initializers["fcn.weight"]?.dims, [6, 256, 1, 1])
        XCTAssertNil(initializers["st_gcn_networks.0.residual.0.weight"])
    }

    func testWithoutEdgeImportanceTheAdjacencyIsA() throws {
        let network = try makeNetwork(layout: .ntuRGBD, strategy: .uniform, importance: false)
        let model = try network.onnxModel()
        let adjacency = try XCTUnwrap(model.graph.initializers.first { $0.name == "st_gcn_networks.0.gcn.adjacency" })
        XCTAssertEqual(adjacency.dims, [25, 25])
        XCTAssertEqual(adjacency.rawData, ONNXTensor(name: "", float32: network.graph.adjacency, dims: [625]).rawData)
    }

    /// The serialized bytes decode back to the same graph: ModelProto → GraphProto → nodes.
    func testSerializedModelDecodes() throws {
        let model = try makeNetwork().onnxModel(options: ONNXExportOptions(frames: 20, persons: 2, opset: 17))
        let bytes = Array(model.serializedData())
        let top = try ProtobufTestReader.fields(bytes)
        XCTAssertEqual(top.first?.field, 1)
        XCTAssertEqual(top.first?.value, .varint(8))
        XCTAssertEqual(try ProtobufTestReader.strings(bytes, field: 2), ["swift-stgcn"])
        let opset = try XCTUnwrap(ProtobufTestReader.messages(bytes, field: 8).first)
        XCTAssertEqual(try ProtobufTestReader.fields(opset).last?.value, .varint(17))
        let graph = try XCTUnwrap(ProtobufTestReader.messages(bytes, field: 7).first)
        let nodes = try ProtobufTestReader.messages(graph, field: 1)
        XCTAssertEqual(nodes.count, model.graph.nodes.count)
        XCTAssertEqual(try nodes.map { try ProtobufTestReader.strings($0, field: 4).first ?? "" }, model.graph.nodes.map(\.opType))
        let initializers = try ProtobufTestReader.messages(graph, field: 5)
        XCTAssertEqual(initializers.count, model.graph.initializers.count)
        let parameterBytes = try initializers.reduce(0) { $0 + (try ProtobufTestReader.messages($1, field: 9).first?.count ?? 0) }
        let floats = model.graph.initializers.filter { $0.dataType == .float }.reduce(0) { $0 + $1.dims.reduce(1, *) }
        XCTAssertEqual(parameterBytes, floats * 4 + model.graph.initializers.filter { $0.dataType == .int64 }.reduce(0) { $0 + 8 * $1.dims.reduce(1, *) })
        XCTAssertEqual(try ProtobufTestReader.messages(graph, field: 11).count, 1)
        XCTAssertEqual(try ProtobufTestReader.messages(graph, field: 12).count, 1)
    }
}
