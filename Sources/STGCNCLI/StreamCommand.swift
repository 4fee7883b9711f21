import ArgumentParser
import Foundation
import STGCN

/// `stgcn stream`: live recognition. Keypoints from any pose estimator as JSON lines in, one
/// JSON line per person and prediction out (see the README's "Live recognition").
struct StreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Recognise actions live: keypoints as JSON lines in, one JSON line per person and prediction out.",
        discussion: """
        Input: one JSON object per line (standard input, a file or a FIFO), \
        {"frame": 12, "time": 0.4, "persons": [{"id": 3, "keypoints": [[x, y, score], ...]}]}; \
        frame, time and id are optional; keypoints in the --input-layout's joint order, null for a missing joint. \
        Output: {"frame": 12, "time": 0.4, "person": 3, "top": [{"class": 7, "label": "...", "probability": 0.61}, ...], \
        "latency_ms": 8.2, ...} for every person present, every --hop frames. A malformed line is reported on stderr \
        with its line number and skipped (--strict stops instead). --demo plays a built-in recording; --benchmark \
        measures sustained frames/s and latency.
        """)

    @Option(name: .shortAndLong, help: "An official-format config with model_args (test.yaml). Optional with --demo and --benchmark.")
    var config: String?

    @Option(help: "Weights (.safetensors, .pt, .pth); default: the config's `weights`.")
    var weights: String?

    @Option(help: "JSON lines to read: a file, a FIFO, or - for standard input.")
    var input: String = "-"

    @Option(help: "Keypoint layout of the input: coco17, mediapipe33, vision19, openpose18, body25, ntu25.")
    var inputLayout: String = "coco17"

    @Option(help: "Frames per window (default: the config's test window_size or frames, else 300).")
    var window: Int?

    @Option(help: "A prediction every this many frames.")
    var hop: Int = 10

    @Option(help: "The video's WIDTHxHEIGHT in pixels, to normalise 2-D keypoints as the official pipeline (x/W − 0.5, y/H − 0.5).")
    var imageSize: String?

    @Option(help: "Class names, one per line in label order (the official label_name.txt).")
    var labels: String?

    @Option(help: "How many classes each prediction lists.")
    var top: Int = 5

    @Option(help: "Person slots per clip, M (default: the config's test persons, else 2 as the official models). Other slots hold the most relevant other persons.")
    var persons: Int?

    @Option(help: "2-D joints scoring below this are missing (default 0: only a zero score, the official rule).")
    var minScore: Double = 0

    @Option(help: "Largest distance for matching persons without ids to tracks (image fractions for 2-D models, metres for 3-D; default 0.25 / 0.5).")
    var matchDistance: Double?

    @Option(help: "Frames a person may be unseen before the track is dropped.")
    var trackTimeout: Int = 30

    @Flag(help: "Run every window whole instead of reusing block outputs of the person's previous window (same answer; for comparison).")
    var noReuse = false

    @Flag(help: "Do not prepare the next round's windows on the frames between rounds (each round then computes both edges of every window; same answer; for comparison).")
    var noPrepareAhead = false

    @Flag(inversion: .prefixedNo, help: "Spread persons over phases within the hop once they outnumber --persons-per-phase (each still predicted every --hop frames, on the window ending there), so a crowd's work does not all fall on one frame; --no-stagger predicts everyone on the same frame.")
    var stagger = true

    @Option(help: "With --stagger: persons that may share a phase before a newcomer opens another (default: --threads for one-person models; for M ≥ 2 twice --threads, since each phase also runs the partners' windows ending there).")
    var personsPerPhase: Int?

    @Flag(help: "Stop at the first malformed line with a non-zero exit status instead of skipping it.")
    var strict = false

    @Flag(help: "Play the built-in synthetic recording (three people entering and leaving, COCO-17 pixels, 640x480) instead of reading input.")
    var demo = false

    @Flag(help: "With --demo: print the recording's input lines instead of recognising them.")
    var printRecording = false

    @Flag(help: "Print the joint-by-joint table from --input-layout onto the model's layout (the config's, else openpose) and stop.")
    var printMapping = false

    @Flag(help: "Measure sustained frames/s and latency (median, p95) on a synthetic crowd instead of reading input.")
    var benchmark = false

    @Option(help: "With --benchmark: the crowd sizes, comma-separated.")
    var benchmarkPersons: String = "1,2,5"

    @Option(help: "With --benchmark: play the timed frames at this many frames/s, as a live source (latency then includes waiting for a busy recognizer); default: as fast as the recognizer takes them.")
    var benchmarkFps: Double?

    @Option(help: "With --benchmark: timed prediction rounds per crowd size.")
    var benchmarkRounds: Int = 30

    @Option(help: "With --benchmark: frames taken untimed, as fast as possible, before the timed ones (default: window + 2·hop, so that the first two slides of each window, which run deep blocks whole once, are not timed; 0 times everything).")
    var benchmarkWarmUp: Int?

    @Flag(help: "With --benchmark: one JSON object per crowd size.")
    var json = false

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        if demo && benchmark { throw ValidationError("--demo and --benchmark cannot be combined") }
        if printRecording && !demo { throw ValidationError("--print-recording goes with --demo") }
        if config == nil && !demo && !benchmark && !printMapping { throw ValidationError("give a config (-c test.yaml) and --weights, or --demo or --benchmark") }
        if weights != nil && config == nil { throw ValidationError("--weights needs the model's config (-c)") }
        if benchmarkRounds < 1 { throw ValidationError("--benchmark-rounds must be at least 1") }
        if let benchmarkWarmUp, benchmarkWarmUp < 0 || benchmarkWarmUp > InputLimits.maximumFrameCount {
            throw ValidationError("--benchmark-warm-up must be a frame count in 0...\(InputLimits.maximumFrameCount)")
        }
        if let benchmarkFps, !(benchmarkFps.isFinite && benchmarkFps > 0 && benchmarkFps <= 10_000) {
            throw ValidationError("--benchmark-fps must be a number of frames per second in (0, 10000]")
        }
        if !minScore.isFinite || minScore < 0 { throw ValidationError("--min-score must be a finite number ≥ 0") }
    }

    func run() throws {
        if printMapping { return try printJointTable() }
        if demo && printRecording {
            for frame in try demoFrames() { print(frame.jsonLine) }
            return
        }
        try CLIError.requireBLAS()
        if let threads { Parallel.setWorkerCount(threads) }
        let (model, names, frameCount, personCount) = try loadModel()
        let slots = persons ?? personCount ?? 2
        if benchmark { return try runBenchmark(model: model, persons: slots) }
        let layout = demo ? InputLayout.coco17.rawValue : inputLayout
        let size = demo ? "\(Int(DemoRecording.imageSize.width))x\(Int(DemoRecording.imageSize.height))" : imageSize
        let converter = try KeypointInput.converter(layoutName: layout, imageSize: size, minimumScore: minScore, model: model.configuration)
        let recognizer = try makeRecognizer(model: model, converter: converter, window: window ?? frameCount ?? 300, persons: slots)
        let parser = PoseLineParser(layout: converter.input)
        let output = FileHandle.standardOutput
        func emit(_ predictions: [StreamPrediction]) {
            for prediction in predictions { output.write(Data((line(prediction, names: names) + "\n").utf8)) }
        }
        if demo {
            // The recording goes through the same text and parser as live input.
            for frame in try demoFrames() {
                let arrival = DispatchTime.now().uptimeNanoseconds
                let bytes = Array(frame.jsonLine.utf8)
                emit(recognizer.process(try parser.parse(bytes), arrival: arrival))
            }
            return
        }
        let handle: FileHandle
        if input == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: input) else { throw CLIError("\(input): cannot open for reading") }
            handle = opened
        }
        var reader = JSONLinesReader(handle: handle)
        var rejected = 0
        while let next = reader.next() {
            let arrival = DispatchTime.now().uptimeNanoseconds
            let frame: PoseFrame
            switch next {
            case let .text(_, bytes) where bytes.isEmpty:
                continue
            case let .text(number, bytes):
                do { frame = try parser.parse(bytes) } catch {
                    try reject("line \(number): \(error.description)")
                    rejected += 1
                    continue
                }
            case let .tooLong(number, length):
                try reject("line \(number): \(length) bytes; at most \(reader.maximumLineLength) per line")
                rejected += 1
                continue
            }
            emit(recognizer.process(frame, arrival: arrival))
        }
        if rejected > 0 {
            FileHandle.standardError.write(Data("\(inputName): \(rejected) malformed line\(rejected == 1 ? "" : "s") skipped\n".utf8))
        }
    }

    /// `model joint ← input joint(s)`, one line each.
    func printJointTable() throws {
        let layout: SkeletonLayout
        if let config { layout = try ConfigurationLoading.experiment(config).model.layout } else { layout = .openpose }
        let mapping: LayoutMapping
        do { mapping = try LayoutMapping(from: try InputLayout.named(inputLayout), to: layout) } catch {
            throw CLIError("--input-layout \(TextSanitizing.oneLine(inputLayout)): \(error.description)")
        }
        print("\(mapping.input.rawValue) → \(layout.name)")
        for row in mapping.rows { print("\(row.modelIndex) \(row.modelName) ← \(row.source)") }
    }

    var inputName: String { input == "-" ? "standard input" : input }

    /// Reports a bad line on stderr, or stops with it under `--strict`.
    func reject(_ message: String) throws {
        if strict { throw CLIError("\(inputName): \(message)") }
        FileHandle.standardError.write(Data("\(inputName): \(message)\n".utf8))
    }

    func demoFrames() throws -> [PoseFrame] {
        do { return try DemoRecording.frames() } catch { throw CLIError(error.description) }
    }

    /// The config's model with its weights; without a config, a seeded untrained model for the
    /// demo (openpose layout, the 13 synthetic classes) or the benchmark (the official NTU model).
    func loadModel() throws -> (model: any ActionRecognitionModel, names: [String]?, frameCount: Int?, persons: Int?) {
        var names: [String]?
        guard let config else {
            let configuration = benchmark
                ? ModelConfiguration(classCount: 60, layout: .ntuRGBD, strategy: .spatial)
                : ModelConfiguration(classCount: SyntheticActions.classCount, layout: .openpose, strategy: .spatial)
            let model: STGCNNetwork
            do { model = try STGCNNetwork(configuration: configuration) } catch { throw CLIError(error.description) }
            model.initializeWeights(seed: 1)
            if demo {
                FileHandle.standardError.write(Data("note: no -c/--weights: an untrained (seeded) openpose model, so the labels are not meaningful; see the README for a trained one\n".utf8))
                names = SyntheticActions.classNames
            }
            if let labels { names = try readLabels(labels, classCount: configuration.classCount) }
            return (model, names, nil, nil)
        }
        let experiment = try ConfigurationLoading.experiment(config)
        guard let weightsURL = weights.map({ URL(fileURLWithPath: $0) }) ?? experiment.weights else {
            throw CLIError("\(config): no weights; pass --weights or set `weights` in the config")
        }
        let model: any ActionRecognitionModel
        do { model = try TrainedModelLoader.load(experiment, configSource: config, weights: weightsURL) } catch {
            throw CLIError(error.description)
        }
        if let labels {
            names = try readLabels(labels, classCount: experiment.model.classCount)
        } else if demo && experiment.model.classCount == SyntheticActions.classCount {
            names = SyntheticActions.classNames   // a model trained on the synthetic actions, e.g. config/stream-demo
        }
        return (model, names, experiment.testFrameCount, experiment.testPersonCount)
    }

    func readLabels(_ path: String, classCount: Int) throws -> [String] {
        do { return try ClassNames.read(contentsOf: URL(fileURLWithPath: path), classCount: classCount) } catch {
            throw CLIError(error.description)
        }
    }

    func makeRecognizer(model: any ActionRecognitionModel, converter: KeypointConverter, window: Int, persons: Int) throws -> StreamRecognizer {
        var tracker = PersonTracker.Settings.standard(threeDimensional: converter.input.isThreeDimensional)
        if let matchDistance { tracker.maximumDistance = matchDistance }
        tracker.timeoutFrames = trackTimeout
        do {
            var settings = StreamSettings(window: window, hop: hop, persons: persons, tracker: tracker)
            settings.reuseOverlappingWindows = !noReuse
            settings.staggerPersons = stagger
            settings.prepareAhead = !noPrepareAhead
            settings.personsPerPhase = personsPerPhase
            return try StreamRecognizer(model: model, converter: converter, settings: settings)
        } catch { throw CLIError(error.description) }
    }

    /// One output line.
    func line(_ prediction: StreamPrediction, names: [String]?) -> String {
        func name(_ index: Int) -> String { names.flatMap { index < $0.count ? $0[index] : nil } ?? "class \(index)" }
        var members: [JSONMember] = [JSONMember(key: "frame", value: .integer(prediction.frame ?? prediction.index))]
        if let time = prediction.time { members.append(JSONMember(key: "time", value: .number(time))) }
        members.append(JSONMember(key: "person", value: .integer(prediction.person)))
        let top: [JSONValue] = prediction.top(top).map { entry in
            .object(["class": .integer(entry.classIndex), "label": .string(name(entry.classIndex)),
                     "probability": .number((Double(entry.probability) * 1e6).rounded() / 1e6)])
        }
        members.append(JSONMember(key: "top", value: .array(top)))
        members.append(JSONMember(key: "latency_ms", value: .number((prediction.latency * 1e5).rounded() / 100)))
        members.append(JSONMember(key: "window_frames", value: .integer(prediction.windowFrames)))
        members.append(JSONMember(key: "partners", value: .array(prediction.partners.map { .integer($0) })))
        return JSONWriting.text(.object(members))
    }

    func runBenchmark(model: any ActionRecognitionModel, persons: Int) throws {
        let sizes = benchmarkPersons.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.count == benchmarkPersons.split(separator: ",").count,
              sizes.allSatisfy({ $0 >= 1 && $0 <= InputLimits.maximumPersonCount }) else {
            throw CLIError("--benchmark-persons \(TextSanitizing.oneLine(benchmarkPersons)): expected comma-separated counts 1...\(InputLimits.maximumPersonCount)")
        }
        let window = self.window ?? 300
        let warmUp = benchmarkWarmUp ?? window + 2 * hop
        let perPhase = personsPerPhase ?? StreamSettings(window: window, hop: hop, persons: persons, tracker: .standard(threeDimensional: false))
            .automaticPersonsPerPhase(workers: Parallel.workerCount)
        if !json {
            print("stream benchmark: model layout \(model.configuration.layout.name), \(model.classCount) classes, window \(window), hop \(hop), M = \(persons), \(Parallel.workerCount) worker threads, reuse \(noReuse ? "off" : noPrepareAhead ? "on" : "on, prepared ahead"), \(stagger ? "persons staggered (\(perPhase) per phase)" : "persons on one frame"), input \(benchmarkFps.map { String(format: "paced at %g frames/s", $0) } ?? "as fast as taken"), \(warmUp) frames of warm-up")
            print("BLAS: \(BLAS.backendDescription)")
            print("persons  frames/s  latency median  latency p95  rounds  block positions reused")
        }
        for count in sizes {
            let crowd: (frames: [PoseFrame], layout: InputLayout)
            do { crowd = try StreamBenchmark.crowd(persons: count, frameCount: warmUp + benchmarkRounds * hop, modelLayout: model.configuration.layout.name) } catch {
                throw CLIError("\(error)")
            }
            let converter = try KeypointInput.converter(layoutName: crowd.layout.rawValue, imageSize: "1000x1000", minimumScore: 0,
                                                        model: model.configuration)
            let recognizer = try makeRecognizer(model: model, converter: converter, window: window, persons: persons)
            let result = StreamBenchmark.run(recognizer, frames: crowd.frames, persons: count, pace: benchmarkFps, warmUp: warmUp)
            let reusedShare = result.reusedShare
            let median = result.latencyQuantile(0.5) * 1000, p95 = result.latencyQuantile(0.95) * 1000
            if json {
                print(JSONWriting.text(.object([
                    "persons": .integer(count), "window": .integer(window), "hop": .integer(hop), "threads": .integer(Parallel.workerCount),
                    "stagger": .bool(stagger), "persons_per_phase": stagger ? .integer(perPhase) : .null, "prepare_ahead": .bool(!noReuse && !noPrepareAhead), "paced_fps": benchmarkFps.map { .number($0) } ?? .null, "warm_up_frames": .integer(warmUp),
                    "frames": .integer(result.frames), "frames_per_second": .number((result.framesPerSecond * 100).rounded() / 100),
                    "latency_median_ms": .number((median * 10).rounded() / 10), "latency_p95_ms": .number((p95 * 10).rounded() / 10),
                    "rounds": .integer(result.roundLatencies.count), "reused_block_positions": .number((reusedShare * 1000).rounded() / 1000),
                    "round_latencies_ms": .array(result.roundLatencies.map { .number(($0 * 10_000).rounded() / 10) }),
                    "round_waits_ms": .array(result.roundWaits.map { .number(($0 * 10_000).rounded() / 10) }),
                    "round_cpu_ms": .array(result.roundCPUTimes.map { .number(($0 * 10_000).rounded() / 10) }),
                    "blas": .string(BLAS.backendDescription),
                    "gemm_library": .string((try? BLASRuntime.status().gemmLibraryName) ?? ""),
                ])))
            } else {
                print(String(format: "%7d  %8.1f  %11.1f ms  %8.1f ms  %6d  %20.0f%%", count, result.framesPerSecond, median, p95,
                             result.roundLatencies.count, reusedShare * 100))
            }
        }
    }
}
