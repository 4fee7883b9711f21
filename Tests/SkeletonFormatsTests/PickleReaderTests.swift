import Foundation
import XCTest
import SkeletonFormats

/// The restricted pickle reader: plain data decodes; everything else is refused with a clear
/// one-line error, never executed and never a crash.
final class PickleReaderTests: XCTestCase {
    private let torchOptions = PickleReader.Options(allowedGlobals: TorchCheckpoint.allowedGlobals, allowsPersistentIDs: true)

    private func read(_ bytes: [UInt8], options: PickleReader.Options = .plainData) throws -> PickleValue {
        try PickleReader.read(Data(bytes), source: "test.pkl", options: options).value
    }

    /// The error for `bytes`, checking it is one line and names the source.
    private func error(_ bytes: [UInt8], options: PickleReader.Options = .plainData) -> PickleError? {
        do {
            let value = try PickleReader.read(Data(bytes), source: "bad.pkl", options: options).value
            XCTFail("expected an error, got \(value.kindName)")
            return nil
        } catch {
            XCTAssertFalse(error.description.contains("\n"), error.description)
            XCTAssertTrue(error.description.hasPrefix("bad.pkl: "), error.description)
            return error
        }
    }

    func testPlainValues() throws {
        var pickle = PickleTestBytes()
        pickle.mark()
        pickle.none()
        pickle.raw(0x88, 0x89)                                   // True, False
        pickle.raw(0x4B, 7, 0x4D, 0x34, 0x12)                     // 7, 0x1234
        pickle.int(-5)
        pickle.int(-1 << 40)                                     // LONG1
        pickle.raw(0x8A, 0)                                      // LONG1 of 0 bytes: 0
        pickle.raw(0x8A, 2, 0x00, 0xFF)                          // LONG1 -256
        pickle.raw([0x47] + withUnsafeBytes(of: (1.5).bitPattern.bigEndian, Array.init))
        pickle.string("héllo")
        pickle.raw(0x43, 2, 0xDE, 0xAD)                          // SHORT_BINBYTES
        pickle.raw(0x8C, 1, 0x78)                                // SHORT_BINUNICODE 'x'
        pickle.raw(0x7D, 0x8C, 1, 0x6B, 0x4B, 1, 0x73)           // {'k': 1}
        pickle.tuple()
        pickle.stop()
        let value = try read(pickle.bytes)
        XCTAssertEqual(value, .tuple([
            .none, .bool(true), .bool(false), .int(7), .int(0x1234), .int(-5), .int(-1 << 40), .int(0), .int(-256),
            .float(1.5), .string("héllo"), .bytes(Data([0xDE, 0xAD])), .string("x"),
            .dict([PickleDictEntry(key: .string("k"), value: .int(1))]),
        ]))
        XCTAssertEqual(value.kindName, "a tuple")
    }

    func testProtocol4FramesAndMemoize() throws {
        // pickle.dumps((['a'], [1]), protocol=4), byte for byte.
        let bytes: [UInt8] = [0x80, 0x04, 0x95, 0x0F, 0, 0, 0, 0, 0, 0, 0, 0x5D, 0x94, 0x8C, 0x01, 0x61, 0x94,
                              0x61, 0x5D, 0x94, 0x4B, 0x01, 0x61, 0x86, 0x94, 0x2E]
        XCTAssertEqual(try read(bytes), .tuple([.list([.string("a")]), .list([.int(1)])]))
    }

    func testMutationAfterMemoizationIsShared() throws {
        // L = []; memo[0] = L; L.append(1); (memo[0],) → ([1],), as in Python.
        let bytes: [UInt8] = [0x80, 2, 0x5D, 0x71, 0, 0x4B, 1, 0x61, 0x68, 0, 0x85, 0x2E]
        XCTAssertEqual(try read(bytes), .tuple([.list([.int(1)])]))
    }

    func testRepeatedDictKeyKeepsTheLastValue() throws {
        let bytes: [UInt8] = [0x80, 2, 0x7D, 0x28, 0x4B, 1, 0x4B, 2, 0x4B, 1, 0x4B, 3, 0x75, 0x2E]
        XCTAssertEqual(try read(bytes), .dict([PickleDictEntry(key: .int(1), value: .int(3))]))
    }

    func testSharedReferencesAreNotExpandedExponentially() throws {
        // t0 = []; t(i+1) = (t(i), t(i)) 150 times: 2^150 leaves if expanded naively.
        var bytes: [UInt8] = [0x80, 2, 0x5D]
        for _ in 0..<150 { bytes += [0x71, 0, 0x68, 0, 0x86] }  // BINPUT 0, BINGET 0, TUPLE2
        bytes.append(0x2E)
        guard case .tuple = try read(bytes) else { return XCTFail("expected a tuple") }
    }

    func testOSSystemIsRefused() {
        // pickle.dumps of an object whose __reduce__ returns (os.system, ('ls',)), protocol 2.
        let bytes: [UInt8] = [0x80, 2, 0x63] + Array("os\nsystem\n".utf8) + [0x71, 0, 0x58, 2, 0, 0, 0, 0x6C, 0x73, 0x85, 0x52, 0x2E]
        for options in [PickleReader.Options.plainData, torchOptions] {
            guard case let .forbiddenGlobal(_, offset, global)? = error(bytes, options: options) else { return XCTFail() }
            XCTAssertEqual(offset, 2)
            XCTAssertEqual(global, PickleGlobal("os", "system"))
        }
        XCTAssertTrue(error(bytes)?.description.contains("'os.system'") ?? false)
    }

    func testStackGlobalOutsideTheAllowListIsRefused() {
        // Protocol 4: SHORT_BINUNICODE 'builtins', SHORT_BINUNICODE 'eval', STACK_GLOBAL.
        let bytes: [UInt8] = [0x80, 4, 0x8C, 8] + Array("builtins".utf8) + [0x8C, 4] + Array("eval".utf8) + [0x93, 0x2E]
        guard case .forbiddenGlobal(_, 18, PickleGlobal("builtins", "eval"))? = error(bytes, options: torchOptions) else { return XCTFail() }
        var numpy = PickleTestBytes()
        numpy.global("numpy.core.multiarray", "_reconstruct")
        numpy.stop()
        guard case .forbiddenGlobal(_, 2, PickleGlobal("numpy.core.multiarray", "_reconstruct"))? = error(numpy.bytes, options: torchOptions) else { return XCTFail() }
    }

    func testOpcodesOutsideTheAllowedSet() {
        let cases: [(UInt8, String)] = [(0x69, "INST"), (0x6F, "OBJ"), (0x82, "EXT1"), (0x97, "NEXT_BUFFER"),
                                        (0x49, "INT"), (0x92, "NEWOBJ_EX"), (0x8F, "EMPTY_SET"), (0xFF, "unknown")]
        for (opcode, name) in cases {
            guard let failure = error([0x80, 2, 0x4E, opcode, 0x2E]) else { continue }
            XCTAssertEqual(failure, .unsupportedOpcode(source: "bad.pkl", offset: 3, opcode: opcode))
            XCTAssertTrue(failure.description.contains(name), failure.description)
        }
    }

    func testPersistentIDsNeedPermission() {
        guard case .invalidOperand(_, 3, 0x51, _)? = error([0x80, 2, 0x4E, 0x51, 0x2E]) else { return XCTFail() }
    }

    func testMemoIndexOutOfRange() {
        XCTAssertEqual(error([0x80, 2, 0x68, 5, 0x2E]), .memoIndexOutOfRange(source: "bad.pkl", offset: 2, index: 5, count: 0))
        guard case .memoIndexOutOfRange(_, 4, 0xFFFF_FFFF, 1)? = error([0x80, 2, 0x4E, 0x94, 0x6A, 0xFF, 0xFF, 0xFF, 0xFF, 0x2E]) else { return XCTFail() }
    }

    func testStackUnderflow() {
        XCTAssertEqual(error([0x80, 2, 0x2E]), .stackUnderflow(source: "bad.pkl", offset: 2, opcode: 0x2E))
        XCTAssertEqual(error([0x80, 2, 0x5D, 0x61, 0x2E]), .stackUnderflow(source: "bad.pkl", offset: 3, opcode: 0x61))
        XCTAssertEqual(error([0x80, 2, 0x4E, 0x86, 0x2E]), .stackUnderflow(source: "bad.pkl", offset: 3, opcode: 0x86))
        XCTAssertEqual(error([0x80, 2, 0x5D, 0x65, 0x2E]), .stackUnderflow(source: "bad.pkl", offset: 3, opcode: 0x65))
        XCTAssertEqual(error([0x80, 2, 0x31, 0x2E]), .stackUnderflow(source: "bad.pkl", offset: 2, opcode: 0x31))
        XCTAssertEqual(error([0x80, 2, 0x71, 0, 0x2E]), .stackUnderflow(source: "bad.pkl", offset: 2, opcode: 0x71))
        XCTAssertEqual(error([0x80, 2, 0x52, 0x2E]), .stackUnderflow(source: "bad.pkl", offset: 2, opcode: 0x52))
    }

    func testDeclaredLengthsBeyondTheDataAreRefusedBeforeAllocating() {
        XCTAssertEqual(error([0x80, 2, 0x58, 0xFF, 0xFF, 0xFF, 0xFF, 0x61]),
                       .truncated(source: "bad.pkl", offset: 2, opcode: 0x58, needed: 0xFFFF_FFFF, available: 1))
        // BINBYTES8 of 2^60 bytes.
        guard case .truncated(_, 2, 0x8E?, 1 << 60, 0)? = error([0x80, 4, 0x8E] + PickleTestBytes.littleEndian(1 << 60, 8)) else { return XCTFail() }
        // BINUNICODE8 of 2^64 − 1 bytes.
        guard case .truncated(_, 2, 0x8D?, Int.max, 0)? = error([0x80, 4, 0x8D] + PickleTestBytes.littleEndian(UInt64.max, 8)) else { return XCTFail() }
        // FRAME larger than the rest.
        guard case .truncated(_, 2, 0x95?, 1000, 1)? = error([0x80, 4, 0x95] + PickleTestBytes.littleEndian(1000, 8) + [0x2E]) else { return XCTFail() }
        // LONG4 declaring 2^31 − 1 bytes.
        guard case .truncated(_, 2, 0x8B?, 0x7FFF_FFFF, 0)? = error([0x80, 2, 0x8B, 0xFF, 0xFF, 0xFF, 0x7F]) else { return XCTFail() }
        // An operand cut short, and no STOP at all.
        guard case .truncated(_, 2, 0x4A?, 4, 2)? = error([0x80, 2, 0x4A, 1, 2]) else { return XCTFail() }
        guard case .truncated(_, 3, nil, 1, 0)? = error([0x80, 2, 0x4E]) else { return XCTFail() }
        guard case .truncated? = error([]) else { return XCTFail() }
    }

    func testPicklesMustStartWithPROTO() {
        // Protocol 0 (`pickle.dumps(1, 0)` is b'I1\n.'), and a zip archive.
        XCTAssertEqual(error(Array("I1\n.".utf8)), .missingProto(source: "bad.pkl", offset: 0, found: 0x49))
        XCTAssertEqual(error([0x50, 0x4B, 0x03, 0x04]), .missingProto(source: "bad.pkl", offset: 0, found: 0x50))
    }

    func testOversizedIntegersAndBadOperands() {
        XCTAssertEqual(error([0x80, 2, 0x8A, 9] + [UInt8](repeating: 1, count: 9) + [0x2E]),
                       .integerTooLarge(source: "bad.pkl", offset: 2, byteCount: 9))
        XCTAssertEqual(error([0x80, 6, 0x4E, 0x2E]), .unsupportedProtocol(source: "bad.pkl", offset: 0, version: 6))
        guard case .invalidOperand(_, 2, 0x58, _)? = error([0x80, 2, 0x58, 2, 0, 0, 0, 0xC3, 0x28, 0x2E]) else { return XCTFail("invalid UTF-8") }
        guard case .invalidOperand(_, 4, 0x61, _)? = error([0x80, 2, 0x4E, 0x4E, 0x61, 0x2E]) else { return XCTFail("APPEND to None") }
        guard case .invalidOperand(_, 5, 0x73, _)? = error([0x80, 2, 0x7D, 0x5D, 0x4E, 0x73, 0x2E]) else { return XCTFail("list as key") }
        guard case .invalidOperand(_, 5, 0x52, _)? = error([0x80, 2, 0x4E, 0x29, 0x29, 0x52, 0x2E]) else { return XCTFail("calling None") }
        guard case .invalidOperand(_, 2, 0x63, _)? = error([0x80, 2, 0x63] + [UInt8](repeating: 0x61, count: 300) + [0x0A]) else { return XCTFail("long GLOBAL") }
    }

    func testDeepNestingAndSelfReferenceAreRefused() {
        // 100 000 nested lists: [[[…]]].
        let depth = 100_000
        let nested: [UInt8] = [0x80, 2] + [UInt8](repeating: 0x5D, count: depth) + [UInt8](repeating: 0x61, count: depth - 1) + [0x2E]
        XCTAssertEqual(error(nested), .nestingTooDeep(source: "bad.pkl", limit: PickleReader.maximumDepth))
        // 100 000 nested 1-tuples: (((),),).
        let tuples: [UInt8] = [0x80, 2, 0x29] + [UInt8](repeating: 0x85, count: depth) + [0x2E]
        XCTAssertEqual(error(tuples), .nestingTooDeep(source: "bad.pkl", limit: PickleReader.maximumDepth))
        // L = []; L.append(L).
        XCTAssertEqual(error([0x80, 2, 0x5D, 0x71, 0, 0x68, 0, 0x61, 0x2E]), .nestingTooDeep(source: "bad.pkl", limit: PickleReader.maximumDepth))
    }

    func testReadingAtAnOffsetReportsTheEnd() throws {
        let bytes: [UInt8] = [0xAA, 0x80, 2, 0x4B, 9, 0x2E, 0x80, 2, 0x4E, 0x2E]
        let first = try PickleReader.read(Data(bytes), offset: 1, source: "two.pkl")
        XCTAssertEqual(first.value, .int(9))
        XCTAssertEqual(first.end, 6)
        let second = try PickleReader.read(Data(bytes), offset: first.end, source: "two.pkl")
        XCTAssertEqual(second.value, .none)
        XCTAssertEqual(second.end, bytes.count)
    }
}
