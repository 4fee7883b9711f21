import Foundation
import SkeletonFormats
import STGCNTestSupport
import XCTest
@testable import SkeletonData

/// ~200 deterministic random mutations of a small valid file per text format: every result is
/// either a clean `SkeletonDataError` (one line) or valid output with finite values.
final class FuzzTests: XCTestCase {
    func mutate(_ bytes: [UInt8], using random: inout TestRandom) -> [UInt8] {
        var out = bytes
        let interesting: [UInt8] = Array(" \n\t-+.eE0123456789nNaAiIfF{}[]\",:x\u{0}".utf8) + [0xFF, 0xC3]
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !out.isEmpty else { out = [UInt8](repeating: 0x30, count: 3); continue }
            let at = Int.random(in: 0..<out.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: out[at] = interesting[Int.random(in: 0..<interesting.count, using: &random)]
            case 1: out[at] = UInt8.random(in: 0...255, using: &random)
            case 2: out.removeSubrange(at..<min(out.count, at + Int.random(in: 1...20, using: &random)))
            case 3: out.insert(interesting[Int.random(in: 0..<interesting.count, using: &random)], at: at)
            case 4: out = Array(out[0..<at])
            default:
                let end = min(out.count, at + Int.random(in: 1...40, using: &random))
                out.insert(contentsOf: out[at..<end], at: Int.random(in: 0...out.count, using: &random))
            }
        }
        return out
    }

    func fuzz(_ name: String, seed: UInt64, valid: String, iterations: Int = 200, parse: ([UInt8]) throws -> [Float]) {
        fuzz(name, seed: seed, validBytes: Array(valid.utf8), iterations: iterations, parse: parse)
    }

    func fuzz(_ name: String, seed: UInt64, validBytes bytes: [UInt8], iterations: Int = 200, parse: ([UInt8]) throws -> [Float]) {
        var random = TestRandom(seed: seed)
        XCTAssertNoThrow(try parse(bytes), "\(name): the unmutated file must parse")
        var accepted = 0, rejected = 0
        for _ in 0..<iterations {
            let input = mutate(bytes, using: &random)
            do {
                let values = try parse(input)
                XCTAssertTrue(values.allSatisfy(\.isFinite), "\(name): non-finite value accepted")
                accepted += 1
            } catch let error as SkeletonDataError {
                XCTAssertFalse(error.description.contains("\n"), "\(name): multi-line error")
                XCTAssertTrue(error.description.contains(name), "\(name): error lacks the file name: \(error)")
                rejected += 1
            } catch {
                XCTFail("\(name): unexpected error \(error)")
            }
        }
        print("fuzz \(name): \(accepted) accepted, \(rejected) rejected")
        XCTAssertGreaterThan(rejected, iterations / 4)
    }

    func testNTUSkeleton() {
        fuzz("S001C001P001R001A001.skeleton", seed: 1, valid: ntuText(bodies: [[72_057_594_037_931_101], [], [1, 2]], jointCount: 25)) { bytes in
            let sequence = try NTUSkeletonSequence(bytes: bytes, source: "S001C001P001R001A001.skeleton")
            return try sequence.clip(frameCount: 10, overflow: .keepAll).values
        }
    }

    func testMSRAction3D() {
        let text = (0..<60).map { i in "\(Double(i) * 0.013) \(-Double(i) * 0.02) 2.5 1.000000" }.joined(separator: "\n") + "\n"
        fuzz("a01_s01_e01_skeleton3D.txt", seed: 2, valid: text) { bytes in
            try PlainTextSkeletonSequence(bytes: bytes, source: "a01_s01_e01_skeleton3D.txt", format: .msrAction3D).clip.values
        }
    }

    func testUTKinect() {
        let text = (0..<3).map { f in "\(f * 2 + 10)  " + (0..<60).map { String(format: "%.6f", Double($0) * 0.01 - 0.3) }.joined(separator: "  ") }.joined(separator: "\n") + "\n"
        fuzz("joints_s01_e01.txt", seed: 3, valid: text) { bytes in
            let sequence = try PlainTextSkeletonSequence(bytes: bytes, source: "joints_s01_e01.txt", format: .utKinect)
            return sequence.clip.values + sequence.leadingValues.flatMap { $0.map(Float.init) }
        }
        fuzz("actionLabel.txt", seed: 4, valid: "s01_e01\nwalk: 252 390\nsitDown: 572 686\ncarry:  NaN NaN\ns01_e02\nwalk: 154 192\n") { bytes in
            try UTKinect.parseLabels(bytes: bytes, source: "actionLabel.txt").flatMap(\.segments).map { Float($0.start ?? 0) }
        }
    }

    func testKineticsJSON() {
        let skeleton = { (x: Double) in
            "{\"pose\": [" + (0..<36).map { _ in String(x) }.joined(separator: ", ") + "], \"score\": [" + (0..<18).map { _ in "0.5" }.joined(separator: ", ") + "]}"
        }
        let text = "{\"data\": [{\"frame_index\": 0, \"skeleton\": [\(skeleton(0.25)), \(skeleton(0.75))]},\n {\"frame_index\": 1, \"skeleton\": []}], \"label\": \"a\", \"label_index\": 1}"
        fuzz("clip.json", seed: 5, valid: text) { bytes in
            try KineticsSkeletonClip(bytes: bytes, source: "clip.json", frameCount: 4, overflow: .truncate).clip.values
        }
        fuzz("label.json", seed: 6, valid: "{\"abc\": {\"has_skeleton\": true, \"label\": \"x\", \"label_index\": 3}}") { bytes in
            try KineticsLabel.parse(bytes: bytes, source: "label.json").map { Float($0.label.labelIndex) }
        }
    }

    func testOpenPoseJSON() {
        let keypoints = (0..<54).map { String(Double($0) * 1.5) }.joined(separator: ",")
        let text = "{\"version\":1.3,\"people\":[{\"person_id\":[-1],\"pose_keypoints_2d\":[\(keypoints)],\"face_keypoints_2d\":[]}]}"
        fuzz("v_000000000000_keypoints.json", seed: 7, valid: text) { bytes in
            var replaced = 0
            let people = try OpenPoseSequence.parseFrame(bytes: bytes, source: "v_000000000000_keypoints.json", format: .automatic,
                                                         nonFinite: .reject, replaced: &replaced)
            let sequence = try OpenPoseSequence(frames: [people], maxPersons: 2, selection: .highestScore, normalization: .none)
            return sequence.clip.values
        }
    }

    func testPySKLAnnotationPickle() throws {
        // Real numpy pickles (protocols 2 and 5): binary, so most mutations hit opcodes and lengths.
        for (seed, file) in [(9, "pyskl-2d-np2-p5.pkl"), (10, "pyskl-3d-np1-p2.pkl")] as [(UInt64, String)] {
            let bytes = [UInt8](try TestResources.pysklData(file))
            fuzz(file, seed: seed, validBytes: bytes, iterations: 300) { input in
                let decoded = try PySKLAnnotationFile(data: Data(input), source: file)
                return decoded.annotations.flatMap { $0.clip().values }
            }
        }
    }

    func testNumberParsingMatchesStandardLibrary() {
        var random = TestRandom(seed: 8)
        for _ in 0..<2000 {
            let value = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF) * (Bool.random(using: &random) ? 1 : -1)
            for text in [String(value), String(format: "%.6f", value.isFinite && abs(value) < 1e30 ? value : 1), String(format: "%.9e", value)] {
                let bytes = Array(text.utf8)
                let parsed = bytes.withUnsafeBufferPointer { NumberParsing.double(buffer: $0, range: 0..<bytes.count) }
                XCTAssertEqual(parsed, Double(text), text)
            }
        }
        for text in ["0x1p3", "1e", "--1", "", ".", "1..2", "1_000"] {
            let bytes = Array(text.utf8)
            XCTAssertNil(bytes.withUnsafeBufferPointer { NumberParsing.double(buffer: $0, range: 0..<bytes.count) }, text)
        }
    }
}
