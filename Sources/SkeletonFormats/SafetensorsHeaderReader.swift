import Foundation

/// Validates the prefix and JSON header of a safetensors file without trusting any of it.
enum SafetensorsHeaderReader {
    /// One validated tensor entry; offsets are relative to the data buffer.
    struct Entry {
        var name: String
        var dtype: TensorDType
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    /// The validated header.
    struct Parsed {
        var entries: [Entry]
        var metadata: [String: String]
        /// Byte offset of the data buffer from the start of the file.
        var bufferStart: Int
    }

    static let metadataKey = "__metadata__"

    /// Checks the prefix, header JSON and every entry against the file's actual size.
    static func read(_ data: Data, source file: String) throws(SafetensorsError) -> Parsed {
        guard data.count >= 8 else { throw .truncatedPrefix(file: file, size: data.count) }
        let declared: UInt64 = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self)) }
        let available = data.count - 8
        guard declared <= UInt64(available), declared <= UInt64(SafetensorsFile.maximumHeaderLength) else {
            throw .invalidHeaderLength(file: file, declared: declared, available: available, limit: SafetensorsFile.maximumHeaderLength)
        }
        let headerLength = Int(declared)
        let headerBytes = [UInt8](data[(data.startIndex + 8)..<(data.startIndex + 8 + headerLength)])
        let root: JSONValue
        do {
            root = try JSONReader.parse(headerBytes, limits: .safetensorsHeader)
        } catch {
            throw .malformedHeader(file: file, offset: 8 + error.offset, reason: error.reason)
        }
        guard case let .object(members) = root.content else {
            throw .malformedHeader(file: file, offset: 8, reason: "header is \(root.typeName), expected a JSON object")
        }
        let bufferSize = available - headerLength
        var entries: [Entry] = []
        var metadata: [String: String] = [:]
        for member in members {
            let key = member.key, value = member.value
            if key == metadataKey {
                metadata = try readMetadata(value, file: file)
            } else {
                entries.append(try readEntry(name: key, value: value, bufferSize: bufferSize, file: file))
            }
        }
        try checkOverlaps(entries, file: file)
        return Parsed(entries: entries, metadata: metadata, bufferStart: 8 + headerLength)
    }

    private static func readMetadata(_ value: JSONValue, file: String) throws(SafetensorsError) -> [String: String] {
        guard case let .object(members) = value.content else {
            throw .invalidEntry(file: file, key: metadataKey, reason: "is \(value.typeName), expected an object of strings")
        }
        var metadata: [String: String] = [:]
        for member in members {
            let key = member.key, item = member.value
            guard case let .string(text) = item.content else {
                throw .invalidEntry(file: file, key: metadataKey, reason: "value of \(TextSanitizing.quoted(key)) is \(item.typeName), expected a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func readEntry(name: String, value: JSONValue, bufferSize: Int, file: String) throws(SafetensorsError) -> Entry {
        guard case let .object(members) = value.content else {
            throw .invalidEntry(file: file, key: name, reason: "is \(value.typeName), expected an object with dtype, shape, data_offsets")
        }
        var fields: [String: JSONValue] = [:]
        for member in members { fields[member.key] = member.value }

        guard let dtypeValue = fields["dtype"] else { throw .invalidEntry(file: file, key: name, reason: "missing \"dtype\"") }
        guard case let .string(dtypeText) = dtypeValue.content else {
            throw .invalidEntry(file: file, key: name, reason: "\"dtype\" is \(dtypeValue.typeName), expected a string")
        }
        guard let dtype = TensorDType(rawValue: dtypeText) else { throw .unknownDType(file: file, tensor: name, dtype: dtypeText) }

        guard let shapeValue = fields["shape"] else { throw .invalidEntry(file: file, key: name, reason: "missing \"shape\"") }
        guard case let .array(shapeItems) = shapeValue.content else {
            throw .invalidEntry(file: file, key: name, reason: "\"shape\" is \(shapeValue.typeName), expected an array of non-negative integers")
        }
        var shape: [Int] = []
        for (index, item) in shapeItems.enumerated() {
            guard case let .integer(dimension) = item.content, dimension >= 0, let exact = Int(exactly: dimension) else {
                throw .invalidEntry(file: file, key: name, reason: "\"shape\"[\(index)] is \(describe(item)), expected a non-negative integer")
            }
            shape.append(exact)
        }
        let expectedBytes: Int
        switch ShapeArithmetic.byteCount(shape, elementSize: dtype.byteSize) {
        case .failure:
            throw .invalidEntry(file: file, key: name, reason: "\"shape\" \(ShapeArithmetic.describe(shape)) of \(dtype.rawValue) overflows the byte count")
        case let .success(count):
            expectedBytes = count
        }

        guard let offsetsValue = fields["data_offsets"] else { throw .invalidEntry(file: file, key: name, reason: "missing \"data_offsets\"") }
        guard case let .array(offsetItems) = offsetsValue.content, offsetItems.count == 2,
              case let .integer(rawBegin) = offsetItems[0].content, case let .integer(rawEnd) = offsetItems[1].content,
              rawBegin >= 0, rawEnd >= 0, let begin = Int(exactly: rawBegin), let end = Int(exactly: rawEnd)
        else {
            throw .invalidEntry(file: file, key: name, reason: "\"data_offsets\" is \(describe(offsetsValue)), expected two non-negative integers [begin, end]")
        }
        guard begin <= end else {
            throw .invalidEntry(file: file, key: name, reason: "\"data_offsets\" [\(begin), \(end)] has begin > end, expected begin <= end")
        }
        guard end <= bufferSize else {
            throw .offsetsOutOfBounds(file: file, tensor: name, begin: begin, end: end, bufferSize: bufferSize)
        }
        guard end - begin == expectedBytes else {
            throw .sizeMismatch(file: file, tensor: name, dtype: dtype, shape: shape, expected: expectedBytes, actual: end - begin)
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// Rejects non-empty byte ranges that intersect. Gaps between tensors are allowed.
    private static func checkOverlaps(_ entries: [Entry], file: String) throws(SafetensorsError) {
        let ordered = entries.filter { $0.end > $0.begin }.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var previous: Entry?
        for entry in ordered {
            if let last = previous, entry.begin < last.end {
                throw .overlappingTensors(file: file, first: last.name, second: entry.name)
            }
            if previous == nil || entry.end > (previous?.end ?? 0) { previous = entry }
        }
    }

    /// A compact rendering of a JSON value for error messages.
    private static func describe(_ value: JSONValue) -> String {
        switch value.content {
        case let .integer(number): return String(number)
        case let .number(number): return String(number)
        case let .string(text): return TextSanitizing.quoted(text, limit: 40)
        case let .array(items) where items.count <= 8: return "[" + items.map(describe).joined(separator: ", ") + "]"
        default: return value.typeName
        }
    }
}
