import Foundation

/// A `numpy.dtype(...)` reconstruction from a pickle: the element type and its byte order.
///
/// numpy pickles a dtype as the call `numpy.dtype('f4', False, True)` followed by `BUILD` with
/// the state `(3, '<', None, None, None, -1, -1, 0)` (version, byte order, sub-array, field
/// names, fields, item size, alignment, flags; version 4 appends metadata). Only plain numeric
/// types are accepted: object, string, structured and sub-array dtypes are refused.
struct NumpyPickledDType: Equatable {
    /// The element type.
    var type: NpyDType
    /// True when the pickled bytes are big-endian (`>`); `<`, `|` and `=` (native, as numpy
    /// reads it on the little-endian machines this package runs on) are little-endian.
    var isBigEndian: Bool

    /// numpy's spelling, e.g. `<f4` or `>i2`.
    var descr: String {
        let code = type.descr.dropFirst()
        return (type.itemSize == 1 ? "|" : isBigEndian ? ">" : "<") + code
    }

    static let dtypeGlobal = PickleGlobal("numpy", "dtype")

    /// Decodes a recorded `numpy.dtype` call.
    init(_ value: PickleValue) throws(NumpyPickleError) {
        guard case let .call(global, arguments, state) = value, global == Self.dtypeGlobal else {
            throw .malformed(part: "the array's dtype", expected: "a numpy.dtype", found: value.kindName)
        }
        guard let first = arguments.first, case let .string(spelled) = first else {
            throw .malformed(part: "numpy.dtype arguments", expected: "a type code such as 'f4'", found: arguments.first?.kindName ?? "none")
        }
        // numpy writes the bare code ('f4'); accept a leading byte-order mark too.
        var code = Substring(spelled)
        var order: Character = "<"
        if let mark = code.first, "<>|=".contains(mark) {
            order = mark
            code = code.dropFirst()
        }
        switch NpyDType.parse(descr: "<" + code) {
        case let .type(type): self.type = type
        case .bigEndian, .unknown:
            throw .unsupportedDType(spelled, reason: "expected a numeric type: f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 or b1")
        }
        if let state {
            order = try Self.byteOrder(fromState: state, dtype: spelled)
        }
        isBigEndian = order == ">" && type.itemSize > 1
    }

    /// The byte order of a dtype `BUILD` state, after checking it describes a plain type.
    private static func byteOrder(fromState state: PickleValue, dtype: String) throws(NumpyPickleError) -> Character {
        guard case let .tuple(items) = state, items.count == 8 || items.count == 9,
              case let .int(version) = items[0], version == 3 || version == 4 else {
            throw .malformed(part: "numpy.dtype state", expected: "(3, byte order, None, None, None, -1, -1, 0)", found: describe(state))
        }
        guard case let .string(order) = items[1], order.count == 1, let mark = order.first, "<>|=".contains(mark) else {
            throw .malformed(part: "numpy.dtype byte order", expected: "one of < > | =", found: describe(items[1]))
        }
        guard items[2] == .none, items[3] == .none, items[4] == .none else {
            throw .unsupportedDType(dtype, reason: "structured or sub-array dtypes are not supported, expected a plain numeric type")
        }
        if case let .int(flags) = items[7], flags != 0 {
            throw .unsupportedDType(dtype, reason: "dtype flags \(flags) (object references), expected a plain numeric type")
        }
        return mark
    }

    /// A short rendering of a pickled value for error messages: scalars and one level of a
    /// short tuple (never a walk of a whole, possibly hugely shared, structure).
    static func describe(_ value: PickleValue) -> String {
        if case let .tuple(items) = value, items.count <= 10 {
            return "(" + items.map(describeScalar).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        }
        return describeScalar(value)
    }

    private static func describeScalar(_ value: PickleValue) -> String {
        switch value {
        case let .int(number): return "\(number)"
        case let .string(text): return TextSanitizing.quoted(text, limit: 40)
        case let .bool(flag): return flag ? "True" : "False"
        case .none: return "None"
        default: return value.kindName
        }
    }
}
