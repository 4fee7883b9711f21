import Foundation
import XCTest
import STGCNTestSupport
import SkeletonFormats

/// Reads the real safetensors files written by the official PyTorch tooling.
final class SafetensorsFixtureTests: XCTestCase {
    func testOfficialModelStateDict() throws {
        let url = try Fixtures.url("stgcn-ntu-spatial/model.safetensors")
        let file = try SafetensorsFile(contentsOf: url)
        XCTAssertEqual(file.names.count, 172)
        XCTAssertEqual(file.names, file.names.sorted())

        let a = try file.tensor("A")
        XCTAssertEqual(a.dtype, .float32)
        XCTAssertEqual(a.shape, [3, 25, 25])
        let values = try a.floatValues()
        XCTAssertEqual(values.count, 3 * 25 * 25)
        // Every column of Σ_k A_k sums to 1.
        for w in 0..<25 {
            let sum = (0..<3).reduce(Float(0)) { total, k in total + (0..<25).reduce(Float(0)) { $0 + values[(k * 25 + $1) * 25 + w] } }
            XCTAssertEqual(sum, 1, accuracy: 1e-6)
        }

        let tracked = try file.tensor("data_bn.num_batches_tracked")
        XCTAssertEqual(tracked.dtype, .int64)
        XCTAssertEqual(tracked.shape, [])
        XCTAssertEqual(try tracked.int64Values().count, 1)

        XCTAssertEqual(try file.tensor("data_bn.weight").shape, [75])
        XCTAssertEqual(try file.tensor("st_gcn_networks.0.gcn.conv.weight").shape, [192, 3, 1, 1])
        XCTAssertEqual(try file.tensor("fcn.weight").shape, [10, 256, 1, 1])
        XCTAssertEqual(try file.tensor("edge_importance.9").shape, [3, 25, 25])
    }

    func testReencodingTheFixtureRoundTrips() throws {
        let url = try Fixtures.url("stgcn-ntu-spatial/model.safetensors")
        let file = try SafetensorsFile(contentsOf: url)
        let again = try SafetensorsFile(data: SafetensorsFile.encode(file.tensors, metadata: file.metadata), source: "re-encoded")
        XCTAssertEqual(again.names, file.names)
        for name in file.names { XCTAssertEqual(again[name], file[name], name) }
    }

    func testIOFixtureHasTheInputBatch() throws {
        let file = try SafetensorsFile(contentsOf: Fixtures.url("stgcn-ntu-spatial/io.safetensors"))
        let input = try file.tensor("input")
        XCTAssertEqual(input.dtype, .float32)
        XCTAssertEqual(input.shape, [2, 3, 40, 25, 2])
        XCTAssertEqual(try file.tensor("label").dtype, .int64)
    }
}
