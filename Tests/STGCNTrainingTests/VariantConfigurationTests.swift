import XCTest
import SkeletonGraph
import STGCNModel
@testable import STGCNTraining

/// `model_args.variant`, `graph_args.strategy: distance_tied` and the two-stream model name.
final class VariantConfigurationTests: XCTestCase {
    func read(_ text: String) throws -> ExperimentConfiguration {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("variant-\(UUID()).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try ExperimentConfiguration(contentsOf: url)
    }

    func config(model: String = "net.st_gcn.Model", arguments: String = "", strategy: String = "spatial") -> String {
        """
        model: \(model)
        model_args:
          in_channels: 3
          num_class: 4
        \(arguments.isEmpty ? "" : "  " + arguments + "\n")  graph_args:
            layout: ntu-rgb+d
            strategy: \(strategy)
        """
    }

    func testDefaultsAreTheOfficialModel() throws {
        let experiment = try read(config())
        XCTAssertEqual(experiment.model.variant, .stgcn)
        XCTAssertTrue(experiment.model.edgeImportanceWeighting)
        XCTAssertEqual(experiment.architecture, .singleStream)
    }

    func testVariantsAndTiedDistance() throws {
        let baseline = try read(config(arguments: "variant: baseline_tcn"))
        XCTAssertEqual(baseline.model.variant, .baselineTCN)
        XCTAssertFalse(baseline.model.edgeImportanceWeighting, "no graph, so no importance by default")
        let local = try read(config(arguments: "variant: local_convolution", strategy: "uniform"))
        XCTAssertEqual(local.model.variant, .localConvolution)
        XCTAssertTrue(local.model.edgeImportanceWeighting)
        let tied = try read(config(arguments: "edge_importance_weighting: false", strategy: "distance_tied"))
        XCTAssertEqual(tied.model.variant, .distanceTied)
        XCTAssertEqual(tied.model.strategy, .distance)
        XCTAssertFalse(tied.model.edgeImportanceWeighting)
    }

    func testTwoStreamModelName() throws {
        let experiment = try read(config(model: "net.st_gcn_twostream.Model"))
        XCTAssertEqual(experiment.architecture, .twoStream)
        XCTAssertTrue(try experiment.architecture.makeModel(configuration: experiment.model) is TwoStreamNetwork)
    }

    func testErrorsNameTheKey() throws {
        func message(_ text: String) -> String {
            do { _ = try read(text); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(message(config(arguments: "variant: gcn_plus")).contains("model_args.variant"))
        XCTAssertTrue(message(config(strategy: "distance_untied")).contains("distance_tied"))
        XCTAssertTrue(message(config(arguments: "variant: local_convolution", strategy: "distance_tied")).contains("model_args.graph_args.strategy"))
        XCTAssertTrue(message(config(arguments: "variant: distance_tied")).contains("distance strategy"))
        XCTAssertTrue(message(config(model: "net.st_gcn_threestream.Model")).contains("net.st_gcn_twostream.Model"))
        let importance = message(config(arguments: "variant: baseline_tcn\n  edge_importance_weighting: true"))
        XCTAssertTrue(importance.contains("edge_importance_weighting"), importance)
        XCTAssertFalse(importance.contains("\n"), "one line")
    }
}
