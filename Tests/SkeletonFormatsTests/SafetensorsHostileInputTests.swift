import Foundation
import XCTest
import SkeletonFormats

/// Crafted, hostile safetensors bytes: every one must give a clear error, never a crash.
final class SafetensorsHostileInputTests: XCTestCase {
    /// A file with `header` as its JSON and `buffer` as its data; `declaredLength` overrides the prefix.
    private func craft(_ header: String, buffer: Int = 0, declaredLength: UInt64? = nil) -> Data {
        let json = Data(header.utf8)
        var data = littleEndianBytes([declaredLength ?? UInt64(json.count)])
        data.append(json)
        data.append(Data(count: buffer))
        return data
    }

    private func error(_ data: Data, file: String = "bad.safetensors") -> SafetensorsError? {
        do {
            _ = try SafetensorsFile(data: data, source: file)
            XCTFail("expected an error")
            return nil
        } catch {
            let text = error.description
            XCTAssertFalse(text.contains("\n"), "one-line description: \(text)")
            XCTAssertTrue(text.contains(file), "description names the file: \(text)")
            return error
        }
    }

    func testTooShortForThePrefix() {
        XCTAssertEqual(error(Data([1, 2, 3])), .truncatedPrefix(file: "bad.safetensors", size: 3))
    }

    func testHeaderLengthLargerThanTheFile() {
        guard case .invalidHeaderLength(_, 1000, 2, _)? = error(craft("{}", declaredLength: 1000)) else { return XCTFail() }
    }

    func testAbsurdHeaderLengths() {
        guard case .invalidHeaderLength(_, UInt64.max, _, _)? = error(craft("{}", declaredLength: UInt64.max)) else { return XCTFail() }
        let overLimit = UInt64(SafetensorsFile.maximumHeaderLength) + 1
        guard case .invalidHeaderLength(_, overLimit, _, 100_000_000)? = error(craft("{}", declaredLength: overLimit)) else { return XCTFail() }
    }

    func testInvalidJSONReportsTheByteOffset() {
        guard case let .malformedHeader(_, offset, _)? = error(craft("{\"a\": ")) else { return XCTFail() }
        XCTAssertEqual(offset, 8 + 6)
        guard case .malformedHeader? = error(craft("{\"a\": tru}")) else { return XCTFail() }
        guard case .malformedHeader? = error(craft("{'a': 1}")) else { return XCTFail() }
        guard case .malformedHeader? = error(craft("{\"a\":{}} trailing")) else { return XCTFail() }
        guard case .malformedHeader? = error(craft("{\"a\":{},}")) else { return XCTFail() }
    }

    func testHeaderThatIsNotAnObject() {
        guard case .malformedHeader(_, 8, let reason)? = error(craft("[1, 2]")) else { return XCTFail() }
        XCTAssertTrue(reason.contains("object"), reason)
    }

    func testDuplicateKeysDeepNestingAndBadUTF8() {
        let entry = "{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}"
        guard case .malformedHeader(_, _, let reason)? = error(craft("{\"x\":\(entry),\"x\":\(entry)}", buffer: 1)) else { return XCTFail() }
        XCTAssertTrue(reason.contains("duplicate"), reason)
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        guard case .malformedHeader? = error(craft("{\"x\":\(deep)}")) else { return XCTFail() }
        let badBytes: [UInt8] = Array("{\"".utf8) + [0xFF, 0xFE] + Array("\":1}".utf8)
        var badUTF8 = littleEndianBytes([UInt64(badBytes.count)])
        badUTF8.append(contentsOf: badBytes)
        guard case .malformedHeader? = error(badUTF8) else { return XCTFail() }
        let longArray = "[" + Array(repeating: "0", count: 10_000).joined(separator: ",") + "]"
        guard case .malformedHeader(_, _, let reason2)? = error(craft("{\"x\":{\"dtype\":\"U8\",\"shape\":\(longArray),\"data_offsets\":[0,0]}}")) else { return XCTFail() }
        XCTAssertTrue(reason2.contains("array longer"), reason2)
    }

    func testUnknownDType() {
        XCTAssertEqual(error(craft("{\"t\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", buffer: 1)),
                       .unknownDType(file: "bad.safetensors", tensor: "t", dtype: "F8_E4M3"))
        guard case .invalidEntry(_, "t", _)? = error(craft("{\"t\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,1]}}", buffer: 1)) else { return XCTFail() }
    }

    func testBadShapes() {
        for shape in ["[-1]", "[2.5]", "[\"3\"]", "3", "[1e3]", "[99999999999999999999]"] {
            guard case let .invalidEntry(_, "t", reason)? = error(craft("{\"t\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[0,4]}}", buffer: 4)) else {
                XCTFail(shape); continue
            }
            XCTAssertTrue(reason.contains("shape"), reason)
        }
        let big = "[4611686018427387904,4611686018427387904]"
        guard case let .invalidEntry(_, "t", reason)? = error(craft("{\"t\":{\"dtype\":\"F32\",\"shape\":\(big),\"data_offsets\":[0,4]}}", buffer: 4)) else { return XCTFail() }
        XCTAssertTrue(reason.contains("overflow"), reason)
        let almost = "[2305843009213693952]"  // 2^61 elements * 4 bytes overflows Int
        guard case .invalidEntry(_, "t", _)? = error(craft("{\"t\":{\"dtype\":\"F32\",\"shape\":\(almost),\"data_offsets\":[0,4]}}", buffer: 4)) else { return XCTFail() }
    }

    func testMissingFields() {
        for (json, field) in [("{\"t\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "dtype"),
                              ("{\"t\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "shape"),
                              ("{\"t\":{\"dtype\":\"F32\",\"shape\":[1]}}", "data_offsets"),
                              ("{\"t\":[1]}", "object")] {
            guard case let .invalidEntry(_, "t", reason)? = error(craft(json, buffer: 4)) else { XCTFail(json); continue }
            XCTAssertTrue(reason.contains(field), reason)
        }
    }

    func testBadDataOffsets() {
        for offsets in ["[0]", "[0,4,8]", "[\"0\",4]", "[0,4.0]", "[-4,0]", "{}", "[0,99999999999999999999]"] {
            guard case let .invalidEntry(_, "t", reason)? = error(craft("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":\(offsets)}}", buffer: 4)) else {
                XCTFail(offsets); continue
            }
            XCTAssertTrue(reason.contains("data_offsets"), reason)
        }
        guard case let .invalidEntry(_, "t", reason)? = error(craft("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", buffer: 8)) else { return XCTFail() }
        XCTAssertTrue(reason.contains("begin > end"), reason)
    }

    func testOffsetsBeyondTheBuffer() {
        XCTAssertEqual(error(craft("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", buffer: 8)),
                       .offsetsOutOfBounds(file: "bad.safetensors", tensor: "t", begin: 4, end: 12, bufferSize: 8))
        // A huge end offset must not be trusted either.
        guard case .offsetsOutOfBounds? = error(craft("{\"t\":{\"dtype\":\"U8\",\"shape\":[9000000000000000000],\"data_offsets\":[0,9000000000000000000]}}")) else { return XCTFail() }
    }

    func testSpanDifferentFromShapeTimesDTypeSize() {
        XCTAssertEqual(error(craft("{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", buffer: 12)),
                       .sizeMismatch(file: "bad.safetensors", tensor: "t", dtype: .float32, shape: [3], expected: 12, actual: 8))
    }

    func testOverlappingTensors() {
        let json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}"
        XCTAssertEqual(error(craft(json, buffer: 12)), .overlappingTensors(file: "bad.safetensors", first: "a", second: "b"))
        let contained = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},\"c\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}"
        guard case .overlappingTensors? = error(craft(contained, buffer: 16)) else { return XCTFail() }
    }

    func testGapsAndEmptyTensorsAreAccepted() throws {
        let json = "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[1,1]},\"b\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[5,6]}}   "
        let file = try SafetensorsFile(data: craft(json, buffer: 8), source: "gaps")
        XCTAssertEqual(file.names, ["a", "b", "e"])
        XCTAssertEqual(try file.tensor("e").shape, [0])
    }

    func testMetadataMustBeStrings() {
        guard case let .invalidEntry(_, "__metadata__", reason)? = error(craft("{\"__metadata__\":{\"epoch\":3}}")) else { return XCTFail() }
        XCTAssertTrue(reason.contains("epoch"), reason)
        guard case .invalidEntry(_, "__metadata__", _)? = error(craft("{\"__metadata__\":[]}")) else { return XCTFail() }
    }

    func testMissingTensorMessage() throws {
        let file = try SafetensorsFile(data: SafetensorsFile.encode([:], metadata: nil), source: "/x/model.safetensors")
        XCTAssertThrowsError(try file.tensor("fcn.weight")) { error in
            XCTAssertEqual(String(describing: error), "missing tensor 'fcn.weight' in /x/model.safetensors")
        }
    }

    func testUnreadableFileNamesThePath() {
        let path = "/nonexistent/dir/model.safetensors"
        XCTAssertThrowsError(try SafetensorsFile(contentsOf: URL(fileURLWithPath: path))) { error in
            guard case .unreadable(path, _) = error as? SafetensorsError else { return XCTFail("\(error)") }
            XCTAssertTrue(String(describing: error).hasPrefix(path))
        }
    }

    func testEveryTruncationOfAValidFileFailsCleanly() throws {
        let data = SafetensorsFile.encode(["a": SafetensorsTensor(float32: [1, 2, 3], shape: [3]),
                                           "b": SafetensorsTensor(int64: [4], shape: [])], metadata: ["m": "n"])
        for length in 0..<data.count {
            XCTAssertThrowsError(try SafetensorsFile(data: data.prefix(length), source: "cut")) { error in
                XCTAssertFalse(String(describing: error).contains("\n"))
            }
        }
        // Slices with a non-zero start index are read correctly.
        var padded = Data([9, 9, 9])
        padded.append(data)
        let file = try SafetensorsFile(data: padded.dropFirst(3), source: "slice")
        XCTAssertEqual(try file.tensor("a").floatValues(), [1, 2, 3])
    }
}
