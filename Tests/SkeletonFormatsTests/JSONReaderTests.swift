import Foundation
import SkeletonFormats
import XCTest

/// The package's one JSON reader and writer: the shared policy (duplicates, limits, numbers,
/// non-finite values) and exact round trips.
final class JSONReaderTests: XCTestCase {
    func testValuesKeepTheirLinesAndNumbersTheirExactness() throws {
        let text = "\u{FEFF}{\"a\": 1,\n \"b\": [2.5, -0,\n 9223372036854775807, 18446744073709551615, 18446744073709551616],\n \"c\": \"\\u00e9\\ud83d\\ude00\"}"
        let value = try JSONReader.parse(text)
        let b = try value.member("b").arrayElements(field: "b")
        XCTAssertEqual(b[0].content, .number(2.5))
        XCTAssertEqual(b[1].content, .integer(0))
        XCTAssertEqual(b[2].content, .integer(Int64.max))
        XCTAssertEqual(b[3].content, .unsignedInteger(UInt64.max))
        XCTAssertEqual(b[4].content, .number(18446744073709551616.0))
        XCTAssertEqual(b[0].line, 2)
        XCTAssertEqual(b[2].line, 3)
        XCTAssertEqual(try value.member("c").string(field: "c"), "é😀")
    }

    func testTheSharedPolicyRejectsWhatSomeLibrariesAccept() {
        let rejected: [(String, String)] = [
            ("{\"a\": 1, \"a\": 2}", "duplicate key"),
            ("[NaN]", "unexpected character"),
            ("[1,]", "unexpected character"),
            ("[01]", "leading zero"),
            ("{'a': 1}", "expected a string key"),
            ("\"\\ud800\"", "unpaired surrogate"),
            ("[1] x", "unexpected text after"),
            (String(repeating: "[", count: 70) + String(repeating: "]", count: 70), "nesting deeper than 64"),
            ("\"a\nb\"", "control character"),
        ]
        for (text, reason) in rejected {
            XCTAssertThrowsError(try JSONReader.parse(text), text) { error in
                XCTAssertTrue((error as? JSONSyntaxError)?.reason.contains(reason) == true, "\(text): \(error)")
            }
        }
        XCTAssertThrowsError(try JSONReader.parse("[1, 2, 3]", limits: .init(maximumDepth: 4, maximumArrayLength: 2)))
    }

    func testSyntaxErrorsNameTheLine() {
        XCTAssertThrowsError(try JSONReader.parse("{\n\"a\": 1,\n\"b\": tru\n}")) { error in
            XCTAssertEqual((error as? JSONSyntaxError)?.line, 3, "\(error)")
        }
    }

    func testWriterOutputReadsBackExactlyIncludingNonFiniteNumbers() throws {
        var generator = SystemRandomNumberGenerator()
        var doubles: [Double] = [0.1, -0.0, 1e-300, 5e-324, .greatestFiniteMagnitude, 123456789.125, .nan, .infinity, -.infinity]
        for _ in 0..<500 { doubles.append(Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF) * (Bool.random() ? 1 : -1)) }
        let value = JSONValue.object([
            "numbers": .array(doubles.map { .number($0) }),
            "seed": JSONValue(.unsignedInteger(UInt64.max - 1)),
            "text": .string("quote \" backslash \\ tab \t bell \u{7} é"),
            "flags": .array([.bool(true), .bool(false), .null]),
        ])
        let text = JSONWriting.text(value, sortedKeys: true)
        XCTAssertTrue(text.hasPrefix("{\"flags\":"), text)
        XCTAssertFalse(text.contains("\n"))
        let read = try JSONReader.parse(text)
        let numbers = try read.member("numbers").arrayElements(field: "numbers")
        for (written, element) in zip(doubles, numbers) {
            let back = try element.double(field: "numbers")
            XCTAssertTrue(back.bitPattern == written.bitPattern || (back.isNaN && written.isNaN), "\(written) read back as \(back)")
        }
        XCTAssertEqual(try read.member("seed").uint64(field: "seed"), UInt64.max - 1)
        XCTAssertEqual(try read.member("text").string(field: "text"), "quote \" backslash \\ tab \t bell \u{7} é")
        // Another parser agrees that it is JSON.
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(text.utf8)))
    }

    func testAccessErrorsNameTheFieldLineAndWhatWasFound() throws {
        let value = try JSONReader.parse("{\n\"epoch\": \"two\"\n}")
        XCTAssertThrowsError(try value.member("epoch").int(field: "epoch")) { error in
            XCTAssertEqual(error as? JSONAccessError, JSONAccessError(line: 2, field: "epoch", expected: "an integer", found: "\"two\""))
        }
        XCTAssertThrowsError(try value.member("lr")) { error in
            XCTAssertEqual((error as? JSONAccessError)?.field, "lr")
        }
    }
}
