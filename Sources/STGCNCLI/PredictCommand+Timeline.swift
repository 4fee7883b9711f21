import Foundation
import STGCN

/// One person's (or one clip's) timeline, with the frame numbers and times to print.
struct PredictionTimeline {
    /// The tracked person, nil for a clip input.
    var person: Int?
    /// The merged segments (frames are indices into `frameNumbers`).
    var segments: [ActionTimeline.Segment]
    /// The producer's frame number of each index.
    var frameNumbers: [Int]
    /// The time stamp of each index, if known.
    var times: [Double?]
}

/// `stgcn predict --sliding-window W --hop H`: action segments over a long recording.
extension PredictCommand {
    /// Windows `[s, s + W)` every `--hop` frames over the input clip (all its persons), each
    /// run through the model; one timeline.
    func clipTimelines(_ batch: Tensor, network: any ActionRecognitionModel, window: Int) throws -> [PredictionTimeline] {
        guard batch.shape.count == 5, batch.shape[0] == 1 else {
            throw CLIError("\(input): --sliding-window takes one sequence; this input holds \(batch.shape.first ?? 0) samples")
        }
        let (c, t, v, m) = (batch.shape[1], batch.shape[2], batch.shape[3], batch.shape[4])
        let starts = ActionTimeline.windowStarts(frameCount: t, window: window, hop: hop)
        let length = min(window, t)
        var windows: [ActionTimeline.Window] = []
        let classes = network.classCount
        for first in stride(from: 0, to: starts.count, by: 8) {
            let group = Array(starts[first..<min(starts.count, first + 8)])
            var input = Tensor(shape: [group.count, c, window, v, m])
            for (n, start) in group.enumerated() {
                for channel in 0..<c {
                    for frame in 0..<length {
                        let from = ((channel * t + start + frame) * v) * m
                        let to = n * c * window * v * m + ((channel * window + frame) * v) * m
                        input.scalars.replaceSubrange(to..<(to + v * m), with: batch.scalars[from..<(from + v * m)])
                    }
                }
            }
            let probabilities = CrossEntropy.probabilities(logits: network.predictLogits(input, batchSize: 8)).scalars
            for (n, start) in group.enumerated() {
                let row = probabilities[(n * classes)..<((n + 1) * classes)]
                let best = row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) } ?? 0
                windows.append(ActionTimeline.Window(start: start, end: start + length - 1, classIndex: best - n * classes, probability: row[best]))
            }
        }
        return [PredictionTimeline(person: nil, segments: ActionTimeline.segments(windows), frameNumbers: Array(0..<t), times: Array(repeating: nil, count: t))]
    }

    /// Per tracked person, the windows `stgcn stream --no-stagger` would predict (ending at frames
    /// `hop − 1`, `2·hop − 1`, … where the person is present, plus the person's last frame; the
    /// default stream's too while its persons fit one phase), each run as an M-person clip; one
    /// timeline per person.
    func recordingTimelines(_ recording: TrackedRecording, network: any ActionRecognitionModel, window: Int, slots: Int) -> [PredictionTimeline] {
        let classes = network.classCount
        var timelines: [PredictionTimeline] = []
        let frameNumbers = recording.frames.map { $0.frame ?? $0.index }
        let times = recording.frames.map(\.time)
        for id in recording.personIDs {
            guard let last = recording.lastSeen(id) else { continue }
            var ends = recording.frames.filter { ($0.index + 1) % hop == 0 && $0.skeleton(of: id) != nil }.map(\.index)
            if ends.last != last { ends.append(last) }
            var windows: [ActionTimeline.Window] = []
            for end in ends {
                guard let clip = recording.clip(person: id, endingAt: end, window: window, persons: slots) else { continue }
                let row = CrossEntropy.probabilities(logits: network.predictLogits(Tensor(shape: [1] + clip.clip.shape, scalars: clip.clip.values))).scalars
                let best = (0..<classes).max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) } ?? 0
                windows.append(ActionTimeline.Window(start: clip.start, end: end, classIndex: best, probability: row[best]))
            }
            timelines.append(PredictionTimeline(person: id, segments: ActionTimeline.segments(windows), frameNumbers: frameNumbers, times: times))
        }
        return timelines
    }

    /// Prints the timelines as text, JSON lines (`--json`) or CSV (`--csv`).
    func printTimeline(_ timelines: [PredictionTimeline], names: [String]?, window: Int) {
        if csv { print("input,person,start,end,start_time,end_time,class,label,probability,windows") }
        for timeline in timelines {
            if !json && !csv {
                let who = timeline.person.map { " [person \($0)]" } ?? ""
                print("\(input)\(who): \(timeline.segments.count) segment\(timeline.segments.count == 1 ? "" : "s") (window \(window), hop \(hop))")
            }
            for segment in timeline.segments {
                let start = timeline.frameNumbers[segment.start], end = timeline.frameNumbers[segment.end]
                let startTime = timeline.times[segment.start], endTime = timeline.times[segment.end]
                let name = label(segment.classIndex, names)
                let probability = (Double(segment.probability) * 1e4).rounded() / 1e4
                if json {
                    var members: [JSONMember] = [JSONMember(key: "input", value: .string(input))]
                    if let person = timeline.person { members.append(JSONMember(key: "person", value: .integer(person))) }
                    members += [JSONMember(key: "start", value: .integer(start)), JSONMember(key: "end", value: .integer(end))]
                    if let startTime, let endTime {
                        members += [JSONMember(key: "start_time", value: .number(startTime)), JSONMember(key: "end_time", value: .number(endTime))]
                    }
                    members += [JSONMember(key: "class", value: .integer(segment.classIndex)), JSONMember(key: "label", value: .string(name)),
                                JSONMember(key: "probability", value: .number(probability)), JSONMember(key: "windows", value: .integer(segment.windows))]
                    print(JSONWriting.text(.object(members)))
                } else if csv {
                    let fields = [Self.csvField(input), timeline.person.map(String.init) ?? "", String(start), String(end),
                                  startTime.map { String($0) } ?? "", endTime.map { String($0) } ?? "", String(segment.classIndex),
                                  Self.csvField(name), String(probability), String(segment.windows)]
                    print(fields.joined(separator: ","))
                } else {
                    let times = (startTime != nil && endTime != nil) ? String(format: " (%.2f–%.2f s)", startTime ?? 0, endTime ?? 0) : ""
                    print(String(format: "  frames %d–%d%@  %@  %.4f  (%d window%@)", start, end, times, name, segment.probability,
                                 segment.windows, segment.windows == 1 ? "" : "s"))
                }
            }
        }
    }

    /// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
