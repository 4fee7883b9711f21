import XCTest
import SkeletonGraph
import STGCNTestSupport
@testable import STGCNTraining

final class ExperimentConfigurationTests: XCTestCase {
    func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID()).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testReadsTheFixtureTestConfig() throws {
        let folder = try Fixtures.folder("stgcn-ntu-spatial")
        let configuration = try ExperimentConfiguration(contentsOf: folder.appendingPathComponent("test.yaml"))
        XCTAssertEqual(configuration.model.classCount, 10)
        XCTAssertEqual(configuration.model.layout, .ntuRGBD)
        XCTAssertEqual(configuration.model.strategy, .spatial)
        XCTAssertTrue(configuration.model.edgeImportanceWeighting)
        XCTAssertEqual(configuration.testBatchSize, 2)
        XCTAssertEqual(configuration.weights?.lastPathComponent, "model.pt")
        XCTAssertEqual(configuration.testDataPath?.path, folder.appendingPathComponent("data.npy").path)
        XCTAssertEqual(configuration.notApplicable, ["device"])
    }

    func testPublishedKineticsTrainConfigLoads() throws {
        // The published config/st_gcn/kinetics-skeleton/train.yaml, as distributed.
        let url = try write("""
        work_dir: ./work_dir/recognition/kinetics_skeleton/ST_GCN

        # feeder
        feeder: feeder.feeder.Feeder
        train_feeder_args:
          random_choose: True
          random_move: True
          window_size: 150
          data_path: ./data/Kinetics/kinetics-skeleton/train_data.npy
          label_path: ./data/Kinetics/kinetics-skeleton/train_label.pkl
        test_feeder_args:
          data_path: ./data/Kinetics/kinetics-skeleton/val_data.npy
          label_path: ./data/Kinetics/kinetics-skeleton/val_label.pkl

        # model
        model: net.st_gcn.Model
        model_args:
          in_channels: 3
          num_class: 400
          edge_importance_weighting: True
          graph_args:
            layout: 'openpose'
            strategy: 'spatial'

        # training
        device: [0,1,2,3]
        batch_size: 256
        test_batch_size: 256

        #optim
        base_lr: 0.1
        step: [20, 30, 40, 50]
        num_epoch: 50
        """)
        let configuration = try ExperimentConfiguration(contentsOf: url)
        XCTAssertEqual(configuration.model.classCount, 400)
        XCTAssertEqual(configuration.model.layout, .openpose)
        XCTAssertEqual(configuration.testBatchSize, 256)
    }

    func testCustomLayoutInYAML() throws {
        let url = try write("""
        model_args:
          in_channels: 2
          num_class: 3
          dropout: 0.5
          graph_args:
            layout: {name: hand, num_node: 4, edges: [[0, 1], [1, 2], [2, 3]], center: 1}
            strategy: distance
            max_hop: 2
        """)
        let model = try ExperimentConfiguration(contentsOf: url).model
        XCTAssertEqual(model.layout.jointCount, 4)
        XCTAssertEqual(model.layout.name, "hand")
        XCTAssertEqual(model.strategy, .distance)
        XCTAssertEqual(model.maxHop, 2)
        XCTAssertEqual(model.dropout, 0.5)
    }

    func testErrorsNameTheKeyAndLine() throws {
        func message(_ text: String) throws -> String {
            do {
                _ = try ExperimentConfiguration(contentsOf: try write(text))
                return ""
            } catch {
                return "\(error)"
            }
        }
        let base = "model_args:\n  in_channels: 3\n  num_class: 4\n  graph_args:\n    layout: coco\n"
        XCTAssertTrue(try message(base + "bogus: 1\n").contains("bogus"))
        XCTAssertTrue(try message(base.replacingOccurrences(of: "num_class: 4", with: "num_class: [4]"))
            .contains("model_args.num_class"))
        let edgeError = try message(base.replacingOccurrences(
            of: "layout: coco", with: "layout: {num_node: 3, edges: [[0, 1], [1, 5]], center: 0}"))
        XCTAssertTrue(edgeError.contains("model_args.graph_args.layout") && edgeError.contains(":5:"), edgeError)
        XCTAssertTrue(try message(base + "model: net.agcn.Model\n").contains("unsupported model"))
        XCTAssertTrue(try message(base.replacingOccurrences(of: "    layout: coco\n", with: "    strategy: spatial\n"))
            .contains("layout: missing"))
        XCTAssertTrue(try message("model_args: [1, 2]\n").contains("mapping"))
        XCTAssertTrue(try message("a: [unclosed\n").contains("YAML"))
        XCTAssertTrue(try message(base + "    strategy: radial\n").contains("radial"))
    }
}
