import Foundation
import XCTest
import STGCNTestSupport
import SkeletonFormats

final class SafetensorsRoundTripTests: XCTestCase {
    private func sampleTensors() throws -> [String: SafetensorsTensor] {
        [
            "weight": SafetensorsTensor(float32: [1, -2.5, 3.25, 0, .infinity, -0.0], shape: [2, 3]),
            "counter": SafetensorsTensor(int64: [42], shape: []),
            "empty": SafetensorsTensor(float32: [], shape: [0, 4]),
            "mask": try SafetensorsTensor(dtype: .bool, shape: [3], bytes: Data([1, 0, 1])),
            "a \"quoted\"\\name\nwith ünïcode": SafetensorsTensor(int64: [-1, Int64.max], shape: [2]),
        ]
    }

    func testEncodeThenReadGivesTheSameTensorsAndMetadata() throws {
        let tensors = try sampleTensors()
        let metadata = ["format": "pt", "note": "line1\nline2 \"q\""]
        let data = SafetensorsFile.encode(tensors, metadata: metadata)
        let file = try SafetensorsFile(data: data, source: "memory")
        XCTAssertEqual(file.names, tensors.keys.sorted())
        XCTAssertEqual(file.metadata, metadata)
        for (name, tensor) in tensors {
            XCTAssertEqual(file[name], tensor, name)
        }
        XCTAssertEqual(try file.tensor("weight").floatValues(), [1, -2.5, 3.25, 0, .infinity, -0.0])
        XCTAssertEqual(try file.tensor("counter").int64Values(), [42])
        XCTAssertEqual(try file.tensor("mask").floatValues(), [1, 0, 1])
        XCTAssertEqual(try file.tensor("empty").floatValues(), [])
    }

    func testLayoutIsAlignedSortedAndContiguous() throws {
        let data = SafetensorsFile.encode(try sampleTensors(), metadata: nil)
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(headerLength % 8, 0)
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any])
        XCTAssertNil(header["__metadata__"], "nil metadata is omitted")
        var expectedBegin = 0
        for name in header.keys.sorted() {
            let entry = try XCTUnwrap(header[name] as? [String: Any])
            let offsets = try XCTUnwrap(entry["data_offsets"] as? [Int])
            XCTAssertEqual(offsets[0], expectedBegin, "tensors laid out in name order without gaps: \(name)")
            expectedBegin = offsets[1]
        }
        XCTAssertEqual(8 + headerLength + expectedBegin, data.count)
    }

    func testWriteIsAtomicAndReadable() throws {
        let directory = try makeTemporaryDirectory(self)
        let url = directory.appendingPathComponent("model.safetensors")
        let tensors = ["x": SafetensorsTensor(float32: [1, 2, 3, 4], shape: [2, 2])]
        try SafetensorsFile.write(tensors, metadata: ["k": "v"], to: url)
        // Overwrite in place: the second write replaces the first.
        try SafetensorsFile.write(["y": SafetensorsTensor(int64: [7], shape: [1])], to: url)
        let file = try SafetensorsFile(contentsOf: url)
        XCTAssertEqual(file.names, ["y"])
        XCTAssertEqual(file.metadata, [:])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["model.safetensors"], "no temporary files left")
    }

    func testWriteRejectsReservedNameAndBadDirectory() throws {
        let directory = try makeTemporaryDirectory(self)
        XCTAssertThrowsError(try SafetensorsFile.write(["__metadata__": SafetensorsTensor(int64: [1], shape: [1])],
                                                       to: directory.appendingPathComponent("x.safetensors"))) { error in
            XCTAssertTrue(String(describing: error).contains("__metadata__"), "\(error)")
        }
        let missing = directory.appendingPathComponent("no/such/dir/x.safetensors")
        XCTAssertThrowsError(try SafetensorsFile.write(["a": SafetensorsTensor(int64: [1], shape: [1])], to: missing)) { error in
            guard case .writeFailed(let file, _) = error as? SafetensorsError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, missing.path)
        }
    }

    func testTensorInitChecksByteCount() {
        XCTAssertThrowsError(try SafetensorsTensor(dtype: .float32, shape: [2, 2], bytes: Data(count: 15))) { error in
            XCTAssertEqual(error as? SafetensorsError, .byteCountMismatch(dtype: .float32, shape: [2, 2], expected: 16, actual: 15))
        }
        XCTAssertThrowsError(try SafetensorsTensor(dtype: .float32, shape: [-1], bytes: Data())) { error in
            guard case .invalidShape = error as? SafetensorsError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try SafetensorsTensor(dtype: .float64, shape: [1 << 40, 1 << 40], bytes: Data())) { error in
            guard case .invalidShape = error as? SafetensorsError else { return XCTFail("\(error)") }
        }
    }

    func testHalfPrecisionAndOtherConversions() throws {
        // F16: 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal), +inf, 0.5
        let f16: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x3800]
        let half = try SafetensorsTensor(dtype: .float16, shape: [6], bytes: littleEndianBytes(f16))
        XCTAssertEqual(try half.floatValues(), [1, -2, 65504, 0x1p-24, .infinity, 0.5])
        XCTAssertTrue(try SafetensorsTensor(dtype: .float16, shape: [1], bytes: littleEndianBytes([UInt16(0x7E00)])).floatValues()[0].isNaN)
        // BF16: 1.0, -3.0
        let bf16 = try SafetensorsTensor(dtype: .bfloat16, shape: [2], bytes: littleEndianBytes([UInt16(0x3F80), 0xC040]))
        XCTAssertEqual(try bf16.floatValues(), [1, -3])
        let f64 = try SafetensorsTensor(dtype: .float64, shape: [2], bytes: littleEndianBytes([(0.25 as Double).bitPattern, (-1e10 as Double).bitPattern]))
        XCTAssertEqual(try f64.floatValues(), [0.25, -1e10])
        // Doubles keep what a Float cannot: 1 + 2^-40 and 1e-300.
        let precise = try SafetensorsTensor(dtype: .float64, shape: [2], bytes: littleEndianBytes([(1 + 0x1p-40 as Double).bitPattern, (1e-300 as Double).bitPattern]))
        XCTAssertEqual(try precise.doubleValues(), [1 + 0x1p-40, 1e-300])
        XCTAssertEqual(try half.doubleValues(), [1, -2, 65504, 0x1p-24, .infinity, 0.5])
        XCTAssertEqual(try SafetensorsTensor(float32: [0.1, -3], shape: [2]).doubleValues(), [Double(Float(0.1)), -3])
        let i8 = try SafetensorsTensor(dtype: .int8, shape: [2], bytes: Data([0xFF, 0x7F]))
        XCTAssertEqual(try i8.floatValues(), [-1, 127])
        XCTAssertEqual(try i8.int64Values(), [-1, 127])
        XCTAssertEqual(try i8.doubleValues(), [-1, 127])
        let i32 = try SafetensorsTensor(dtype: .int32, shape: [1], bytes: littleEndianBytes([UInt32(bitPattern: -5)]))
        XCTAssertEqual(try i32.int64Values(), [-5])
        let i16 = try SafetensorsTensor(dtype: .int16, shape: [1], bytes: littleEndianBytes([UInt16(bitPattern: -300)]))
        XCTAssertEqual(try i16.floatValues(), [-300])
        XCTAssertEqual(try SafetensorsTensor(dtype: .uint8, shape: [1], bytes: Data([200])).int64Values(), [200])
        XCTAssertThrowsError(try half.int64Values()) { error in
            guard case .notConvertible(.float16, "Int64", _) = error as? SafetensorsError else { return XCTFail("\(error)") }
        }
    }

    func testDTypeByteSizes() {
        let sizes: [TensorDType: Int] = [.float16: 2, .bfloat16: 2, .float32: 4, .float64: 8, .int64: 8,
                                         .int32: 4, .int16: 2, .int8: 1, .uint8: 1, .bool: 1]
        for dtype in TensorDType.allCases { XCTAssertEqual(dtype.byteSize, sizes[dtype], dtype.rawValue) }
        XCTAssertEqual(TensorDType(rawValue: "BF16"), .bfloat16)
    }
}

/// Little-endian bytes of fixed-width integers.
func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> Data {
    var data = Data()
    for value in values { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
    return data
}
