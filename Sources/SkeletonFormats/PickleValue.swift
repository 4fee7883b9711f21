import Foundation

/// A Python global (`module.name`) referenced by a pickle, e.g. `torch._utils._rebuild_tensor_v2`.
public struct PickleGlobal: Sendable, Hashable, CustomStringConvertible {
    /// The module, e.g. `collections`.
    public var module: String
    /// The attribute in the module, e.g. `OrderedDict`.
    public var name: String

    /// Creates a reference to `module.name`.
    public init(_ module: String, _ name: String) {
        self.module = module
        self.name = name
    }

    /// `module.name`.
    public var description: String { "\(module).\(name)" }
}

/// One key–value pair of a pickled dict, in insertion order.
public struct PickleDictEntry: Sendable, Hashable {
    /// The key.
    public var key: PickleValue
    /// The value.
    public var value: PickleValue

    /// Creates an entry.
    public init(key: PickleValue, value: PickleValue) {
        self.key = key
        self.value = value
    }
}

/// A value decoded from a restricted pickle. Nothing in it was executed: calls of the allowed
/// globals are recorded as `.call`, persistent ids as `.persistentID`.
public indirect enum PickleValue: Sendable, Hashable {
    /// `None`.
    case none
    /// `True` / `False`.
    case bool(Bool)
    /// An integer that fits in 64 bits (larger ones are rejected while reading).
    case int(Int64)
    /// A float.
    case float(Double)
    /// A `str` (or a Python 2 `str` that is valid UTF-8).
    case string(String)
    /// A `bytes` or `bytearray` (or a Python 2 `str` that is not valid UTF-8).
    case bytes(Data)
    /// A `list`.
    case list([PickleValue])
    /// A `tuple`.
    case tuple([PickleValue])
    /// A `dict` or `collections.OrderedDict`, as ordered pairs.
    case dict([PickleDictEntry])
    /// A reference to an allowed global that was not called.
    case global(PickleGlobal)
    /// A call of an allowed global (`REDUCE`/`NEWOBJ`), recorded and never executed;
    /// `state` is what a later `BUILD` supplied, if any.
    case call(PickleGlobal, arguments: [PickleValue], state: PickleValue?)
    /// A persistent id (`BINPERSID`), left for the caller to resolve.
    case persistentID(PickleValue)

    /// A short name of the kind of value, for error messages ("a list", "an int").
    public var kindName: String {
        switch self {
        case .none: return "None"
        case .bool: return "a bool"
        case .int: return "an int"
        case .float: return "a float"
        case .string: return "a str"
        case .bytes: return "bytes"
        case .list: return "a list"
        case .tuple: return "a tuple"
        case .dict: return "a dict"
        case let .global(global): return "the global \(global)"
        case let .call(global, _, _): return "a call of \(global)"
        case .persistentID: return "a persistent id"
        }
    }

    /// The value for the string key `key` when this is a dict, else nil (the last entry wins, as in Python).
    public subscript(key: String) -> PickleValue? {
        guard case let .dict(entries) = self else { return nil }
        return entries.last(where: { $0.key == .string(key) })?.value
    }
}
