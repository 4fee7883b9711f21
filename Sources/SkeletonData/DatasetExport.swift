import Foundation
import SkeletonFormats

/// One sample of a dataset being converted: its name and label for the label file, and how
/// to load its clip (called once, possibly on another thread).
public struct DatasetEntry: Sendable {
    /// The name written to the label file (official: the source file name).
    public var name: String
    /// The 0-based class index.
    public var label: Int
    /// Loads the clip, already in the split's sample shape (C, T, V, M).
    public var load: @Sendable () throws -> SkeletonClip

    /// Creates an entry.
    public init(name: String, label: Int, load: @escaping @Sendable () throws -> SkeletonClip) {
        self.name = name
        self.label = label
        self.load = load
    }
}

/// One output split: `<out>/<path>_data.npy` and `<out>/<path>_label.pkl`.
public struct DatasetSplit: Sendable {
    /// The path below the output folder without suffix, e.g. `xsub/train` or `val`.
    public var path: String
    /// Every sample's shape (C, T, V, M).
    public var sampleShape: [Int]
    /// The samples, in output order.
    public var entries: [DatasetEntry]

    /// Creates a split.
    public init(path: String, sampleShape: [Int], entries: [DatasetEntry]) {
        self.path = path
        self.sampleShape = sampleShape
        self.entries = entries
    }

    /// `<folder>/<path>_data.npy`.
    public func dataURL(in folder: URL) -> URL { folder.appendingPathComponent(path + "_data.npy") }
    /// `<folder>/<path>_label.pkl`.
    public func labelURL(in folder: URL) -> URL { folder.appendingPathComponent(path + "_label.pkl") }
}

/// A converted dataset: its splits and, where the source names them, its class names.
public struct DatasetConversion: Sendable {
    /// The output splits, in the order they are written.
    public var splits: [DatasetSplit]
    /// Class names in label order (empty when the source has none, as for NTU RGB+D).
    public var classNames: [String]
    /// Notes for the user (e.g. how many samples were skipped and why).
    public var notes: [String]
    /// When true, entries with the same name in different splits are the same sample (NTU's
    /// X-Sub and X-View splits list every file once each): `write` then loads each sample once
    /// and appends it to every split listing it, all splits at once. Needs every split's names
    /// in ascending order; otherwise splits are written one after the other.
    public var sharedSamples: Bool

    /// Creates a conversion.
    public init(splits: [DatasetSplit], classNames: [String] = [], notes: [String] = [], sharedSamples: Bool = false) {
        self.splits = splits
        self.classNames = classNames
        self.notes = notes
        self.sharedSamples = sharedSamples
    }

    /// Writes every split below `folder` (created if needed) and, when known,
    /// `<folder>/class_names.txt` (one name a line, in label order).
    ///
    /// All or nothing: every file is first written into a hidden staging folder inside
    /// `folder` and moved into place only when all of them were written; on any error the
    /// staging folder is removed (and `folder` too, when this call created it and it is empty),
    /// so no file of this conversion is left behind.
    /// - Parameters:
    ///   - workers: clips loaded in parallel (samples are still written in order).
    ///   - progress: called with (split path, samples done, samples in the split) now and then.
    /// - Throws: the first load or write error.
    public func write(to folder: URL, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                      progress: ((String, Int, Int) -> Void)? = nil) throws {
        let staging = try DatasetStaging(folder: folder)
        do {
            let sorted = splits.allSatisfy { split in zip(split.entries, split.entries.dropFirst()).allSatisfy { $0.name < $1.name } }
            if sharedSamples, sorted, splits.count > 1 {
                try DatasetExport.writeSharing(splits, to: staging.url, workers: workers) { done, total in
                    progress?(splits.map(\.path).joined(separator: ", "), done, total)
                }
            } else {
                for split in splits {
                    try DatasetExport.write(split, to: staging.url, workers: workers) { done, total in progress?(split.path, done, total) }
                }
            }
            var files = splits.flatMap { [$0.path + "_data.npy", $0.path + "_label.pkl"] }
            if !classNames.isEmpty {
                let url = staging.url.appendingPathComponent("class_names.txt")
                do {
                    try OutputFile.write(Data((classNames.joined(separator: "\n") + "\n").utf8), to: url)
                } catch {
                    throw SkeletonDataError.unreadable(file: folder.appendingPathComponent("class_names.txt").path,
                                                       reason: "cannot write: \(error.reason)")
                }
                files.append("class_names.txt")
            }
            try staging.commit(files)
        } catch {
            staging.discard()
            throw error
        }
    }
}

/// Writing converted datasets in the official format: a float32 `(N, C, T, V, M)` `.npy`
/// streamed sample by sample, and the pickled `(sample_names, labels)` label file.
public enum DatasetExport {
    /// Writes one split: loads the clips (`workers` at a time), streams them into
    /// `<folder>/<path>_data.npy` in entry order, then writes `<folder>/<path>_label.pkl`.
    /// Both files are written to temporary files and renamed into place.
    /// - Parameter progress: called with (done, total) about every 1% (at least every 500 samples) and at the end.
    /// - Throws: the first error of a load (a `SkeletonDataError` naming the source file), a
    ///   clip whose shape is not `sampleShape`, or a write error (`NpyError`, `LabelFileError`).
    public static func write(_ split: DatasetSplit, to folder: URL, workers: Int = 1,
                             progress: ((Int, Int) -> Void)? = nil) throws {
        let dataURL = split.dataURL(in: folder), labelURL = split.labelURL(in: folder)
        let directory = dataURL.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SkeletonDataError.unreadable(file: directory.path, reason: "cannot create the output folder: \(TextQuoting.oneLine(error.localizedDescription))")
        }
        let total = split.entries.count
        let writer = try NpyStreamWriter(float32At: dataURL, shape: [total] + split.sampleShape)
        let every = max(1, min(500, total / 100))
        let chunk = max(1, workers) * 8
        var start = 0
        while start < total {
            let end = min(total, start + chunk)
            let clips = load(split.entries[start..<end], workers: workers)
            for (offset, result) in clips.enumerated() {
                let clip: SkeletonClip
                switch result {
                case let .success(loaded): clip = loaded
                case let .failure(error): writer.abandon(); throw error
                }
                guard clip.shape == split.sampleShape else {
                    writer.abandon()
                    throw SkeletonDataError.malformed(file: split.entries[start + offset].name, line: nil, field: "clip shape",
                                                      expected: "(C, T, V, M) = \(split.sampleShape) like every sample of \(split.path)",
                                                      found: "\(clip.shape)")
                }
                try writer.append(clip.values)
                let done = start + offset + 1
                if done % every == 0 || done == total { progress?(done, total) }
            }
            start = end
        }
        if total == 0 { progress?(0, 0) }
        try writer.finish()
        do {
            try LabelFile.write(names: split.entries.map(\.name), labels: split.entries.map(\.label), to: labelURL)
        } catch {
            try? FileManager.default.removeItem(at: dataURL)
            throw error
        }
    }

    /// Writes several splits at once, loading each distinct sample (by name) once and
    /// appending it to every split that lists it. Every split's names must be ascending.
    /// - Parameter progress: called with (distinct samples done, distinct samples).
    static func writeSharing(_ splits: [DatasetSplit], to folder: URL, workers: Int, progress: ((Int, Int) -> Void)?) throws {
        var destinations: [String: [Int]] = [:]
        var first: [String: DatasetEntry] = [:]
        for (k, split) in splits.enumerated() {
            for entry in split.entries {
                destinations[entry.name, default: []].append(k)
                if first[entry.name] == nil { first[entry.name] = entry }
            }
        }
        let order = destinations.keys.sorted()
        var writers: [NpyStreamWriter] = []
        func abandonAll() { for writer in writers { writer.abandon() } }
        for split in splits {
            let dataURL = split.dataURL(in: folder)
            let directory = dataURL.deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                abandonAll()
                throw SkeletonDataError.unreadable(file: directory.path, reason: "cannot create the output folder: \(TextQuoting.oneLine(error.localizedDescription))")
            }
            do {
                writers.append(try NpyStreamWriter(float32At: dataURL, shape: [split.entries.count] + split.sampleShape))
            } catch {
                abandonAll()
                throw error
            }
        }
        let total = order.count
        let every = max(1, min(500, total / 100))
        let chunk = max(1, workers) * 8
        var start = 0
        while start < total {
            let end = min(total, start + chunk)
            let entries = order[start..<end].compactMap { first[$0] }
            let clips = load(entries[...], workers: workers)
            for (offset, result) in clips.enumerated() {
                let name = order[start + offset]
                let clip: SkeletonClip
                switch result {
                case let .success(loaded): clip = loaded
                case let .failure(error): abandonAll(); throw error
                }
                for k in destinations[name] ?? [] {
                    guard clip.shape == splits[k].sampleShape else {
                        abandonAll()
                        throw SkeletonDataError.malformed(file: name, line: nil, field: "clip shape",
                                                          expected: "(C, T, V, M) = \(splits[k].sampleShape) like every sample of \(splits[k].path)",
                                                          found: "\(clip.shape)")
                    }
                    do { try writers[k].append(clip.values) } catch { abandonAll(); throw error }
                }
                let done = start + offset + 1
                if done % every == 0 || done == total { progress?(done, total) }
            }
            start = end
        }
        if total == 0 { progress?(0, 0) }
        for (k, writer) in writers.enumerated() {
            do { try writer.finish() } catch {
                for later in writers[(k + 1)...] { later.abandon() }
                throw error
            }
        }
        for split in splits {
            try LabelFile.write(names: split.entries.map(\.name), labels: split.entries.map(\.label), to: split.labelURL(in: folder))
        }
    }

    /// Loads `entries` concurrently; results in entry order.
    private static func load(_ entries: ArraySlice<DatasetEntry>, workers: Int) -> [Result<SkeletonClip, any Error>] {
        let list = Array(entries)
        if workers <= 1 || list.count <= 1 {
            return list.map { entry in Result { try entry.load() } }
        }
        let results = UnsafeMutableBufferPointer<Result<SkeletonClip, any Error>?>.allocate(capacity: list.count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: list.count) { i in
            slots[i] = Result { try list[i].load() }
        }
        return results.map { $0 ?? .failure(SkeletonDataError.invalidArgument(name: "worker", value: "no result", expected: "a loaded clip")) }
    }
}
