import Foundation
import InputLimits

/// Dataset conversions to the official `{split}_data.npy` + `{split}_label.pkl` format, as
/// the official `tools/ntu_gendata.py` and `tools/kinetics_gendata.py` do them (same values,
/// same zero padding), plus OpenPose output folders and the plain-text datasets MSR Action3D
/// and UTKinect-Action3D.
///
/// Each function only plans: it lists the samples, checks names and labels, and returns a
/// `DatasetConversion` whose entries load their clips lazily; `DatasetConversion.write(to:)`
/// then streams them to disk. Samples are in file-name order (the official tools use
/// `os.listdir` order, which is arbitrary).
public enum Gendata {
    // MARK: NTU RGB+D

    /// NTU RGB+D `.skeleton` files → `xsub/{train,val}` and `xview/{train,val}`, float32
    /// (N, 3, `frames`, 25, `maxBodies`).
    ///
    /// Each file is parsed once and written to its part of every benchmark (the official tool
    /// parses it once per benchmark). Official rules: the label is `A − 1`; X-Sub trains on performers
    /// `NTUSampleName.crossSubjectTrainingSubjects`, X-View on cameras 2 and 3; the samples
    /// named in `ignoredSamplePath` (one name a line, with or without `.skeleton`) are skipped;
    /// the first `maxBodies` bodies of each frame in file order, x/y/z, zero-padded to `frames`.
    /// The official tool fails on clips longer than `frames`: `longClips` `.error` does the
    /// same (naming the file), `.truncate` keeps the first `frames` frames.
    /// - Throws: `SkeletonDataError` for an unreadable folder or list, a `.skeleton` file whose
    ///   name is not `SsssCcccPpppRrrrAaaa.skeleton`, or `longClips == .keepAll`.
    public static func ntu(dataPath: URL, ignoredSamplePath: URL?, benchmarks: [NTUBenchmark] = NTUBenchmark.allCases,
                           longClips: FrameOverflow = .error, frames: Int = 300, maxBodies: Int = 2) throws(SkeletonDataError) -> DatasetConversion {
        try checkFixedLength(longClips, frames: frames)
        let files = try listFiles(dataPath, suffix: ".skeleton")
        var ignored = Set<String>()
        if let ignoredSamplePath {
            let text = String(decoding: try FileBytes.read(ignoredSamplePath.path), as: UTF8.self)
            for line in text.split(whereSeparator: \.isNewline) {
                let name = line.trimmingCharacters(in: .whitespaces)
                if name.isEmpty { continue }
                ignored.insert(name.hasSuffix(".skeleton") ? String(name.dropLast(".skeleton".count)) : name)
            }
        }
        var samples: [(file: String, name: NTUSampleName)] = []
        var skipped = 0
        for file in files {
            if ignored.contains(String(file.dropLast(".skeleton".count))) { skipped += 1; continue }
            samples.append((file, try NTUSampleName(fileName: dataPath.appendingPathComponent(file).path)))
        }
        var splits: [DatasetSplit] = []
        for benchmark in benchmarks {
            for part in ["train", "val"] {
                let entries = samples.filter { $0.name.isTraining(benchmark) == (part == "train") }.map { sample in
                    let url = dataPath.appendingPathComponent(sample.file)
                    return DatasetEntry(name: sample.file, label: sample.name.label) { () throws -> SkeletonClip in
                        try NTUSkeletonSequence(contentsOf: url).clip(maxBodies: maxBodies, frameCount: frames, overflow: longClips)
                    }
                }
                splits.append(DatasetSplit(path: "\(benchmark.rawValue)/\(part)", sampleShape: [3, frames, 25, maxBodies], entries: entries))
            }
        }
        var notes = ["\(files.count) .skeleton files in \(dataPath.path)"]
        if let ignoredSamplePath {
            notes.append("\(ignored.count) names in \(ignoredSamplePath.path); \(skipped) of them present and skipped")
        }
        return DatasetConversion(splits: splits, notes: notes, sharedSamples: true)
    }

    // MARK: Kinetics-skeleton

    /// Kinetics-skeleton → `{train,val}`, float32 (N, 3, `frames`, 18, 2), as the official
    /// `kinetics_gendata.py`: for each part, clips `<dataPath>/kinetics_<part>/<id>.json` with
    /// labels from `<dataPath>/kinetics_<part>_label.json`; videos whose `has_skeleton` is false
    /// are skipped; conversion by `KineticsSkeletonClip` (5 persons read, x, y − 0.5, the 2 with
    /// the highest score per frame kept). Sample names are the file names.
    /// - Throws: `SkeletonDataError` for a missing folder or label file, a clip missing from
    ///   the label file, or a clip whose own `label_index` disagrees with the label file.
    public static func kinetics(dataPath: URL, parts: [String] = ["train", "val"], frames: Int = 300,
                                longClips: FrameOverflow = .error) throws(SkeletonDataError) -> DatasetConversion {
        try checkFixedLength(longClips, frames: frames)
        var splits: [DatasetSplit] = []
        var classNames: [Int: String] = [:]
        var notes: [String] = []
        for part in parts {
            let folder = dataPath.appendingPathComponent("kinetics_\(part)")
            let labelURL = dataPath.appendingPathComponent("kinetics_\(part)_label.json")
            let files = try listFiles(folder, suffix: ".json")
            var labels: [String: KineticsLabel] = [:]
            for (id, label) in try KineticsLabel.read(contentsOf: labelURL) {
                labels[id] = label
                classNames[label.labelIndex] = label.label
            }
            var entries: [DatasetEntry] = []
            var empty = 0
            for file in files {
                let id = String(file.prefix { $0 != "." })
                let url = folder.appendingPathComponent(file)
                guard let label = labels[id] else {
                    throw .malformed(file: labelURL.path, line: nil, field: TextQuoting.quoted(id),
                                     expected: "an entry for \(url.path)", found: "none")
                }
                guard label.hasSkeleton else { empty += 1; continue }
                guard label.labelIndex >= 0 else {
                    throw .malformed(file: labelURL.path, line: nil, field: "\(TextQuoting.quoted(id)).label_index",
                                     expected: "a class index ≥ 0", found: "\(label.labelIndex)")
                }
                let expected = label.labelIndex
                entries.append(DatasetEntry(name: file, label: expected) { () throws -> SkeletonClip in
                    let clip = try KineticsSkeletonClip(contentsOf: url, frameCount: frames, overflow: longClips)
                    if let own = clip.labelIndex, own != expected {
                        throw SkeletonDataError.malformed(file: url.path, line: nil, field: "label_index",
                                                          expected: "\(expected) as in \(labelURL.lastPathComponent)", found: "\(own)")
                    }
                    return clip.clip
                })
            }
            notes.append("\(part): \(files.count) clips, \(empty) without skeleton skipped")
            splits.append(DatasetSplit(path: part, sampleShape: [3, frames, 18, 2], entries: entries))
        }
        let count = (classNames.keys.max() ?? -1) + 1
        let names = (0..<count).compactMap { classNames[$0] }
        return DatasetConversion(splits: splits, classNames: names.count == count ? names : [], notes: notes)
    }

    // MARK: OpenPose

    /// OpenPose `--write_json` output → `<split>_data.npy`/`_label.pkl`, float32
    /// (N, 3, `frames`, 18, 2) in the `openpose` layout (BODY_25 mapped to it).
    ///
    /// Where the videos and labels come from:
    /// - With `labels` (a CSV/text file, `#` comments and a `video,label[,split]` header
    ///   allowed): one line `video,label[,split]` per video. `video` is a folder below
    ///   `dataPath` holding that video's `*_keypoints.json` files, or a file-name prefix
    ///   (`<video>_<frame>_keypoints.json` directly in `dataPath` or a folder of it). `label`
    ///   is a class index (when every label is an integer) or a class name (names are numbered
    ///   in sorted order). `split` defaults to `train`.
    /// - Without `labels`: `dataPath/<class>/<video>/…` (or `dataPath/<class>/<video>_<frame>_keypoints.json`);
    ///   classes are the folder names, numbered in sorted order. When `dataPath` has `train`,
    ///   `val` or `test` folders, each is a split laid out that way; otherwise everything is `train`.
    ///
    /// Per frame the 2 persons with the highest summed confidence are kept; clips shorter than
    /// `frames` are zero-padded at the end, longer ones follow `longClips`. With `inputLayout`,
    /// the files hold that layout's keypoints (e.g. COCO-17), mapped onto `openpose` by `LayoutMapping`.
    /// - Throws: `SkeletonDataError` naming the file or folder at fault.
    public static func openPose(dataPath: URL, labels: URL?, frames: Int = 300, longClips: FrameOverflow = .error,
                                normalization: OpenPoseNormalization, format: OpenPoseKeypointFormat = .automatic,
                                maxPersons: Int = 2, inputLayout: InputLayout? = nil) throws(SkeletonDataError) -> DatasetConversion {
        try checkFixedLength(longClips, frames: frames)
        guard maxPersons >= 1, maxPersons <= InputLimits.maximumPersonCount else {
            throw .invalidArgument(name: "maxPersons", value: "\(maxPersons)", expected: "1...\(InputLimits.maximumPersonCount)")
        }
        struct Video { var name: String; var folder: URL; var prefix: String?; var label: Int; var split: String }
        var videos: [Video] = []
        var classNames: [String] = []
        if let labels {
            let rows = try parseLabelTable(labels)
            let allIntegers = rows.allSatisfy { Int($0.label).map { $0 >= 0 } ?? false }
            if !allIntegers { classNames = Array(Set(rows.map(\.label))).sorted() }
            for row in rows {
                let label = allIntegers ? Int(row.label) ?? 0 : classNames.firstIndex(of: row.label) ?? 0
                let url = dataPath.appendingPathComponent(row.video)
                if isDirectory(url) {
                    videos.append(Video(name: row.video, folder: url, prefix: nil, label: label, split: row.split))
                } else {
                    videos.append(Video(name: row.video, folder: url.deletingLastPathComponent(), prefix: url.lastPathComponent, label: label, split: row.split))
                }
            }
        } else {
            let splitNames = ["train", "val", "test"].filter { isDirectory(dataPath.appendingPathComponent($0)) }
            let splitFolders = splitNames.isEmpty ? [("train", dataPath)] : splitNames.map { ($0, dataPath.appendingPathComponent($0)) }
            var found: [(split: String, className: String, name: String, folder: URL, prefix: String?)] = []
            for (split, folder) in splitFolders {
                for className in try listFiles(folder, suffix: "").filter({ isDirectory(folder.appendingPathComponent($0)) }) {
                    let classFolder = folder.appendingPathComponent(className)
                    let entries = try listFiles(classFolder, suffix: "")
                    for entry in entries where isDirectory(classFolder.appendingPathComponent(entry)) {
                        found.append((split, className, "\(className)/\(entry)", classFolder.appendingPathComponent(entry), nil))
                    }
                    for prefix in Set(entries.compactMap(openPoseVideoPrefix)).sorted() {
                        found.append((split, className, "\(className)/\(prefix)", classFolder, prefix))
                    }
                }
            }
            classNames = Array(Set(found.map(\.className))).sorted()
            videos = found.map { Video(name: $0.name, folder: $0.folder, prefix: $0.prefix, label: classNames.firstIndex(of: $0.className) ?? 0, split: $0.split) }
        }
        guard !videos.isEmpty else {
            throw .empty(file: labels?.path ?? dataPath.path, expected: labels == nil ? "class folders holding OpenPose *_keypoints.json output" : "lines 'video,label[,split]'")
        }
        var order: [String] = []
        for video in videos where !order.contains(video.split) { order.append(video.split) }
        let splits = order.map { split in
            DatasetSplit(path: split, sampleShape: [3, frames, 18, maxPersons], entries: videos.filter { $0.split == split }.map { video in
                DatasetEntry(name: video.name, label: video.label) { () throws -> SkeletonClip in
                    let sequence = try OpenPoseSequence(folder: video.folder, video: video.prefix, format: format, maxPersons: maxPersons,
                                                        selection: .highestScore, normalization: normalization, inputLayout: inputLayout)
                    let source = video.folder.appendingPathComponent(video.prefix.map { "\($0)_*_keypoints.json" } ?? "").path
                    return try fit(sequence.clip, frames: frames, overflow: longClips, source: source)
                }
            })
        }
        var notes = ["\(videos.count) videos"]
        // Files that look like OpenPose output but cannot be used are skipped, and said so.
        let scanned = Set(videos.map(\.folder.path)).sorted()
        var malformed: [String] = [], broken: [String] = []
        for folder in scanned {
            let names = (try? listFiles(URL(fileURLWithPath: folder), suffix: "_keypoints.json")) ?? []
            for name in names {
                let path = (folder as NSString).appendingPathComponent(name)
                if openPoseVideoPrefix(name) == nil { malformed.append(path) }
                else if !FileManager.default.fileExists(atPath: path) { broken.append(path) }
            }
        }
        if !malformed.isEmpty {
            notes.append("warning: skipped \(malformed.count) *_keypoints.json file\(malformed.count == 1 ? "" : "s") not named "
                         + "<video>_<frame number>_keypoints.json (" + BoundedList.describe(malformed, limit: 3) { TextQuoting.quoted($0) } + ")")
        }
        if !broken.isEmpty {
            notes.append("warning: skipped \(broken.count) broken symbolic link\(broken.count == 1 ? "" : "s") ("
                         + BoundedList.describe(broken, limit: 3) { TextQuoting.quoted($0) } + ")")
        }
        return DatasetConversion(splits: splits, classNames: classNames, notes: notes)
    }

    /// The video prefix of an OpenPose file name `<video>_<frame>_keypoints.json`, else nil.
    static func openPoseVideoPrefix(_ name: String) -> String? {
        guard name.hasSuffix("_keypoints.json") else { return nil }
        let stem = name.dropLast("_keypoints.json".count)
        guard let underscore = stem.lastIndex(of: "_") else { return nil }
        let digits = stem[stem.index(after: underscore)...]
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return String(stem[..<underscore])
    }

    /// Rows `video,label[,split]` of a label table.
    static func parseLabelTable(_ url: URL) throws(SkeletonDataError) -> [(video: String, label: String, split: String)] {
        let text = String(decoding: try FileBytes.read(url.path), as: UTF8.self)
        var rows: [(video: String, label: String, split: String)] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if rows.isEmpty, fields.count >= 2, fields[0].lowercased() == "video", fields[1].lowercased() == "label" { continue }
            guard fields.count == 2 || fields.count == 3, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw .malformed(file: url.path, line: number + 1, field: "row", expected: "'video,label' or 'video,label,split'",
                                 found: TextQuoting.quoted(line))
            }
            let split = fields.count == 3 ? fields[2] : "train"
            guard !split.isEmpty, split.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                throw .malformed(file: url.path, line: number + 1, field: "split", expected: "a name of letters, digits, _ or - (train, val, …)",
                                 found: TextQuoting.quoted(split))
            }
            guard !fields[0].hasPrefix("/"), !fields[0].split(separator: "/").contains("..") else {
                throw .malformed(file: url.path, line: number + 1, field: "video", expected: "a path inside the data folder", found: TextQuoting.quoted(fields[0]))
            }
            rows.append((fields[0], fields[1], split))
        }
        return rows
    }

    // MARK: Plain-text datasets

    /// MSR Action3D `aXX_sYY_eZZ_skeleton3D.txt` → `train` (odd subjects) and `val` (even
    /// subjects, the usual cross-subject test set), float32 (N, 3, T, 20, `persons`): x, y, z
    /// as in the files (the 4th value, a confidence, is dropped), joints in MSR's own order
    /// (`SkeletonLayout.msrAction3D`). T is `frames`, or the longest sequence when nil.
    /// Labels `action − 1`; names are the file names.
    /// - Throws: `SkeletonDataError` naming the file at fault.
    public static func msrAction3D(dataPath: URL, frames: Int? = nil, persons: Int = 1,
                                   longClips: FrameOverflow = .error) throws(SkeletonDataError) -> DatasetConversion {
        let files = try listFiles(dataPath, suffix: "_skeleton3D.txt")
        guard !files.isEmpty else { throw .empty(file: dataPath.path, expected: "MSR Action3D files aXX_sYY_eZZ_skeleton3D.txt") }
        var names: [MSRAction3DSampleName] = []
        for file in files {
            let path = dataPath.appendingPathComponent(file).path
            let name = try MSRAction3DSampleName(fileName: path)
            guard (1...MSRAction3DSampleName.actionNames.count).contains(name.action) else {
                throw .invalidFileName(file: path, expected: "an action number 01...\(MSRAction3DSampleName.actionNames.count)")
            }
            names.append(name)
        }
        let clips = parallelMap(files) { file throws(SkeletonDataError) in
            try PlainTextSkeletonSequence(contentsOf: dataPath.appendingPathComponent(file), format: .msrAction3D).clip
        }
        var samples: [(name: String, label: Int, train: Bool, clip: SkeletonClip)] = []
        for (k, file) in files.enumerated() {
            samples.append((file, names[k].label, names[k].isTraining, try clips[k].get()))
        }
        return try textConversion(samples, frames: frames, persons: persons, longClips: longClips,
                                  classNames: MSRAction3DSampleName.actionNames,
                                  notes: ["\(files.count) sequences; train = odd subjects, val = even subjects"])
    }

    /// UTKinect-Action3D (`joints_sXX_eYY.txt` and `actionLabel.txt` in `dataPath`) → one
    /// sample per labelled segment (frames whose id lies in start...end), `train` = subjects
    /// 1, 3, 5, 7, 9 and `val` = subjects 2, 4, 6, 8, 10 (the fixed cross-subject split of
    /// later work; the dataset's original protocol is leave-one-sequence-out), float32
    /// (N, 3, T, 20, `persons`), Kinect v1 joint order (`SkeletonLayout.kinectV1`). Segments
    /// marked NaN are skipped. Names `sXX_eYY_<action>`; labels index `UTKinect.actions`.
    /// - Throws: `SkeletonDataError` naming the file at fault.
    public static func utKinect(dataPath: URL, frames: Int? = nil, persons: Int = 1,
                                longClips: FrameOverflow = .error) throws(SkeletonDataError) -> DatasetConversion {
        let labelURL = dataPath.appendingPathComponent("actionLabel.txt")
        let recordings = try UTKinect.readLabels(contentsOf: labelURL)
        var samples: [(name: String, label: Int, train: Bool, clip: SkeletonClip)] = []
        var missing = 0
        for recording in recordings {
            let bytes = Array(recording.name.utf8)
            guard bytes.count >= 3, bytes[0] == UInt8(ascii: "s"), let subject = Int(String(decoding: bytes[1...].prefix { $0 >= 48 && $0 <= 57 }, as: UTF8.self)) else {
                throw .malformed(file: labelURL.path, line: nil, field: "recording name", expected: "sXX_eYY", found: TextQuoting.quoted(recording.name))
            }
            let url = dataPath.appendingPathComponent("joints_\(recording.name).txt")
            let sequence = try PlainTextSkeletonSequence(contentsOf: url, format: .utKinect)
            for segment in recording.segments {
                guard let label = segment.label else {
                    throw .malformed(file: labelURL.path, line: nil, field: "\(recording.name): action",
                                     expected: "one of \(UTKinect.actions.joined(separator: ", "))", found: TextQuoting.quoted(segment.action))
                }
                guard let clip = segment.frames(of: sequence) else { missing += 1; continue }
                samples.append(("\(recording.name)_\(segment.action)", label, subject % 2 == 1, clip))
            }
        }
        return try textConversion(samples, frames: frames, persons: persons, longClips: longClips, classNames: UTKinect.actions,
                                  notes: ["\(samples.count) segments (\(missing) NaN or empty segments skipped); train = odd subjects, val = even subjects"])
    }

    static func textConversion(_ samples: [(name: String, label: Int, train: Bool, clip: SkeletonClip)], frames: Int?, persons: Int,
                               longClips: FrameOverflow, classNames: [String], notes: [String]) throws(SkeletonDataError) -> DatasetConversion {
        guard persons >= 1, persons <= InputLimits.maximumPersonCount else {
            throw .invalidArgument(name: "persons", value: "\(persons)", expected: "1...\(InputLimits.maximumPersonCount)")
        }
        let length = frames ?? samples.map(\.clip.frames).max() ?? 1
        try checkFixedLength(longClips, frames: length)
        let channels = samples.first?.clip.channels ?? 3, joints = samples.first?.clip.joints ?? 20
        var splits: [DatasetSplit] = []
        for part in ["train", "val"] {
            var entries: [DatasetEntry] = []
            for sample in samples where sample.train == (part == "train") {
                let clip = try fit(sample.clip.withPersons(persons), frames: length, overflow: longClips, source: sample.name)
                entries.append(DatasetEntry(name: sample.name, label: sample.label) { clip })
            }
            splits.append(DatasetSplit(path: part, sampleShape: [channels, length, joints, persons], entries: entries))
        }
        return DatasetConversion(splits: splits, classNames: classNames,
                                 notes: notes + ["T = \(length) frames (\(frames == nil ? "the longest sequence" : "as asked"))"])
    }

    // MARK: Helpers

    /// `transform` applied to every item on all cores; results in item order.
    static func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) throws(SkeletonDataError) -> R) -> [Result<R, SkeletonDataError>] {
        let results = UnsafeMutableBufferPointer<Result<R, SkeletonDataError>?>.allocate(capacity: items.count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: items.count) { i in
            do throws(SkeletonDataError) { slots[i] = .success(try transform(items[i])) } catch { slots[i] = .failure(error) }
        }
        return results.map { $0 ?? .failure(.invalidArgument(name: "worker", value: "no result", expected: "a result")) }
    }

    /// `clip` cut or zero-padded at the end to `frames` frames.
    static func fit(_ clip: SkeletonClip, frames: Int, overflow: FrameOverflow, source: String) throws(SkeletonDataError) -> SkeletonClip {
        if clip.frames > frames, overflow == .error { throw .tooManyFrames(file: source, frames: clip.frames, limit: frames) }
        return clip.resized(toFrames: frames)
    }

    static func checkFixedLength(_ overflow: FrameOverflow, frames: Int) throws(SkeletonDataError) {
        guard frames >= 1, frames <= InputLimits.maximumFrameCount else {
            throw .invalidArgument(name: "frames", value: "\(frames)", expected: "1...\(InputLimits.maximumFrameCount)")
        }
        guard overflow != .keepAll else {
            throw .invalidArgument(name: "longClips", value: "keepAll", expected: "error or truncate (every sample of a .npy has the same T)")
        }
    }

    /// The names in `folder` ending with `suffix` (hidden files skipped), sorted.
    static func listFiles(_ folder: URL, suffix: String) throws(SkeletonDataError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw .unreadable(file: folder.path, reason: isDirectory(folder) ? error.localizedDescription : "no such folder")
        }
        return names.filter { !$0.hasPrefix(".") && $0.hasSuffix(suffix) }.sorted()
    }

    static func isDirectory(_ url: URL) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &directory) && directory.boolValue
    }
}
