import Foundation

/// The package's one JSON parser (RFC 8259, strict), for untrusted input: safetensors
/// headers, OpenPose and Kinetics-skeleton files, stream lines, training checkpoints' state.
///
/// Policy, the same for every caller:
/// - One value with optional surrounding whitespace; a leading UTF-8 byte-order mark is skipped.
/// - Duplicate keys in an object are an error (which one wins differs between JSON libraries).
/// - `NaN`, `Infinity`, comments, trailing commas, single quotes, leading zeros and unpaired
///   UTF-16 surrogates in `\u` escapes are errors.
/// - Bounded by `Limits`, so hostile input cannot exhaust the stack or memory out of proportion
///   to its size.
/// - Errors (`JSONSyntaxError`) carry the line and byte offset of the problem.
public struct JSONReader {
    /// The bounds a document must respect.
    public struct Limits: Sendable, Equatable {
        /// Deepest nesting of arrays and objects.
        public var maximumDepth: Int
        /// Most elements in one array.
        public var maximumArrayLength: Int

        /// A limit set.
        public init(maximumDepth: Int, maximumArrayLength: Int) {
            self.maximumDepth = maximumDepth
            self.maximumArrayLength = maximumArrayLength
        }

        /// The limits of every reader in the package: 64 levels, 1,048,576 elements per array.
        public static let standard = Limits(maximumDepth: 64, maximumArrayLength: 1 << 20)
        /// Safetensors headers, whose arrays (a shape, two offsets) are short: 64 levels, 4,096
        /// elements per array.
        public static let safetensorsHeader = Limits(maximumDepth: 64, maximumArrayLength: 4096)
    }

    private let bytes: [UInt8]
    private let limits: Limits
    private var position = 0
    private var line = 1

    private init(bytes: [UInt8], limits: Limits) {
        self.bytes = bytes
        self.limits = limits
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    /// Parses exactly one JSON value from `bytes`.
    public static func parse(_ bytes: [UInt8], limits: Limits = .standard) throws(JSONSyntaxError) -> JSONValue {
        var reader = JSONReader(bytes: bytes, limits: limits)
        reader.skipWhitespace()
        let value = try reader.parseValue(depth: 0)
        reader.skipWhitespace()
        guard reader.position == bytes.count else { throw reader.fail("unexpected text after the JSON value") }
        return value
    }

    /// Parses exactly one JSON value from `text`.
    public static func parse(_ text: String, limits: Limits = .standard) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8), limits: limits)
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x0A: line += 1; position += 1
            case 0x20, 0x09, 0x0D: position += 1
            default: return
            }
        }
    }

    private func fail(_ reason: String, at offset: Int? = nil, line failureLine: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(line: failureLine ?? line, offset: offset ?? position, reason: reason)
    }

    private mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= limits.maximumDepth else { throw fail("nesting deeper than \(limits.maximumDepth) levels") }
        guard position < bytes.count else { throw fail("unexpected end of JSON, expected a value") }
        let start = position, startLine = line
        let content: JSONValue.Content
        switch bytes[position] {
        case UInt8(ascii: "{"): content = try parseObject(depth: depth)
        case UInt8(ascii: "["): content = try parseArray(depth: depth)
        case UInt8(ascii: "\""): content = .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); content = .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); content = .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); content = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): content = try parseNumber()
        default:
            throw fail("unexpected character \(Self.describe(bytes[position])), expected a number, string, array, object, true, false or null")
        }
        return JSONValue(content, line: startLine, offset: start)
    }

    private mutating func expectLiteral(_ literal: String) throws(JSONSyntaxError) {
        let expected = Array(literal.utf8)
        guard position + expected.count <= bytes.count, bytes[position..<(position + expected.count)].elementsEqual(expected) else {
            throw fail("invalid literal, expected \(literal)")
        }
        position += expected.count
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue.Content {
        position += 1  // {
        var members: [JSONMember] = []
        var seen = Set<String>()
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let keyOffset = position, keyLine = line
            let key = try parseString()
            guard seen.insert(key).inserted else {
                throw fail("duplicate key \(JSONWriting.stringLiteral(key))", at: keyOffset, line: keyLine)
            }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
            position += 1
            skipWhitespace()
            members.append(JSONMember(key: key, value: try parseValue(depth: depth + 1)))
            skipWhitespace()
            guard position < bytes.count else { throw fail("unexpected end of JSON inside an object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
            throw fail("expected ',' or '}' in an object")
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue.Content {
        let start = position, startLine = line
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            guard elements.count < limits.maximumArrayLength else {
                throw fail("array longer than \(limits.maximumArrayLength) elements", at: start, line: startLine)
            }
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard position < bytes.count else { throw fail("unexpected end of JSON inside an array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(elements) }
            throw fail("expected ',' or ']' in an array")
        }
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue.Content {
        let start = position
        var isInteger = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, Self.isDigit(bytes[position]) else { throw fail("invalid number", at: start) }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, Self.isDigit(bytes[position]) { throw fail("number with a leading zero", at: start) }
        } else {
            while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, Self.isDigit(bytes[position]) else { throw fail("invalid number: digit expected after '.'") }
            while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, Self.isDigit(bytes[position]) else { throw fail("invalid number: digit expected in the exponent") }
            while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
        }
        let range = start..<position
        return bytes.withUnsafeBufferPointer { buffer in
            if isInteger, let value = NumberParsing.int64(buffer: buffer, range: range) { return .integer(value) }
            if isInteger, let value = NumberParsing.uint64(buffer: buffer, range: range) { return .unsignedInteger(value) }
            // The grammar was checked above, so the parse cannot fail; huge exponents give ±infinity.
            return .number(NumberParsing.double(buffer: buffer, range: range) ?? .nan)
        }
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = position
        position += 1  // opening quote
        var utf8: [UInt8] = []
        while true {
            guard position < bytes.count else { throw fail("unterminated string", at: start) }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                break
            }
            if byte < 0x20 { throw fail("control character inside a string") }
            if byte != UInt8(ascii: "\\") {
                utf8.append(byte)
                position += 1
                continue
            }
            position += 1
            guard position < bytes.count else { throw fail("unterminated escape", at: start) }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""): utf8.append(0x22)
            case UInt8(ascii: "\\"): utf8.append(0x5C)
            case UInt8(ascii: "/"): utf8.append(0x2F)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var scalarValue = try parseHex4()
                if (0xD800...0xDBFF).contains(scalarValue) {
                    guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate in a \\u escape")
                    }
                    position += 2
                    let low = try parseHex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid low surrogate in a \\u escape") }
                    scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(scalarValue) else { throw fail("unpaired surrogate in a \\u escape") }
                utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw fail("invalid escape \\\(Self.describe(escape))")
            }
        }
        guard let string = String(bytes: utf8, encoding: .utf8) else { throw fail("string is not valid UTF-8", at: start) }
        return string
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("invalid hex digit in a \\u escape")
            }
            value = value * 16 + digit
            position += 1
        }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + String(byte, radix: 16)
    }
}

/// Text that is not valid JSON, or that exceeds `JSONReader.Limits`.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line of the problem.
    public var line: Int
    /// The byte offset of the problem.
    public var offset: Int
    /// What is wrong.
    public var reason: String

    /// An error at (`line`, `offset`).
    public init(line: Int, offset: Int, reason: String) {
        self.line = line
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "line \(line) (byte \(offset)): \(reason)" }
}
