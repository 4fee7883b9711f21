import Foundation
import XCTest
import STGCNTestSupport
import SkeletonFormats

final class NpyWriteTests: XCTestCase {
    func testEncodedHeaderIsVersion1AlignedTo64() throws {
        for shape in [[], [5], [2, 3, 40, 25, 2], [1_000_000_000, 0]] {
            let count = shape.reduce(1, *)
            let data = Npy.encode(float32: [Float](repeating: 1, count: count), shape: shape)
            XCTAssertEqual(Array(data.prefix(8)), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
            let headerLength = Int(data[8]) | Int(data[9]) << 8
            XCTAssertEqual((10 + headerLength) % 64, 0, "\(shape)")
            let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
            XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': "), header)
            XCTAssertTrue(header.hasSuffix("\n"))
            let array = try Npy.read(data: data, source: "encoded")
            XCTAssertEqual(array.shape, shape)
            XCTAssertEqual(array.dtype, .float32)
        }
        let header = String(decoding: Npy.encode(float32: [1], shape: [1]).prefix(128), as: UTF8.self)
        XCTAssertTrue(header.contains("'shape': (1,), }"), header)
        let scalarHeader = String(decoding: Npy.encode(float32: [1], shape: []).prefix(128), as: UTF8.self)
        XCTAssertTrue(scalarHeader.contains("'shape': (), }"), scalarHeader)
    }

    func testWriteThenReadRoundTrip() throws {
        let directory = try makeTemporaryDirectory(self)
        let url = directory.appendingPathComponent("data.npy")
        let values: [Float] = (0..<24).map { Float($0) * 0.5 - 3 }
        try Npy.write(float32: values, shape: [2, 3, 4], to: url)
        try Npy.write(float32: values, shape: [4, 6], to: url)  // replaces atomically
        let array = try Npy.read(contentsOf: url)
        XCTAssertEqual(array.shape, [4, 6])
        XCTAssertEqual(try array.floatValues(), values)
        XCTAssertEqual(try array.floatValues(elements: 6..<12), Array(values[6..<12]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["data.npy"])
    }

    func testGenericArrayEncoding() throws {
        let array = try NpyArray(dtype: .int64, shape: [2], data: littleEndianBytes([Int64(3), -4]))
        let back = try Npy.read(data: Npy.encode(array), source: "t")
        XCTAssertEqual(back.dtype, .int64)
        XCTAssertEqual(try back.int64Values(), [3, -4])
        let flags = try NpyArray(dtype: .bool, shape: [2], data: Data([1, 0]))
        let header = String(decoding: Npy.encode(flags).prefix(128), as: UTF8.self)
        XCTAssertTrue(header.contains("'|b1'"), header)
        XCTAssertThrowsError(try NpyArray(dtype: .float32, shape: [2], data: Data(count: 4)))
    }

    func testWriteIntoMissingDirectoryFails() throws {
        let url = URL(fileURLWithPath: "/nonexistent-dir-\(UUID().uuidString)/x.npy")
        XCTAssertThrowsError(try Npy.write(float32: [1], shape: [1], to: url)) { error in
            guard case .writeFailed(url.path, _) = error as? NpyError else { return XCTFail("\(error)") }
        }
    }
}
