import Foundation
import SkeletonGraph
import XCTest
@testable import SkeletonData

final class PlainTextSequenceTests: XCTestCase {
    func msrText(frames: Int) -> String {
        (0..<(frames * 20)).map { i in "\(Double(i) * 0.01) \(-Double(i) * 0.02) 2.5 \(i % 2 == 0 ? "1.000000" : "0.5")" }.joined(separator: "\n") + "\n"
    }

    func testMSRJointPerLine() throws {
        let sequence = try PlainTextSkeletonSequence(bytes: Array(msrText(frames: 3).utf8), source: "a01_s01_e01_skeleton3D.txt", format: .msrAction3D)
        XCTAssertEqual(sequence.clip.shape, [3, 3, 20, 1])
        XCTAssertEqual(sequence.clip[0, 1, 2, 0], Float(0.22))
        XCTAssertEqual(sequence.clip[1, 1, 2, 0], Float(-0.44))
        XCTAssertEqual(sequence.extraValues.count, 60)
        XCTAssertEqual(sequence.extraValues[1], 0.5)
        let name = try MSRAction3DSampleName(fileName: "/x/a12_s07_e03_skeleton3D.txt")
        XCTAssertEqual(name, MSRAction3DSampleName(action: 12, subject: 7, repetition: 3))
        XCTAssertEqual(name.label, 11)
        XCTAssertTrue(name.isTraining)
        XCTAssertEqual(name.description, "a12_s07_e03")
        assertDataError(try MSRAction3DSampleName(fileName: "a1_s07_e03.txt"), contains: ["aXX_sYY_eZZ"])
    }

    func testMSRErrors() {
        var lines = msrText(frames: 2).split(separator: "\n").map(String.init)
        assertDataError(try PlainTextSkeletonSequence(bytes: Array(lines.dropLast().joined(separator: "\n").utf8), source: "m.txt", format: .msrAction3D),
                        contains: ["m.txt:39", "frame 1", "20 joint lines", "found 19"])
        lines[5] = "0.1 0.2 NaN 1"
        assertDataError(try PlainTextSkeletonSequence(bytes: Array(lines.joined(separator: "\n").utf8), source: "m.txt", format: .msrAction3D),
                        contains: ["m.txt:6", "frame 0, joint 5, value 2", "non-finite"])
        let replaced = try? PlainTextSkeletonSequence(bytes: Array(lines.joined(separator: "\n").utf8), source: "m.txt", format: .msrAction3D, nonFinite: .replaceWithZero)
        XCTAssertEqual(replaced?.replacedNonFiniteValues, 1)
        XCTAssertEqual(replaced?.clip[2, 0, 5, 0], 0)
        lines[5] = "0.1 0.2 x3 1"
        assertDataError(try PlainTextSkeletonSequence(bytes: Array(lines.joined(separator: "\n").utf8), source: "m.txt", format: .msrAction3D),
                        contains: ["m.txt:6", "a number", "'x3'"])
        lines[5] = "0.1 0.2 1"
        assertDataError(try PlainTextSkeletonSequence(bytes: Array(lines.joined(separator: "\n").utf8), source: "m.txt", format: .msrAction3D),
                        contains: ["m.txt:6", "4 values", "found 3"])
        assertDataError(try PlainTextSkeletonSequence(bytes: Array("\n \n".utf8), source: "e.txt", format: .msrAction3D), contains: ["e.txt", "no data"])
        assertDataError(try PlainTextSkeletonFormat(arrangement: .jointPerLine, jointCount: 0, valuesPerJoint: 3, coordinateCount: 3), contains: ["jointCount"])
        assertDataError(try PlainTextSkeletonFormat(arrangement: .jointPerLine, jointCount: 5, valuesPerJoint: 3, coordinateCount: 4), contains: ["coordinateCount"])
    }

    func testUTKinectRowsAndLabels() throws {
        let row = { (id: Int) in "\(id)  " + (0..<60).map { String(Double($0) / 10 + Double(id)) }.joined(separator: "  ") + "  " }
        let text = [row(10), row(12), row(12), row(16), row(20)].joined(separator: "\n")
        let sequence = try PlainTextSkeletonSequence(bytes: Array(text.utf8), source: "joints_s01_e01.txt", format: .utKinect)
        XCTAssertEqual(sequence.clip.shape, [3, 5, 20, 1])
        XCTAssertEqual(sequence.leadingValues.map { $0[0] }, [10, 12, 12, 16, 20])
        XCTAssertEqual(sequence.clip[1, 3, 2, 0], Float(0.7 + 16))
        let labels = try UTKinect.parseLabels(bytes: Array("s01_e01\nwalk: 12 16\ncarry:  NaN NaN\nthrow: 17 18 \n".utf8), source: "actionLabel.txt")
        XCTAssertEqual(labels.count, 1)
        XCTAssertEqual(labels[0].segments.map(\.action), ["walk", "carry", "throw"])
        XCTAssertEqual(labels[0].segments[0].label, 0)
        XCTAssertNil(labels[0].segments[1].start)
        XCTAssertEqual(labels[0].segments[0].frames(of: sequence)?.frames, 3)
        XCTAssertNil(labels[0].segments[1].frames(of: sequence))
        XCTAssertNil(labels[0].segments[2].frames(of: sequence))
        assertDataError(try UTKinect.parseLabels(bytes: Array("s01_e01\nwalk: 12\n".utf8), source: "l.txt"), contains: ["l.txt:2", "action: start end"])
        assertDataError(try UTKinect.parseLabels(bytes: Array("s01_e01\nwalk: 12 NaN\n".utf8), source: "l.txt"), contains: ["l.txt:2", "both"])
        assertDataError(try UTKinect.parseLabels(bytes: Array("walk: 1 2\n".utf8), source: "l.txt"), contains: ["recording name"])
        assertDataError(try PlainTextSkeletonSequence(bytes: Array((row(1) + " 7").utf8), source: "j.txt", format: .utKinect), contains: ["j.txt:1", "61 values", "found 62"])
    }

    func testBuiltInKinectLayoutsAreValid() throws {
        for layout in [SkeletonLayout.kinectV1, .msrAction3D] {
            XCTAssertEqual(layout.jointCount, 20)
            let revalidated = try SkeletonLayout(name: layout.name, jointCount: 20, edges: layout.edgePairs, center: layout.center, jointNames: layout.jointNames)
            XCTAssertEqual(revalidated, layout)
        }
        // The MSR → Kinect v1 map is a permutation that maps names consistently.
        XCTAssertEqual(Set(SkeletonLayout.msrAction3DToKinectV1), Set(0..<20))
        for (k, m) in SkeletonLayout.msrAction3DToKinectV1.enumerated() {
            XCTAssertEqual(SkeletonLayout.kinectV1.jointName(k), SkeletonLayout.msrAction3D.jointName(m))
        }
    }

    // MARK: Real datasets (../shared/data; skipped when absent)

    func testMSRJointOrderFromBoneLengthsAndMotion() throws {
        let folder = try dataFolder("msr-action3d")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix("_skeleton3D.txt") }.sorted()
        XCTAssertEqual(files.count, 567)
        let layout = SkeletonLayout.msrAction3D
        var lengths = [[Float]](repeating: [], count: layout.edges.count)
        var activeRight = 0, oneLimb = 0
        var rightHasLargerX = 0, framesCompared = 0
        for file in files {
            let sequence = try PlainTextSkeletonSequence(contentsOf: folder.appendingPathComponent(file), format: .msrAction3D)
            let clip = sequence.clip
            func p(_ t: Int, _ v: Int) -> (Float, Float, Float) { (clip[0, t, v, 0], clip[1, t, v, 0], clip[2, t, v, 0]) }
            for t in 0..<clip.frames where !clip.isZeroFrame(t) {
                for (e, edge) in layout.edges.enumerated() {
                    let a = p(t, edge.first), b = p(t, edge.second)
                    lengths[e].append(((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1) + (a.2 - b.2) * (a.2 - b.2)).squareRoot())
                }
                framesCompared += 1
                if clip[0, t, 1, 0] > clip[0, t, 0, 0] { rightHasLargerX += 1 }
            }
            // One-limb actions (1–9 arm, 14–15 leg), performed with the right limb.
            let name = try MSRAction3DSampleName(fileName: file)
            let pairs: [(Int, Int)]? = (1...9).contains(name.action) ? [(10, 9), (12, 11)] : (14...15).contains(name.action) ? [(16, 15), (18, 17)] : nil
            if let pairs {
                func motion(_ v: Int) -> Float {
                    var total: Float = 0
                    for c in 0..<3 {
                        let xs = (0..<clip.frames).map { clip[c, $0, v, 0] }
                        let mean = xs.reduce(0, +) / Float(xs.count)
                        total += (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(xs.count)).squareRoot()
                    }
                    return total
                }
                oneLimb += 1
                if pairs.map({ motion($0.0) }).reduce(0, +) > pairs.map({ motion($0.1) }).reduce(0, +) { activeRight += 1 }
            }
        }
        func median(_ xs: [Float]) -> Float { let s = xs.sorted(); return s[s.count / 2] }
        var report: [String] = []
        for (e, edge) in layout.edges.enumerated() {
            report.append("\(layout.jointName(edge.first))-\(layout.jointName(edge.second)) \(String(format: "%.3f", median(lengths[e])))")
        }
        print("MSR bone medians: " + report.joined(separator: ", "))
        print("MSR: active limb on the 'right' chain in \(activeRight)/\(oneLimb) one-limb sequences; right shoulder x > left in \(rightHasLargerX)/\(framesCompared) frames")
        // Symmetric limbs: left and right bones have the same median length (within 3%).
        let byName = Dictionary(uniqueKeysWithValues: layout.edges.enumerated().map { ("\(layout.jointName($0.element.first))-\(layout.jointName($0.element.second))", median(lengths[$0.offset])) })
        for (left, right) in [("left_shoulder-left_elbow", "right_shoulder-right_elbow"), ("left_elbow-left_wrist", "right_elbow-right_wrist"),
                              ("left_wrist-left_hand", "right_wrist-right_hand"), ("left_hip-left_knee", "right_hip-right_knee"),
                              ("left_knee-left_ankle", "right_knee-right_ankle"), ("left_ankle-left_foot", "right_ankle-right_foot"),
                              ("shoulder_center-left_shoulder", "shoulder_center-right_shoulder"), ("hip_center-left_hip", "hip_center-right_hip")] {
            guard let l = byName[left], let r = byName[right] else { return XCTFail("missing bone \(left)") }
            XCTAssertEqual(l, r, accuracy: 0.03 * max(l, r), "\(left) vs \(right)")
        }
        XCTAssertGreaterThan(Double(activeRight), 0.95 * Double(oneLimb), "subjects used the right limb")
        XCTAssertGreaterThan(Double(rightHasLargerX), 0.95 * Double(framesCompared))
    }

    func testUTKinectRealFiles() throws {
        let folder = try dataFolder("utkinect/joints")
        let recordings = try UTKinect.readLabels(contentsOf: folder.appendingPathComponent("actionLabel.txt"))
        XCTAssertEqual(recordings.count, 20)
        let segments = recordings.flatMap(\.segments)
        XCTAssertEqual(segments.count, 200)
        XCTAssertEqual(segments.filter { $0.start == nil }.count, 1)
        XCTAssertTrue(segments.allSatisfy { $0.label != nil })
        var extracted = 0
        for recording in recordings {
            let sequence = try PlainTextSkeletonSequence(contentsOf: folder.appendingPathComponent("joints_\(recording.name).txt"), format: .utKinect)
            XCTAssertEqual(sequence.clip.joints, 20)
            for segment in recording.segments {
                if let clip = segment.frames(of: sequence) { extracted += 1; XCTAssertGreaterThan(clip.frames, 0) }
            }
            // Kinect v1 order: the head is above the hip center.
            XCTAssertGreaterThan(sequence.clip[1, 0, 3, 0], sequence.clip[1, 0, 0, 0])
        }
        XCTAssertEqual(extracted, 199)
    }
}
