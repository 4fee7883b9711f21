/// The package's one JSON writer: `JSONValue` to compact text (safetensors headers,
/// `metrics.jsonl`, checkpoints' training state, every `--json` output, stream lines).
///
/// Policy:
/// - Compact: no spaces, no newlines (JSON Lines ready).
/// - Object members in the value's order, or sorted by key with `sortedKeys`.
/// - Integers exactly; doubles in the shortest form that reads back to the same `Double`.
/// - JSON has no NaN or infinity, so a non-finite number is written as the string `"NaN"`,
///   `"Infinity"` or `"-Infinity"` (what Python's `float()` and JavaScript's `Number()` accept);
///   no writer ever fails or drops a record because of one.
public enum JSONWriting {
    /// The strings that stand for non-finite numbers.
    public static let nonFiniteStrings = (positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")

    /// `value` as compact JSON text.
    public static func text(_ value: JSONValue, sortedKeys: Bool = false) -> String {
        var out = ""
        append(value, to: &out, sortedKeys: sortedKeys)
        return out
    }

    /// `value` as a JSON number, or as one of `nonFiniteStrings` when it is not finite.
    public static func numberLiteral(_ value: Double) -> String {
        if value.isNaN { return "\"" + nonFiniteStrings.nan + "\"" }
        if value.isInfinite { return "\"" + (value > 0 ? nonFiniteStrings.positiveInfinity : nonFiniteStrings.negativeInfinity) + "\"" }
        return String(value)
    }

    /// `text` as a JSON string literal (quotes, backslashes and control characters escaped).
    public static func stringLiteral(_ text: String) -> String {
        var out = ""
        appendString(text, to: &out)
        return out
    }

    private static func append(_ value: JSONValue, to out: inout String, sortedKeys: Bool) {
        switch value.content {
        case .null: out += "null"
        case let .bool(flag): out += flag ? "true" : "false"
        case let .integer(number): out += String(number)
        case let .unsignedInteger(number): out += String(number)
        case let .number(number): out += numberLiteral(number)
        case let .string(text): appendString(text, to: &out)
        case let .array(elements):
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                append(element, to: &out, sortedKeys: sortedKeys)
            }
            out += "]"
        case let .object(members):
            out += "{"
            let ordered = sortedKeys ? members.sorted { $0.key < $1.key } : members
            for (index, member) in ordered.enumerated() {
                if index > 0 { out += "," }
                appendString(member.key, to: &out)
                out += ":"
                append(member.value, to: &out, sortedKeys: sortedKeys)
            }
            out += "}"
        }
    }

    private static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
