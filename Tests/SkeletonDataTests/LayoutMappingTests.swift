import XCTest
import SkeletonGraph
@testable import SkeletonData

final class LayoutMappingTests: XCTestCase {
    /// COCO-17 keypoints with joint j at (10 + j, 200 + j), score 0.5 + j/100.
    func cocoPerson() -> [Double] {
        var values: [Double] = []
        for j in 0..<17 { values += [Double(10 + j), Double(200 + j), 0.5 + Double(j) / 100] }
        return values
    }

    func testCOCO17ToOpenposeTableByName() throws {
        let mapping = try LayoutMapping(from: .coco17, to: .openpose)
        XCTAssertEqual(mapping.sources, [.joint(0), .midpoint(5, 6), .joint(6), .joint(8), .joint(10), .joint(5), .joint(7), .joint(9),
                                         .joint(12), .joint(14), .joint(16), .joint(11), .joint(13), .joint(15), .joint(2), .joint(1),
                                         .joint(4), .joint(3)])
    }

    func testNeckIsTheShoulderMidpointOnlyWhenBothShouldersArePresent() throws {
        let converter = try KeypointConverter(input: .coco17, model: .openpose, inputChannels: 3, imageSize: (100, 400))
        var person = cocoPerson()
        var out = converter.convert(person)
        // Neck (openpose 1) = midpoint of COCO 5 (15, 205) and 6 (16, 206), normalised.
        XCTAssertEqual(out[1], Float(15.5 / 100 - 0.5), accuracy: 1e-6)
        XCTAssertEqual(out[18 + 1], Float(205.5 / 400 - 0.5), accuracy: 1e-6)
        XCTAssertEqual(out[36 + 1], Float((0.55 + 0.56) / 2), accuracy: 1e-6)
        // Right wrist (openpose 4) = COCO 10.
        XCTAssertEqual(out[4], Float(20.0 / 100 - 0.5), accuracy: 1e-6)
        XCTAssertEqual(out[36 + 4], Float(0.6), accuracy: 1e-6)
        person[3 * 6 + 2] = 0   // right shoulder missing
        out = converter.convert(person)
        XCTAssertEqual([out[1], out[18 + 1], out[36 + 1]], [0, 0, 0])
        XCTAssertEqual([out[2], out[18 + 2], out[36 + 2]], [0, 0, 0], "a missing joint is zero in every channel")
    }

    func testMinimumScoreMakesLowScoreJointsMissing() throws {
        let converter = try KeypointConverter(input: .coco17, model: .openpose, inputChannels: 3, imageSize: (100, 100), minimumScore: 0.6)
        let out = converter.convert(cocoPerson())
        XCTAssertEqual(out[36 + 0], 0, "nose scores 0.5 < 0.6")
        XCTAssertEqual(out[0], 0)
        XCTAssertEqual(out[36 + 4], 0.6, accuracy: 1e-6, "right wrist scores 0.60")
    }

    func testOpenposeInputNormalisesExactlyLikeTheOpenPoseFolderReader() throws {
        var values: [Double] = []
        for v in 0..<18 {
            let score: Double = v == 4 ? 0 : 0.25 + Double(v) / 40
            values += [Double(3 * v + 7), Double(5 * v + 1), score]
        }
        let reference = try OpenPoseSequence(frames: [[values]], maxPersons: 1, selection: .fileOrder,
                                             normalization: .imageSize(width: 320, height: 240, centered: true)).clip
        let out = try KeypointConverter(input: .openpose18, model: .openpose, inputChannels: 3, imageSize: (320, 240)).convert(values)
        for c in 0..<3 { for v in 0..<18 { XCTAssertEqual(out[c * 18 + v], reference[c, 0, v, 0], "c \(c) v \(v)") } }
    }

    func testBody25AgreesWithTheOpenPoseReadersTable() throws {
        let mapping = try LayoutMapping(from: .body25, to: .openpose)
        XCTAssertEqual(mapping.sources, OpenPoseKeypointFormat.body25ToOpenpose.map { .joint($0) })
    }

    func testMediaPipeAndVisionTables() throws {
        let mediapipe = try LayoutMapping(from: .mediapipe33, to: .openpose)
        XCTAssertEqual(mediapipe.sources[1], .midpoint(11, 12))
        XCTAssertEqual(mediapipe.sources[4], .joint(16), "right wrist")
        XCTAssertEqual(mediapipe.sources[15], .joint(2), "left eye")
        let vision = try LayoutMapping(from: .vision19, to: .openpose)
        XCTAssertEqual(vision.sources[1], .joint(7), "Vision has its own neck")
        XCTAssertEqual(vision.sources[8], .joint(14), "right hip")
        let toCOCO = try LayoutMapping(from: .openpose18, to: .coco)
        XCTAssertEqual(toCOCO.sources.count, 17)
        XCTAssertEqual(toCOCO.sources[5], .joint(5))
        XCTAssertEqual(toCOCO.sources[6], .joint(2))
    }

    func testVisionPointsAreFlippedToImageCoordinatesWithoutAnImageSize() throws {
        let converter = try KeypointConverter(input: .vision19, model: .openpose, inputChannels: 3, imageSize: nil)
        var points = [Double](repeating: 0, count: 19 * 3)
        points[0] = 0.7; points[1] = 0.9; points[2] = 0.8     // nose high in the picture (y up)
        let out = converter.convert(points)
        XCTAssertEqual(out[0], Float(0.7 - 0.5), accuracy: 1e-6)
        XCTAssertEqual(out[18], Float((1 - 0.9) - 0.5), accuracy: 1e-6)
        XCTAssertEqual(out[36], 0.8, accuracy: 1e-6)
    }

    func testNTU25IsTheIdentityWithRawMetres() throws {
        let converter = try KeypointConverter(input: .ntu25, model: .ntuRGBD, inputChannels: 3, imageSize: nil)
        var values: [Double] = []
        for v in 0..<25 { values += [Double(v) / 10, -Double(v) / 20, 2 + Double(v) / 100] }
        let out = converter.convert(values)
        for v in 0..<25 {
            XCTAssertEqual(out[v], Float(values[3 * v]))
            XCTAssertEqual(out[25 + v], Float(values[3 * v + 1]))
            XCTAssertEqual(out[50 + v], Float(values[3 * v + 2]))
        }
    }

    func testUnsupportedPairsAndUnknownNamesAreTypedErrors() {
        XCTAssertThrowsError(try LayoutMapping(from: .coco17, to: .ntuRGBD)) { error in
            XCTAssertEqual(error as? LayoutMappingError, .unsupported(input: "coco17", model: "ntu-rgb+d", accepted: ["ntu25"]))
        }
        XCTAssertThrowsError(try LayoutMapping(from: .ntu25, to: .openpose))
        XCTAssertThrowsError(try LayoutMapping(from: .coco17, to: .ntuEdge), "ntu_edge has no joint names")
        XCTAssertThrowsError(try InputLayout.named("halpe26")) { error in
            XCTAssertTrue("\(error)".contains("unknown input layout 'halpe26'; expected one of coco17, mediapipe33"), "\(error)")
        }
        XCTAssertThrowsError(try KeypointConverter(input: .coco17, model: .openpose, inputChannels: 3, imageSize: nil)) { error in
            XCTAssertEqual(error as? LayoutMappingError, .imageSizeRequired(input: "coco17"))
        }
        XCTAssertThrowsError(try KeypointConverter(input: .coco17, model: .openpose, inputChannels: 3, imageSize: (0, 10)))
        XCTAssertThrowsError(try KeypointConverter(input: .coco17, model: .openpose, inputChannels: 2, imageSize: (10, 10)))
    }

    func testEveryTwoDimensionalLayoutFeedsBothTwoDimensionalModelLayouts() throws {
        for input in InputLayout.allCases where !input.isThreeDimensional {
            XCTAssertNoThrow(try LayoutMapping(from: input, to: .openpose), "\(input)")
            XCTAssertNoThrow(try LayoutMapping(from: input, to: .coco), "\(input)")
        }
    }

    func testDemoRecordingHasPeopleEnteringAndLeavingInCOCOPixels() throws {
        let frames = try DemoRecording.frames()
        XCTAssertEqual(frames.count, 360)
        XCTAssertEqual(frames[0].persons.count, 1)
        XCTAssertEqual(frames[100].persons.count, 2)
        XCTAssertEqual(frames[200].persons.count, 3)
        XCTAssertEqual(frames[320].persons.count, 1)
        XCTAssertTrue(frames.allSatisfy { $0.persons.allSatisfy { $0.keypoints.count == 51 && $0.id == nil } })
        let xs = frames[200].persons.flatMap { p in stride(from: 0, to: 51, by: 3).filter { p.keypoints[$0 + 2] > 0 }.map { p.keypoints[$0] } }
        XCTAssertGreaterThan(xs.max() ?? 0, 320, "pixels, not normalised coordinates")
        XCTAssertEqual(try DemoRecording.frames(), frames, "deterministic")
    }
}

/// `gendata openpose` and `predict` on OpenPose-format folders written by other estimators.
final class OpenPoseInputLayoutTests: XCTestCase {
    func testCOCO17FolderIsMappedLikeTheStream() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("coco-folder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var values: [Double] = []
        for j in 0..<17 { values += [Double(20 * j + 3), Double(7 * j + 100), j == 3 ? 0 : 0.9] }
        let list = values.map { String($0) }.joined(separator: ",")
        try Data("{\"people\": [{\"pose_keypoints_2d\": [\(list)]}]}".utf8).write(to: folder.appendingPathComponent("v_000000000000_keypoints.json"))
        let clip = try OpenPoseSequence(folder: folder, maxPersons: 1, normalization: .imageSize(width: 640, height: 480, centered: true),
                                        inputLayout: .coco17).clip
        let expected = try KeypointConverter(input: .coco17, model: .openpose, inputChannels: 3, imageSize: (640, 480)).convert(values)
        for c in 0..<3 { for v in 0..<18 { XCTAssertEqual(clip[c, 0, v, 0], expected[c * 18 + v], accuracy: 1e-7, "c \(c) v \(v)") } }
        XCTAssertNotEqual(clip[0, 0, 1, 0], 0, "neck made from the shoulders")
        XCTAssertThrowsError(try OpenPoseSequence(folder: folder, inputLayout: .body25)) { error in
            XCTAssertTrue("\(error)".contains("75 numbers (body25)"), "\(error)")
        }
        XCTAssertThrowsError(try OpenPoseSequence(folder: folder, inputLayout: .ntu25))
    }
}
