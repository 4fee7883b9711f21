import XCTest
import STGCNModel
@testable import STGCNTraining

/// The HTML report of a diverged run: NaN and Inf in the history, the evaluation and the learned
/// edge importance are drawn (or left out) without trapping.
final class TrainingReportNonFiniteTests: XCTestCase {
    func testReportNeverTrapsOnNonFiniteNumbers() throws {
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: 3, layout: .openpose))
        network.initializeWeights(seed: 1)
        let masks = network.edgeImportance
        XCTAssertFalse(masks.isEmpty)
        masks[0].value[0] = .nan
        masks[1].value[1] = .infinity
        masks[2].value[2] = -.infinity
        var record = EpochRecord(epoch: 0, learningRate: 1e6, trainLoss: .nan, trainAccuracy: 0.5, trainSamples: 4,
                                 seconds: .infinity, clipsPerSecond: 0)
        let metrics = ClassificationMetrics(scores: [.nan, 1, 0, 0, .infinity, 0], labels: [0, 1], classCount: 3)
        record.evaluation = EvaluationRecord(metrics, seconds: 1)
        let history = [record, EpochRecord(epoch: 1, learningRate: 1, trainLoss: .infinity, trainAccuracy: .nan,
                                           trainSamples: 4, seconds: 1, clipsPerSecond: .nan)]
        let html = TrainingReport.html(title: "nan", history: history, evaluation: metrics, classNames: ["a", "b", "c"],
                                       network: network, notes: [])
        XCTAssertEqual(html.components(separatedBy: "<svg").count, html.components(separatedBy: "</svg>").count)
        XCTAssertFalse(html.contains("rgb(nan") || html.contains("stroke-width=\"nan\""), "no NaN in the drawing")
    }
}
