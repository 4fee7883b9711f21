import Foundation
import InputLimits

extension Gendata {
    /// A PySKL / MMAction2 annotation pickle → `<split>_data.npy` (N, C, `frames`, V, `persons`)
    /// + `<split>_label.pkl` for each split asked for, in the official layout.
    ///
    /// - Each split holds the annotations whose `frame_dir` the file's `split` dict lists for
    ///   it, in annotation order (as PySKL selects them); names listed without an annotation
    ///   are counted in the notes. With no `splits`, every split of the file is written; a
    ///   file that is a plain list (no `split` dict) is written whole as one split named after
    ///   the file (`ntu60_xsub_train.pkl` → `ntu60_xsub_train`), and `splits` must be empty.
    /// - Keypoints (M, T, V, C) become (C, T, V, M). 2D keypoints (C = 2) with
    ///   `keypoint_score` become (x, y, score), the official Kinetics channels; 3D keypoints
    ///   stay (x, y, z) and scores, if any, are dropped. Coordinates are written as stored (PySKL's
    ///   2D keypoints are pixels; see `img_shape`).
    /// - The first `persons` persons are kept (missing ones are zeros), as PySKL's
    ///   `FormatGCNInput`; clips are zero-padded at the end to `frames`, longer ones follow `longClips`.
    /// - Sample names are the `frame_dir`s, labels the annotations' `label`s.
    /// - Throws: `SkeletonDataError` for an unreadable or malformed file (naming the annotation
    ///   and field), an unknown split, or annotations of one split with different V or C.
    public static func pyskl(dataPath: URL, splits names: [String] = [], frames: Int = 300, persons: Int = 2,
                             longClips: FrameOverflow = .error, nonFinite: NonFinitePolicy = .reject) throws(SkeletonDataError) -> DatasetConversion {
        try checkFixedLength(longClips, frames: frames)
        guard persons >= 1, persons <= InputLimits.maximumPersonCount else {
            throw .invalidArgument(name: "persons", value: "\(persons)", expected: "1...\(InputLimits.maximumPersonCount)")
        }
        let source = dataPath.path
        let file = try PySKLAnnotationFile(contentsOf: dataPath, nonFinite: nonFinite)
        guard let first = file.annotations.first else {
            throw .empty(file: source, expected: "at least one annotation")
        }
        var notes = ["\(source): \(file.annotations.count) annotations"]
        if file.replacedNonFiniteValues > 0 { notes.append("\(file.replacedNonFiniteValues) non-finite values replaced by 0") }

        var selected: [(name: String, members: [(index: Int, annotation: PySKLAnnotation)])] = []
        if let splits = file.splits {
            let available = splits.map(\.name)
            for name in names.isEmpty ? available : names {
                guard let split = file.split(named: name) else {
                    throw .invalidArgument(name: "split", value: name,
                                           expected: "one of the file's splits: \(available.map { TextQuoting.quoted($0) }.joined(separator: ", "))")
                }
                let members = file.annotations(in: split)
                let missing = Set(split.frameDirectories).subtracting(members.map(\.annotation.frameDirectory)).count
                notes.append("\(name): \(members.count) samples" + (missing > 0 ? " (\(missing) listed names have no annotation)" : ""))
                selected.append((name, members))
            }
        } else {
            guard names.isEmpty else {
                throw .invalidArgument(name: "split", value: names.joined(separator: ", "),
                                       expected: "no split: \(source) is a plain list of annotations without a split dict")
            }
            let name = dataPath.deletingPathExtension().lastPathComponent
            selected.append((name, Array(file.annotations.enumerated().map { ($0.offset, $0.element) })))
        }

        var output: [DatasetSplit] = []
        for (name, members) in selected {
            guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains("..") else {
                throw .malformed(file: source, line: nil, field: "split", expected: "a split name usable as a file name", found: TextQuoting.quoted(name))
            }
            let reference = members.first ?? (0, first)
            let channels = Self.outputChannels(reference.annotation)
            var entries: [DatasetEntry] = []
            entries.reserveCapacity(members.count)
            for (index, annotation) in members {
                guard annotation.joints == reference.annotation.joints, Self.outputChannels(annotation) == channels else {
                    throw .malformed(file: source, line: nil, field: "annotations[\(index)].keypoint",
                                     expected: "V = \(reference.annotation.joints) joints and \(channels) channels like annotations[\(reference.index)] of \(name)",
                                     found: "shape (M, T, V, C) = \(annotation.keypointShape), \(Self.outputChannels(annotation)) channels")
                }
                let place = "\(source): annotations[\(index)] \(TextQuoting.quoted(annotation.frameDirectory))"
                entries.append(DatasetEntry(name: annotation.frameDirectory, label: annotation.label) { () throws -> SkeletonClip in
                    let clip = annotation.clip(appendingScore: annotation.channels == 2).withPersons(persons)
                    return try fit(clip, frames: frames, overflow: longClips, source: place)
                })
            }
            output.append(DatasetSplit(path: name, sampleShape: [channels, frames, reference.annotation.joints, persons], entries: entries))
        }
        let scored = first.channels == 2 && first.keypointScore != nil
        notes.append("keypoint (M, T, V, C) = (\(first.persons), \(first.frames), \(first.joints), \(first.channels)) in annotations[0]"
                     + (scored ? "; 2D with keypoint_score → C = 3 (x, y, score)" : ""))
        return DatasetConversion(splits: output, notes: notes)
    }

    /// The channels an annotation is written with: (x, y, score) for scored 2D keypoints, else its own C.
    static func outputChannels(_ annotation: PySKLAnnotation) -> Int {
        annotation.channels == 2 && annotation.keypointScore != nil ? 3 : annotation.channels
    }
}
