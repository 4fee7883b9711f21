import ArgumentParser
import Foundation
import STGCN

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `stgcn gendata`: convert skeleton datasets to the official `{split}_data.npy` + `_label.pkl` files.
struct GendataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gendata",
        abstract: "Convert a skeleton dataset to official-format float32 (N, C, T, V, M) .npy + (names, labels) .pkl files.",
        subcommands: [NTU.self, Kinetics.self, OpenPose.self, Text.self, PySKL.self, Synthetic.self])

    /// What to do with clips longer than the target frame count.
    enum LongClips: String, ExpressibleByArgument, CaseIterable {
        case error, truncate
        var overflow: FrameOverflow { self == .error ? .error : .truncate }
    }

    /// Options every conversion shares.
    struct Common: ParsableArguments {
        @Option(help: "Folder to write into (created if needed).")
        var outFolder: String

        @Option(help: "Clips longer than the frame count: 'error' (as the official tools, naming the file) or 'truncate' (keep the first frames).")
        var longClips: LongClips = .error

        @Flag(help: "No progress lines on stderr.")
        var quiet = false
    }

    /// Writes `conversion` below `folder`, with progress on stderr, then a summary on stdout.
    /// Nothing is written unless every file is (see `DatasetConversion.write`).
    /// - Parameter nonFiniteFlag: the option that accepts NaN/infinite values, named in errors about them.
    static func run(_ conversion: () throws -> DatasetConversion, common: Common, nonFiniteFlag: String? = nil) throws {
        let start = Date()
        try checkOutFolder(common.outFolder)
        func failure(_ error: any Error) -> CLIError {
            CLIError(message(for: error, nonFiniteFlag: nonFiniteFlag))
        }
        let plan: DatasetConversion
        do { plan = try conversion() } catch { throw failure(error) }
        for note in plan.notes where !common.quiet { printError(note) }
        let folder = URL(fileURLWithPath: common.outFolder)
        var lastLine = Date.distantPast
        do {
            try plan.write(to: folder) { split, done, total in
                // At most one line a second, plus each split's last.
                guard !common.quiet, done == total || Date().timeIntervalSince(lastLine) >= 1 else { return }
                lastLine = Date()
                let seconds = Date().timeIntervalSince(start)
                let percent = total > 0 ? 100 * Double(done) / Double(total) : 100
                printError(String(format: "%@: %d/%d samples (%.0f%%), %.1f s", split, done, total, percent, seconds))
            }
        } catch { throw failure(error) }
        for split in plan.splits {
            let counts = Dictionary(grouping: split.entries, by: \.label).count
            print("wrote \(split.dataURL(in: folder).path) (\(([split.entries.count] + split.sampleShape).map(String.init).joined(separator: ", ")))"
                  + " and \(split.labelURL(in: folder).lastPathComponent): \(split.entries.count) samples, \(counts) classes")
        }
        if !plan.classNames.isEmpty { print("wrote \(folder.appendingPathComponent("class_names.txt").path): \(plan.classNames.count) classes") }
        print(String(format: "done in %.1f s", Date().timeIntervalSince(start)))
    }

    /// One line for `error`, naming this command's options where the library's message
    /// would name library types (`--long-clips truncate`, `--zero-non-finite`).
    static func message(for error: any Error, nonFiniteFlag: String?) -> String {
        guard let error = error as? SkeletonDataError else { return TextSanitizing.oneLine("\(error)") }
        switch error {
        case let .tooManyFrames(_, _, limit):
            return "\(error.summary) (pass --long-clips truncate to keep the first \(limit) frames)"
        case .nonFinite:
            return error.summary + (nonFiniteFlag.map { " (pass \($0) to store 0 instead)" } ?? "")
        default:
            return error.description
        }
    }

    /// Checks `--out-folder` before any work: an existing folder, or a path whose nearest
    /// existing parent is a writable folder (it is created when the conversion succeeds).
    static func checkOutFolder(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CLIError("--out-folder \(path): is a file; expected a folder") }
            guard FileManager.default.isWritableFile(atPath: path) else { throw CLIError("--out-folder \(path): the folder is not writable") }
            return
        }
        var parent = URL(fileURLWithPath: path).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory), parent.path != "/" {
            parent = parent.deletingLastPathComponent()
        }
        guard isDirectory.boolValue else { throw CLIError("--out-folder \(path): \(parent.path) is a file; expected a folder") }
        guard FileManager.default.isWritableFile(atPath: parent.path) else {
            throw CLIError("--out-folder \(path): cannot create it in \(parent.path) (not writable)")
        }
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    // MARK: ntu

    struct NTU: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ntu",
            abstract: "NTU RGB+D .skeleton files → <out>/{xsub,xview}/{train,val}_data.npy (N, 3, 300, 25, 2) + _label.pkl, as the official tools/ntu_gendata.py.")

        @Option(help: "Folder of .skeleton files (nturgb+d_skeletons).")
        var dataPath: String

        @Option(help: "Text file naming the samples with missing skeletons to skip, one a line (samples_with_missing_skeletons.txt).")
        var ignoredSamplePath: String?

        @Option(help: "Benchmarks to write: xsub, xview (repeatable; default both).")
        var benchmark: [String] = []

        @OptionGroup var common: Common

        func run() throws {
            var benchmarks: [NTUBenchmark] = []
            for name in benchmark {
                guard let value = NTUBenchmark(rawValue: name) else { throw CLIError("--benchmark \(name): expected xsub or xview") }
                benchmarks.append(value)
            }
            try GendataCommand.run({
                try Gendata.ntu(dataPath: URL(fileURLWithPath: dataPath), ignoredSamplePath: ignoredSamplePath.map { URL(fileURLWithPath: $0) },
                                benchmarks: benchmarks.isEmpty ? NTUBenchmark.allCases : benchmarks, longClips: common.longClips.overflow)
            }, common: common)
        }
    }

    // MARK: kinetics

    struct Kinetics: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kinetics",
            abstract: "Kinetics-skeleton → <out>/{train,val}_data.npy (N, 3, 300, 18, 2) + _label.pkl, as the official tools/kinetics_gendata.py.",
            discussion: "--data-path holds kinetics_train/ and kinetics_val/ (one <video_id>.json per clip) and kinetics_{train,val}_label.json.")

        @Option(help: "The kinetics-skeleton folder (kinetics_train/, kinetics_val/, kinetics_*_label.json).")
        var dataPath: String

        @Option(help: "Parts to convert (repeatable; default train and val).")
        var part: [String] = []

        @OptionGroup var common: Common

        func run() throws {
            try GendataCommand.run({
                try Gendata.kinetics(dataPath: URL(fileURLWithPath: dataPath), parts: part.isEmpty ? ["train", "val"] : part,
                                     longClips: common.longClips.overflow)
            }, common: common)
        }
    }

    // MARK: openpose

    struct OpenPose: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "openpose",
            abstract: "OpenPose --write_json output → <out>/<split>_data.npy (N, 3, T, 18, 2) + _label.pkl (openpose layout).",
            discussion: """
            Videos and labels: with --labels FILE, one line 'video,label[,split]' per video (CSV; '#' comments and a \
            'video,label,split' header allowed): video is a folder below --data-path holding that video's \
            *_keypoints.json files (or the <video> prefix of <video>_<frame>_keypoints.json files); label is a class \
            index, or a class name (names are numbered in sorted order); split defaults to train. Without --labels: \
            --data-path/<class>/<video>/ folders, classes numbered in sorted order; if --data-path has train/, val/ or \
            test/ folders, each is a split laid out that way. Coordinates are divided by --image-size, centred (−0.5) \
            and zeroed where the confidence is 0, as the official Kinetics data; BODY_25 is mapped to the 18 COCO joints. \
            Writes class_names.txt when classes have names.
            """)

        @Option(help: "Folder of OpenPose JSON output (see below).")
        var dataPath: String

        @Option(help: "CSV/text file of 'video,label[,split]' lines (default: class folders).")
        var labels: String?

        @Option(help: "Video frame size WIDTHxHEIGHT in pixels, used to normalize coordinates (e.g. 1920x1080).")
        var imageSize: String?

        @Flag(help: "Keep raw pixel coordinates instead of normalizing by --image-size.")
        var rawPixels = false

        @Option(help: "Frames per clip T (shorter clips are zero-padded at the end).")
        var frames: Int = 300

        @Option(help: "Keypoint format: automatic, coco18, body25.")
        var format: String = "automatic"

        @Option(help: "Keypoints from another estimator, in this layout (coco17, mediapipe33, vision19, openpose18, body25), mapped onto the 18 openpose joints (replaces --format).")
        var inputLayout: String?

        @OptionGroup var common: Common

        func validate() throws {
            if let reason = InputLimits.violation("--frames", frames, atMost: InputLimits.maximumFrameCount) { throw ValidationError(reason) }
        }

        func run() throws {
            let normalization: OpenPoseNormalization
            switch (imageSize, rawPixels) {
            case (nil, false): throw CLIError("give --image-size WIDTHxHEIGHT (to normalize as the official data) or --raw-pixels")
            case (.some, true): throw CLIError("--image-size and --raw-pixels exclude each other")
            case (nil, true): normalization = .none
            case let (.some(text), false):
                let parts = text.lowercased().split(separator: "x")
                guard parts.count == 2, let width = Double(parts[0]), let height = Double(parts[1]), width > 0, height > 0 else {
                    throw CLIError("--image-size \(text): expected WIDTHxHEIGHT in pixels, e.g. 1920x1080")
                }
                normalization = .imageSize(width: width, height: height, centered: true)
            }
            guard let keypoints = OpenPoseKeypointFormat(rawValue: format) else {
                throw CLIError("--format \(format): expected one of \(OpenPoseKeypointFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let layout: InputLayout?
            do { layout = try inputLayout.map { name throws(LayoutMappingError) in try InputLayout.named(name) } } catch {
                throw CLIError("--input-layout: \(error.description)")
            }
            try GendataCommand.run({
                try Gendata.openPose(dataPath: URL(fileURLWithPath: dataPath), labels: labels.map { URL(fileURLWithPath: $0) }, frames: frames,
                                     longClips: common.longClips.overflow, normalization: normalization, format: keypoints, inputLayout: layout)
            }, common: common)
        }
    }

    // MARK: pyskl

    struct PySKL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pyskl",
            abstract: "PySKL/MMAction2 annotation pickle → <out>/<split>_data.npy (N, C, T, V, M) + _label.pkl per split.",
            discussion: """
            --data-path is one pickle {'split': {name: [frame_dir, …]}, 'annotations': [{frame_dir, label, keypoint \
            (M,T,V,C), keypoint_score (M,T,V), …}]} (or a plain list of annotations, written whole as <file name>). \
            Read without executing anything: only numpy array globals are accepted. 2D keypoints with keypoint_score \
            become C = 3 (x, y, score) as the official Kinetics data; 3D keypoints stay (x, y, z). Coordinates are \
            written as stored. The first --num-person persons are kept; clips are zero-padded to --max-frames. \
            Sample names are the frame_dirs.
            """)

        @Option(help: "The annotation pickle (e.g. ntu60_3danno.pkl).")
        var dataPath: String

        @Option(help: "Split to write, a key of the file's 'split' dict (repeatable; default every split).")
        var split: [String] = []

        @Option(help: "Frames per clip T (shorter clips are zero-padded at the end).")
        var maxFrames: Int = 300

        @Option(help: "Persons per clip M (the first ones are kept, missing ones are zeros).")
        var numPerson: Int = 2

        @Flag(help: "Replace NaN or infinite keypoints and scores by 0 instead of failing.")
        var zeroNonFinite = false

        @OptionGroup var common: Common

        func validate() throws {
            if let reason = InputLimits.violation("--max-frames", maxFrames, atMost: InputLimits.maximumFrameCount)
                ?? InputLimits.violation("--num-person", numPerson, atMost: InputLimits.maximumPersonCount) { throw ValidationError(reason) }
        }

        func run() throws {
            try GendataCommand.run({
                try Gendata.pyskl(dataPath: URL(fileURLWithPath: dataPath), splits: split, frames: maxFrames, persons: numPerson,
                                  longClips: common.longClips.overflow, nonFinite: zeroNonFinite ? .replaceWithZero : .reject)
            }, common: common, nonFiniteFlag: "--zero-non-finite")
        }
    }

    // MARK: text

    struct Text: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "text",
            abstract: "Plain-text skeleton datasets → <out>/{train,val}_data.npy (N, 3, T, 20, M) + _label.pkl, cross-subject (odd subjects train, even val).",
            discussion: """
            msr-action3d: --data-path holds aXX_sYY_eZZ_skeleton3D.txt (MSR joint order). utkinect: --data-path holds \
            joints_sXX_eYY.txt and actionLabel.txt; one sample per labelled segment (Kinect v1 joint order). \
            T defaults to the longest sequence; class_names.txt is written too.
            """)

        enum Dataset: String, ExpressibleByArgument, CaseIterable {
            case msrAction3D = "msr-action3d"
            case utkinect
        }

        @Argument(help: "msr-action3d or utkinect.")
        var dataset: Dataset

        @Option(help: "The dataset folder.")
        var dataPath: String

        @Option(help: "Frames per clip T (default: the longest sequence).")
        var frames: Int?

        @Option(help: "Persons M (the datasets have one; more are zeros).")
        var persons: Int = 1

        @OptionGroup var common: Common

        func validate() throws {
            if let reason = frames.flatMap({ InputLimits.violation("--frames", $0, atMost: InputLimits.maximumFrameCount) })
                ?? InputLimits.violation("--persons", persons, atMost: InputLimits.maximumPersonCount) { throw ValidationError(reason) }
        }

        func run() throws {
            let url = URL(fileURLWithPath: dataPath)
            try GendataCommand.run({
                switch dataset {
                case .msrAction3D:
                    return try Gendata.msrAction3D(dataPath: url, frames: frames, persons: persons, longClips: common.longClips.overflow)
                case .utkinect:
                    return try Gendata.utKinect(dataPath: url, frames: frames, persons: persons, longClips: common.longClips.overflow)
                }
            }, common: common)
        }
    }
}
