import XCTest
import SkeletonFormats
@testable import SkeletonData

final class FiniteDataCheckTests: XCTestCase {
    func testFirstNonFiniteValueIsNamedByItsIndexAlongEachAxis() throws {
        let shape = [2, 3, 4, 5, 2]
        var values = [Float](repeating: 0.5, count: shape.reduce(1, *))
        let flat = (((1 * 3 + 2) * 4 + 3) * 5 + 1) * 2 + 0
        values[flat] = .nan
        values[flat + 7] = .infinity
        let array = NpyArray(float32: values, shape: shape)
        for check in [{ try FiniteDataCheck.requireFinite(array, axes: FiniteDataCheck.batchAxes, file: "x.npy") },
                      { try FiniteDataCheck.requireFinite(values, shape: shape, axes: FiniteDataCheck.batchAxes, file: "x.npy") }] {
            XCTAssertThrowsError(try check()) { error in
                guard case let NonFiniteDataError.nonFinite(file, value, index, axes)? = error as? NonFiniteDataError else {
                    return XCTFail("\(error)")
                }
                XCTAssertEqual(file, "x.npy")
                XCTAssertTrue(value.isNaN)
                XCTAssertEqual(index, [1, 2, 3, 1, 0])
                XCTAssertEqual(axes, ["n", "c", "t", "v", "m"])
                XCTAssertTrue("\(error)".hasPrefix("x.npy: non-finite value nan at (n, c, t, v, m) = (1, 2, 3, 1, 0)"), "\(error)")
            }
        }
        values[flat] = 0
        values[flat + 7] = 0
        XCTAssertNoThrow(try FiniteDataCheck.requireFinite(NpyArray(float32: values, shape: shape), axes: FiniteDataCheck.batchAxes, file: "x.npy"))
    }

    func testLargeArraysAreScannedInChunks() throws {
        let count = FiniteDataCheck.chunkElements * 2 + 3
        var values = [Float](repeating: 1, count: count)
        values[count - 2] = -.infinity
        XCTAssertThrowsError(try FiniteDataCheck.requireFinite(NpyArray(float32: values, shape: [count]), axes: ["i"], file: "big.npy")) { error in
            XCTAssertEqual(error as? NonFiniteDataError, .nonFinite(file: "big.npy", value: -.infinity, index: [count - 2], axes: ["i"]))
        }
    }
}
