import InputLimits

/// A cheap scan of YAML text, before it is parsed, that bounds how deeply its sequences and
/// mappings nest: the YAML parser recurses once per level and a document nested a few
/// thousand levels deep (`[[[[…]]]]`, or block mappings indented one space more per line)
/// would overflow the stack and kill the process.
///
/// The depth at a point is the number of enclosing indentation levels (a stack of line
/// indents; block scalars `|` and `>` are skipped), plus the block-sequence dashes opening the
/// line (`- - - x`), plus the open flow brackets `[` and `{` (outside quoted scalars and
/// comments). This over-counts slightly (a plain scalar with brackets), never under-counts a
/// real nesting, and is linear in the text.
enum YAMLNestingCheck {
    /// The deepest nesting found in `text`, stopping early once it passes `limit`.
    static func depth(of text: String, stoppingAbove limit: Int = InputLimits.maximumYAMLNestingDepth) -> Int {
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), cr = UInt8(ascii: "\r")
        var deepest = 0
        var indents: [Int] = []
        var flowDepth = 0
        var openQuote: UInt8?          // inside a quoted scalar (which may span lines)
        var blockScalarIndent: Int?    // inside a block scalar: the indent of the line that opened it
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let bytes = Array(line)
            var column = 0
            while column < bytes.count, bytes[column] == space { column += 1 }
            let isBlank = bytes[column...].allSatisfy { $0 == space || $0 == tab || $0 == cr }
                || (openQuote == nil && bytes[column] == UInt8(ascii: "#"))
            if let opener = blockScalarIndent {
                if isBlank || column > opener { continue }
                blockScalarIndent = nil
            }
            var index = column
            var dashes = 0
            if openQuote == nil {
                if isBlank { continue }
                if flowDepth == 0 {
                    while let top = indents.last, top > column { indents.removeLast() }
                    if indents.last != column { indents.append(column) }
                }
                // Block-sequence dashes that open the line: each is one more level.
                while index + 1 < bytes.count, bytes[index] == UInt8(ascii: "-"), bytes[index + 1] == space {
                    dashes += 1
                    index += 2
                    while index < bytes.count, bytes[index] == space { index += 1 }
                }
            }
            deepest = max(deepest, indents.count + dashes + flowDepth)
            if deepest > limit { return deepest }
            // Flow brackets, outside quoted scalars and comments.
            var previous = space
            while index < bytes.count {
                let byte = bytes[index]
                if let quote = openQuote {
                    if quote == UInt8(ascii: "\"") && byte == UInt8(ascii: "\\") {
                        index += 2
                        previous = UInt8(ascii: "a")
                        continue
                    }
                    if byte == quote {
                        if quote == UInt8(ascii: "'"), index + 1 < bytes.count, bytes[index + 1] == quote { index += 2; continue }
                        openQuote = nil
                    }
                    previous = byte
                    index += 1
                    continue
                }
                let startsScalar = previous == space || previous == tab || previous == UInt8(ascii: "[")
                    || previous == UInt8(ascii: "{") || previous == UInt8(ascii: ",") || previous == UInt8(ascii: ":")
                switch byte {
                case UInt8(ascii: "#") where previous == space || previous == tab:
                    index = bytes.count
                    continue
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    if startsScalar { openQuote = byte }
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    flowDepth += 1
                    deepest = max(deepest, indents.count + dashes + flowDepth)
                    if deepest > limit { return deepest }
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    flowDepth = max(0, flowDepth - 1)
                default:
                    break
                }
                previous = byte
                index += 1
            }
            // `key: |`, `key: >-`, `- |2`: the following more-indented lines are text.
            if openQuote == nil, flowDepth == 0, Self.endsWithBlockScalarHeader(bytes) { blockScalarIndent = column }
        }
        return deepest
    }

    /// Whether the line ends with a block scalar header (`|` or `>` and optional chomping and
    /// indentation indicators) after a space or at the line start.
    private static func endsWithBlockScalarHeader(_ bytes: [UInt8]) -> Bool {
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\r") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        var start = end
        while start > 0, bytes[start - 1] != UInt8(ascii: " ") { start -= 1 }
        let token = bytes[start..<end]
        guard let first = token.first, first == UInt8(ascii: "|") || first == UInt8(ascii: ">") else { return false }
        return token.dropFirst().allSatisfy { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || ($0 >= 0x31 && $0 <= 0x39) }
    }

    /// nil when `text` nests at most `InputLimits.maximumYAMLNestingDepth` levels, else a
    /// one-line reason.
    static func violation(in text: String) -> String? {
        let limit = InputLimits.maximumYAMLNestingDepth
        let depth = depth(of: text, stoppingAbove: limit)
        guard depth > limit else { return nil }
        return "sequences and mappings nest more than \(limit) levels deep; expected a flatter document (the official configs nest 5 levels)"
    }
}
