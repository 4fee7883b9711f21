import Foundation
import XCTest
@testable import SkeletonFormats

final class TorchCheckpointWriterTests: XCTestCase {
    func testCRC32KnownValue() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([UInt8]()), 0)
    }

    func testRoundTripThroughTheReaderWithEveryDType() throws {
        var tensors: [String: SafetensorsTensor] = [
            "conv.weight": SafetensorsTensor(float32: (0..<24).map { Float($0) - 11.5 }, shape: [2, 3, 4, 1]),
            "bn.num_batches_tracked": SafetensorsTensor(int64: [123_456_789_012], shape: []),
            "empty": SafetensorsTensor(float32: [], shape: [0, 3]),
        ]
        for dtype in TensorDType.allCases where tensors["t." + dtype.rawValue] == nil {
            tensors["t." + dtype.rawValue] = try SafetensorsTensor(dtype: dtype, shape: [3],
                                                                   bytes: Data((0..<(3 * dtype.byteSize)).map { UInt8($0 % 2) }))
        }
        let data = try TorchCheckpointWriter.encode(tensors)
        XCTAssertEqual(TorchCheckpoint.format(of: data), .zip)
        let decoded = try TorchCheckpoint.decode(data, source: "written.pt")
        XCTAssertEqual(decoded, tensors)

        let archive = try ZipArchive(data: data, source: "written.pt")
        XCTAssertEqual(archive.entries.first?.name, "archive/data.pkl")
        XCTAssertTrue(archive.entries.contains { $0.name == "archive/version" })
    }

    func testStoragesAreAlignedTo64Bytes() throws {
        let data = try TorchCheckpointWriter.encode(["a": SafetensorsTensor(float32: [1, 2, 3], shape: [3]),
                                                     "b": SafetensorsTensor(float32: [4], shape: [1])])
        let bytes = [UInt8](data)
        var position = 0, storages = 0
        while position + 30 <= bytes.count, bytes[position..<position + 4] == [0x50, 0x4B, 0x03, 0x04] {
            let nameLength = Int(bytes[position + 26]) | Int(bytes[position + 27]) << 8
            let extraLength = Int(bytes[position + 28]) | Int(bytes[position + 29]) << 8
            let size = (0..<4).reduce(0) { $0 | Int(bytes[position + 22 + $1]) << (8 * $1) }
            let start = position + 30 + nameLength + extraLength
            XCTAssertEqual(start % 64, 0)
            if String(decoding: bytes[(position + 30)..<(position + 30 + nameLength)], as: UTF8.self).contains("/data/") {
                storages += 1
            }
            position = start + size
        }
        XCTAssertEqual(storages, 2)
    }

    func testWriteIsAtomicAndReportsTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pt-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("w.pt")
        try TorchCheckpointWriter.write(["x": SafetensorsTensor(float32: [1], shape: [1])], to: url)
        XCTAssertEqual(try TorchCheckpoint.read(contentsOf: url)["x"], SafetensorsTensor(float32: [1], shape: [1]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["w.pt"])
        let missing = folder.appendingPathComponent("no/such/dir/w.pt")
        XCTAssertThrowsError(try TorchCheckpointWriter.write([:], to: missing)) { error in
            XCTAssertTrue("\(error)".contains(missing.path), "\(error)")
        }
    }
}
