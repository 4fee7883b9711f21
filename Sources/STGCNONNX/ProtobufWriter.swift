import Foundation

/// A minimal Protocol Buffers encoder: exactly the wire types ONNX needs.
///
/// Every field is a key — `(field number << 3) | wire type` as a varint — followed by its
/// value: a varint (wire type 0) for integers and enums, four little-endian bytes (wire
/// type 5) for `float`, or a varint length and the bytes (wire type 2) for strings, bytes and
/// nested messages. Repeated scalars are written unpacked, one key per element, as proto2
/// (the syntax of `onnx.proto`) does by default; parsers accept both forms.
public struct ProtobufWriter: Sendable {
    /// The protobuf wire types used here.
    public enum WireType: UInt8, Sendable {
        /// int32, int64, uint64, bool, enum.
        case varint = 0
        /// string, bytes, embedded messages, packed repeated fields.
        case lengthDelimited = 2
        /// float, fixed32.
        case fixed32 = 5
    }

    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer.
    public init() {}

    /// Appends `value` as a base-128 varint (7 bits a byte, least significant group first).
    public mutating func writeVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    /// Appends a field key.
    public mutating func writeKey(field: Int, wireType: WireType) {
        precondition(field >= 1 && field < 1 << 29, "protobuf field numbers are 1 ..< 2^29, got \(field)")
        writeVarint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    /// An `int64`/`int32`/enum field. Negative values take ten bytes (two's complement), as protobuf specifies.
    public mutating func writeInt(field: Int, _ value: Int64) {
        writeKey(field: field, wireType: .varint)
        writeVarint(UInt64(bitPattern: value))
    }

    /// A `float` field (IEEE 754 binary32, little-endian).
    public mutating func writeFloat(field: Int, _ value: Float) {
        writeKey(field: field, wireType: .fixed32)
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
    }

    /// A `bytes` field.
    public mutating func writeBytes<Bytes: Collection>(field: Int, _ value: Bytes) where Bytes.Element == UInt8 {
        writeKey(field: field, wireType: .lengthDelimited)
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A `string` field (UTF-8).
    public mutating func writeString(field: Int, _ value: String) {
        writeBytes(field: field, Array(value.utf8))
    }

    /// An embedded message field, encoded by `message`.
    public mutating func writeMessage<Message: ProtobufEncodable>(field: Int, _ message: Message) {
        var nested = ProtobufWriter()
        message.encode(to: &nested)
        writeBytes(field: field, nested.bytes)
    }
}

/// A value that can be written as a protobuf message.
public protocol ProtobufEncodable {
    /// Writes the message's fields (without an enclosing key or length).
    func encode(to writer: inout ProtobufWriter)
}

extension ProtobufEncodable {
    /// The message's serialized bytes.
    public func serializedBytes() -> [UInt8] {
        var writer = ProtobufWriter()
        encode(to: &writer)
        return writer.bytes
    }
}
