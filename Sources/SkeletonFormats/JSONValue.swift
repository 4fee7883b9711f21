/// A JSON value: what `JSONReader` parses and what `JSONWriting` writes. The package's one
/// in-memory form of JSON.
///
/// - Objects keep their members in order (the reader rejects duplicate keys).
/// - Integers that fit `Int64` or `UInt64` stay exact (`.integer`, `.unsignedInteger`); every
///   other number is a `Double` (`.number`).
/// - A value read from text knows where it started (`line`, 1-based, and byte `offset`), so
///   readers can name the place of a problem; values built in code have line 0.
/// - Equality compares content only, not positions.
public struct JSONValue: Sendable, Equatable {
    /// What the value is. Equality is JSON's: integers by value (`.integer(7) == .unsignedInteger(7)`),
    /// objects by their members whatever their order.
    public enum Content: Sendable, Equatable {
        case null
        case bool(Bool)
        case integer(Int64)
        /// An integer above `Int64.max` that fits `UInt64` (seeds, hashes).
        case unsignedInteger(UInt64)
        case number(Double)
        case string(String)
        case array([JSONValue])
        case object([JSONMember])

        public static func == (lhs: Content, rhs: Content) -> Bool {
            switch (lhs, rhs) {
            case (.null, .null): return true
            case let (.bool(a), .bool(b)): return a == b
            case let (.integer(a), .integer(b)): return a == b
            case let (.unsignedInteger(a), .unsignedInteger(b)): return a == b
            case let (.integer(a), .unsignedInteger(b)), let (.unsignedInteger(b), .integer(a)): return a >= 0 && UInt64(a) == b
            case let (.number(a), .number(b)): return a == b
            case let (.string(a), .string(b)): return a == b
            case let (.array(a), .array(b)): return a == b
            case let (.object(a), .object(b)):
                guard a.count == b.count else { return false }
                let byKey = Dictionary(b.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
                return a.allSatisfy { byKey[$0.key] == $0.value }
            default: return false
            }
        }
    }

    /// What the value is.
    public var content: Content
    /// The 1-based line of the value's first character in the parsed text (0 if built in code).
    public var line: Int
    /// The byte offset of the value's first character in the parsed text (0 if built in code).
    public var offset: Int

    /// A value built in code, or read at (`line`, `offset`).
    public init(_ content: Content, line: Int = 0, offset: Int = 0) {
        self.content = content
        self.line = line
        self.offset = offset
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.content == rhs.content }

    /// `null`.
    public static let null = JSONValue(.null)
    /// A boolean.
    public static func bool(_ value: Bool) -> JSONValue { JSONValue(.bool(value)) }
    /// An exact integer.
    public static func integer(_ value: Int) -> JSONValue { JSONValue(.integer(Int64(value))) }
    /// A floating-point number; a non-finite one is written as a string (see `JSONWriting`).
    public static func number(_ value: Double) -> JSONValue { JSONValue(.number(value)) }
    /// A string.
    public static func string(_ value: String) -> JSONValue { JSONValue(.string(value)) }
    /// An array.
    public static func array(_ elements: [JSONValue]) -> JSONValue { JSONValue(.array(elements)) }
    /// An object with members in this order.
    public static func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
        JSONValue(.object(members.map { JSONMember(key: $0.key, value: $0.value) }))
    }
    /// An object with members in this order.
    public static func object(_ members: [JSONMember]) -> JSONValue { JSONValue(.object(members)) }

    /// The member `key` of an object, or nil (also when this is not an object).
    public subscript(key: String) -> JSONValue? {
        guard case let .object(members) = content else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The number as a `Double` (integers converted), or nil when this is not a number.
    public var doubleValue: Double? {
        switch content {
        case let .integer(value): return Double(value)
        case let .unsignedInteger(value): return Double(value)
        case let .number(value): return value
        default: return nil
        }
    }

    /// A short name of the value's JSON type, for error messages ("an array", "null", …).
    public var typeName: String {
        switch content {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .unsignedInteger: return "an integer"
        case .number: return "a non-integer number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The value in a few characters for an error message: numbers and short strings as they
    /// are, containers by type.
    public var briefDescription: String {
        switch content {
        case let .integer(value): return String(value)
        case let .unsignedInteger(value): return String(value)
        case let .number(value): return String(value)
        case let .bool(value): return String(value)
        case let .string(text) where text.count <= 40: return JSONWriting.stringLiteral(text)
        default: return typeName
        }
    }
}

/// One member of a JSON object.
public struct JSONMember: Sendable, Equatable {
    /// The key.
    public var key: String
    /// The value.
    public var value: JSONValue

    /// A member.
    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}
