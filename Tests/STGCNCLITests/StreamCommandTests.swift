import Foundation
import XCTest
import STGCN
#if canImport(Glibc)
import Glibc
#endif

/// `stgcn stream` and `stgcn predict` on keypoint recordings, through the real binary: the
/// demo recording, same answer as offline, bad lines, timelines.
final class StreamCommandTests: XCTestCase {
    var folder: URL!
    var config: URL!
    var weights: URL!
    static let classes = 13
    let imageSize = "640x480"

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        config = folder.appendingPathComponent("test.yaml")
        try """
        model: net.st_gcn.Model
        model_args:
          in_channels: 3
          num_class: \(Self.classes)
          edge_importance_weighting: True
          graph_args:
            layout: 'openpose'
            strategy: 'spatial'
        test_feeder_args:
          window_size: 16
        """.write(to: config, atomically: true, encoding: .utf8)
        // Seeded weights with a sharpened classifier, so probabilities differ between classes.
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: Self.classes, layout: .openpose))
        network.initializeWeights(seed: 21)
        for (name, parameter) in network.namedParameters() where name == "fcn.weight" {
            parameter.value = parameter.value.map { $0 * 100_000 }
        }
        weights = folder.appendingPathComponent("model.safetensors")
        try network.saveWeights(to: weights)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func objects(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
        }
    }

    /// The demo recording's first `count` lines, written to a file.
    func demoLines(_ count: Int) throws -> [String] {
        let result = try CommandRunner.run(["stream", "--demo", "--print-recording"])
        XCTAssertEqual(result.status, 0, result.error)
        let lines = result.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 360)
        return Array(lines.prefix(count))
    }

    func write(_ lines: [String], _ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testDemoPlaysPeopleEnteringAndLeavingThroughTheWholePipeline() throws {
        let result = try CommandRunner.run(["stream", "--demo", "-c", config.path, "--weights", weights.path, "--hop", "40", "--top", "3"])
        XCTAssertEqual(result.status, 0, result.error)
        let lines = try objects(result.output)
        // Rounds at frames 39, 79, …, 359; persons: 1 (0–239), 2 (60–299), 3 (150–359).
        let byFrame = Dictionary(grouping: lines) { $0["frame"] as? Int ?? -1 }.mapValues { Set($0.compactMap { $0["person"] as? Int }) }
        XCTAssertEqual(byFrame[39], [1])
        XCTAssertEqual(byFrame[79], [1, 2])
        XCTAssertEqual(byFrame[199], [1, 2, 3])
        XCTAssertEqual(byFrame[279], [2, 3])
        XCTAssertEqual(byFrame[359], [3])
        for line in lines {
            let top = try XCTUnwrap(line["top"] as? [[String: Any]])
            XCTAssertEqual(top.count, 3)
            XCTAssertNotNil(top[0]["label"] as? String)
            XCTAssertNotNil(line["latency_ms"] as? Double)
            XCTAssertNotNil(line["time"] as? Double)
            XCTAssertEqual(line["window_frames"] as? Int ?? 0 <= 16, true, "the config's window_size is the default window")
        }
    }

    /// `--stagger`: the demo's three persons each on their own phase, still every hop frames.
    func testStaggeredPersonsArePredictedOnTheirOwnPhase() throws {
        let result = try CommandRunner.run(["stream", "--demo", "-c", config.path, "--weights", weights.path, "--hop", "40", "--stagger",
                                            "--persons-per-phase", "1"])
        XCTAssertEqual(result.status, 0, result.error)
        var frames: [Int: [Int]] = [:]
        for line in try objects(result.output) {
            frames[try XCTUnwrap(line["person"] as? Int), default: []].append(try XCTUnwrap(line["frame"] as? Int))
        }
        XCTAssertEqual(frames.keys.sorted(), [1, 2, 3])
        var phases = Set<Int>()
        for (person, seen) in frames {
            XCTAssertEqual(Set(seen.map { ($0 + 1) % 40 }).count, 1, "person \(person): one phase, frames \(seen)")
            XCTAssertTrue(zip(seen, seen.dropFirst()).allSatisfy { $1 - $0 == 40 }, "person \(person) every 40 frames: \(seen)")
            phases.insert((seen[0] + 1) % 40)
        }
        XCTAssertEqual(phases.count, 3, "three different phases")
        let bad = try CommandRunner.run(["stream", "--benchmark", "--benchmark-fps", "0"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.error.contains("--benchmark-fps"), bad.error)
        let badWarmUp = try CommandRunner.run(["stream", "--benchmark", "--benchmark-warm-up", "-5"])
        XCTAssertNotEqual(badWarmUp.status, 0)
        XCTAssertTrue(badWarmUp.error.contains("--benchmark-warm-up"), badWarmUp.error)
    }

    /// The prediction at frame t equals `stgcn predict` on the recording up to t, window W.
    func testStreamEqualsPredictOnTheWindowEndingThere() throws {
        let lines = try demoLines(70)
        let recording = try write(lines, "demo.jsonl")
        let stream = try CommandRunner.run(["stream", "-c", config.path, "--weights", weights.path, "--input", recording.path,
                                            "--image-size", imageSize, "--window", "16", "--hop", "10", "--top", "\(Self.classes)"])
        XCTAssertEqual(stream.status, 0, stream.error)
        let predictions = try objects(stream.output)
        XCTAssertEqual(predictions.count, 7 + 1, "frames 9, 19, …, 69; person 2 from frame 60")
        // Frame 19 (window filled, person alone), frame 69 (two persons: each the other's partner).
        for (frame, person) in [(19, 1), (69, 1), (69, 2)] {
            let streamed = try XCTUnwrap(predictions.first { $0["frame"] as? Int == frame && $0["person"] as? Int == person })
            let prefix = try write(Array(lines.prefix(frame + 1)), "prefix-\(frame).jsonl")
            let offline = try CommandRunner.run(["predict", "-c", config.path, "--weights", weights.path, "--input", prefix.path,
                                                 "--image-size", imageSize, "--frames", "16", "--json", "--top", "\(Self.classes)"])
            XCTAssertEqual(offline.status, 0, offline.error)
            let reference = try XCTUnwrap(try objects(offline.output).first { $0["person"] as? Int == person })
            XCTAssertEqual(reference["partners"] as? [Int], streamed["partners"] as? [Int])
            func probabilities(_ object: [String: Any]) throws -> [Int: Double] {
                let top = try XCTUnwrap(object["top"] as? [[String: Any]])
                return Dictionary(uniqueKeysWithValues: top.map { ($0["class"] as? Int ?? -1, $0["probability"] as? Double ?? -1) })
            }
            let a = try probabilities(streamed), b = try probabilities(reference)
            XCTAssertEqual(a.count, Self.classes)
            XCTAssertGreaterThan(b.values.max() ?? 0, 0.12, "far from uniform (1/13 = 0.077), so the comparison means something")
            for (k, p) in b { XCTAssertEqual(a[k] ?? -1, p, accuracy: 5e-6, "frame \(frame) person \(person) class \(k)") }
        }
    }

    func testMalformedLinesAreReportedWithTheirNumberAndTheStreamGoesOn() throws {
        var lines = try demoLines(20)
        lines[2] = "not json"
        lines[4] = "{\"persons\": [{\"keypoints\": [[1, 2, 3]]}]}"
        lines[6] = "{\"time\": 1e999, \"persons\": []}"
        lines[7] = ""
        let input = try write(lines, "bad.jsonl")
        let arguments = ["stream", "-c", config.path, "--weights", weights.path, "--input", input.path, "--image-size", imageSize, "--hop", "10"]
        let result = try CommandRunner.run(arguments)
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.error.contains("bad.jsonl: line 3: not JSON"), result.error)
        XCTAssertTrue(result.error.contains("line 5: persons[0].keypoints: 1 keypoints; layout coco17 has 17 joints"), result.error)
        XCTAssertTrue(result.error.contains("line 7: time: not a finite number"), result.error)
        XCTAssertFalse(result.error.contains("line 8"), "a blank line is skipped silently")
        XCTAssertTrue(result.error.contains("3 malformed lines skipped"), result.error)
        XCTAssertEqual(try objects(result.output).count, 1, "16 frames were good: one round at the 10th")
        let strict = try CommandRunner.run(arguments + ["--strict"])
        XCTAssertNotEqual(strict.status, 0)
        XCTAssertTrue(strict.error.contains("line 3: not JSON"), strict.error)
        XCTAssertEqual(strict.error.split(separator: "\n").count, 1, strict.error)
        XCTAssertEqual(strict.output, "")
        let unknown = try CommandRunner.run(["stream", "-c", config.path, "--weights", weights.path, "--input", input.path, "--input-layout", "halpe26"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.error.contains("unknown input layout 'halpe26'"), unknown.error)
        let noSize = try CommandRunner.run(["stream", "-c", config.path, "--weights", weights.path, "--input", input.path])
        XCTAssertNotEqual(noSize.status, 0)
        XCTAssertTrue(noSize.error.contains("--image-size"), noSize.error)
        let threeD = try CommandRunner.run(["stream", "-c", config.path, "--weights", weights.path, "--input", input.path, "--input-layout", "ntu25"])
        XCTAssertTrue(threeD.error.contains("input layout ntu25 cannot feed a model with layout openpose; that model takes coco17, mediapipe33, vision19, openpose18, body25"), threeD.error)
    }

    func testSlidingWindowTimelineAsTextJSONAndCSV() throws {
        let recording = try write(try demoLines(90), "demo.jsonl")
        let base = ["predict", "-c", config.path, "--weights", weights.path, "--input", recording.path, "--image-size", imageSize,
                    "--sliding-window", "16", "--hop", "10"]
        let json = try CommandRunner.run(base + ["--json"])
        XCTAssertEqual(json.status, 0, json.error)
        let segments = try objects(json.output)
        for person in [1, 2] {
            let own = segments.filter { $0["person"] as? Int == person }
            XCTAssertFalse(own.isEmpty)
            for (a, b) in zip(own, own.dropFirst()) {
                XCTAssertEqual((a["end"] as? Int ?? 0) + 1, b["start"] as? Int, "segments tile the frames")
                XCTAssertNotEqual(a["class"] as? Int, b["class"] as? Int, "adjacent segments differ (same labels merge)")
            }
        }
        XCTAssertEqual(segments.first { $0["person"] as? Int == 1 }?["start"] as? Int, 0)
        XCTAssertEqual(segments.last { $0["person"] as? Int == 1 }?["end"] as? Int, 89)
        XCTAssertEqual(segments.first { $0["person"] as? Int == 2 }?["start"] as? Int, 60)
        let csv = try CommandRunner.run(base + ["--csv"])
        XCTAssertEqual(csv.status, 0, csv.error)
        let rows = csv.output.split(separator: "\n")
        XCTAssertEqual(rows.first, "input,person,start,end,start_time,end_time,class,label,probability,windows")
        XCTAssertEqual(rows.count, segments.count + 1)
        let text = try CommandRunner.run(base)
        XCTAssertTrue(text.output.contains("[person 1]: "), text.output)
        XCTAssertTrue(text.output.contains("frames 0–"), text.output)
    }

    func testSlidingWindowOverAClipInput() throws {
        // (C, T, V, M) = (3, 40, 18, 2): windows of 16 every 10 frames, the last one ending at frame 39.
        var generator = SeededGenerator(seed: 4)
        let values = (0..<(3 * 40 * 18 * 2)).map { _ in generator.nextUniform() - 0.5 }
        let npy = folder.appendingPathComponent("clip.npy")
        try Npy.write(float32: values, shape: [3, 40, 18, 2], to: npy)
        let result = try CommandRunner.run(["predict", "-c", config.path, "--weights", weights.path, "--input", npy.path,
                                            "--sliding-window", "16", "--hop", "10", "--json"])
        XCTAssertEqual(result.status, 0, result.error)
        let segments = try objects(result.output)
        XCTAssertEqual(segments.first?["start"] as? Int, 0)
        XCTAssertEqual(segments.last?["end"] as? Int, 39)
        XCTAssertEqual(segments.map { $0["windows"] as? Int ?? 0 }.reduce(0, +), 4, "windows at 0, 10, 20 and 24")
    }

    /// Standard input and a FIFO, read as the lines arrive: the first prediction comes out
    /// while the writer still holds the pipe open.
    func testReadsStandardInputAndAFIFOAsLinesArrive() throws {
        let lines = try demoLines(20)
        let fifo = folder.appendingPathComponent("poses")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        for source in ["-", fifo.path] {
            let process = Process()
            process.executableURL = CommandRunner.productsDirectory.appendingPathComponent("stgcn")
            process.arguments = ["stream", "-c", config.path, "--weights", weights.path, "--input", source, "--image-size", imageSize, "--hop", "10"]
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // A stream that held its output back would block the read below: stop it after 120 s.
            let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
            DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
            defer { watchdog.cancel() }
            let writer = source == "-" ? input.fileHandleForWriting : try XCTUnwrap(FileHandle(forWritingAtPath: fifo.path))
            writer.write(Data((lines.prefix(10).joined(separator: "\n") + "\n").utf8))
            // The 10th frame completes a round: its line must arrive before we send more.
            var received = Data()
            while !received.contains(UInt8(ascii: "\n")) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                received.append(chunk)
            }
            let first = try XCTUnwrap(String(data: received, encoding: .utf8)?.split(separator: "\n").first)
            XCTAssertTrue(first.hasPrefix("{\"frame\":9,"), "\(source): \(first)")
            writer.write(Data((lines.dropFirst(10).joined(separator: "\n") + "\n").utf8))
            try writer.close()
            if source != "-" { try input.fileHandleForWriting.close() }
            received.append(output.fileHandleForReading.readDataToEndOfFile())
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
            XCTAssertEqual(try objects(String(decoding: received, as: UTF8.self)).map { $0["frame"] as? Int }, [9, 19], source)
        }
    }
}
