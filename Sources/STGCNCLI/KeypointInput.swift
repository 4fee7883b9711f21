import Foundation
import STGCN

/// How `stream` and `predict` read keypoints from pose estimators: `--input-layout`,
/// `--image-size`, JSON-lines recordings.
enum KeypointInput {
    /// `WIDTHxHEIGHT` as two positive finite numbers.
    static func imageSize(_ text: String) throws -> (width: Double, height: Double) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Double($0) }
        guard parts.count == 2, let width = parts[0], let height = parts[1], width > 0, height > 0, width.isFinite, height.isFinite else {
            throw CLIError("--image-size \(TextSanitizing.oneLine(text)): expected WIDTHxHEIGHT, e.g. 1920x1080")
        }
        return (width, height)
    }

    /// The converter from `layoutName` onto `model`'s layout.
    static func converter(layoutName: String, imageSize text: String?, minimumScore: Double,
                          model: ModelConfiguration) throws -> KeypointConverter {
        do {
            let layout = try InputLayout.named(layoutName)
            let size = try text.map { try imageSize($0) }
            return try KeypointConverter(input: layout, model: model.layout, inputChannels: model.inputChannels,
                                         imageSize: size, minimumScore: minimumScore)
        } catch let error as LayoutMappingError {
            throw CLIError("--input-layout \(TextSanitizing.oneLine(layoutName)): \(error.description)")
        }
    }

    /// Every frame of a JSON-lines recording; blank lines are skipped, any bad line is an
    /// error naming the file and line.
    static func recording(_ path: String, layout: InputLayout) throws -> [PoseFrame] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(path): cannot read the file") }
        let parser = PoseLineParser(layout: layout)
        var frames: [PoseFrame] = []
        var lineNumber = 0
        for line in [UInt8](data).split(separator: 10, omittingEmptySubsequences: false) {
            lineNumber += 1
            let bytes = JSONLinesReader.trimmed(line)
            if bytes.isEmpty { continue }
            do { frames.append(try parser.parse(bytes)) } catch { throw CLIError("\(path): line \(lineNumber): \(error.description)") }
            if frames.count > InputLimits.maximumFrameCount {
                throw CLIError("\(path): more than \(InputLimits.maximumFrameCount) frames (this package's limit for frames)")
            }
        }
        return frames
    }
}
