import Foundation
import STGCN

/// `stgcn predict` on a JSON-lines keypoint recording (the `stgcn stream` input format).
extension PredictCommand {
    /// The recording, mapped onto the model's layout and tracked as `stream` does.
    func readRecording(model: ModelConfiguration) throws -> TrackedRecording {
        let converter = try KeypointInput.converter(layoutName: inputLayout ?? InputLayout.coco17.rawValue, imageSize: imageSize, minimumScore: minScore, model: model)
        let poses = try KeypointInput.recording(input, layout: converter.input)
        return TrackedRecording(poses: poses, tracking: FrameTracking(converter: converter,
                                                                        tracker: .standard(threeDimensional: converter.input.isThreeDimensional)))
    }

    /// One result per tracked person: its last `--frames` frames (from its first appearance),
    /// the most relevant others in the other slots, zero-padded to `--frames`.
    func printRecordingPredictions(_ recording: TrackedRecording, network: any ActionRecognitionModel, slots: Int, names: [String]?) {
        let ids = recording.personIDs
        if ids.isEmpty {
            FileHandle.standardError.write(Data("warning: \(input): nobody in the recording\n".utf8))
            return
        }
        let classes = network.classCount
        for id in ids {
            guard let last = recording.lastSeen(id), let window = recording.clip(person: id, endingAt: last, window: frames, persons: slots) else { continue }
            let logits = network.predictLogits(Tensor(shape: [1] + window.clip.shape, scalars: window.clip.values))
            let row = CrossEntropy.probabilities(logits: logits).scalars
            let ranked = (0..<classes).sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }.prefix(top)
            if json {
                let items: [JSONValue] = ranked.enumerated().map { rank, index in
                    .object(["rank": .integer(rank + 1), "class": .integer(index), "label": .string(label(index, names)),
                             "probability": .number((Double(row[index]) * 1e6).rounded() / 1e6)])
                }
                print(JSONWriting.text(.object([
                    "input": .string(input), "person": .integer(id), "frame": .integer(recording.frames[last].frame ?? last),
                    "window_frames": .integer(last - window.start + 1), "partners": .array(window.partners.map { .integer($0) }),
                    "top": .array(items),
                ])))
            } else {
                print("\(input) [person \(id), frames \(recording.frames[window.start].frame ?? window.start)–\(recording.frames[last].frame ?? last)]:")
                for (rank, index) in ranked.enumerated() {
                    print(String(format: "  %d. %@  %.4f", rank + 1, label(index, names), row[index]))
                }
            }
        }
    }

    func label(_ index: Int, _ names: [String]?) -> String {
        names.flatMap { index < $0.count ? $0[index] : nil } ?? "class \(index)"
    }
}
