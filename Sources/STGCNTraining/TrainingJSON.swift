import SkeletonFormats

/// How a run's JSON (`metrics.jsonl`, the checkpoint's training state) is written and read:
/// through the package's one JSON writer and reader (`JSONWriting`, `JSONReader`), keys sorted.
///
/// JSON has no NaN or infinity; a non-finite number is written as the string `"NaN"`,
/// `"Infinity"` or `"-Infinity"` and read back as the number (`JSONWriting`'s policy), so no
/// writer ever fails or drops a record on one.
public enum TrainingJSON {
    /// `metrics.jsonl`: one JSON object per line, per record of `history`.
    public static func metricsLines(_ history: [EpochRecord]) -> String {
        history.map { JSONWriting.text($0.json, sortedKeys: true) + "\n" }.joined()
    }

    /// Reads one JSON document and converts it with `convert`; `source` names it in errors.
    /// - Throws: `TrainingJSONError` naming the source, the line and the field.
    public static func decode<Value>(_ text: String, source: String,
                                     _ convert: (JSONValue) throws(JSONAccessError) -> Value) throws(TrainingJSONError) -> Value {
        let value: JSONValue
        do { value = try JSONReader.parse(text) } catch {
            throw TrainingJSONError(source: source, reason: error.description)
        }
        do { return try convert(value) } catch {
            throw TrainingJSONError(source: source, reason: error.description)
        }
    }
}

/// A run's JSON (a metrics line, a checkpoint's state) that cannot be read.
public struct TrainingJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file or place the JSON came from.
    public var source: String
    /// What is wrong, with the line and field.
    public var reason: String

    public var description: String { "\(source): \(reason)" }
}
