import Foundation

/// How a run's JSON (`metrics.jsonl`, the checkpoint's training state) is written and read.
///
/// JSON has no NaN or infinity; a non-finite number is written as the string `"NaN"`,
/// `"Infinity"` or `"-Infinity"` (the spellings Python's `float()` and JavaScript's `Number()`
/// accept) and read back as the number, so no writer ever fails or drops a record on one.
public enum TrainingJSON {
    /// The strings that stand for non-finite numbers.
    public static let nonFiniteStrings = (positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")

    /// An encoder with sorted keys and non-finite numbers as strings.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let strings = nonFiniteStrings
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: strings.positiveInfinity, negativeInfinity: strings.negativeInfinity, nan: strings.nan)
        return encoder
    }

    /// A decoder that reads what `encoder()` writes.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        let strings = nonFiniteStrings
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: strings.positiveInfinity, negativeInfinity: strings.negativeInfinity, nan: strings.nan)
        return decoder
    }

    /// `metrics.jsonl`: one JSON object per line, per record of `history`.
    /// - Throws: `TrainingError.io` naming `file` when a record cannot be encoded.
    public static func metricsLines(_ history: [EpochRecord], file: String) throws(TrainingError) -> String {
        let encoder = encoder()
        var text = ""
        for record in history {
            do { text += String(decoding: try encoder.encode(record), as: UTF8.self) + "\n" } catch {
                throw .io(file: file, reason: "cannot encode the record of epoch \(record.epoch): \(error)")
            }
        }
        return text
    }
}
