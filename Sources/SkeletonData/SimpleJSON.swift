/// A small strict JSON reader (RFC 8259) that records the line of every value, for readers
/// whose errors must name the line and the field. Nesting is limited to 64 levels; NaN and
/// Infinity literals are rejected as invalid JSON.
struct SimpleJSON {
    enum Value {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([Node])
        case object([(key: String, value: Node)])
    }

    struct Node {
        var value: Value
        var line: Int

        /// The member `key` of an object (first occurrence), or nil.
        subscript(key: String) -> Node? {
            guard case let .object(members) = value else { return nil }
            return members.first { $0.key == key }?.value
        }

        var typeName: String {
            switch value {
            case .null: return "null"
            case .bool: return "a boolean"
            case .number: return "a number"
            case .string: return "a string"
            case .array: return "an array"
            case .object: return "an object"
            }
        }
    }

    struct ParseError: Error {
        var line: Int
        var message: String
    }

    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private static let maxDepth = 64

    /// Parses a complete document.
    static func parse(_ bytes: [UInt8]) throws(ParseError) -> Node {
        var parser = SimpleJSON(bytes: bytes)
        parser.skipWhitespace()
        let node = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw ParseError(line: parser.line, message: "unexpected text after the JSON value") }
        return node
    }

    private init(bytes: [UInt8]) {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }  // UTF-8 BOM
        self.bytes = Array(bytes[start...])
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 10: line += 1; position += 1
            case 32, 9, 13: position += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(ParseError) -> Node {
        guard depth < Self.maxDepth else { throw ParseError(line: line, message: "nesting deeper than \(Self.maxDepth) levels") }
        guard position < bytes.count else { throw ParseError(line: line, message: "unexpected end of file, expected a value") }
        let startLine = line
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var members: [(key: String, value: Node)] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return Node(value: .object(members), line: startLine) }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw ParseError(line: line, message: "expected a string key") }
                let key = try string()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw ParseError(line: line, message: "expected ':' after key") }
                position += 1
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                guard position < bytes.count else { throw ParseError(line: line, message: "unexpected end of file inside an object") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "}") { position += 1; return Node(value: .object(members), line: startLine) }
                throw ParseError(line: line, message: "expected ',' or '}' in an object")
            }
        case UInt8(ascii: "["):
            position += 1
            var elements: [Node] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return Node(value: .array(elements), line: startLine) }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard position < bytes.count else { throw ParseError(line: line, message: "unexpected end of file inside an array") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return Node(value: .array(elements), line: startLine) }
                throw ParseError(line: line, message: "expected ',' or ']' in an array")
            }
        case UInt8(ascii: "\""):
            return Node(value: .string(try string()), line: startLine)
        case UInt8(ascii: "t"): try literal("true"); return Node(value: .bool(true), line: startLine)
        case UInt8(ascii: "f"): try literal("false"); return Node(value: .bool(false), line: startLine)
        case UInt8(ascii: "n"): try literal("null"); return Node(value: .null, line: startLine)
        default:
            return Node(value: .number(try number()), line: startLine)
        }
    }

    private mutating func literal(_ word: String) throws(ParseError) {
        let expected = Array(word.utf8)
        guard position + expected.count <= bytes.count, Array(bytes[position..<(position + expected.count)]) == expected else {
            throw ParseError(line: line, message: "invalid literal, expected \(word)")
        }
        position += expected.count
    }

    private mutating func number() throws(ParseError) -> Double {
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let digitsStart = position
        while position < bytes.count, (48...57).contains(bytes[position]) { position += 1 }
        guard position > digitsStart else { throw ParseError(line: line, message: "invalid value, expected a number, string, array, object, true, false or null") }
        if bytes[digitsStart] == 48, position - digitsStart > 1 { throw ParseError(line: line, message: "number with a leading zero") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fraction = position
            while position < bytes.count, (48...57).contains(bytes[position]) { position += 1 }
            guard position > fraction else { throw ParseError(line: line, message: "number without digits after '.'") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            let exponent = position
            while position < bytes.count, (48...57).contains(bytes[position]) { position += 1 }
            guard position > exponent else { throw ParseError(line: line, message: "number without exponent digits") }
        }
        guard let value = bytes.withUnsafeBufferPointer({ NumberParsing.double(buffer: $0, range: start..<position) }) else {
            throw ParseError(line: line, message: "invalid number")
        }
        return value  // may be ±infinity for huge exponents; callers check finiteness
    }

    private mutating func string() throws(ParseError) -> String {
        position += 1  // opening quote
        var chunkStart = position
        var out = ""
        func flush(_ end: Int) { out += String(decoding: bytes[chunkStart..<end], as: UTF8.self) }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                flush(position)
                position += 1
                return out
            }
            if byte < 0x20 { throw ParseError(line: line, message: "control character inside a string") }
            if byte == UInt8(ascii: "\\") {
                flush(position)
                position += 1
                guard position < bytes.count else { break }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): out += "\""
                case UInt8(ascii: "\\"): out += "\\"
                case UInt8(ascii: "/"): out += "/"
                case UInt8(ascii: "b"): out += "\u{8}"
                case UInt8(ascii: "f"): out += "\u{C}"
                case UInt8(ascii: "n"): out += "\n"
                case UInt8(ascii: "r"): out += "\r"
                case UInt8(ascii: "t"): out += "\t"
                case UInt8(ascii: "u"):
                    var code: UInt32 = 0
                    for _ in 0..<4 {
                        guard position < bytes.count, let digit = Self.hexValue(bytes[position]) else {
                            throw ParseError(line: line, message: "invalid \\u escape")
                        }
                        code = code * 16 + digit
                        position += 1
                    }
                    out.unicodeScalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")  // lone surrogates become U+FFFD
                default:
                    throw ParseError(line: line, message: "invalid escape in a string")
                }
                chunkStart = position
                continue
            }
            position += 1
        }
        throw ParseError(line: line, message: "unterminated string")
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 48...57: return UInt32(byte - 48)
        case 65...70: return UInt32(byte - 55)
        case 97...102: return UInt32(byte - 87)
        default: return nil
        }
    }
}
