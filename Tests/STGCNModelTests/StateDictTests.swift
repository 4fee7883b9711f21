import XCTest
import SkeletonFormats
import SkeletonGraph
@testable import STGCNModel

final class StateDictTests: XCTestCase {
    func makeNetwork(classes: Int = 4, seed: UInt64 = 1) throws -> STGCNNetwork {
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: classes, layout: .coco))
        network.initializeWeights(seed: seed)
        return network
    }

    func testRoundTripThroughSafetensorsFile() throws {
        let source = try makeNetwork(seed: 1)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("roundtrip-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try source.saveWeights(to: url)
        let target = try makeNetwork(seed: 2)
        let report = try target.loadWeights(contentsOf: url)
        XCTAssertEqual(report.skipped, ["A"])
        for ((name, a), (_, b)) in zip(source.namedParameters(), target.namedParameters()) {
            XCTAssertEqual(a.value, b.value, name)
        }
        let file = try SafetensorsFile(contentsOf: url)
        XCTAssertEqual(file["data_bn.num_batches_tracked"]?.dtype, .int64)
        XCTAssertEqual(file["A"]?.shape, [3, 17, 17])
    }

    func testAcceptsModulePrefixAndMissingCounters() throws {
        let source = try makeNetwork(seed: 1)
        var tensors: [String: SafetensorsTensor] = [:]
        for (key, tensor) in source.stateDict() where !key.hasSuffix("num_batches_tracked") && key != "A" {
            tensors["module." + key] = tensor
        }
        let target = try makeNetwork(seed: 2)
        try target.load(stateDict: tensors, source: "prefixed")
        XCTAssertEqual(target.classifier.weight.value, source.classifier.weight.value)
    }

    func testMismatchListsEveryProblemAndChangesNothing() throws {
        let source = try makeNetwork(classes: 7, seed: 1)
        var tensors = source.stateDict()
        tensors.removeValue(forKey: "st_gcn_networks.3.tcn.2.bias")
        tensors["st_gcn_networks.3.tcn.9.weight"] = SafetensorsTensor(float32: [1], shape: [1])
        let target = try makeNetwork(classes: 4, seed: 2)
        let before = target.namedParameters().map { $0.parameter.value }
        XCTAssertThrowsError(try target.load(stateDict: tensors, source: "other.safetensors")) { error in
            guard case let .mismatch(source, missing, unexpected, misshaped) = error as? StateDictError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(source, "other.safetensors")
            XCTAssertEqual(missing, ["st_gcn_networks.3.tcn.2.bias"])
            XCTAssertEqual(unexpected, ["st_gcn_networks.3.tcn.9.weight"])
            XCTAssertEqual(misshaped.map(\.name), ["fcn.bias", "fcn.weight"])
            XCTAssertEqual(misshaped.first?.expected, [4])
            XCTAssertEqual(misshaped.first?.found, [7])
            let text = "\(error)"
            XCTAssertFalse(text.contains("\n"))
            XCTAssertTrue(text.contains("missing 1") && text.contains("unexpected 1") && text.contains("mis-shaped 2"), text)
        }
        XCTAssertEqual(target.namedParameters().map { $0.parameter.value }, before, "a failed load changes nothing")

        // Fine-tuning: drop the classifier as the official `ignore_weights` does.
        tensors["st_gcn_networks.3.tcn.2.bias"] = source.stateDict()["st_gcn_networks.3.tcn.2.bias"]
        tensors.removeValue(forKey: "st_gcn_networks.3.tcn.9.weight")
        let report = try target.load(stateDict: tensors, source: "other.safetensors", ignoring: ["fcn."])
        XCTAssertTrue(report.skipped.contains("fcn.weight"))
        XCTAssertEqual(try XCTUnwrap(target.blocks[0].graphConvolution).weight.value,
                       try XCTUnwrap(source.blocks[0].graphConvolution).weight.value)
    }

    func testRejectsNonFiniteValues() throws {
        let target = try makeNetwork()
        var tensors = target.stateDict()
        var bias = [Float](repeating: 0, count: 4)
        bias[2] = .nan
        tensors["fcn.bias"] = SafetensorsTensor(float32: bias, shape: [4])
        XCTAssertThrowsError(try target.load(stateDict: tensors, source: "nan.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("fcn.bias"), "\(error)")
        }
    }
}
