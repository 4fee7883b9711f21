import XCTest
import STGCNTensor
@testable import STGCNModel

/// Finite-difference gradient checks: the loss is `L = Σ r ⊙ f(x)` for a fixed random `r`,
/// its analytic gradient comes from the layer's backward pass, and sampled coordinates are
/// compared with central differences.
struct GradientChecker {
    var step: Float = 2e-3
    /// Allowed error relative to the largest analytic gradient entry of the tensor.
    var relativeTolerance: Float = 1e-2
    var samplesPerTensor = 24

    /// Random values in [-1, 1).
    static func random(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in (generator.nextUniform() * 2 - 1) * scale }
    }

    /// `Σ r ⊙ y` in double precision.
    static func weightedSum(_ y: [Float], _ r: [Float]) -> Double {
        precondition(y.count == r.count)
        var total = 0.0
        for i in 0..<y.count { total += Double(y[i]) * Double(r[i]) }
        return total
    }

    /// Compares `analytic` with central differences of `loss` as `read`/`write` perturb one entry.
    func check(_ label: String, analytic: [Float], count: Int,
               read: (Int) -> Float, write: (Int, Float) -> Void, loss: () -> Double,
               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(analytic.count, count, "\(label): gradient size", file: file, line: line)
        let scale = max(analytic.map { abs($0) }.max() ?? 0, 0.1)
        var generator = SeededGenerator(seed: UInt64(count) &* 31 &+ UInt64(label.utf8.count))
        let indices = count <= samplesPerTensor ? Array(0..<count)
            : (0..<samplesPerTensor).map { _ in Int(generator.next() % UInt64(count)) }
        var worst: Float = 0
        func centralDifference(_ index: Int, _ h: Float) -> Float {
            let original = read(index)
            write(index, original + h)
            let plus = loss()
            write(index, original - h)
            let minus = loss()
            write(index, original)
            return Float((plus - minus) / Double(2 * h))
        }
        for index in indices {
            var error = abs(centralDifference(index, step) - analytic[index]) / scale
            if error > relativeTolerance {
                // A ReLU kink inside [x − h, x + h] spoils one step size; a smaller step avoids it.
                error = min(error, abs(centralDifference(index, step / 4) - analytic[index]) / scale)
            }
            worst = max(worst, error)
        }
        XCTAssertLessThanOrEqual(worst, relativeTolerance,
                                 "\(label): worst finite-difference error \(worst) of max |grad| \(scale)",
                                 file: file, line: line)
    }

    /// Checks a parameter's accumulated gradient against finite differences of `loss`.
    func check(_ label: String, parameter: Parameter, loss: () -> Double,
               file: StaticString = #filePath, line: UInt = #line) {
        let analytic = parameter.gradient
        check(label, analytic: analytic, count: parameter.count,
              read: { parameter.value[$0] }, write: { parameter.value[$0] = $1 }, loss: loss,
              file: file, line: line)
    }
}
