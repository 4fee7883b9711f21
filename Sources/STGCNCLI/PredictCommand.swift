import ArgumentParser
import Foundation
import STGCN

/// `stgcn predict`: the top labels of one skeleton sequence (NTU `.skeleton`, Kinetics-skeleton
/// JSON, OpenPose JSON folder, a JSON-lines keypoint recording) or of every sample of an `.npy`;
/// with `--sliding-window`, a timeline of action segments.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Print the top-5 actions of a skeleton sequence with their probabilities.",
        discussion: """
        Input kinds: an NTU RGB+D .skeleton file (x, y, z; padded to 300 frames as the official \
        converter does), a Kinetics-skeleton .json clip, a folder of OpenPose *_keypoints.json \
        files (one per frame), a float32 .npy of shape (C, T, V, M) or (N, C, T, V, M), or a .jsonl \
        recording in the `stgcn stream` input format (--input-layout, --image-size; one result per tracked \
        person, over its last --frames frames). --sliding-window W --hop H prints a timeline of action \
        segments instead (text, --json or --csv).
        """)

    @Option(help: "Weights: .safetensors, .pt or .pth (a training checkpoint works too).")
    var weights: String

    @Option(name: .shortAndLong, help: "An official-format config with model_args (test.yaml or train.yaml).")
    var config: String

    @Option(help: "A .skeleton file, a Kinetics .json file, an OpenPose JSON folder, an .npy file, or a .jsonl keypoint recording.")
    var input: String

    @Option(help: "Class names, one per line in label order (the official label_name.txt).")
    var labels: String?

    @Option(help: "How many classes to print.")
    var top: Int = 5

    @Option(help: "Frames to zero-pad shorter sequences to (the official 300); for a .jsonl recording, also the window: each person's last FRAMES frames.")
    var frames: Int = 300

    @Option(help: "The keypoint layout of a .jsonl recording (default coco17) or of an OpenPose-format folder written by another estimator (default: OpenPose's own): coco17, mediapipe33, vision19, openpose18, body25, ntu25.")
    var inputLayout: String?

    @Option(help: ".jsonl recordings: person slots per clip, M (default: the config's test persons, else 2).")
    var persons: Int?

    @Option(help: ".jsonl recordings: 2-D joints scoring below this are missing (default 0: the official rule).")
    var minScore: Double = 0

    @Option(help: "Print a timeline: predict every window of this many frames.")
    var slidingWindow: Int?

    @Option(help: "With --sliding-window: frames between windows.")
    var hop: Int = 10

    @Flag(help: "With --sliding-window: print the timeline as CSV.")
    var csv = false

    @Option(help: "OpenPose folders and .jsonl recordings: the video's WIDTHxHEIGHT, to normalize pixels as the official pipeline (x/W − 0.5, y/H − 0.5).")
    var imageSize: String?

    @Flag(help: "Print one JSON object per sample instead of text.")
    var json = false

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        if let reason = InputLimits.violation("--frames", frames, atMost: InputLimits.maximumFrameCount) { throw ValidationError(reason) }
        if let slidingWindow, let reason = InputLimits.violation("--sliding-window", slidingWindow, atMost: InputLimits.maximumFrameCount) {
            throw ValidationError(reason)
        }
        if let reason = InputLimits.violation("--hop", hop, atMost: InputLimits.maximumFrameCount) { throw ValidationError(reason) }
        if let persons, let reason = InputLimits.violation("--persons", persons, atMost: InputLimits.maximumPersonCount) { throw ValidationError(reason) }
        if csv && slidingWindow == nil { throw ValidationError("--csv goes with --sliding-window") }
        if csv && json { throw ValidationError("--csv and --json cannot be combined") }
        if !minScore.isFinite || minScore < 0 { throw ValidationError("--min-score must be a finite number ≥ 0") }
    }

    func run() throws {
        try CLIError.requireBLAS()
        if let threads { Parallel.setWorkerCount(threads) }
        let experiment = try ConfigurationLoading.experiment(config)
        let model = experiment.model
        var names: [String]?
        if let labels {
            do { names = try ClassNames.read(contentsOf: URL(fileURLWithPath: labels), classCount: model.classCount) } catch {
                throw CLIError(error.description)
            }
        }
        let isRecording = URL(fileURLWithPath: input).pathExtension.lowercased() == "jsonl"
        var reader = self
        if let slidingWindow, !isRecording { reader.frames = slidingWindow }
        let batch = isRecording ? Tensor(shape: [0]) : try reader.readInput(model: model)
        let recording = isRecording ? try readRecording(model: model) : nil
        let network: any ActionRecognitionModel
        do { network = try TrainedModelLoader.load(experiment, configSource: config, weights: URL(fileURLWithPath: weights)) } catch {
            throw CLIError(error.description)
        }
        let slots = persons ?? experiment.testPersonCount ?? 2
        if let recording {
            if let slidingWindow {
                return printTimeline(recordingTimelines(recording, network: network, window: slidingWindow, slots: slots), names: names, window: slidingWindow)
            }
            return printRecordingPredictions(recording, network: network, slots: slots, names: names)
        }
        if let slidingWindow {
            return printTimeline(try clipTimelines(batch, network: network, window: slidingWindow), names: names, window: slidingWindow)
        }
        let logits = network.predictLogits(batch, batchSize: 8)
        let probabilities = CrossEntropy.probabilities(logits: logits)
        let classes = model.classCount
        let count = batch.shape[0]
        for sample in 0..<count {
            let row = Array(probabilities.scalars[(sample * classes)..<((sample + 1) * classes)])
            let ranked = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }.prefix(top)
            func name(_ index: Int) -> String { names.flatMap { index < $0.count ? $0[index] : nil } ?? "class \(index)" }
            if json {
                let items: [JSONValue] = ranked.enumerated().map { rank, index in
                    .object(["rank": .integer(rank + 1), "class": .integer(index), "label": .string(name(index)),
                             "probability": .number((Double(row[index]) * 1e6).rounded() / 1e6)])
                }
                print(JSONWriting.text(.object(["input": .string(input), "sample": .integer(sample), "top": .array(items)])))
            } else {
                print(count > 1 ? "\(input) [sample \(sample)]:" : "\(input):")
                for (rank, index) in ranked.enumerated() {
                    print(String(format: "  %d. %@  %.4f", rank + 1, name(index), row[index]))
                }
            }
        }
    }

    /// The input as an `(N, C, T, V, M)` batch, checked against the model.
    func readInput(model: ModelConfiguration) throws -> Tensor {
        let url = URL(fileURLWithPath: input)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw CLIError("\(input): input not found")
        }
        if !isDirectory.boolValue && url.pathExtension.lowercased() == "npy" {
            return try InputBatch.read(input, configuration: model, acceptingSample: true)
        }
        let clip: SkeletonClip
        do {
            if isDirectory.boolValue {
                var normalization = OpenPoseNormalization.none
                if let imageSize {
                    let parts = imageSize.lowercased().split(separator: "x").compactMap { Double($0) }
                    guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
                        throw CLIError("--image-size \(imageSize): expected WIDTHxHEIGHT, e.g. 1920x1080")
                    }
                    normalization = .imageSize(width: parts[0], height: parts[1], centered: true)
                } else {
                    FileHandle.standardError.write(Data("warning: OpenPose coordinates used as raw pixels; pass --image-size WxH to normalize them as the official pipeline\n".utf8))
                }
                let layout: InputLayout?
                do { layout = try inputLayout.map { name throws(LayoutMappingError) in try InputLayout.named(name) } } catch {
                    throw CLIError("--input-layout: \(error.description)")
                }
                let sequence = try OpenPoseSequence(folder: url, normalization: normalization, inputLayout: layout)
                if let warning = sequence.skippedFilesWarning {
                    FileHandle.standardError.write(Data("warning: \(input): \(warning)\n".utf8))
                }
                clip = sequence.clip
            } else {
                switch url.pathExtension.lowercased() {
                case "skeleton":
                    clip = try NTUSkeletonSequence(contentsOf: url).clip(frameCount: frames, overflow: .keepAll)
                case "json":
                    clip = try KineticsSkeletonClip(contentsOf: url, frameCount: frames, overflow: .keepAll).clip
                default:
                    throw CLIError("\(input): unknown input kind; expected .skeleton, .json, .npy or an OpenPose JSON folder")
                }
            }
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("\(error)")
        }
        try InferenceMemory.check(shape: [1] + clip.shape, source: input)
        let padded = clip.frames < frames ? clip.autoPaddingToLength(frames) : clip
        guard padded.channels == model.inputChannels else {
            throw CLIError("\(input): \(padded.channels) channels per joint; the model expects in_channels \(model.inputChannels)")
        }
        guard padded.joints == model.layout.jointCount else {
            throw CLIError("\(input): \(padded.joints) joints; layout \(model.layout.name) has \(model.layout.jointCount)")
        }
        return Tensor(shape: [1] + padded.shape, scalars: padded.values)
    }
}

extension SkeletonClip {
    /// The clip zero-padded at the end to `length` frames (official `auto_pading` without random offset).
    func autoPaddingToLength(_ length: Int) -> SkeletonClip {
        var generator = SeededGenerator(seed: 0)
        return autoPadding(size: length, randomPad: false, using: &generator)
    }
}
