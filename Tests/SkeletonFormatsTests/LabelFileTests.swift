import Foundation
import XCTest
import STGCNTestSupport
import SkeletonFormats

/// Writing and reading official-format label files, and rejecting wrong ones.
final class LabelFileTests: XCTestCase {
    func testRoundTrip() throws {
        let directory = try makeTemporaryDirectory(self)
        let url = directory.appendingPathComponent("val_label.pkl")
        let names = (0..<2500).map { "S\($0)C001P001R001A\(String(format: "%03d", $0 % 60 + 1)).skeleton" } + ["ünïcode ✓", ""]
        let labels = (0..<2500).map { $0 % 60 } + [70_000, -3_000_000_000]
        try LabelFile.write(names: names, labels: labels, to: url)
        let (readNames, readLabels) = try LabelFile.read(contentsOf: url)
        XCTAssertEqual(readNames, names)
        XCTAssertEqual(readLabels, labels)
        // Nothing but the destination is left in the directory (no temporary file).
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["val_label.pkl"])

        try LabelFile.write(names: [], labels: [], to: url)
        let empty = try LabelFile.read(contentsOf: url)
        XCTAssertEqual(empty.names, [])
        XCTAssertEqual(empty.labels, [])
    }

    func testEncodingIsTheProtocol2PicklePythonWrites() {
        // pickle.dumps((['a'], [1, 300]), protocol=2) without memo opcodes.
        let expected: [UInt8] = [0x80, 2, 0x5D, 0x28, 0x58, 1, 0, 0, 0, 0x61, 0x65, 0x5D, 0x28, 0x4B, 1, 0x4D, 0x2C, 0x01, 0x65, 0x86, 0x2E]
        XCTAssertEqual(Array(LabelFile.encode(names: ["a"], labels: [1, 300])), expected)
    }

    func testMismatchedCountsAreRefused() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("x.pkl")
        XCTAssertThrowsError(try LabelFile.write(names: ["a"], labels: [], to: url)) { error in
            XCTAssertEqual(error as? LabelFileError, .countMismatch(file: url.path, names: 1, labels: 0))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
        // A pickle of (['a', 'b'], [1]).
        let bytes: [UInt8] = [0x80, 2, 0x5D, 0x28, 0x8C, 1, 0x61, 0x8C, 1, 0x62, 0x65, 0x5D, 0x4B, 1, 0x61, 0x86, 0x2E]
        XCTAssertThrowsError(try LabelFile.decode(Data(bytes), source: "x.pkl")) { error in
            XCTAssertEqual(error as? LabelFileError, .countMismatch(file: "x.pkl", names: 2, labels: 1))
        }
    }

    func testWrongStructuresAreRefused() {
        let cases: [([UInt8], String)] = [
            ([0x80, 2, 0x4B, 1, 0x2E], "an int"),                                       // 1
            ([0x80, 2, 0x5D, 0x85, 0x2E], "1 items"),                                   // ([],)
            ([0x80, 2, 0x5D, 0x4B, 1, 0x86, 0x2E], "item 1 is an int"),                 // ([], 1)
            ([0x80, 2, 0x5D, 0x4B, 1, 0x61, 0x5D, 0x86, 0x2E], "sample name 0 is an int"),  // ([1], [])
            ([0x80, 2, 0x5D, 0x5D, 0x4E, 0x61, 0x86, 0x2E], "label 0 is None"),         // ([], [None])
        ]
        for (bytes, phrase) in cases {
            XCTAssertThrowsError(try LabelFile.decode(Data(bytes), source: "odd.pkl")) { error in
                guard case let .unexpectedStructure(file, _)? = error as? LabelFileError else { return XCTFail("\(error)") }
                XCTAssertEqual(file, "odd.pkl")
                XCTAssertTrue("\(error)".contains(phrase), "\(error)")
            }
        }
    }

    func testHostilePicklesAreRefused() {
        let system: [UInt8] = [0x80, 2, 0x63] + Array("posix\nsystem\n".utf8) + [0x58, 2, 0, 0, 0, 0x6C, 0x73, 0x85, 0x52, 0x2E]
        XCTAssertThrowsError(try LabelFile.decode(Data(system), source: "evil.pkl")) { error in
            XCTAssertEqual(error as? LabelFileError, .pickle(.forbiddenGlobal(source: "evil.pkl", offset: 2, global: PickleGlobal("posix", "system"))))
        }
        XCTAssertThrowsError(try LabelFile.read(contentsOf: URL(fileURLWithPath: "/nonexistent/label.pkl"))) { error in
            guard case .unreadable? = error as? LabelFileError else { return XCTFail("\(error)") }
        }
    }
}
