/// Helpers that keep error descriptions on one line whatever a hostile file contains.
public enum TextSanitizing {
    /// `text` in single quotes, with control characters escaped and text longer than `limit`
    /// Unicode scalars shortened with "…" (scanning stops there, so a huge field costs nothing).
    public static func quoted<S: StringProtocol>(_ text: S, limit: Int = 120) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit { out += "…"; break }
            count += 1
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "'": out += "\\'"
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return "'" + out + "'"
    }

    /// `text` with line breaks and other control characters replaced by spaces.
    public static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    /// `text` with control characters replaced by spaces and shortened with "…" after `limit`
    /// Unicode scalars.
    public static func oneLine(_ text: String, limit: Int) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return oneLine(text) }
        return oneLine(String(String.UnicodeScalarView(scalars.prefix(max(0, limit))))) + "…"
    }
}
