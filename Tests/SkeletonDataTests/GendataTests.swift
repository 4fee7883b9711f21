import Foundation
import SkeletonFormats
import XCTest
@testable import SkeletonData

/// Dataset conversions: the arrays must be what the official tools write for the same files.
final class GendataTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gendata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func write(_ text: String, _ path: String) throws {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ path: String) throws -> (shape: [Int], values: [Float], names: [String], labels: [Int]) {
        let array = try Npy.read(contentsOf: folder.appendingPathComponent(path + "_data.npy"))
        XCTAssertEqual(array.dtype, .float32)
        XCTAssertFalse(array.isFortranOrder)
        let (names, labels) = try LabelFile.read(contentsOf: folder.appendingPathComponent(path + "_label.pkl"))
        return (array.shape, try array.floatValues(), names, labels)
    }

    // MARK: NTU

    /// A crafted `.skeleton` file: frame f lists `bodies[f]` bodies; joint j of body m in frame
    /// f has x, y, z given as 10-digit decimal text (so float64 → float32 rounding matters).
    static func skeletonFile(bodies: [Int], seed: Int) -> (text: String, xyz: (Int, Int, Int, Int) -> Float) {
        func text(_ f: Int, _ m: Int, _ j: Int, _ c: Int) -> String {
            let value = Double(seed * 7 + f * 3 + m * 11 + j * 13 + c * 17).truncatingRemainder(dividingBy: 97) / 37.0 - 1.3
            return String(format: "%.10f", value)
        }
        var lines = ["\(bodies.count)"]
        for (f, count) in bodies.enumerated() {
            lines.append("\(count)")
            for m in 0..<count {
                lines.append("\(72057594037931101 + UInt64(m)) 0 1 1 1 1 0 -0.437266 -0.2983932 2")
                lines.append("25")
                for j in 0..<25 {
                    lines.append("\(text(f, m, j, 0)) \(text(f, m, j, 1)) \(text(f, m, j, 2)) 250.1 180.2 960.5 540.25 0.1 0.2 0.3 0.4 2")
                }
            }
        }
        // The official read_xyz: float(text) (float64), stored into a float32 array.
        return (lines.joined(separator: "\r\n") + "\r\n", { c, f, j, m in Float(Double(text(f, m, j, c))!) })
    }

    /// The official ntu_gendata array for one file: (3, 300, 25, 2), the first 2 bodies of each frame.
    static func officialNTU(bodies: [Int], xyz: (Int, Int, Int, Int) -> Float, frames: Int = 300) -> [Float] {
        var out = [Float](repeating: 0, count: 3 * frames * 25 * 2)
        for (f, count) in bodies.enumerated() where f < frames {
            for m in 0..<min(count, 2) {
                for j in 0..<25 { for c in 0..<3 { out[((c * frames + f) * 25 + j) * 2 + m] = xyz(c, f, j, m) } }
            }
        }
        return out
    }

    func testNTUMatchesTheOfficialConverter() throws {
        // name → bodies per frame. P001/P002 are X-Sub training subjects, P003 is not;
        // C001 is X-View evaluation.
        let samples: [(String, [Int])] = [
            ("S001C002P003R001A013", [1, 1, 2, 0, 1]),
            ("S001C001P001R002A001", [3, 3, 1]),          // a third body is dropped
            ("S002C003P002R001A060", [0, 0, 2, 2]),       // leading empty frames stay zero
            ("S001C001P003R001A005", [1]),                // ignored (missing skeleton)
            ("S001C003P001R001A002", []),                 // no frames at all: all zeros
        ]
        var expected: [String: [Float]] = [:]
        for (k, (name, bodies)) in samples.enumerated() {
            let file = Self.skeletonFile(bodies: bodies, seed: k)
            try write(file.text, "ntu/\(name).skeleton")
            expected[name + ".skeleton"] = Self.officialNTU(bodies: bodies, xyz: file.xyz)
        }
        try write("notes", "ntu/README.txt")
        try write("S001C001P003R001A005\n\nS009C001P001R001A001\n", "missing.txt")
        let out = folder.appendingPathComponent("out")
        let conversion = try Gendata.ntu(dataPath: folder.appendingPathComponent("ntu"), ignoredSamplePath: folder.appendingPathComponent("missing.txt"))
        XCTAssertTrue(conversion.notes.joined().contains("1 of them present and skipped"), "\(conversion.notes)")
        try conversion.write(to: out)

        let parts: [(String, [String])] = [
            ("xsub/train", ["S001C001P001R002A001", "S001C003P001R001A002", "S002C003P002R001A060"]),
            ("xsub/val", ["S001C002P003R001A013"]),
            ("xview/train", ["S001C002P003R001A013", "S001C003P001R001A002", "S002C003P002R001A060"]),
            ("xview/val", ["S001C001P001R002A001"]),
        ]
        for (part, names) in parts {
            let result = try read("out/" + part)
            XCTAssertEqual(result.shape, [names.count, 3, 300, 25, 2], part)
            XCTAssertEqual(result.names, names.map { $0 + ".skeleton" }, part)
            XCTAssertEqual(result.labels, names.map { Int($0.suffix(3))! - 1 }, part)
            let size = 3 * 300 * 25 * 2
            for (i, name) in names.enumerated() {
                XCTAssertEqual(Array(result.values[(i * size)..<((i + 1) * size)]), expected[name + ".skeleton"], "\(part) \(name)")
            }
        }
        // The output loads with the feeder.
        let feeder = try Feeder(dataPath: out.appendingPathComponent("xsub/train_data.npy"), labelPath: out.appendingPathComponent("xsub/train_label.pkl"))
        XCTAssertEqual(feeder.count, 3)
        XCTAssertEqual(feeder.classCount, 60)
        XCTAssertEqual(feeder.sampleShape, [3, 300, 25, 2])
        // No temporary files are left.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("xsub").path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [])
    }

    func testNTULongClipsErrorOrTruncate() throws {
        let bodies = [Int](repeating: 1, count: 7)
        let file = Self.skeletonFile(bodies: bodies, seed: 3)
        try write(file.text, "ntu/S001C001P001R001A001.skeleton")
        let data = folder.appendingPathComponent("ntu")
        let out = folder.appendingPathComponent("out")
        let failing = try Gendata.ntu(dataPath: data, ignoredSamplePath: nil, benchmarks: [.crossSubject], frames: 5)
        assertDataError(try failing.write(to: out, workers: 1), contains: ["S001C001P001R001A001.skeleton", "7 frames", "at most 5"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("xsub/train_data.npy").path), "no half-written file")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "no temporary file left; the folder made for the conversion is removed")

        try Gendata.ntu(dataPath: data, ignoredSamplePath: nil, benchmarks: [.crossSubject], longClips: .truncate, frames: 5).write(to: out)
        let result = try read("out/xsub/train")
        XCTAssertEqual(result.shape, [1, 3, 5, 25, 2])
        XCTAssertEqual(result.values, Self.officialNTU(bodies: bodies, xyz: file.xyz, frames: 5))
        XCTAssertEqual(try read("out/xsub/val").shape, [0, 3, 5, 25, 2])
        assertDataError(try Gendata.ntu(dataPath: data, ignoredSamplePath: nil, longClips: .keepAll), contains: ["longClips"])
    }

    func testNTUBadInputIsNamed() throws {
        try write("1\n1\n", "ntu/S001C001P001R001A001.skeleton")
        try write("1\n0\n", "ntu/S001C001P002R001A001.skeleton")
        let data = folder.appendingPathComponent("ntu")
        let conversion = try Gendata.ntu(dataPath: data, ignoredSamplePath: nil)
        assertDataError(try conversion.write(to: folder.appendingPathComponent("out"), workers: 2),
                        contains: ["S001C001P001R001A001.skeleton:", "frame 0, body 0"])
        try write("1\n0\n", "ntu/badname.skeleton")
        assertDataError(try Gendata.ntu(dataPath: data, ignoredSamplePath: nil), contains: ["badname.skeleton", "SsssCcccPpppRrrrAaaa"])
        assertDataError(try Gendata.ntu(dataPath: folder.appendingPathComponent("nope"), ignoredSamplePath: nil), contains: ["nope", "no such folder"])
        assertDataError(try Gendata.ntu(dataPath: data, ignoredSamplePath: folder.appendingPathComponent("nolist.txt")), contains: ["nolist.txt", "cannot read"])
    }

    func testSharedSamplesAreLoadedOnce() throws {
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var loads: [String: Int] = [:]
            func add(_ name: String) { lock.lock(); loads[name, default: 0] += 1; lock.unlock() }
        }
        let counter = Counter()
        func entry(_ name: String, _ value: Float) -> DatasetEntry {
            DatasetEntry(name: name, label: Int(value)) {
                counter.add(name)
                return try SkeletonClip(channels: 1, frames: 2, joints: 1, persons: 1, values: [value, -value])
            }
        }
        let names = ["a", "b", "c", "d", "e"]
        let all = names.enumerated().map { entry($0.element, Float($0.offset + 1)) }
        let conversion = DatasetConversion(splits: [
            DatasetSplit(path: "x/train", sampleShape: [1, 2, 1, 1], entries: [all[0], all[2], all[3]]),
            DatasetSplit(path: "x/val", sampleShape: [1, 2, 1, 1], entries: [all[1], all[4]]),
            DatasetSplit(path: "y/train", sampleShape: [1, 2, 1, 1], entries: [all[0], all[1]]),
            DatasetSplit(path: "y/val", sampleShape: [1, 2, 1, 1], entries: [all[2], all[3], all[4]]),
        ], sharedSamples: true)
        var reports: [(Int, Int)] = []
        try conversion.write(to: folder.appendingPathComponent("out"), workers: 2) { _, done, total in reports.append((done, total)) }
        XCTAssertEqual(counter.loads, Dictionary(uniqueKeysWithValues: names.map { ($0, 1) }))
        XCTAssertEqual(reports.last.map { [$0.0, $0.1] }, [5, 5])
        XCTAssertEqual(try read("out/x/train").values, [1, -1, 3, -3, 4, -4])
        XCTAssertEqual(try read("out/y/val").values, [3, -3, 4, -4, 5, -5])
        XCTAssertEqual(try read("out/y/train").names, ["a", "b"])
        XCTAssertEqual(try read("out/x/val").labels, [2, 5])
        // Without sharing every split loads its own.
        counter.loads = [:]
        var separate = conversion
        separate.sharedSamples = false
        try separate.write(to: folder.appendingPathComponent("out2"), workers: 1)
        XCTAssertEqual(counter.loads.values.reduce(0, +), 10)
        XCTAssertEqual(try read("out2/y/val").values, [3, -3, 4, -4, 5, -5])
    }

    // MARK: Kinetics

    func kineticsClip(frames: [(Int, [(x: Double, y: Double, score: Double)])], labelIndex: Int?) -> String {
        let data = frames.map { index, people in
            let skeletons = people.map { p in
                "{\"pose\": [" + (0..<18).map { "\(p.x + Double($0) / 100), \(p.y)" }.joined(separator: ", ") + "], \"score\": ["
                    + (0..<18).map { $0 == 3 ? "0" : "\(p.score)" }.joined(separator: ", ") + "]}"
            }
            return "{\"frame_index\": \(index), \"skeleton\": [\(skeletons.joined(separator: ", "))]}"
        }
        return "{\"data\": [\(data.joined(separator: ", "))], \"label\": \"x\"\(labelIndex.map { ", \"label_index\": \($0)" } ?? "")}"
    }

    func testKineticsFollowsTheOfficialTool() throws {
        try write(kineticsClip(frames: [(0, [(0.2, 0.4, 0.5), (0.6, 0.7, 0.9), (0.1, 0.1, 0.1)]), (2, [(0.3, 0.3, 0.3)])], labelIndex: 1), "k/kinetics_train/vidB.json")
        try write(kineticsClip(frames: [(1, [(0.5, 0.5, 0.5)])], labelIndex: 0), "k/kinetics_train/vidA.json")
        try write(kineticsClip(frames: [], labelIndex: 2), "k/kinetics_train/vidC.json")
        try write("""
        {"vidA": {"has_skeleton": true, "label": "abseiling", "label_index": 0},
         "vidB": {"has_skeleton": true, "label": "air drumming", "label_index": 1},
         "vidC": {"has_skeleton": false, "label": "archery", "label_index": 2}}
        """, "k/kinetics_train_label.json")
        try write(kineticsClip(frames: [(0, [(0.25, 0.5, 1)])], labelIndex: nil), "k/kinetics_val/vidD.json")
        try write("{\"vidD\": {\"has_skeleton\": true, \"label\": \"archery\", \"label_index\": 2}}", "k/kinetics_val_label.json")

        let conversion = try Gendata.kinetics(dataPath: folder.appendingPathComponent("k"))
        XCTAssertEqual(conversion.classNames, ["abseiling", "air drumming", "archery"])
        try conversion.write(to: folder.appendingPathComponent("out"))
        let train = try read("out/train")
        XCTAssertEqual(train.shape, [2, 3, 300, 18, 2])
        XCTAssertEqual(train.names, ["vidA.json", "vidB.json"])
        XCTAssertEqual(train.labels, [0, 1])
        let size = 3 * 300 * 18 * 2
        // Each sample equals the existing official-rule converter (itself tested against the rules).
        for (i, name) in ["vidA", "vidB"].enumerated() {
            let reference = try KineticsSkeletonClip(contentsOf: folder.appendingPathComponent("k/kinetics_train/\(name).json")).clip
            XCTAssertEqual(Array(train.values[(i * size)..<((i + 1) * size)]), reference.values, name)
        }
        // Spot values of vidB frame 0: the higher-scoring person first, x − 0.5, joint 3 zeroed.
        let b = Array(train.values[size...])
        func at(_ c: Int, _ t: Int, _ v: Int, _ m: Int) -> Float { b[((c * 300 + t) * 18 + v) * 2 + m] }
        XCTAssertEqual(at(0, 0, 0, 0), Float(0.6 - 0.5))
        XCTAssertEqual(at(0, 0, 1, 1), Float(0.2 + 0.01 - 0.5))
        XCTAssertEqual(at(0, 0, 3, 0), 0)
        XCTAssertEqual(at(2, 0, 0, 0), 0.9)
        XCTAssertEqual(at(0, 1, 0, 0), 0)
        XCTAssertEqual(at(1, 2, 0, 0), Float(0.3 - 0.5))
        let val = try read("out/val")
        XCTAssertEqual(val.shape, [1, 3, 300, 18, 2])
        XCTAssertEqual(val.labels, [2])
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("out/class_names.txt"), encoding: .utf8), "abseiling\nair drumming\narchery\n")

        // A clip the label file does not know; a label_index that disagrees.
        try write(kineticsClip(frames: [], labelIndex: 0), "k/kinetics_val/vidE.json")
        assertDataError(try Gendata.kinetics(dataPath: folder.appendingPathComponent("k"), parts: ["val"]), contains: ["kinetics_val_label.json", "vidE"])
        try FileManager.default.removeItem(at: folder.appendingPathComponent("k/kinetics_val/vidE.json"))
        try write(kineticsClip(frames: [(0, [(0.25, 0.5, 1)])], labelIndex: 5), "k/kinetics_val/vidD.json")
        assertDataError(try Gendata.kinetics(dataPath: folder.appendingPathComponent("k"), parts: ["val"]).write(to: folder.appendingPathComponent("out2")),
                        contains: ["vidD.json", "label_index", "found 5"])
        assertDataError(try Gendata.kinetics(dataPath: folder.appendingPathComponent("k"), parts: ["test"]), contains: ["kinetics_test"])
    }

    // MARK: OpenPose

    func openPoseFrame(_ people: [[Double]]) -> String {
        "{\"version\":1.3,\"people\":[" + people.map { "{\"pose_keypoints_2d\":[" + $0.map { "\($0)" }.joined(separator: ",") + "]}" }.joined(separator: ",") + "]}"
    }

    func writeVideo(_ folderPath: String, prefix: String, frames: Int, offset: Double) throws {
        for f in 0..<frames {
            let person = (0..<18).flatMap { [offset + Double($0 + f), 50 + Double($0), 0.8] }
            try write(openPoseFrame([person]), "\(folderPath)/\(prefix)_\(String(repeating: "0", count: 11))\(f)_keypoints.json")
        }
    }

    func testOpenPoseWithLabelTableAndClassFolders() throws {
        try writeVideo("op/v1", prefix: "v1", frames: 3, offset: 10)
        try writeVideo("op/v2", prefix: "whatever", frames: 2, offset: 20)
        try writeVideo("op/flat", prefix: "v3", frames: 4, offset: 30)
        try write("# my labels\nvideo,label,split\nv1, wave, train\nv2,clap,val\nflat/v3,wave\n", "labels.csv")
        let conversion = try Gendata.openPose(dataPath: folder.appendingPathComponent("op"), labels: folder.appendingPathComponent("labels.csv"),
                                              frames: 5, normalization: .imageSize(width: 100, height: 200, centered: true))
        XCTAssertEqual(conversion.classNames, ["clap", "wave"])
        XCTAssertEqual(conversion.splits.map(\.path), ["train", "val"])
        try conversion.write(to: folder.appendingPathComponent("out"))
        let train = try read("out/train")
        XCTAssertEqual(train.shape, [2, 3, 5, 18, 2])
        XCTAssertEqual(train.names, ["v1", "flat/v3"])
        XCTAssertEqual(train.labels, [1, 1])
        let reference = try OpenPoseSequence(folder: folder.appendingPathComponent("op/v1"),
                                             normalization: .imageSize(width: 100, height: 200, centered: true)).clip.resized(toFrames: 5)
        XCTAssertEqual(Array(train.values[..<(3 * 5 * 18 * 2)]), reference.values)
        XCTAssertEqual(reference[0, 1, 2, 0], Float((10.0 + 3) / 100 - 0.5))
        XCTAssertTrue(reference.isZeroFrame(4))
        XCTAssertEqual(try read("out/val").labels, [0])

        // Integer labels; a clip longer than --frames.
        try write("v1,3\nflat/v3,0\n", "numbers.csv")
        let numbers = try Gendata.openPose(dataPath: folder.appendingPathComponent("op"), labels: folder.appendingPathComponent("numbers.csv"),
                                           frames: 3, normalization: .none)
        XCTAssertEqual(numbers.classNames, [])
        XCTAssertEqual(numbers.splits[0].entries.map(\.label), [3, 0])
        assertDataError(try numbers.write(to: folder.appendingPathComponent("out3")), contains: ["v3_*_keypoints.json", "4 frames", "at most 3"])
        try Gendata.openPose(dataPath: folder.appendingPathComponent("op"), labels: folder.appendingPathComponent("numbers.csv"),
                             frames: 3, longClips: .truncate, normalization: .none).write(to: folder.appendingPathComponent("out3"))
        XCTAssertEqual(try read("out3/train").shape, [2, 3, 3, 18, 2])

        // Bad tables and missing videos.
        try write("v1\n", "bad.csv")
        assertDataError(try Gendata.openPose(dataPath: folder.appendingPathComponent("op"), labels: folder.appendingPathComponent("bad.csv"), normalization: .none),
                        contains: ["bad.csv:1", "video,label"])
        try write("../v1,0\n", "escape.csv")
        assertDataError(try Gendata.openPose(dataPath: folder.appendingPathComponent("op"), labels: folder.appendingPathComponent("escape.csv"), normalization: .none),
                        contains: ["escape.csv:1", "inside the data folder"])
        try write("nothere,0\n", "missing.csv")
        assertDataError(try Gendata.openPose(dataPath: folder.appendingPathComponent("op"), labels: folder.appendingPathComponent("missing.csv"), normalization: .none)
                            .write(to: folder.appendingPathComponent("out4")), contains: ["nothere"])

        // Class folders, with train/val splits.
        try writeVideo("cls/train/walk/a", prefix: "a", frames: 2, offset: 1)
        try writeVideo("cls/train/run", prefix: "b", frames: 2, offset: 2)
        try writeVideo("cls/train/run", prefix: "c", frames: 1, offset: 3)
        try writeVideo("cls/val/walk/d", prefix: "d", frames: 2, offset: 4)
        let folders = try Gendata.openPose(dataPath: folder.appendingPathComponent("cls"), labels: nil, frames: 4, normalization: .none)
        XCTAssertEqual(folders.classNames, ["run", "walk"])
        try folders.write(to: folder.appendingPathComponent("out5"))
        let t = try read("out5/train")
        XCTAssertEqual(t.names, ["run/b", "run/c", "walk/a"])
        XCTAssertEqual(t.labels, [0, 0, 1])
        XCTAssertEqual(try read("out5/val").names, ["walk/d"])
        // Without split folders everything is train.
        let flat = try Gendata.openPose(dataPath: folder.appendingPathComponent("cls/train"), labels: nil, frames: 4, normalization: .none)
        XCTAssertEqual(flat.splits.map(\.path), ["train"])
        assertDataError(try Gendata.openPose(dataPath: folder.appendingPathComponent("op/v1"), labels: nil, normalization: .none), contains: ["no data"])
        XCTAssertFalse(folders.notes.contains { $0.contains("skipped") }, "\(folders.notes)")

        // A malformed name and a broken link among the keypoint files are skipped with a warning and a count.
        try write(openPoseFrame([]), "cls/train/run/b_frame_keypoints.json")
        try write(openPoseFrame([]), "cls/train/walk/a/notes_keypoints.json")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("cls/train/run/b_000000000009_keypoints.json").path,
                                                   withDestinationPath: "/nonexistent/target.json")
        let warned = try Gendata.openPose(dataPath: folder.appendingPathComponent("cls"), labels: nil, frames: 4, normalization: .none)
        XCTAssertEqual(warned.splits.first?.entries.map(\.name), ["run/b", "run/c", "walk/a"])
        let warnings = warned.notes.filter { $0.hasPrefix("warning: skipped") }
        XCTAssertEqual(warnings.count, 2, "\(warned.notes)")
        XCTAssertTrue(warnings.contains { $0.contains("skipped 2 *_keypoints.json files not named") }, "\(warnings)")
        XCTAssertTrue(warnings.contains { $0.contains("skipped 1 broken symbolic link") }, "\(warnings)")
    }

    // MARK: Plain text

    func testMSRAndUTKinectCraftedFiles() throws {
        // MSR: 20 joint lines a frame, x y z confidence.
        func msr(_ frames: Int, _ base: Double) -> String {
            (0..<frames).flatMap { f in (0..<20).map { j in "\(base + Double(f)) \(Double(j) / 10) \(2.5 + Double(f) / 100) 1.0" } }.joined(separator: "\n") + "\n"
        }
        try write(msr(3, 0.5), "msr/a01_s01_e01_skeleton3D.txt")
        try write(msr(5, 1.5), "msr/a02_s02_e01_skeleton3D.txt")
        try write(msr(2, 2.5), "msr/a20_s03_e02_skeleton3D.txt")
        let msrConversion = try Gendata.msrAction3D(dataPath: folder.appendingPathComponent("msr"))
        try msrConversion.write(to: folder.appendingPathComponent("msr-out"))
        let train = try read("msr-out/train"), val = try read("msr-out/val")
        XCTAssertEqual(train.shape, [2, 3, 5, 20, 1])
        XCTAssertEqual(train.names, ["a01_s01_e01_skeleton3D.txt", "a20_s03_e02_skeleton3D.txt"])
        XCTAssertEqual(train.labels, [0, 19])
        XCTAssertEqual(val.labels, [1])
        let first = try SkeletonClip(channels: 3, frames: 5, joints: 20, persons: 1, values: Array(train.values[..<300]))
        XCTAssertEqual(first[0, 2, 7, 0], 2.5)
        XCTAssertEqual(first[1, 2, 7, 0], 0.7)
        XCTAssertEqual(first[2, 1, 0, 0], Float(2.51))
        XCTAssertTrue(first.isZeroFrame(3) && first.isZeroFrame(4))
        // Two persons, fixed T with truncation.
        let two = try Gendata.msrAction3D(dataPath: folder.appendingPathComponent("msr"), frames: 4, persons: 2, longClips: .truncate)
        XCTAssertEqual(two.splits[0].sampleShape, [3, 4, 20, 2])
        assertDataError(try Gendata.msrAction3D(dataPath: folder.appendingPathComponent("msr"), frames: 4), contains: ["a02_s02_e01", "5 frames", "at most 4"])
        try write("1 2 3\n", "msr/a03_s01_e01_skeleton3D.txt")
        assertDataError(try Gendata.msrAction3D(dataPath: folder.appendingPathComponent("msr")), contains: ["a03_s01_e01_skeleton3D.txt:1"])

        // UTKinect: frame id then 20 × x y z; segments by frame id.
        func row(_ id: Int) -> String { "\(id) " + (0..<20).map { j in "\(Double(id) / 10) \(Double(j)) 2.0" }.joined(separator: " ") }
        try write((10...20).map(row).joined(separator: "\n") + "\n", "utk/joints_s01_e01.txt")
        try write((5...9).map(row).joined(separator: "\n") + "\n", "utk/joints_s02_e01.txt")
        try write("s01_e01\nwalk: 10 12\nclapHands: 15 20\ns02_e01\nsitDown: NaN NaN\npush: 6 8\n", "utk/actionLabel.txt")
        let utk = try Gendata.utKinect(dataPath: folder.appendingPathComponent("utk"))
        XCTAssertTrue(utk.notes.joined().contains("1 NaN"))
        try utk.write(to: folder.appendingPathComponent("utk-out"))
        let utrain = try read("utk-out/train"), uval = try read("utk-out/val")
        XCTAssertEqual(utrain.shape, [2, 3, 6, 20, 1])
        XCTAssertEqual(utrain.names, ["s01_e01_walk", "s01_e01_clapHands"])
        XCTAssertEqual(utrain.labels, [0, 9])
        XCTAssertEqual(uval.names, ["s02_e01_push"])
        XCTAssertEqual(uval.labels, [6])
        let push = try SkeletonClip(channels: 3, frames: 6, joints: 20, persons: 1, values: uval.values)
        XCTAssertEqual(push[0, 0, 0, 0], 0.6)
        XCTAssertEqual(push[0, 2, 0, 0], 0.8)
        XCTAssertTrue(push.isZeroFrame(3))
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("utk-out/class_names.txt"), encoding: .utf8).split(separator: "\n").count, 10)
        try write("s01_e01\nfly: 10 12\n", "utk/actionLabel.txt")
        assertDataError(try Gendata.utKinect(dataPath: folder.appendingPathComponent("utk")), contains: ["actionLabel.txt", "'fly'"])
    }

    /// (The real MSR Action3D run is in STGCNCLITests, through `stgcn gendata`.)
    func testRealUTKinectSplit() throws {
        let utk = try Gendata.utKinect(dataPath: try dataFolder("utkinect/joints"))
        XCTAssertEqual(utk.splits.map(\.entries.count), [100, 99])
        XCTAssertEqual(Set(utk.splits[0].entries.map(\.label)).count, 10)
    }
}
