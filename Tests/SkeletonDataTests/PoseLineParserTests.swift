import XCTest
import SeededRandom
@testable import SkeletonData

final class PoseLineParserTests: XCTestCase {
    let parser = PoseLineParser(layout: .coco17)

    func validLine(id: Int? = 3) -> String {
        let joints = (0..<17).map { j in j == 4 ? "null" : "[\(100 + j).5, \(200 + 2 * j), 0.\(50 + j)]" }.joined(separator: ", ")
        let idPart = id.map { "\"id\": \($0), " } ?? ""
        return "{\"frame\": 12, \"time\": 0.4, \"persons\": [{\(idPart)\"keypoints\": [\(joints)]}, {\"keypoints\": [\(joints)]}], \"extra\": {\"x\": [1]}}"
    }

    func testReadsTheDocumentedLine() throws {
        let frame = try parser.parse(Array(validLine().utf8))
        XCTAssertEqual(frame.frame, 12)
        XCTAssertEqual(frame.time, 0.4)
        XCTAssertEqual(frame.persons.count, 2)
        XCTAssertEqual(frame.persons[0].id, 3)
        XCTAssertNil(frame.persons[1].id)
        XCTAssertEqual(frame.persons[0].keypoints.count, 51)
        XCTAssertEqual(Array(frame.persons[0].keypoints[0..<3]), [100.5, 200, 0.5])
        XCTAssertEqual(Array(frame.persons[0].keypoints[12..<15]), [0, 0, 0], "null is a missing joint")
        // The writer's line reads back to the same frame.
        XCTAssertEqual(try parser.parse(Array(frame.jsonLine.utf8)), frame)
        // Flat OpenPose-style keypoints, an empty frame, no frame number.
        let flat = (0..<51).map { String($0 % 3 == 2 ? 1 : $0) }.joined(separator: ",")
        XCTAssertEqual(try parser.parse(Array("{\"persons\":[{\"keypoints\":[\(flat)]}]}".utf8)).persons[0].keypoints.count, 51)
        XCTAssertEqual(try parser.parse(Array("{\"persons\": []}".utf8)), PoseFrame(persons: []))
    }

    func testBadLinesAreTypedOneLineErrors() {
        func error(_ line: String, layout: InputLayout = .coco17) -> PoseLineError? {
            do { _ = try PoseLineParser(layout: layout).parse(Array(line.utf8)); return nil } catch { return error }
        }
        XCTAssertEqual(error("{\"persons\": [{\"keypoints\": [[1, 2, 3]]}]}"),
                       .keypointCount(field: "persons[0].keypoints", layout: "coco17", expected: 17, found: 1))
        XCTAssertEqual(error("{\"persons\": [{\"keypoints\": [[1, 2, 3]]}]}", layout: .ntu25),
                       .keypointCount(field: "persons[0].keypoints", layout: "ntu25", expected: 25, found: 1))
        XCTAssertEqual(error("{\"time\": 1e999, \"persons\": []}"), .nonFinite(field: "time"))
        XCTAssertEqual(error("{\"time\": \"NaN\", \"persons\": []}"), .field(name: "time", expected: "a number", found: "\"NaN\""))
        XCTAssertEqual(error("{\"frame\": 1.5, \"persons\": []}"), .field(name: "frame", expected: "an integer", found: "1.5"))
        XCTAssertEqual(error("{\"frame\": 1}"), .field(name: "persons", expected: "an array of persons", found: "none"))
        XCTAssertEqual(error("[1, 2]"), .field(name: "line", expected: "a JSON object", found: "an array"))
        XCTAssertEqual(error("{\"persons\": [{\"id\": 1, \"keypoints\": []}, {\"id\": 1, \"keypoints\": []}]}"),
                       .keypointCount(field: "persons[0].keypoints", layout: "coco17", expected: 17, found: 0))
        let joints = Array(repeating: "null", count: 17).joined(separator: ",")
        XCTAssertEqual(error("{\"persons\": [{\"id\": 1, \"keypoints\": [\(joints)]}, {\"id\": 1, \"keypoints\": [\(joints)]}]}"), .duplicateID(1))
        guard case .syntax? = error("{\"persons\": [NaN]}") else { return XCTFail("NaN literal is not JSON") }
        guard case .syntax? = error("not json") else { return XCTFail() }
        XCTAssertTrue("\(PoseLineError.keypointCount(field: "persons[0].keypoints", layout: "coco17", expected: 17, found: 1))"
            .contains("1 keypoints; layout coco17 has 17 joints"))
    }

    /// Seeded mutations of valid lines: every outcome is a frame the pipeline can take (the
    /// layout's keypoint count, finite numbers) or a typed error; nothing traps.
    func testFuzzedLinesParseOrFailCleanly() {
        var random = SeededGenerator(seed: 16)
        let seeds = [validLine(), validLine(id: nil), "{\"persons\": []}", PoseFrame(frame: 1, time: 2, persons: [PosePerson(id: 9, keypoints: (0..<51).map { Double($0) })]).jsonLine]
        let tokens = ["NaN", "1e999", "-1e400", "null", "[", "]", "{", "}", ",", ":", "\"", "\\", "-", "0", "1.5e3", "\"id\"", "\"keypoints\"", "[[1,2,3]]", "\u{0}", "é", "\u{FFFF}", "9999999999999999999999"]
        var parsed = 0, rejected = 0
        for round in 0..<3000 {
            var bytes = Array(seeds[round % seeds.count].utf8)
            for _ in 0..<(1 + Int(random.next() % 4)) {
                guard !bytes.isEmpty else { break }
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 5 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.remove(at: position)
                case 2: bytes.insert(contentsOf: Array(tokens[Int(random.next() % UInt64(tokens.count))].utf8), at: position)
                case 3:
                    let end = min(bytes.count, position + Int(random.next() % 40))
                    bytes.insert(contentsOf: bytes[position..<end], at: position)
                default:
                    bytes.removeSubrange(position..<min(bytes.count, position + Int(random.next() % 12)))
                }
            }
            do {
                let frame = try parser.parse(bytes)
                parsed += 1
                for person in frame.persons {
                    XCTAssertEqual(person.keypoints.count, 51, "round \(round)")
                    XCTAssertTrue(person.keypoints.allSatisfy(\.isFinite), "round \(round)")
                }
                XCTAssertTrue(frame.time?.isFinite ?? true)
            } catch {
                rejected += 1
                XCTAssertFalse(error.description.isEmpty)
                XCTAssertFalse(error.description.contains("\n"), "one line: \(error.description)")
            }
        }
        XCTAssertGreaterThan(parsed, 100, "some mutations keep the line valid")
        XCTAssertGreaterThan(rejected, 1000, "most mutations break it")
    }
}
