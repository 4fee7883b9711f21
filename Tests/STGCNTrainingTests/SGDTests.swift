import XCTest
import STGCNModel
@testable import STGCNTraining

final class SGDTests: XCTestCase {
    /// Two steps by hand with PyTorch's rule: d = g + λp; b = d, then b = μb + d; d = d + μb; p −= lr·d.
    func testNesterovMomentumAndWeightDecayFollowPyTorch() {
        let parameter = Parameter(shape: [2])
        parameter.value = [1, -2]
        let optimizer = SGD(parameters: [("p", parameter)], learningRate: 0.1, momentum: 0.9,
                            weightDecay: 0.01, nesterov: true)
        var p: [Double] = [1, -2], buffer: [Double] = [0, 0]
        for (step, gradient) in [[0.5, -1.0], [0.25, 2.0]].enumerated() {
            parameter.gradient = gradient.map { Float($0) }
            optimizer.step()
            for i in 0..<2 {
                let d = gradient[i] + 0.01 * p[i]
                buffer[i] = step == 0 ? d : 0.9 * buffer[i] + d
                p[i] -= 0.1 * (d + 0.9 * buffer[i])
            }
            XCTAssertEqual(Double(parameter.value[0]), p[0], accuracy: 1e-6)
            XCTAssertEqual(Double(parameter.value[1]), p[1], accuracy: 1e-6)
        }
        XCTAssertEqual(optimizer.momentumBuffers["p"]?.count, 2)
    }

    func testPlainMomentumWithoutNesterov() {
        let parameter = Parameter(shape: [1])
        parameter.value = [0]
        let optimizer = SGD(parameters: [("p", parameter)], learningRate: 1, momentum: 0.5,
                            weightDecay: 0, nesterov: false)
        parameter.gradient = [1]
        optimizer.step()   // b = 1, p = −1
        optimizer.step()   // b = 1.5, p = −2.5
        XCTAssertEqual(parameter.value[0], -2.5, accuracy: 1e-6)
    }

    func testStepScheduleIsEvaluatedPerEpoch() {
        let schedule = StepLearningRateSchedule(baseLearningRate: 0.1, steps: [10, 50])
        XCTAssertEqual(schedule.learningRate(atEpoch: 0), 0.1, accuracy: 1e-9)
        XCTAssertEqual(schedule.learningRate(atEpoch: 9), 0.1, accuracy: 1e-9)
        XCTAssertEqual(schedule.learningRate(atEpoch: 10), 0.01, accuracy: 1e-9)
        XCTAssertEqual(schedule.learningRate(atEpoch: 49), 0.01, accuracy: 1e-9)
        XCTAssertEqual(schedule.learningRate(atEpoch: 50), 0.001, accuracy: 1e-9)
    }
}
