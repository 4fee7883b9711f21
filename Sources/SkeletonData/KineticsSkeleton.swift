import Foundation
import InputLimits

/// One Kinetics-skeleton clip (`<video_id>.json`) converted the way the official feeder
/// (`feeder_kinetics.py`, used by `kinetics_gendata.py`) does it.
///
/// File: `{"data": [{"frame_index": i, "skeleton": [{"pose": [x0, y0, …, x17, y17],
/// "score": [s0, …, s17]}, …]}, …], "label": str, "label_index": int}`, coordinates in [0, 1].
///
/// Official conversion, exactly:
/// 1. An array (3, T, 18, 5) of zeros; for every entry of `data`, the first 5 skeletons in
///    file order are written at frame `frame_index` (used directly as the 0-based frame;
///    a repeated index overwrites the persons it lists).
/// 2. x and y −= 0.5 everywhere, then x = y = 0 wherever the score is 0.
/// 3. Per frame, persons are ranked by their score summed over the 18 joints (the code's
///    `data[2].sum(axis=1)` sums the (T, V, M) score array over V, so the ranking is per
///    frame, not over the whole clip), highest first, ties in file order; the first 2 are kept.
/// Result: (3, T, 18, 2) with channels x, y, score.
public struct KineticsSkeletonClip: Sendable, Hashable {
    /// (3, T, 18, persons) — x, y, score.
    public var clip: SkeletonClip
    /// The file's `label`, if present.
    public var label: String?
    /// The file's `label_index`, if present.
    public var labelIndex: Int?
    /// How many NaN/infinite values `NonFinitePolicy.replaceWithZero` replaced.
    public var replacedNonFiniteValues: Int

    /// Reads and converts a clip file.
    /// - Parameters:
    ///   - frameCount: T (official 300), at most `InputLimits.maximumFrameCount`; every
    ///     `frame_index` must be below that limit too.
    ///   - personsIn: persons read per frame (official 5); `personsOut`: kept (official 2).
    ///   - overflow: for a `frame_index` ≥ T (the official code fails): `.error` (default),
    ///     `.truncate` (drop such frames), `.keepAll` (T grows to the largest index + 1).
    /// - Throws: `SkeletonDataError` naming the file, line and field path.
    public init(contentsOf url: URL, frameCount: Int = 300, personsIn: Int = 5, personsOut: Int = 2,
                overflow: FrameOverflow = .error, nonFinite: NonFinitePolicy = .reject) throws(SkeletonDataError) {
        try self.init(bytes: try FileBytes.read(url.path), source: url.path, frameCount: frameCount, personsIn: personsIn,
                      personsOut: personsOut, overflow: overflow, nonFinite: nonFinite)
    }

    /// Converts a clip file's bytes; `source` names it in errors.
    public init(bytes: [UInt8], source: String, frameCount: Int = 300, personsIn: Int = 5, personsOut: Int = 2,
                overflow: FrameOverflow = .error, nonFinite: NonFinitePolicy = .reject) throws(SkeletonDataError) {
        guard frameCount >= 1, frameCount <= InputLimits.maximumFrameCount else {
            throw .invalidArgument(name: "frameCount", value: "\(frameCount)", expected: "1...\(InputLimits.maximumFrameCount)")
        }
        guard personsIn >= 1, personsOut >= 1, personsOut <= personsIn, personsIn <= InputLimits.maximumPersonCount else {
            throw .invalidArgument(name: "personsIn/personsOut", value: "\(personsIn)/\(personsOut)", expected: "1 <= personsOut <= personsIn <= \(InputLimits.maximumPersonCount)")
        }
        var reader = JSONFieldReader(file: source, nonFinite: nonFinite)
        let root = try reader.parse(bytes)
        let entries = try reader.array(try reader.member(root, "data", path: ""), path: "data")
        let joints = 18
        // First pass: frame indices, bounded before the clip is allocated.
        var indices: [Int] = []
        for (f, entry) in entries.enumerated() {
            indices.append(try reader.integer(try reader.member(entry, "frame_index", path: "data[\(f)]"), path: "data[\(f)].frame_index",
                                              in: 0...(InputLimits.maximumFrameCount - 1)))
        }
        var length = frameCount
        if let largest = indices.max(), largest >= frameCount {
            switch overflow {
            case .error: throw .tooManyFrames(file: source, frames: largest + 1, limit: frameCount)
            case .truncate: break
            case .keepAll: length = largest + 1
            }
        }
        // Like the official code, work in float64 and round to float32 at the end.
        let block = joints * personsIn
        var raw = [Double](repeating: 0, count: 3 * length * block)
        func at(_ c: Int, _ t: Int, _ v: Int, _ m: Int) -> Int { ((c * length + t) * joints + v) * personsIn + m }
        for (f, entry) in entries.enumerated() where indices[f] < length {
            let t = indices[f]
            let path = "data[\(f)].skeleton"
            let skeletons = try reader.array(try reader.member(entry, "skeleton", path: "data[\(f)]"), path: path)
            for (m, skeleton) in skeletons.prefix(personsIn).enumerated() {
                let pose = try reader.numbers(try reader.member(skeleton, "pose", path: "\(path)[\(m)]"), path: "\(path)[\(m)].pose", count: 2 * joints)
                let score = try reader.numbers(try reader.member(skeleton, "score", path: "\(path)[\(m)]"), path: "\(path)[\(m)].score", count: joints)
                for v in 0..<joints {
                    raw[at(0, t, v, m)] = pose[2 * v]
                    raw[at(1, t, v, m)] = pose[2 * v + 1]
                    raw[at(2, t, v, m)] = score[v]
                }
            }
        }
        // Centre, and zero the coordinates of undetected joints.
        var converted = SkeletonClip(channels: 3, frames: length, joints: joints, persons: personsIn)
        converted.withUnsafeMutableValues { values in
            for t in 0..<length {
                for i in 0..<block {
                    let x = t * block + i, y = (length + t) * block + i, s = (2 * length + t) * block + i
                    values[s] = Float(raw[s])
                    if raw[s] != 0 {
                        values[x] = Float(raw[x] - 0.5)
                        values[y] = Float(raw[y] - 0.5)
                    }
                }
            }
        }
        clip = PersonRanking.keepHighestScoring(converted, scoreChannel: 2, keep: personsOut)
        if let node = root["label"] { label = try reader.string(node, path: "label") } else { label = nil }
        if let node = root["label_index"] { labelIndex = try reader.integer(node, path: "label_index", in: -1...1_000_000) } else { labelIndex = nil }
        replacedNonFiniteValues = reader.filter.replaced
    }
}

/// The Kinetics-skeleton label file: `{video_id: {"has_skeleton": bool, "label": str, "label_index": int}}`.
public struct KineticsLabel: Sendable, Hashable {
    /// Whether OpenPose found any skeleton (the official converter skips videos without).
    public var hasSkeleton: Bool
    /// The class name.
    public var label: String
    /// The 0-based class index.
    public var labelIndex: Int

    /// Creates an entry.
    public init(hasSkeleton: Bool, label: String, labelIndex: Int) {
        self.hasSkeleton = hasSkeleton
        self.label = label
        self.labelIndex = labelIndex
    }

    /// Reads a label file; entries in file order.
    public static func read(contentsOf url: URL) throws(SkeletonDataError) -> [(videoID: String, label: KineticsLabel)] {
        try parse(bytes: try FileBytes.read(url.path), source: url.path)
    }

    /// Parses a label file's bytes; `source` names it in errors.
    public static func parse(bytes: [UInt8], source: String) throws(SkeletonDataError) -> [(videoID: String, label: KineticsLabel)] {
        let reader = JSONFieldReader(file: source, nonFinite: .reject)
        let root = try reader.parse(bytes)
        guard case let .object(members) = root.content else {
            throw .malformed(file: source, line: root.line, field: "top level", expected: "an object {video_id: {...}}", found: root.typeName)
        }
        var result: [(videoID: String, label: KineticsLabel)] = []
        for member in members {
            let key = member.key, node = member.value
            let path = TextQuoting.quoted(key)
            let has = try reader.bool(try reader.member(node, "has_skeleton", path: path), path: "\(path).has_skeleton")
            let label = try reader.string(try reader.member(node, "label", path: path), path: "\(path).label")
            let index = try reader.integer(try reader.member(node, "label_index", path: path), path: "\(path).label_index", in: -1...1_000_000)
            result.append((key, KineticsLabel(hasSkeleton: has, label: label, labelIndex: index)))
        }
        return result
    }
}
