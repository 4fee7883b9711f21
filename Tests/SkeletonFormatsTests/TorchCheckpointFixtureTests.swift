import Foundation
import XCTest
import STGCNTestSupport
import SkeletonFormats

/// Reads the real `torch.save` files of the shared fixtures and compares them with the
/// safetensors export of the same state dict.
final class TorchCheckpointFixtureTests: XCTestCase {
    private func assertMatchesSafetensors(_ checkpoint: String, format: TorchCheckpoint.Format) throws {
        let reference = try SafetensorsFile(contentsOf: Fixtures.url("stgcn-ntu-spatial/model.safetensors"))
        let url = try Fixtures.url("stgcn-ntu-spatial/\(checkpoint)")
        XCTAssertEqual(TorchCheckpoint.format(of: try Data(contentsOf: url, options: .alwaysMapped)), format)
        let tensors = try TorchCheckpoint.read(contentsOf: url)
        XCTAssertEqual(tensors.count, 172)
        XCTAssertEqual(tensors.keys.sorted(), reference.names)
        for name in reference.names {
            XCTAssertEqual(tensors[name], reference[name], "\(checkpoint): \(name)")
        }
        XCTAssertEqual(tensors["data_bn.num_batches_tracked"]?.dtype, .int64)
        XCTAssertEqual(tensors["st_gcn_networks.0.gcn.conv.weight"]?.shape, [192, 3, 1, 1])
    }

    func testZipCheckpointMatchesSafetensors() throws {
        try assertMatchesSafetensors("model.pt", format: .zip)
    }

    func testLegacyCheckpointMatchesSafetensors() throws {
        try assertMatchesSafetensors("model_legacy.pt", format: .legacy)
    }

    func testPublishedPySKLCheckpoint() throws {
        let tensors = try TorchCheckpoint.read(contentsOf: Fixtures.url("real/pyskl-hagrid.pth"))
        XCTAssertEqual(tensors.count, 418)
        XCTAssertTrue(tensors.keys.allSatisfy { $0.hasPrefix("backbone.") || $0.hasPrefix("cls_head.") })
        XCTAssertEqual(tensors["backbone.data_bn.weight"]?.shape, [42])
        XCTAssertEqual(tensors["backbone.data_bn.weight"]?.dtype, .float32)
        for tensor in tensors.values {
            XCTAssertEqual(tensor.bytes.count, tensor.elementCount * tensor.dtype.byteSize)
        }
        let trackedCounts = tensors.filter { $0.key.hasSuffix("num_batches_tracked") }
        XCTAssertTrue(trackedCounts.values.allSatisfy { $0.dtype == .int64 && $0.shape == [] })
        if ProcessInfo.processInfo.environment["PRINT_PYSKL"] != nil {
            for name in tensors.keys.sorted() {
                if let tensor = tensors[name] { print("PYSKL \(name) \(tensor.dtype.rawValue) \(tensor.shape)") }
            }
        }
    }

    func testTruncatedFixturesGiveClearErrors() throws {
        let zip = try Data(contentsOf: Fixtures.url("stgcn-ntu-spatial/model.pt"))
        XCTAssertThrowsError(try TorchCheckpoint.decode(zip.prefix(zip.count - 1000), source: "cut.pt")) { error in
            guard case .malformedZip? = error as? TorchCheckpointError else { return XCTFail("\(error)") }
        }
        let legacy = try Data(contentsOf: Fixtures.url("stgcn-ntu-spatial/model_legacy.pt"))
        XCTAssertThrowsError(try TorchCheckpoint.decode(legacy.prefix(legacy.count - 1000), source: "cut.pt")) { error in
            guard case .truncatedStorage? = error as? TorchCheckpointError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".hasPrefix("cut.pt: byte "), "\(error)")
        }
    }
}
