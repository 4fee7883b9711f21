/// Why a pickle was rejected by `PickleReader`.
///
/// `description` is one line naming the source, the byte offset of the opcode, and what was
/// expected. Nothing in a rejected pickle was executed.
public enum PickleError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The data ends inside an opcode's operand, or before `STOP`.
    case truncated(source: String, offset: Int, opcode: UInt8?, needed: Int, available: Int)
    /// The opcode is not one this restricted reader implements.
    case unsupportedOpcode(source: String, offset: Int, opcode: UInt8)
    /// The pickle does not start with `PROTO` (protocol 0/1 pickles, or not a pickle at all).
    case missingProto(source: String, offset: Int, found: UInt8)
    /// `PROTO` names a protocol outside 2...5.
    case unsupportedProtocol(source: String, offset: Int, version: Int)
    /// The pickle references a global outside the allow-list (it is never imported or called).
    case forbiddenGlobal(source: String, offset: Int, global: PickleGlobal)
    /// An opcode needs more stack items (or an open `MARK`) than there are.
    case stackUnderflow(source: String, offset: Int, opcode: UInt8)
    /// A memo get refers to an index that was never stored.
    case memoIndexOutOfRange(source: String, offset: Int, index: Int, count: Int)
    /// An opcode's operands have the wrong kind or value.
    case invalidOperand(source: String, offset: Int, opcode: UInt8, reason: String)
    /// An integer does not fit in 64 bits.
    case integerTooLarge(source: String, offset: Int, byteCount: Int)
    /// The pickle nests containers deeper than the limit, or contains itself.
    case nestingTooDeep(source: String, limit: Int)

    /// One line: source, byte offset, and what was expected.
    public var description: String {
        switch self {
        case let .truncated(source, offset, opcode, needed, available):
            let what = opcode.map { "inside \(PickleOpcode.describe($0))" } ?? "before STOP"
            return "\(source): byte \(offset): pickle ends \(what): needs \(needed) more bytes, \(available) available"
        case let .unsupportedOpcode(source, offset, opcode) where opcode == PickleOpcode.nextBuffer || opcode == PickleOpcode.readonlyBuffer:
            // Protocol 5 out-of-band buffers live outside the pickle (`buffer_callback`): a file holding them is incomplete.
            return "\(source): byte \(offset): pickle opcode \(PickleOpcode.describe(opcode)) is not allowed: out-of-band buffers are not stored in the pickle, expected in-band data (BYTEARRAY8 or BINBYTES)"
        case let .unsupportedOpcode(source, offset, opcode):
            return "\(source): byte \(offset): pickle opcode \(PickleOpcode.describe(opcode)) is not allowed, expected one of the opcodes of plain data and state dicts"
        case let .missingProto(source, offset, found):
            return "\(source): byte \(offset): found \(PickleOpcode.describe(found)), expected PROTO (0x80) opening a protocol 2–5 pickle"
        case let .unsupportedProtocol(source, offset, version):
            return "\(source): byte \(offset): pickle protocol \(version) is not supported, expected 2 to 5"
        case let .forbiddenGlobal(source, offset, global):
            return "\(source): byte \(offset): pickle global \(TextSanitizing.quoted(global.description)) is not in the allow-list (never imported or called)"
        case let .stackUnderflow(source, offset, opcode):
            return "\(source): byte \(offset): pickle stack underflow at \(PickleOpcode.describe(opcode)), expected more items (or a MARK) on the stack"
        case let .memoIndexOutOfRange(source, offset, index, count):
            return "\(source): byte \(offset): pickle memo index \(index) was never stored (\(count) entries stored)"
        case let .invalidOperand(source, offset, opcode, reason):
            return "\(source): byte \(offset): pickle opcode \(PickleOpcode.describe(opcode)): \(TextSanitizing.oneLine(reason))"
        case let .integerTooLarge(source, offset, byteCount):
            return "\(source): byte \(offset): pickled integer of \(byteCount) bytes does not fit in 64 bits"
        case let .nestingTooDeep(source, limit):
            return "\(source): pickled containers nest deeper than \(limit) levels (or contain themselves)"
        }
    }
}
