import Foundation
import InputLimits

/// Which keypoint set OpenPose wrote.
public enum OpenPoseKeypointFormat: String, Sendable, Hashable, CaseIterable {
    /// COCO-18 (the `openpose` layout, 54 numbers per person).
    case coco18
    /// BODY_25 (75 numbers per person), mapped to the 18-joint `openpose` layout.
    case body25
    /// Decide per file from the number of values (54 or 75).
    case automatic

    /// For each `openpose` joint, its BODY_25 index (BODY_25's mid-hip, feet and heels are dropped).
    public static let body25ToOpenpose = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]
}

/// How OpenPose pixel coordinates are transformed.
public enum OpenPoseNormalization: Sendable, Hashable {
    /// Raw pixels.
    case none
    /// x / width, y / height; with `centered`, also −0.5 and x = y = 0 where the confidence is
    /// 0, as the official Kinetics pipeline and demo prepare their input.
    case imageSize(width: Double, height: Double, centered: Bool)
}

/// How persons are chosen per frame when a frame has more than `maxPersons`.
public enum PersonSelection: Sendable, Hashable {
    /// The first ones in file order.
    case fileOrder
    /// The highest summed confidence over the joints, per frame, ties in file order (the
    /// official Kinetics rule).
    case highestScore
}

/// An OpenPose `--write_json` folder read as one clip: one `<video>_<number>_keypoints.json`
/// per frame with `people[].pose_keypoints_2d = [x, y, c, …]`.
public struct OpenPoseSequence: Sendable, Hashable {
    /// (3, T, 18, maxPersons): x, y, confidence in the `openpose` layout.
    public var clip: SkeletonClip
    /// The frame number of each file, sorted (frame t of the clip is the t-th file).
    public var frameNumbers: [Int]
    /// The video name (the file names' common prefix).
    public var video: String
    /// How many NaN/infinite values `NonFinitePolicy.replaceWithZero` replaced.
    public var replacedNonFiniteValues: Int
    /// Names ending in `_keypoints.json` that were skipped because they do not follow
    /// `<video>_<frame number>_keypoints.json` (sorted).
    public var skippedMalformedNames: [String] = []
    /// `*_keypoints.json` entries that were skipped because they are symbolic links to nothing (sorted).
    public var skippedBrokenLinks: [String] = []

    /// One line for the user when files were skipped, else nil: how many, which, and why.
    public var skippedFilesWarning: String? {
        var parts: [String] = []
        if !skippedMalformedNames.isEmpty {
            parts.append("\(skippedMalformedNames.count) file\(skippedMalformedNames.count == 1 ? "" : "s") not named <video>_<frame number>_keypoints.json ("
                         + BoundedList.describe(skippedMalformedNames, limit: 3) { TextQuoting.quoted($0) } + ")")
        }
        if !skippedBrokenLinks.isEmpty {
            parts.append("\(skippedBrokenLinks.count) broken symbolic link\(skippedBrokenLinks.count == 1 ? "" : "s") ("
                         + BoundedList.describe(skippedBrokenLinks, limit: 3) { TextQuoting.quoted($0) } + ")")
        }
        return parts.isEmpty ? nil : "skipped " + parts.joined(separator: " and ")
    }

    /// Reads the frames of one video from `folder`.
    /// - Parameters:
    ///   - video: the file-name prefix to read; nil requires the folder to hold one video.
    ///   - maxPersons: M (2).
    /// Files whose names end in `_keypoints.json` but do not follow the pattern, and broken
    /// symbolic links, are skipped and listed in `skippedMalformedNames` / `skippedBrokenLinks`.
    /// - Throws: `SkeletonDataError` for an empty folder, several videos without `video`,
    ///   duplicate frame numbers, more than `InputLimits.maximumFrameCount` frames or
    ///   `InputLimits.maximumPersonCount` persons in a frame, malformed JSON (naming file, line and field).
    ///   - inputLayout: when set, every person's `pose_keypoints_2d` holds that layout's joints
    ///     (e.g. 51 numbers for `coco17` from another estimator), mapped onto the 18 `openpose`
    ///     joints by `LayoutMapping` (the neck as the shoulders' midpoint); `format` is then unused.
    public init(folder: URL, video: String? = nil, format: OpenPoseKeypointFormat = .automatic, maxPersons: Int = 2,
                selection: PersonSelection = .highestScore, normalization: OpenPoseNormalization = .none,
                nonFinite: NonFinitePolicy = .reject, inputLayout: InputLayout? = nil) throws(SkeletonDataError) {
        let mapping: LayoutMapping?
        do { mapping = try inputLayout.map { layout throws(LayoutMappingError) in try LayoutMapping(from: layout, to: .openpose) } } catch {
            throw .invalidArgument(name: "inputLayout", value: inputLayout?.rawValue ?? "", expected: error.description)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw .unreadable(file: folder.path, reason: "\(error)")
        }
        var frames: [(number: Int, video: String, name: String)] = []
        var malformed: [String] = [], broken: [String] = []
        for name in names where name.hasSuffix("_keypoints.json") {
            let stem = name.dropLast("_keypoints.json".count)
            guard let underscore = stem.lastIndex(of: "_") else { malformed.append(name); continue }
            let digits = stem[stem.index(after: underscore)...]
            guard !digits.isEmpty, digits.count <= 15, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits) else {
                malformed.append(name)
                continue
            }
            let prefix = String(stem[..<underscore])
            if let video, prefix != video { continue }
            // `fileExists` follows links: false here means a link to nothing.
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) else { broken.append(name); continue }
            frames.append((number, prefix, name))
        }
        guard !frames.isEmpty else {
            throw .empty(file: folder.path, expected: "files named <video>_<frame number>_keypoints.json\(video.map { " for video '\($0)'" } ?? "")")
        }
        let videos = Set(frames.map(\.video))
        guard videos.count == 1, let only = videos.first else {
            throw .invalidArgument(name: "video", value: "nil", expected: "one of \(videos.sorted().prefix(5).joined(separator: ", ")) (the folder holds \(videos.count) videos)")
        }
        guard frames.count <= InputLimits.maximumFrameCount else {
            throw .exceedsLimit(file: folder.path, what: "frames (*_keypoints.json files)", value: frames.count, limit: InputLimits.maximumFrameCount)
        }
        frames.sort { $0.number < $1.number }
        for k in frames.indices.dropFirst() where frames[k].number == frames[k - 1].number {
            throw .malformed(file: folder.appendingPathComponent(frames[k].name).path, line: nil, field: "file name",
                             expected: "a unique frame number", found: "\(frames[k].number) twice")
        }
        var perFrame: [[[Double]]] = []  // [frame][person] → 54 values (x, y, c × 18)
        var replaced = 0
        for frame in frames {
            let path = folder.appendingPathComponent(frame.name).path
            let people = try Self.parseFrame(bytes: try FileBytes.read(path), source: path, format: format, nonFinite: nonFinite,
                                             replaced: &replaced, mapping: mapping)
            perFrame.append(people)
        }
        try self.init(frames: perFrame, maxPersons: maxPersons, selection: selection, normalization: normalization)
        self.frameNumbers = frames.map(\.number)
        self.video = only
        self.replacedNonFiniteValues = replaced
        self.skippedMalformedNames = malformed.sorted()
        self.skippedBrokenLinks = broken.sorted()
    }

    /// Builds the clip from parsed frames: per frame, per person, 54 values (x, y, c × 18).
    init(frames: [[[Double]]], maxPersons: Int, selection: PersonSelection, normalization: OpenPoseNormalization) throws(SkeletonDataError) {
        guard maxPersons >= 1 else { throw .invalidArgument(name: "maxPersons", value: "\(maxPersons)", expected: "at least 1") }
        if case let .imageSize(width, height, _) = normalization, !(width > 0 && height > 0 && width.isFinite && height.isFinite) {
            throw .invalidArgument(name: "normalization", value: "\(width)×\(height)", expected: "a positive image size")
        }
        let length = frames.count
        let personsIn = selection == .fileOrder ? maxPersons : max(maxPersons, frames.map(\.count).max() ?? 0)
        var all = SkeletonClip(channels: 3, frames: length, joints: 18, persons: personsIn)
        for (t, people) in frames.enumerated() {
            for (m, keypoints) in people.prefix(personsIn).enumerated() {
                for v in 0..<18 {
                    let (x, y, c) = normalization.normalized(x: keypoints[3 * v], y: keypoints[3 * v + 1], score: keypoints[3 * v + 2])
                    all[0, t, v, m] = Float(x)
                    all[1, t, v, m] = Float(y)
                    all[2, t, v, m] = Float(c)
                }
            }
        }
        clip = selection == .fileOrder ? all : PersonRanking.keepHighestScoring(all, scoreChannel: 2, keep: maxPersons)
        frameNumbers = Array(0..<length)
        video = ""
        replacedNonFiniteValues = 0
    }

    /// Parses one `_keypoints.json` file into per-person 54-value arrays (COCO-18 order).
    static func parseFrame(bytes: [UInt8], source: String, format: OpenPoseKeypointFormat, nonFinite: NonFinitePolicy,
                           replaced: inout Int, mapping: LayoutMapping? = nil) throws(SkeletonDataError) -> [[Double]] {
        var reader = JSONFieldReader(file: source, nonFinite: nonFinite)
        let root = try reader.parse(bytes)
        let peopleNode = try reader.member(root, "people", path: "")
        let people = try reader.array(peopleNode, path: "people")
        guard people.count <= InputLimits.maximumPersonCount else {
            throw .malformed(file: source, line: peopleNode.line, field: "people",
                             expected: "at most \(InputLimits.maximumPersonCount) persons", found: "\(people.count)")
        }
        var result: [[Double]] = []
        for (m, person) in people.enumerated() {
            let path = "people[\(m)].pose_keypoints_2d"
            let node = try reader.member(person, "pose_keypoints_2d", path: "people[\(m)]")
            let values = try reader.numbers(node, path: path, count: nil)
            if let mapping {
                let expected = mapping.input.jointCount * 3
                guard values.count == expected else {
                    throw .malformed(file: source, line: node.line, field: path, expected: "\(expected) numbers (\(mapping.input.rawValue))", found: "\(values.count)")
                }
                result.append(mapping.apply(values))
                continue
            }
            var kind = format
            if kind == .automatic {
                switch values.count {
                case 54: kind = .coco18
                case 75: kind = .body25
                default:
                    throw .malformed(file: source, line: node.line, field: path, expected: "54 (COCO-18) or 75 (BODY_25) numbers", found: "\(values.count)")
                }
            }
            let expected = kind == .coco18 ? 54 : 75
            guard values.count == expected else {
                throw .malformed(file: source, line: node.line, field: path, expected: "\(expected) numbers (\(kind.rawValue))", found: "\(values.count)")
            }
            if kind == .coco18 {
                result.append(values)
            } else {
                var mapped: [Double] = []
                mapped.reserveCapacity(54)
                for source in OpenPoseKeypointFormat.body25ToOpenpose { mapped.append(contentsOf: values[(3 * source)..<(3 * source + 3)]) }
                result.append(mapped)
            }
        }
        replaced += reader.filter.replaced
        return result
    }
}
