import Foundation
import XCTest
import STGCNTestSupport
import SkeletonFormats

/// Reads the official-format dataset file written by numpy.
final class NpyFixtureTests: XCTestCase {
    func testOfficialDataFile() throws {
        let array = try Npy.read(contentsOf: Fixtures.url("stgcn-ntu-spatial/data.npy"))
        XCTAssertEqual(array.dtype, .float32)
        XCTAssertEqual(array.shape, [2, 3, 40, 25, 2])
        XCTAssertFalse(array.isFortranOrder)
        let values = try array.floatValues()
        XCTAssertEqual(values.count, 2 * 3 * 40 * 25 * 2)

        // The same batch is the `input` tensor of io.safetensors.
        let io = try SafetensorsFile(contentsOf: Fixtures.url("stgcn-ntu-spatial/io.safetensors"))
        XCTAssertEqual(try io.tensor("input").floatValues(), values)

        // Sample 1, second person is zero from frame 20 on (README).
        let sample = 3 * 40 * 25 * 2
        let second = try array.floatValues(elements: sample..<(2 * sample))
        for c in 0..<3 { for t in 20..<40 { for v in 0..<25 {
            XCTAssertEqual(second[((c * 40 + t) * 25 + v) * 2 + 1], 0)
        } } }
    }
}
