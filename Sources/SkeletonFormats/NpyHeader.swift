import Foundation

/// The preamble and header dict of a `.npy` file: where the payload starts and how to read it.
struct NpyHeader: Equatable, Sendable {
    var dtype: NpyDType
    var shape: [Int]
    var isFortranOrder: Bool
    /// Byte offset of the payload from the start of the file.
    var payloadOffset: Int
    /// `product(shape) * itemSize`.
    var payloadByteCount: Int

    /// `\x93NUMPY`
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// Largest header accepted (numpy itself refuses headers over 10 kB by default; this is generous).
    static let maximumHeaderLength = 1 << 20

    /// Parses and validates the preamble and header dict of `data`.
    static func parse(_ data: Data, file: String) throws(NpyError) -> NpyHeader {
        func byte(_ i: Int) -> UInt8 { data[data.startIndex + i] }
        let magicCount = min(data.count, magic.count)
        guard (0..<magicCount).allSatisfy({ byte($0) == magic[$0] }) else { throw .badMagic(file: file) }
        guard data.count >= 8 else { throw .truncatedHeader(file: file, needed: 8, available: data.count) }
        let major = byte(6), minor = byte(7)
        let lengthFieldSize: Int
        switch (major, minor) {
        case (1, 0): lengthFieldSize = 2
        case (2, 0), (3, 0): lengthFieldSize = 4
        default: throw .unsupportedVersion(file: file, major: major, minor: minor)
        }
        let headerStart = 8 + lengthFieldSize
        guard data.count >= headerStart else { throw .truncatedHeader(file: file, needed: headerStart, available: data.count) }
        var headerLength = 0
        for i in stride(from: lengthFieldSize - 1, through: 0, by: -1) {
            headerLength = headerLength << 8 | Int(byte(8 + i))
        }
        guard headerLength <= maximumHeaderLength else {
            throw .malformedHeader(file: file, offset: 8, reason: "header length \(headerLength) exceeds \(maximumHeaderLength) bytes")
        }
        let payloadOffset = headerStart + headerLength
        guard data.count >= payloadOffset else {
            throw .truncatedHeader(file: file, needed: payloadOffset, available: data.count)
        }
        let headerBytes = [UInt8](data[(data.startIndex + headerStart)..<(data.startIndex + payloadOffset)])
        let literal: PythonLiteral
        do {
            literal = try PythonLiteralParser.parse(headerBytes)
        } catch {
            throw .malformedHeader(file: file, offset: headerStart + error.offset, reason: error.reason)
        }
        guard case let .dict(items) = literal else {
            throw .malformedHeader(file: file, offset: headerStart, reason: "header is \(literal.typeName), expected a dict")
        }
        var fields: [String: PythonLiteral] = [:]
        for (key, value) in items {
            guard case let .string(name) = key else {
                throw .malformedHeader(file: file, offset: headerStart, reason: "dict key is \(key.typeName), expected a str")
            }
            guard fields[name] == nil else { throw .invalidHeader(file: file, key: name, reason: "appears twice, expected once") }
            fields[name] = value
        }

        guard let descrValue = fields["descr"] else { throw .invalidHeader(file: file, key: "descr", reason: "missing, expected a descr string such as '<f4'") }
        guard case let .string(descr) = descrValue else {
            throw .invalidHeader(file: file, key: "descr", reason: "is \(descrValue.typeName) (structured dtype?), expected a descr string such as '<f4'")
        }
        let dtype: NpyDType
        switch NpyDType.parse(descr: descr) {
        case let .type(type): dtype = type
        case .bigEndian: throw .bigEndian(file: file, descr: descr)
        case .unknown: throw .unknownDescr(file: file, descr: descr)
        }

        guard let orderValue = fields["fortran_order"] else { throw .invalidHeader(file: file, key: "fortran_order", reason: "missing, expected True or False") }
        guard case let .bool(isFortranOrder) = orderValue else {
            throw .invalidHeader(file: file, key: "fortran_order", reason: "is \(orderValue.typeName), expected True or False")
        }

        guard let shapeValue = fields["shape"] else { throw .invalidHeader(file: file, key: "shape", reason: "missing, expected a tuple of ints") }
        guard case let .tuple(shapeItems) = shapeValue else {
            throw .invalidHeader(file: file, key: "shape", reason: "is \(shapeValue.typeName), expected a tuple of ints")
        }
        var shape: [Int] = []
        for item in shapeItems {
            guard case let .integer(dimension) = item else {
                throw .invalidHeader(file: file, key: "shape", reason: "contains \(item.typeName), expected a tuple of ints")
            }
            shape.append(dimension)
        }
        let payloadByteCount: Int
        switch ShapeArithmetic.byteCount(shape, elementSize: dtype.itemSize) {
        case let .failure(problem): throw .invalidShape(file: file, shape: shape, reason: problem.phrase)
        case let .success(count): payloadByteCount = count
        }
        return NpyHeader(dtype: dtype, shape: shape, isFortranOrder: isFortranOrder,
                         payloadOffset: payloadOffset, payloadByteCount: payloadByteCount)
    }

    /// The complete preamble + header for an array, version 1.0 when the header fits a u16
    /// length (always, in practice), else 2.0; padded with spaces and a final newline so the
    /// payload starts at a multiple of 64 bytes.
    static func encode(dtype: NpyDType, shape: [Int], isFortranOrder: Bool) -> Data {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        let dict = "{'descr': '\(dtype.descr)', 'fortran_order': \(isFortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
        func padded(preambleSize: Int) -> [UInt8] {
            var header = Array(dict.utf8)
            let unpadded = preambleSize + header.count + 1
            header.append(contentsOf: repeatElement(0x20, count: (64 - unpadded % 64) % 64))
            header.append(0x0A)
            return header
        }
        var header = padded(preambleSize: 10)
        var data = Data(magic)
        if header.count <= Int(UInt16.max) {
            data.append(contentsOf: [1, 0])
            withUnsafeBytes(of: UInt16(header.count).littleEndian) { data.append(contentsOf: $0) }
        } else {
            header = padded(preambleSize: 12)
            data.append(contentsOf: [2, 0])
            withUnsafeBytes(of: UInt32(header.count).littleEndian) { data.append(contentsOf: $0) }
        }
        data.append(contentsOf: header)
        return data
    }
}
