import XCTest
@testable import STGCNTraining

final class ClassificationMetricsTests: XCTestCase {
    func testTopKConfusionAndMeanClassAccuracy() {
        // 3 classes; rows are scores.
        let scores: [Float] = [
            0.9, 0.05, 0.05,   // label 0, predicted 0
            0.2, 0.7, 0.1,     // label 0, predicted 1 (label rank 2)
            0.1, 0.3, 0.6,     // label 1, predicted 2 (label rank 2)
            0.1, 0.2, 0.7,     // label 2, predicted 2
        ]
        let metrics = ClassificationMetrics(scores: scores, labels: [0, 0, 1, 2], classCount: 3, logitsForLoss: false)
        XCTAssertEqual(metrics.top1, 0.5)
        XCTAssertEqual(metrics.topK, [0.5, 1.0, 1.0])
        XCTAssertEqual(metrics.top5, 1.0, "top-5 with 3 classes is top-3")
        XCTAssertEqual(metrics.confusion, [[1, 1, 0], [0, 0, 1], [0, 0, 1]])
        XCTAssertEqual(metrics.perClassAccuracy, [0.5, 0.0, 1.0])
        XCTAssertEqual(metrics.meanClassAccuracy, 0.5, accuracy: 1e-12)
        XCTAssertNil(metrics.meanLoss)
    }

    func testTiesRankTheLowerClassFirstAndLossMatchesCrossEntropy() {
        let metrics = ClassificationMetrics(scores: [1, 1, 0, 0, 0, 0], labels: [1], classCount: 6)
        XCTAssertEqual(metrics.top1, 0, "a tie with class 0 puts class 0 first")
        XCTAssertEqual(metrics.topK[1], 1)
        let expected = log(2 * exp(1.0) + 4) - 1
        XCTAssertEqual(metrics.meanLoss ?? 0, expected, accuracy: 1e-9)
        XCTAssertEqual(metrics.perClassAccuracy[0], nil, "no samples of class 0")
        XCTAssertEqual(metrics.meanClassAccuracy, 0)
    }
}
