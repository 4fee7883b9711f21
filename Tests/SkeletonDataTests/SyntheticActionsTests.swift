import Foundation
import SkeletonGraph
import XCTest
@testable import SkeletonData

final class SyntheticActionsTests: XCTestCase {
    func testShapesAndDeterminism() throws {
        let generator = SyntheticActions(seed: 7)
        let a = try generator.makeDataset(samplesPerClass: 3, frames: 40)
        let b = try SyntheticActions(seed: 7).makeDataset(samplesPerClass: 3, frames: 40)
        let classes = SyntheticActions.classCount
        XCTAssertGreaterThanOrEqual(classes, 10)
        XCTAssertEqual(a.data.count, 3 * classes * 3 * 40 * 25 * 2)
        XCTAssertEqual(a.labels, (0..<(3 * classes)).map { $0 % classes })
        XCTAssertEqual(a.data.withUnsafeBytes { Data($0) }, b.data.withUnsafeBytes { Data($0) }, "same seed, same bytes")
        XCTAssertEqual(a.names, b.names)
        XCTAssertEqual(Set(a.names).count, a.names.count)
        let c = try SyntheticActions(seed: 8).makeDataset(samplesPerClass: 3, frames: 40)
        XCTAssertNotEqual(a.data, c.data)
        // One clip equals its slot in the dataset, whatever the generation order.
        let clip = try generator.clip(class: 4, index: 2, frames: 40)
        let n = 2 * classes + 4
        XCTAssertEqual(clip.values, Array(a.data[(n * clip.values.count)..<((n + 1) * clip.values.count)]))
        XCTAssertTrue(a.data.allSatisfy(\.isFinite))
    }

    func testTwoPersonClassesAndZeroSecondPerson() throws {
        let generator = SyntheticActions(seed: 1)
        for action in SyntheticActionClass.allCases {
            let clip = try generator.clip(class: action.rawValue, index: 0, frames: 50)
            let second = clip.values.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
            XCTAssertEqual(second.contains { $0 != 0 }, action.isTwoPerson, action.name)
        }
    }

    func testPlausibleBodies() throws {
        // Bone lengths stay constant over a clip (rigid bones) apart from noise; subjects differ.
        let generator = SyntheticActions(seed: 3)
        var forearms: [Float] = []
        for index in 0..<6 {
            var options = SyntheticActions.Options()
            options.missingJointProbability = 0
            options.missingFrameProbability = 0
            options.noise = 0...0
            let clip = try SyntheticActions(seed: 3, options: options).clip(class: 0, index: index, frames: 60)
            var lengths: [Float] = []
            for t in 0..<60 {
                let dx = clip[0, t, 9, 0] - clip[0, t, 10, 0], dy = clip[1, t, 9, 0] - clip[1, t, 10, 0], dz = clip[2, t, 9, 0] - clip[2, t, 10, 0]
                lengths.append((dx * dx + dy * dy + dz * dz).squareRoot())
                XCTAssertGreaterThan(clip[2, t, 3, 0], 1.5, "in front of the camera")
            }
            XCTAssertLessThan((lengths.max() ?? 0) - (lengths.min() ?? 0), 1e-4)
            forearms.append(lengths[0])
        }
        XCTAssertGreaterThan(Set(forearms).count, 3, "subjects have different bone lengths")
        _ = generator
    }

    func testMissingJointsAppearAsZeros() throws {
        var options = SyntheticActions.Options()
        options.missingJointProbability = 1
        let clip = try SyntheticActions(seed: 5, options: options).clip(class: 2, index: 1, frames: 80)
        var zeroJoints = 0
        for t in 0..<80 { for v in 0..<25 where clip[0, t, v, 0] == 0 && clip[1, t, v, 0] == 0 && clip[2, t, v, 0] == 0 { zeroJoints += 1 } }
        XCTAssertGreaterThan(zeroJoints, 0)
    }

    func testOpenposeProjection() throws {
        let data = try SyntheticActions(seed: 2).makeDataset(samplesPerClass: 2, frames: 30, layout: .openpose)
        let classes = SyntheticActions.classCount
        XCTAssertEqual(data.data.count, 2 * classes * 3 * 30 * 18 * 2)
        let clip = try SyntheticActions(seed: 2).clip(class: 0, index: 0, frames: 30, layout: .openpose)
        var detected = 0
        for t in 0..<30 {
            for v in 0..<18 {
                let score = clip[2, t, v, 0]
                if score == 0 {
                    XCTAssertEqual(clip[0, t, v, 0], 0); XCTAssertEqual(clip[1, t, v, 0], 0)
                } else {
                    detected += 1
                    XCTAssertLessThan(abs(clip[0, t, v, 0]), 0.5); XCTAssertLessThan(abs(clip[1, t, v, 0]), 0.5)
                }
            }
            // The head is above the ankles in image coordinates (y grows downward).
            if clip[2, t, 1, 0] > 0, clip[2, t, 10, 0] > 0 { XCTAssertLessThan(clip[1, t, 1, 0], clip[1, t, 10, 0]) }
        }
        XCTAssertGreaterThan(detected, 30 * 12)
    }

    func testClassesAreLearnableButNotIdentical() throws {
        // Nearest class mean on simple motion features, trained on the train split (subjects
        // 0–23), tested on the test split (subjects 24–31).
        let generator = SyntheticActions(seed: 11)
        let frames = 64
        func features(_ values: ArraySlice<Float>) -> [Float] {
            let clip = try! SkeletonClip(channels: 3, frames: frames, joints: 25, persons: 2, values: Array(values))
            var f: [Float] = []
            for m in 0..<2 {
                for v in 0..<25 {
                    for c in 0..<3 {
                        var mean: Float = 0, sq: Float = 0
                        for t in 0..<frames {
                            let x = clip[c, t, v, m] - clip[c, t, 0, m]
                            mean += x; sq += x * x
                        }
                        mean /= Float(frames)
                        f.append(mean)
                        f.append((max(0, sq / Float(frames) - mean * mean)).squareRoot() * 3)
                    }
                }
            }
            return f
        }
        let train = try generator.makeDataset(samplesPerClass: 12, frames: frames, split: .train)
        let test = try generator.makeDataset(samplesPerClass: 6, frames: frames, split: .test)
        let size = 3 * frames * 25 * 2
        let classes = SyntheticActions.classCount
        var sums = [[Float]](repeating: [], count: classes)
        var counts = [Int](repeating: 0, count: classes)
        var withinClassDistances: [Float] = []
        var firstFeatures = [[Float]?](repeating: nil, count: classes)
        for (n, label) in train.labels.enumerated() {
            let f = features(train.data[(n * size)..<((n + 1) * size)])
            if sums[label].isEmpty { sums[label] = f } else { for i in f.indices { sums[label][i] += f[i] } }
            counts[label] += 1
            if let first = firstFeatures[label] {
                withinClassDistances.append(zip(first, f).map { ($0 - $1) * ($0 - $1) }.reduce(0, +))
            } else { firstFeatures[label] = f }
        }
        let means = (0..<classes).map { k in sums[k].map { $0 / Float(counts[k]) } }
        var correct = 0
        for (n, label) in test.labels.enumerated() {
            let f = features(test.data[(n * size)..<((n + 1) * size)])
            let distances = means.map { mean in zip(mean, f).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) }
            if distances.firstIndex(of: distances.min() ?? 0) == label { correct += 1 }
        }
        let accuracy = Double(correct) / Double(test.labels.count)
        print("synthetic nearest-class-mean accuracy: \(accuracy) (\(correct)/\(test.labels.count))")
        XCTAssertGreaterThan(accuracy, 0.5, "classes should be distinguishable")
        XCTAssertTrue(withinClassDistances.allSatisfy { $0 > 1e-4 }, "clips of a class differ")
    }

    func testGeneratorSpeed() throws {
        let start = Date()
        let data = try SyntheticActions(seed: 1).makeDataset(samplesPerClass: 20, frames: 150)
        let seconds = Date().timeIntervalSince(start)
        print("synthetic: \(data.labels.count) clips × 150 frames in \(String(format: "%.2f", seconds)) s (debug build)")
        XCTAssertEqual(data.labels.count, 20 * SyntheticActions.classCount)
    }

    func testInvalidArguments() {
        let generator = SyntheticActions(seed: 0)
        assertDataError(try generator.clip(class: 99, index: 0, frames: 10), contains: ["class", "99"])
        assertDataError(try generator.clip(class: 0, index: -1, frames: 10), contains: ["index"])
        assertDataError(try generator.clip(class: 0, index: 0, frames: 0), contains: ["frames"])
        XCTAssertEqual(SyntheticActions.classNames.count, SyntheticActions.classCount)
    }

    func testVariableLengthPadsWithZeros() throws {
        var options = SyntheticActions.Options()
        options.variableLength = true
        options.missingFrameProbability = 0
        let generator = SyntheticActions(seed: 4, options: options)
        var lengths = Set<Int>()
        for index in 0..<8 {
            let clip = try generator.clip(class: 5, index: index, frames: 100)
            lengths.insert(clip.validFrameCount)
            XCTAssertGreaterThanOrEqual(clip.validFrameCount, 55)
        }
        XCTAssertGreaterThan(lengths.count, 1)
    }
}
