/// Typed reading of parsed JSON, with errors that name the field and the line.
///
/// Numbers follow `JSONWriting`'s policy: `double` also accepts the strings `"NaN"`,
/// `"Infinity"` and `"-Infinity"` that the writer uses for non-finite numbers.
extension JSONValue {
    /// The member `key` of this object; `path` names this value in errors (empty for the top level).
    public func member(_ key: String, path: String = "") throws(JSONAccessError) -> JSONValue {
        let field = path.isEmpty ? key : "\(path).\(key)"
        guard case .object = content else { throw JSONAccessError(line: line, field: path.isEmpty ? "top level" : path, expected: "an object", found: typeName) }
        guard let value = self[key] else { throw JSONAccessError(line: line, field: field, expected: "a member \"\(key)\"", found: "none") }
        return value
    }

    /// The member `key` when present and not null, else nil.
    public func optionalMember(_ key: String, path: String = "") throws(JSONAccessError) -> JSONValue? {
        guard case .object = content else { throw JSONAccessError(line: line, field: path.isEmpty ? "top level" : path, expected: "an object", found: typeName) }
        guard let value = self[key], value.content != .null else { return nil }
        return value
    }

    /// The elements of this array.
    public func arrayElements(field: String) throws(JSONAccessError) -> [JSONValue] {
        guard case let .array(elements) = content else { throw mismatch(field, expected: "an array") }
        return elements
    }

    /// This string.
    public func string(field: String) throws(JSONAccessError) -> String {
        guard case let .string(text) = content else { throw mismatch(field, expected: "a string") }
        return text
    }

    /// This boolean.
    public func bool(field: String) throws(JSONAccessError) -> Bool {
        guard case let .bool(flag) = content else { throw mismatch(field, expected: "true or false") }
        return flag
    }

    /// This integer, which must fit `Int`.
    public func int(field: String) throws(JSONAccessError) -> Int {
        guard case let .integer(value) = content, let exact = Int(exactly: value) else { throw mismatch(field, expected: "an integer") }
        return exact
    }

    /// This non-negative integer as `UInt64`.
    public func uint64(field: String) throws(JSONAccessError) -> UInt64 {
        switch content {
        case let .integer(value) where value >= 0: return UInt64(value)
        case let .unsignedInteger(value): return value
        default: throw mismatch(field, expected: "a non-negative integer")
        }
    }

    /// This number (integers converted), or a non-finite number written as a string.
    public func double(field: String) throws(JSONAccessError) -> Double {
        switch content {
        case let .integer(value): return Double(value)
        case let .unsignedInteger(value): return Double(value)
        case let .number(value): return value
        case .string(JSONWriting.nonFiniteStrings.nan): return .nan
        case .string(JSONWriting.nonFiniteStrings.positiveInfinity): return .infinity
        case .string(JSONWriting.nonFiniteStrings.negativeInfinity): return -.infinity
        default: throw mismatch(field, expected: "a number")
        }
    }

    private func mismatch(_ field: String, expected: String) -> JSONAccessError {
        JSONAccessError(line: line, field: field, expected: expected, found: briefDescription)
    }
}

/// A JSON document whose structure is not what the reader expected.
public struct JSONAccessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line of the offending value (0 if it was built in code).
    public var line: Int
    /// The field's path (`history[2].lr`).
    public var field: String
    /// What was expected there.
    public var expected: String
    /// What was found.
    public var found: String

    /// An error at `field`.
    public init(line: Int, field: String, expected: String, found: String) {
        self.line = line
        self.field = field
        self.expected = expected
        self.found = found
    }

    public var description: String { "\(field) (line \(line)): expected \(expected), found \(found)" }
}
