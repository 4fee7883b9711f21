import Foundation
import XCTest
import SkeletonFormats

/// Reading `.npy` bytes built by hand: header variants numpy (and older numpy) writes, and hostile files.
final class NpyReadTests: XCTestCase {
    /// A `.npy` file: magic, version, header length, `dict` padded to `alignment`, then `payload`.
    private func npy(_ dict: String, payload: Data, version: (UInt8, UInt8) = (1, 0), alignment: Int = 64) -> Data {
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version.0, version.1])
        let lengthSize = version.0 == 1 ? 2 : 4
        var header = Array(dict.utf8)
        while (8 + lengthSize + header.count + 1) % alignment != 0 { header.append(0x20) }
        header.append(0x0A)
        if lengthSize == 2 {
            data.append(littleEndianBytes([UInt16(header.count)]))
        } else {
            data.append(littleEndianBytes([UInt32(header.count)]))
        }
        data.append(contentsOf: header)
        data.append(payload)
        return data
    }

    private func floats(_ values: [Float]) -> Data { littleEndianBytes(values.map(\.bitPattern)) }

    private func error(_ data: Data) -> NpyError? {
        do {
            _ = try Npy.read(data: data, source: "bad.npy")
            XCTFail("expected an error")
            return nil
        } catch {
            XCTAssertFalse(error.description.contains("\n"), error.description)
            XCTAssertTrue(error.description.hasPrefix("bad.npy"), error.description)
            return error
        }
    }

    func testStandardFloat32Header() throws {
        let array = try Npy.read(data: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", payload: floats([1, 2, 3, 4, 5, 6])), source: "t")
        XCTAssertEqual(array.dtype, .float32)
        XCTAssertEqual(array.shape, [2, 3])
        XCTAssertFalse(array.isFortranOrder)
        XCTAssertEqual(try array.floatValues(), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try array.floatValues(elements: 2..<5), [3, 4, 5])
    }

    func testKeysInAnyOrderQuotesAndWhitespace() throws {
        let dict = "{ \"shape\" : ( 4 , ) ,\"fortran_order\":False,'descr':\"<f4\"}"
        let array = try Npy.read(data: npy(dict, payload: floats([1, 2, 3, 4]), alignment: 16), source: "t")
        XCTAssertEqual(array.shape, [4])
        XCTAssertEqual(try array.floatValues(), [1, 2, 3, 4])
    }

    func testScalarOneDimensionalAndEmptyShapes() throws {
        let scalar = try Npy.read(data: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", payload: littleEndianBytes([(2.5 as Double).bitPattern])), source: "t")
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(try scalar.floatValues(), [2.5])
        let vector = try Npy.read(data: npy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", payload: littleEndianBytes([Int64(-7), 0, 9])), source: "t")
        XCTAssertEqual(try vector.int64Values(), [-7, 0, 9])
        XCTAssertEqual(try vector.floatValues(), [-7, 0, 9])
        let empty = try Npy.read(data: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", payload: Data()), source: "t")
        XCTAssertEqual(try empty.floatValues(), [])
    }

    func testPython2LongSuffixAndVersions2And3() throws {
        let legacy = try Npy.read(data: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L), }", payload: floats([1, 2]), alignment: 16), source: "t")
        XCTAssertEqual(legacy.shape, [1, 2])
        for version: (UInt8, UInt8) in [(2, 0), (3, 0)] {
            let array = try Npy.read(data: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", payload: floats([7, 8]), version: version), source: "t")
            XCTAssertEqual(try array.floatValues(), [7, 8])
        }
    }

    func testOtherDTypesConvertToFloat() throws {
        let half = try Npy.read(data: npy("{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }", payload: littleEndianBytes([UInt16(0x3C00), 0xBC00, 0x3555])), source: "t")
        let halfValues = try half.floatValues()
        XCTAssertEqual(halfValues[0], 1)
        XCTAssertEqual(halfValues[1], -1)
        XCTAssertEqual(halfValues[2], 0.333251953125)
        let bytes = try Npy.read(data: npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", payload: Data([0, 255])), source: "t")
        XCTAssertEqual(bytes.dtype, .uint8)
        XCTAssertEqual(try bytes.floatValues(), [0, 255])
        let flags = try Npy.read(data: npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", payload: Data([1, 0, 1])), source: "t")
        XCTAssertEqual(try flags.int64Values(), [1, 0, 1])
        let ints = try Npy.read(data: npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", payload: littleEndianBytes([Int32(-3), 5])), source: "t")
        XCTAssertEqual(try ints.floatValues(), [-3, 5])
        XCTAssertThrowsError(try half.int64Values()) { error in
            guard case .notConvertible(_, .float16, "Int64", _) = error as? NpyError else { return XCTFail("\(error)") }
        }
        let huge = try Npy.read(data: npy("{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }", payload: littleEndianBytes([UInt64.max])), source: "t")
        XCTAssertThrowsError(try huge.int64Values())
    }

    func testFortranOrderIsReturnedInCOrder() throws {
        // numpy: np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3)) stores 0 3 1 4 2 5.
        let array = try Npy.read(data: npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", payload: floats([0, 3, 1, 4, 2, 5])), source: "t")
        XCTAssertTrue(array.isFortranOrder)
        XCTAssertEqual(try array.floatValues(), [0, 1, 2, 3, 4, 5])
        // 3-D: shape (2, 2, 2), C value = 4i + 2j + k, stored with i fastest.
        var stored: [Float] = []
        for k in 0..<2 { for j in 0..<2 { for i in 0..<2 { stored.append(Float(4 * i + 2 * j + k)) } } }
        let cube = try Npy.read(data: npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2, 2), }", payload: floats(stored)), source: "t")
        XCTAssertEqual(try cube.floatValues(), (0..<8).map(Float.init))
        XCTAssertThrowsError(try cube.floatValues(elements: 0..<2))
    }

    func testElementRangeBounds() throws {
        let array = try Npy.read(data: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", payload: floats([1, 2, 3])), source: "t")
        XCTAssertEqual(try array.floatValues(elements: 3..<3), [])
        XCTAssertThrowsError(try array.floatValues(elements: 1..<4)) { error in
            guard case .invalidElementRange = error as? NpyError else { return XCTFail("\(error)") }
        }
    }

    func testBadMagicAndTruncatedPreamble() {
        XCTAssertEqual(error(Data("PK\u{3}\u{4}rest of a zip".utf8)), .badMagic(file: "bad.npy"))
        XCTAssertEqual(error(Data()), .truncatedHeader(file: "bad.npy", needed: 8, available: 0))
        XCTAssertEqual(error(Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1])), .truncatedHeader(file: "bad.npy", needed: 8, available: 7))
        XCTAssertEqual(error(Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 0x40])), .truncatedHeader(file: "bad.npy", needed: 10, available: 9))
    }

    func testTruncatedHeader() {
        let full = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", payload: floats([1]))
        XCTAssertEqual(error(full.prefix(40)), .truncatedHeader(file: "bad.npy", needed: 128, available: 40))
    }

    func testUnsupportedVersion() {
        XCTAssertEqual(error(npy("{}", payload: Data(), version: (4, 0))), .unsupportedVersion(file: "bad.npy", major: 4, minor: 0))
        XCTAssertEqual(error(npy("{}", payload: Data(), version: (1, 1))), .unsupportedVersion(file: "bad.npy", major: 1, minor: 1))
    }

    func testUnknownBigEndianAndStructuredDescr() {
        XCTAssertEqual(error(npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", payload: Data(count: 8))),
                       .unknownDescr(file: "bad.npy", descr: "<c8"))
        XCTAssertEqual(error(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", payload: Data(count: 4))),
                       .bigEndian(file: "bad.npy", descr: ">f4"))
        XCTAssertEqual(error(npy("{'descr': '|f4', 'fortran_order': False, 'shape': (1,), }", payload: Data(count: 4))),
                       .unknownDescr(file: "bad.npy", descr: "|f4"))
        guard case .invalidHeader(_, "descr", _)? = error(npy("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (1,), }", payload: Data(count: 4))) else { return XCTFail() }
        XCTAssertTrue(error(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", payload: Data(count: 4)))?.description.contains(">f4") ?? false)
    }

    func testMissingOrMistypedKeys() {
        let cases: [(String, String)] = [
            ("{'fortran_order': False, 'shape': (1,), }", "descr"),
            ("{'descr': '<f4', 'shape': (1,), }", "fortran_order"),
            ("{'descr': '<f4', 'fortran_order': False, }", "shape"),
            ("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", "fortran_order"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': [1], }", "shape"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 'a'), }", "shape"),
            ("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", "descr"),
        ]
        for (dict, key) in cases {
            guard case .invalidHeader(_, key, _)? = error(npy(dict, payload: Data(count: 4))) else { XCTFail(dict); continue }
        }
    }

    func testNegativeAndOverflowingShapes() {
        guard case .invalidShape(_, [2, -1], _)? = error(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }", payload: Data())) else { return XCTFail() }
        guard case .invalidShape? = error(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", payload: Data())) else { return XCTFail() }
        guard case .malformedHeader? = error(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }", payload: Data())) else { return XCTFail() }
    }

    func testMalformedDictReportsTheByteOffset() {
        guard case let .malformedHeader(_, offset, _)? = error(npy("{'descr': '<f4' 'fortran_order': False}", payload: Data())) else { return XCTFail() }
        XCTAssertEqual(offset, 10 + 16)
        for dict in ["{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}", "['descr']", "{'descr': '<f4", "{descr: 1}",
                     "{'shape': (1.5,)}", "{'a': " + String(repeating: "(", count: 5000) + "}"] {
            XCTAssertNotNil(error(npy(dict, payload: Data())), dict)
        }
    }

    func testPayloadSizeMustMatch() {
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
        XCTAssertEqual(error(npy(dict, payload: floats([1, 2, 3]))), .payloadSizeMismatch(file: "bad.npy", offset: 128, expected: 24, actual: 12))
        XCTAssertEqual(error(npy(dict, payload: floats([1, 2, 3, 4, 5, 6, 7]))), .payloadSizeMismatch(file: "bad.npy", offset: 128, expected: 24, actual: 28))
        XCTAssertTrue(error(npy(dict, payload: floats([1])))?.description.contains("truncated") ?? false)
    }

    func testUnreadableFileNamesThePath() {
        let path = "/nonexistent/data.npy"
        XCTAssertThrowsError(try Npy.read(contentsOf: URL(fileURLWithPath: path))) { error in
            guard case .unreadable(path, _) = error as? NpyError else { return XCTFail("\(error)") }
        }
    }
}
