import Foundation
import STGCNTestSupport
import XCTest
@testable import SkeletonFormats

/// numpy arrays pickled by real numpy 1.x and 2.x (protocols 2, 4, 5) decode to exact values;
/// hostile or unsupported reconstructions give one-line errors, never a crash.
final class NumpyPickleTests: XCTestCase {
    /// `arange(count) * 0.25 - 1`, the script's `ramp`.
    private func ramp(_ count: Int) -> [Float] { (0..<count).map { Float($0) * 0.25 - 1 } }

    private func readArrays(_ name: String) throws -> [String: NpyArray] {
        let value = try PickleReader.read(try TestResources.pysklData(name), source: name, options: NumpyPickle.readerOptions).value
        guard case let .dict(entries) = value else { XCTFail("\(name): not a dict"); return [:] }
        var arrays: [String: NpyArray] = [:]
        for entry in entries {
            guard case let .string(key) = entry.key else { continue }
            XCTAssertTrue(NumpyPickle.isArray(entry.value), "\(name): \(key)")
            arrays[key] = try NumpyPickle.array(entry.value, source: "\(name): \(key)")
        }
        return arrays
    }

    func testEveryDTypeByteOrderAndMemoryOrderFromRealNumpy() throws {
        for numpy in ["np1", "np2"] {
            for version in [2, 4, 5] {
                let name = "arrays-\(numpy)-p\(version).pkl"
                let arrays = try readArrays(name)
                XCTAssertEqual(arrays.count, 20, name)
                func check(_ key: String, _ dtype: NpyDType, _ shape: [Int], _ values: [Float], fortran: Bool = false,
                           file: StaticString = #filePath, line: UInt = #line) throws {
                    guard let array = arrays[key] else { return XCTFail("\(name): \(key) missing", file: file, line: line) }
                    XCTAssertEqual(array.dtype, dtype, "\(name): \(key)", file: file, line: line)
                    XCTAssertEqual(array.shape, shape, "\(name): \(key)", file: file, line: line)
                    XCTAssertEqual(array.isFortranOrder, fortran, "\(name): \(key)", file: file, line: line)
                    XCTAssertEqual(try array.floatValues(), values, "\(name): \(key)", file: file, line: line)
                }
                try check("f16", .float16, [2, 3], ramp(6))
                try check("f32", .float32, [2, 3, 4], ramp(24))
                try check("f64", .float64, [5], ramp(5))
                try check("i8", .int8, [2, 2], [-1, 0, 0, 0])
                try check("i16", .int16, [2, 3], [-3, -2, -1, 0, 1, 2])
                try check("i32", .int32, [3, 2], [0, -1000, -2000, -3000, -4000, -5000])
                XCTAssertEqual(try arrays["i64"]?.int64Values(), [-(1 << 40), 0, 1 << 40], name)
                try check("u8", .uint8, [6], [250, 251, 252, 253, 254, 255])
                try check("bool", .bool, [3], [1, 0, 1])
                try check("be_f32", .float32, [2, 3], ramp(6))
                try check("be_i16", .int16, [4], [-2, -1, 0, 1])
                try check("be_f64_fortran", .float64, [2, 3], ramp(6), fortran: true)
                try check("fortran_f32", .float32, [2, 3, 4], ramp(24), fortran: true)
                try check("permuted_f32", .float32, [2, 3, 4], ramp(24))
                try check("empty_f32", .float32, [0, 3], [])
                try check("zero_dim_f64", .float64, [], [2.5])
                try check("scalar_f32", .float32, [], [1.5])
                try check("scalar_bool", .bool, [], [1])
                let dict = try PickleReader.read(try TestResources.pysklData(name), source: name, options: NumpyPickle.readerOptions).value
                XCTAssertEqual(try dict["scalar_i64"].map(NumpyPickle.integer), 7, name)
                XCTAssertEqual(try dict["scalar_i32"].map(NumpyPickle.integer), -3, name)
                XCTAssertEqual(try dict["scalar_bool"].map(NumpyPickle.integer), 1, name)
            }
        }
    }

    /// The files really cover both module spellings and both array reconstructions.
    func testFilesUseBothNumpyModuleSpellings() throws {
        func contains(_ name: String, _ text: String) throws -> Bool {
            try TestResources.pysklData(name).range(of: Data(text.utf8)) != nil
        }
        XCTAssertTrue(try contains("arrays-np1-p2.pkl", "numpy.core.multiarray"))
        XCTAssertFalse(try contains("arrays-np1-p2.pkl", "numpy._core"))
        XCTAssertTrue(try contains("arrays-np2-p4.pkl", "numpy._core.multiarray"))
        XCTAssertTrue(try contains("arrays-np1-p5.pkl", "numpy.core.numeric"))
        XCTAssertTrue(try contains("arrays-np2-p5.pkl", "numpy._core.numeric"))
        XCTAssertTrue(try contains("arrays-np2-p5.pkl", "_frombuffer"))
        XCTAssertTrue(try contains("arrays-np2-p2.pkl", "_codecs"))
        // numpy 2.4 writes the permuted array as _frombuffer(…, 'K', axis_order).
        XCTAssertNotNil(try TestResources.pysklData("arrays-np2-p5.pkl").range(of: Data([0x8C, 0x01, 0x4B])))   // SHORT_BINUNICODE 'K'
    }

    func testOtherReadersDoNotAcceptNumpyGlobals() throws {
        let data = try TestResources.pysklData("arrays-np2-p4.pkl")
        for options in [PickleReader.Options.plainData,
                        PickleReader.Options(allowedGlobals: TorchCheckpoint.allowedGlobals, allowsPersistentIDs: true)] {
            XCTAssertThrowsError(try PickleReader.read(data, source: "a.pkl", options: options)) { error in
                guard case let .forbiddenGlobal(_, _, global) = error as? PickleError else { return XCTFail("\(error)") }
                XCTAssertEqual(global.module, "numpy._core.multiarray")
            }
        }
        XCTAssertTrue(TorchCheckpoint.allowedGlobals.isDisjoint(with: NumpyPickle.allowedGlobals))
    }

    func testForbiddenGlobalsAreRefusedBeforeAnythingElse() {
        for (module, name) in [("os", "system"), ("numpy", "load"), ("builtins", "eval"), ("numpy.core.multiarray", "_reconstruct_evil"),
                               ("numpy", "frombuffer"), ("__builtin__", "getattr"), ("pickle", "loads")] {
            var pickle = PickleTestBytes(protocol: 2)
            pickle.raw(0x63)
            pickle.raw(Array("\(module)\n\(name)\n".utf8))
            pickle.string("echo hacked")
            pickle.raw(0x85, 0x52, 0x2E)    // TUPLE1, REDUCE, STOP
            XCTAssertThrowsError(try PickleReader.read(Data(pickle.bytes), source: "evil.pkl", options: NumpyPickle.readerOptions)) { error in
                XCTAssertEqual(error as? PickleError, .forbiddenGlobal(source: "evil.pkl", offset: 2, global: PickleGlobal(module, name)))
                XCTAssertTrue("\(error)".hasPrefix("evil.pkl: byte 2: pickle global '\(module).\(name)' is not in the allow-list"), "\(error)")
            }
        }
    }

    func testOutOfBandBuffersAreRefusedClearly() {
        for opcode: UInt8 in [0x97, 0x98] {
            XCTAssertThrowsError(try PickleReader.read(Data([0x80, 5, opcode, 0x2E]), source: "oob.pkl", options: NumpyPickle.readerOptions)) { error in
                XCTAssertTrue("\(error)".contains("out-of-band buffers are not stored in the pickle"), "\(error)")
                XCTAssertTrue("\(error)".hasPrefix("oob.pkl: byte 2: "), "\(error)")
            }
        }
    }

    /// Every truncation of real files is a clean `PickleError` (or, at a frame boundary that
    /// happens to end a value, a valid shorter result).
    func testTruncatedFilesAtEveryCutPoint() throws {
        for name in ["arrays-np1-p2.pkl", "arrays-np2-p4.pkl", "arrays-np2-p5.pkl"] {
            let data = try TestResources.pysklData(name)
            var errors = 0
            for cut in 0..<data.count {
                do {
                    let value = try PickleReader.read(data.prefix(cut), source: "cut.pkl", options: NumpyPickle.readerOptions).value
                    XCTFail("\(name) cut at \(cut) decoded to \(value.kindName)")
                } catch {
                    XCTAssertFalse(error.description.contains("\n"))
                    XCTAssertTrue(error.description.hasPrefix("cut.pkl: "), error.description)
                    errors += 1
                }
            }
            XCTAssertEqual(errors, data.count, name)
        }
    }

    // MARK: - Hostile reconstructions (decoded from crafted values)

    private let dtypeF4 = PickleValue.call(PickleGlobal("numpy", "dtype"), arguments: [.string("f4"), .bool(false), .bool(true)],
                                           state: .tuple([.int(3), .string("<"), .none, .none, .none, .int(-1), .int(-1), .int(0)]))

    private func reconstructed(shape: [Int64], dtype: PickleValue? = nil, fortran: PickleValue = .bool(false), data: PickleValue) -> PickleValue {
        .call(PickleGlobal("numpy.core.multiarray", "_reconstruct"),
              arguments: [.global(PickleGlobal("numpy", "ndarray")), .tuple([.int(0)]), .bytes(Data("b".utf8))],
              state: .tuple([.int(1), .tuple(shape.map(PickleValue.int)), dtype ?? dtypeF4, fortran, data]))
    }

    private func decodeError(_ value: PickleValue, file: StaticString = #filePath, line: UInt = #line) -> NumpyPickleError? {
        do {
            let array = try NumpyPickle.array(value)
            XCTFail("decoded \(array.shape)", file: file, line: line)
            return nil
        } catch {
            XCTAssertFalse(error.description.contains("\n"), file: file, line: line)
            XCTAssertLessThan(error.description.count, 400, error.description, file: file, line: line)
            return error
        }
    }

    func testShapesAndSizesAreCheckedBeforeAnythingIsAllocated() {
        let eight = PickleValue.bytes(Data(count: 8))
        XCTAssertEqual(decodeError(reconstructed(shape: [2, 3], data: eight)),
                       .payloadSizeMismatch(shape: [2, 3], dtype: "<f4", expected: 24, actual: 8))
        XCTAssertEqual(decodeError(reconstructed(shape: [1 << 40, 1 << 40], data: eight)),
                       .invalidShape([1 << 40, 1 << 40], reason: "element count overflows"))
        XCTAssertEqual(decodeError(reconstructed(shape: [1 << 61], data: eight)),
                       .invalidShape([1 << 61], reason: "element count overflows"))
        XCTAssertEqual(decodeError(reconstructed(shape: [1 << 50], data: eight)),
                       .payloadSizeMismatch(shape: [1 << 50], dtype: "<f4", expected: 1 << 52, actual: 8))
        XCTAssertEqual(decodeError(reconstructed(shape: [2, -1], data: eight)),
                       .invalidShape([2, -1], reason: "dimension 1 is negative (-1)"))
        XCTAssertEqual(decodeError(reconstructed(shape: [Int64](repeating: 1, count: 65), data: eight)),
                       .invalidShape([], reason: "65 dimensions, expected at most 64"))
        XCTAssertEqual(decodeError(reconstructed(shape: [2], fortran: .string("yes"), data: eight))?.description,
                       "the ndarray is_fortran flag: found 'yes', expected True or False")
        // Protocol 2 bytes: latin-1 only.
        let utf8 = PickleValue.call(PickleGlobal("_codecs", "encode"), arguments: [.string("\u{100}\u{0}\u{0}\u{0}"), .string("latin1")], state: nil)
        XCTAssertEqual(decodeError(reconstructed(shape: [1], data: utf8)),
                       .malformed(part: "the ndarray data", expected: "latin-1 text (code points below 256)", found: "U+100"))
        let otherCodec = PickleValue.call(PickleGlobal("_codecs", "encode"), arguments: [.string("abcd"), .string("rot13")], state: nil)
        XCTAssertNotNil(decodeError(reconstructed(shape: [1], data: otherCodec)))
        let latin1 = PickleValue.call(PickleGlobal("_codecs", "encode"), arguments: [.string("\u{0}\u{0}\u{C0}\u{3F}"), .string("latin1")], state: nil)
        XCTAssertEqual(try NumpyPickle.array(reconstructed(shape: [1], data: latin1)).floatValues(), [1.5])
    }

    func testUnsupportedDTypesAndStructures() {
        let eight = PickleValue.bytes(Data(count: 8))
        func dtype(_ code: String, order: String = "<", names: PickleValue = .none, flags: Int64 = 0) -> PickleValue {
            .call(PickleGlobal("numpy", "dtype"), arguments: [.string(code), .bool(false), .bool(true)],
                  state: .tuple([.int(3), .string(order), .none, names, .none, .int(-1), .int(-1), .int(flags)]))
        }
        XCTAssertEqual(decodeError(reconstructed(shape: [2], dtype: dtype("U1"), data: eight)),
                       .unsupportedDType("U1", reason: "expected a numeric type: f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 or b1"))
        XCTAssertEqual(decodeError(reconstructed(shape: [1], dtype: dtype("c8"), data: eight))?.description.hasPrefix("numpy dtype 'c8' is not supported"), true)
        XCTAssertEqual(decodeError(reconstructed(shape: [1], dtype: dtype("O8", order: "|", flags: 63), data: .list([.int(1)]))),
                       .unsupportedDType("O8", reason: "expected a numeric type: f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 or b1"))
        XCTAssertEqual(decodeError(reconstructed(shape: [1], dtype: dtype("f8", flags: 63), data: eight)),
                       .unsupportedDType("f8", reason: "dtype flags 63 (object references), expected a plain numeric type"))
        XCTAssertEqual(decodeError(reconstructed(shape: [1], dtype: dtype("f8", names: .tuple([.string("x")])), data: eight)),
                       .unsupportedDType("f8", reason: "structured or sub-array dtypes are not supported, expected a plain numeric type"))
        XCTAssertEqual(decodeError(reconstructed(shape: [1], dtype: dtype("f8", order: "?"), data: eight)),
                       .malformed(part: "numpy.dtype byte order", expected: "one of < > | =", found: "'?'"))
        XCTAssertEqual(decodeError(reconstructed(shape: [1], data: .list([.int(1)]))),
                       .unsupportedDType("O", reason: "object arrays (pickled as lists) are not supported, expected a numeric array"))
        // A masked array (a subclass) and a non-array.
        let masked = PickleValue.call(PickleGlobal("numpy.core.multiarray", "_reconstruct"),
                                      arguments: [.global(PickleGlobal("numpy.ma.core", "MaskedArray")), .tuple([.int(0)]), .bytes(Data("b".utf8))], state: nil)
        XCTAssertEqual(decodeError(masked)?.description.contains("subclasses such as masked arrays are not supported"), true)
        XCTAssertEqual(decodeError(.list([.float(1)])), .notAnArray(found: "a list"))
        // No state, wrong state version.
        var noState = reconstructed(shape: [2], data: eight)
        if case let .call(global, arguments, _) = noState { noState = .call(global, arguments: arguments, state: nil) }
        XCTAssertEqual(decodeError(noState), .malformed(part: "the ndarray state", expected: "(1, shape, dtype, is_fortran, data)", found: "no state"))
        // _frombuffer with a bad order; scalar with an object payload.
        let badOrder = PickleValue.call(PickleGlobal("numpy._core.numeric", "_frombuffer"), arguments: [eight, dtypeF4, .tuple([.int(2)]), .string("K")], state: nil)
        XCTAssertEqual(decodeError(badOrder), .malformed(part: "the array order", expected: "'C' or 'F', or 'K' with an axis order", found: "('K',)"))
        let badAxes = PickleValue.call(PickleGlobal("numpy._core.numeric", "_frombuffer"),
                                       arguments: [eight, dtypeF4, .tuple([.int(2), .int(1)]), .string("K"), .tuple([.int(0), .int(0)])], state: nil)
        XCTAssertEqual(decodeError(badAxes), .malformed(part: "the array axis order", expected: "a permutation of 0..<2", found: "(0, 0)"))
        let objectScalar = PickleValue.call(PickleGlobal("numpy._core.multiarray", "scalar"), arguments: [dtype("O8", order: "|", flags: 63)], state: nil)
        XCTAssertNotNil(decodeError(objectScalar))
    }

    func testIntegers() {
        XCTAssertEqual(try NumpyPickle.integer(.int(-4)), -4)
        XCTAssertEqual(try NumpyPickle.integer(.bool(true)), 1)
        XCTAssertThrowsError(try NumpyPickle.integer(.float(1))) { error in
            XCTAssertEqual(error as? NumpyPickleError, .notAnInteger(found: "a float"))
        }
        let floatScalar = PickleValue.call(PickleGlobal("numpy.core.multiarray", "scalar"), arguments: [dtypeF4, .bytes(Data(count: 4))], state: nil)
        XCTAssertThrowsError(try NumpyPickle.integer(floatScalar)) { error in
            XCTAssertEqual("\(error)", "found a numpy array of dtype <f4 and shape [], expected an integer (int or numpy integer scalar)")
        }
    }
}
