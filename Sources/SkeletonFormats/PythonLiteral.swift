/// A Python literal as found in a `.npy` header: `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
enum PythonLiteral: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(key: PythonLiteral, value: PythonLiteral)])

    static func == (lhs: PythonLiteral, rhs: PythonLiteral) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case (.none, .none): return true
        case let (.tuple(a), .tuple(b)), let (.list(a), .list(b)): return a == b
        case let (.dict(a), .dict(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// A short name of the literal's Python type, for error messages.
    var typeName: String {
        switch self {
        case .string: return "a str"
        case .integer: return "an int"
        case .bool: return "a bool"
        case .none: return "None"
        case .tuple: return "a tuple"
        case .list: return "a list"
        case .dict: return "a dict"
        }
    }
}

/// A small recursive-descent parser for the Python literal subset numpy writes in headers:
/// dicts, tuples, lists, quoted strings, integers (with Python 2's `L` suffix), `True`,
/// `False`, `None`; trailing commas and any whitespace allowed.
struct PythonLiteralParser {
    /// A syntax error at `offset` (relative to the parsed bytes).
    struct Failure: Error, Equatable {
        var offset: Int
        var reason: String
    }

    static let maximumDepth = 16
    static let maximumItems = 1024

    private let bytes: [UInt8]
    private var position = 0

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses exactly one literal surrounded by optional whitespace (numpy pads with spaces and a newline).
    static func parse(_ bytes: [UInt8]) throws(Failure) -> PythonLiteral {
        var parser = PythonLiteralParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw Failure(offset: parser.position, reason: "unexpected text after the dict")
        }
        return value
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D, 0x00].contains(bytes[position]) { position += 1 }
    }

    private func fail(_ reason: String, at offset: Int? = nil) -> Failure {
        Failure(offset: offset ?? position, reason: reason)
    }

    private mutating func parseValue(depth: Int) throws(Failure) -> PythonLiteral {
        guard depth <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth)") }
        guard position < bytes.count else { throw fail("unexpected end of header") }
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "{"): return try parseDict(depth: depth)
        case UInt8(ascii: "("): return .tuple(try parseSequence(close: UInt8(ascii: ")"), depth: depth))
        case UInt8(ascii: "["): return .list(try parseSequence(close: UInt8(ascii: "]"), depth: depth))
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try parseInteger())
        default:
            let word = parseWord()
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            case "": throw fail("unexpected character \(Self.describe(byte))")
            default: throw fail("unsupported name \(TextSanitizing.quoted(word)), expected True, False or None", at: position - word.utf8.count)
            }
        }
    }

    private mutating func parseWord() -> String {
        let start = position
        while position < bytes.count, Self.isWordByte(bytes[position]) { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func parseDict(depth: Int) throws(Failure) -> PythonLiteral {
        position += 1  // {
        var items: [(key: PythonLiteral, value: PythonLiteral)] = []
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw fail("unexpected end of header inside a dict") }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return .dict(items) }
            guard items.count < Self.maximumItems else { throw fail("dict has more than \(Self.maximumItems) items") }
            let key = try parseValue(depth: depth + 1)
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':' after a dict key") }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            items.append((key, value))
            skipWhitespace()
            guard position < bytes.count else { throw fail("unexpected end of header inside a dict") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return .dict(items) }
            throw fail("expected ',' or '}' in a dict")
        }
    }

    private mutating func parseSequence(close: UInt8, depth: Int) throws(Failure) -> [PythonLiteral] {
        position += 1  // ( or [
        var items: [PythonLiteral] = []
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw fail("unexpected end of header inside a sequence") }
            if bytes[position] == close { position += 1; return items }
            guard items.count < Self.maximumItems else { throw fail("sequence has more than \(Self.maximumItems) items") }
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard position < bytes.count else { throw fail("unexpected end of header inside a sequence") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == close { position += 1; return items }
            throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'")
        }
    }

    private mutating func parseInteger() throws(Failure) -> Int {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") {
            negative = bytes[position] == UInt8(ascii: "-")
            position += 1
            skipWhitespace()
        }
        var value = 0
        var digits = 0
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            let digit = Int(bytes[position] - UInt8(ascii: "0"))
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { throw fail("integer too large", at: start) }
            value = sum
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw fail("expected digits", at: start) }
        if position < bytes.count, bytes[position] == UInt8(ascii: "L") || bytes[position] == UInt8(ascii: "l") { position += 1 }
        if position < bytes.count, Self.isWordByte(bytes[position]) || bytes[position] == UInt8(ascii: ".") {
            throw fail("expected an integer", at: start)
        }
        return negative ? -value : value
    }

    private mutating func parseString() throws(Failure) -> String {
        let start = position
        let quote = bytes[position]
        position += 1
        var out: [UInt8] = []
        while true {
            guard position < bytes.count else { throw fail("unterminated string", at: start) }
            let byte = bytes[position]
            position += 1
            if byte == quote { break }
            if byte == 0x0A { throw fail("newline inside a string", at: position - 1) }
            if byte == UInt8(ascii: "\\") {
                guard position < bytes.count else { throw fail("unterminated string", at: start) }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "0"): out.append(0x00)
                case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(escaped)
                default: out.append(UInt8(ascii: "\\")); out.append(escaped)
                }
                continue
            }
            out.append(byte)
        }
        // Headers are ASCII (v1/v2, latin-1) or UTF-8 (v3); decode leniently for the descr check.
        return String(decoding: out, as: UTF8.self)
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + String(byte, radix: 16)
    }
}
