import XCTest
import SkeletonFormats
import STGCNModel
@testable import STGCNTraining

final class WeightsConversionTests: XCTestCase {
    func makeNetwork(classes: Int) throws -> STGCNNetwork {
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: classes, layout: .openpose))
        network.initializeWeights(seed: 4)
        return network
    }

    func testModulePrefixIgnoredKeysAndValidation() throws {
        var tensors: [String: SafetensorsTensor] = [:]
        for (key, tensor) in try makeNetwork(classes: 5).stateDict() { tensors["module." + key] = tensor }
        let target = try makeNetwork(classes: 5)
        let (converted, report) = try WeightsConversion.convert(tensors, source: "x.pt", ignoring: ["edge_importance."],
                                                                classCount: 5, validatingWith: target)
        XCTAssertEqual(report.strippedModulePrefix.count, tensors.count)
        XCTAssertEqual(report.ignored, (0..<10).map { "edge_importance.\($0)" }.sorted())
        XCTAssertNil(report.classChange)
        XCTAssertTrue(converted.keys.allSatisfy { !$0.hasPrefix("module.") && !$0.hasPrefix("edge_importance.") })
        XCTAssertEqual(report.missing, report.ignored, "ignored keys are reported as missing from the model")
        XCTAssertEqual(report.unused, ["A"])
        XCTAssertEqual(report.loaded?.contains("fcn.weight"), true)
    }

    func testClassChangeDropsTheClassifier() throws {
        let tensors = try makeNetwork(classes: 5).stateDict()
        let target = try makeNetwork(classes: 3)
        let (converted, report) = try WeightsConversion.convert(tensors, source: "x.pt", classCount: 3, validatingWith: target)
        XCTAssertEqual(report.classChange, WeightsConversion.ClassChange(from: 5, to: 3))
        XCTAssertEqual(report.droppedForClassChange, ["fcn.bias", "fcn.weight"])
        XCTAssertNil(converted["fcn.weight"])
        XCTAssertEqual(report.missing, ["fcn.bias", "fcn.weight"])
        // Without the drop, the model rejects the classifier's shape.
        XCTAssertThrowsError(try WeightsConversion.convert(tensors, source: "x.pt", validatingWith: target)) { error in
            XCTAssertTrue("\(error)".contains("fcn.weight"), "\(error)")
        }
    }

    func testDuplicateKeysAfterPrefixRemovalAreAnError() {
        let tensor = SafetensorsTensor(float32: [1], shape: [1])
        XCTAssertThrowsError(try WeightsConversion.convert(["a": tensor, "module.a": tensor], source: "dup.pt")) { error in
            XCTAssertEqual(error as? WeightsConversion.Failure, .duplicateKey(source: "dup.pt", key: "a"))
        }
    }
}
