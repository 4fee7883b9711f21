import Foundation

/// UTKinect-Action3D: 10 actions in continuous recordings `joints_sXX_eYY.txt` (read them with
/// `PlainTextSkeletonFormat.utKinect`; layout `SkeletonLayout.kinectV1`) and `actionLabel.txt`
/// giving each action's first and last frame id per recording.
public enum UTKinect {
    /// The action names in label order, as `actionLabel.txt` spells them.
    public static let actions = ["walk", "sitDown", "standUp", "pickUp", "carry", "throw", "push", "pull", "waveHands", "clapHands"]

    /// One labelled segment of a recording.
    public struct Segment: Sendable, Hashable {
        /// The action name.
        public var action: String
        /// The index of `action` in `UTKinect.actions`, nil for an unknown name.
        public var label: Int? { UTKinect.actions.firstIndex(of: action) }
        /// First and last frame id (inclusive); nil where the file says NaN (segment missing).
        public var start: Int?, end: Int?

        /// Creates a segment.
        public init(action: String, start: Int?, end: Int?) {
            self.action = action
            self.start = start
            self.end = end
        }

        /// The frames of `sequence` whose frame id (first column) lies in start...end, in file
        /// order; nil when the segment is NaN or empty.
        public func frames(of sequence: PlainTextSkeletonSequence) -> SkeletonClip? {
            guard let start, let end, start <= end else { return nil }
            let rows = sequence.leadingValues.indices.filter { row in
                guard let id = sequence.leadingValues[row].first else { return false }
                return id >= Double(start) && id <= Double(end)
            }
            guard let first = rows.first, let last = rows.last, rows.count == last - first + 1 else {
                if rows.isEmpty { return nil }
                return sequence.clip.remappingFrames(rows)
            }
            return sequence.clip.frames(first..<(last + 1))
        }
    }

    /// The segments of one recording (e.g. `s01_e01`).
    public struct Recording: Sendable, Hashable {
        /// The recording name, e.g. `s01_e01` (file `joints_s01_e01.txt`).
        public var name: String
        /// Its segments in file order.
        public var segments: [Segment]
    }

    /// Reads `actionLabel.txt`: a recording name line, then `action: start end` lines (`NaN NaN`
    /// for a missing segment).
    public static func readLabels(contentsOf url: URL) throws(SkeletonDataError) -> [Recording] {
        try parseLabels(bytes: try FileBytes.read(url.path), source: url.path)
    }

    /// Parses the text of `actionLabel.txt`; `source` names it in errors.
    public static func parseLabels(bytes: [UInt8], source: String) throws(SkeletonDataError) -> [Recording] {
        var scanner = TextScanner(bytes: bytes, file: source)
        var tokens: [Range<Int>] = []
        var recordings: [Recording] = []
        while scanner.nextLine(into: &tokens) {
            let first = String(decoding: bytes[tokens[0]], as: UTF8.self)
            if tokens.count == 1, !first.hasSuffix(":") {
                recordings.append(Recording(name: first, segments: []))
                continue
            }
            guard !recordings.isEmpty else {
                throw .malformed(file: source, line: scanner.currentLine, field: "recording name",
                                 expected: "a recording name such as s01_e01 before the segments", found: scanner.quoted(tokens[0]))
            }
            guard tokens.count == 3, first.hasSuffix(":"), first.count > 1 else {
                throw .malformed(file: source, line: scanner.currentLine, field: "segment",
                                 expected: "'action: start end'", found: "\(tokens.count) fields starting \(scanner.quoted(tokens[0]))")
            }
            var bounds: [Int?] = []
            for k in 1...2 {
                let text = String(decoding: bytes[tokens[k]], as: UTF8.self)
                if text.lowercased() == "nan" { bounds.append(nil); continue }
                bounds.append(try scanner.requireInt(tokens[k], field: "\(first.dropLast()) \(k == 1 ? "start" : "end")", in: 0...Int64(Int32.max)))
            }
            guard (bounds[0] == nil) == (bounds[1] == nil) else {
                throw .malformed(file: source, line: scanner.currentLine, field: "\(first.dropLast())",
                                 expected: "both bounds numbers or both NaN", found: "one NaN")
            }
            recordings[recordings.count - 1].segments.append(Segment(action: String(first.dropLast()), start: bounds[0], end: bounds[1]))
        }
        guard !recordings.isEmpty else { throw .empty(file: source, expected: "recording names and segments") }
        return recordings
    }
}

extension SkeletonClip {
    /// The frames at `indices` (each in range), in that order.
    func remappingFrames(_ indices: [Int]) -> SkeletonClip {
        var result = SkeletonClip(channels: channels, frames: indices.count, joints: joints, persons: persons)
        let block = joints * persons
        for c in 0..<channels {
            for (t, source) in indices.enumerated() {
                let to: Int = (c * indices.count + t) * block
                let from: Int = (c * frames + source) * block
                for i in 0..<block { result.values[to + i] = values[from + i] }
            }
        }
        return result
    }
}
