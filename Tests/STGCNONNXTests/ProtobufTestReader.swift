import Foundation

/// A small protobuf decoder for the tests: splits a message into (field, value) pairs so the
/// exporter's bytes can be checked without an ONNX library.
struct ProtobufTestReader {
    enum Value: Equatable {
        case varint(UInt64)
        case bytes([UInt8])
        case fixed32(UInt32)
    }

    struct Malformed: Error {}

    /// The fields of one message, in order.
    static func fields(_ bytes: [UInt8]) throws -> [(field: Int, value: Value)] {
        var position = 0
        func varint() throws -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard position < bytes.count, shift < 64 else { throw Malformed() }
                let byte = bytes[position]
                position += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return result }
                shift += 7
            }
        }
        var result: [(field: Int, value: Value)] = []
        while position < bytes.count {
            let key = try varint()
            let field = Int(key >> 3)
            switch key & 7 {
            case 0: result.append((field, .varint(try varint())))
            case 2:
                let length = Int(try varint())
                guard length <= bytes.count - position else { throw Malformed() }
                result.append((field, .bytes(Array(bytes[position..<position + length]))))
                position += length
            case 5:
                guard position + 4 <= bytes.count else { throw Malformed() }
                let word = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[position + $1]) << (8 * UInt32($1)) }
                result.append((field, .fixed32(word)))
                position += 4
            default: throw Malformed()
            }
        }
        return result
    }

    /// The payloads of every length-delimited occurrence of `field`.
    static func messages(_ bytes: [UInt8], field: Int) throws -> [[UInt8]] {
        try fields(bytes).compactMap { entry in
            guard entry.field == field, case .bytes(let payload) = entry.value else { return nil }
            return payload
        }
    }

    /// The strings of every occurrence of `field`.
    static func strings(_ bytes: [UInt8], field: Int) throws -> [String] {
        try messages(bytes, field: field).map { String(decoding: $0, as: UTF8.self) }
    }
}
