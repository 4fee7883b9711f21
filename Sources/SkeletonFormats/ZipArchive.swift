import Foundation

/// A minimal reader of a zip archive's central directory (with ZIP64 fields), enough for the
/// archives `torch.save` writes: entries are located and their stored bytes returned.
///
/// Every offset and size is checked against the data's length before it is used; compressed
/// (DEFLATE) and encrypted entries are rejected.
struct ZipArchive {
    struct Entry {
        var name: String
        var method: UInt16
        var flags: UInt16
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    private static let endOfCentralDirectorySignature: UInt32 = 0x0605_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let zip64EndSignature: UInt32 = 0x0606_4B50
    private static let centralHeaderSignature: UInt32 = 0x0201_4B50
    private static let localHeaderSignature: UInt32 = 0x0403_4B50
    static let localHeaderMagic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]

    let data: Data
    let source: String
    /// The entries in central-directory order.
    let entries: [Entry]
    private let index: [String: Int]

    /// Parses the end-of-central-directory record and the central directory.
    init(data: Data, source: String) throws(TorchCheckpointError) {
        self.data = data
        self.source = source
        let reader = ByteReader(data: data)
        let eocd = try Self.findEndOfCentralDirectory(reader, source: source)
        var entryCount = Int(reader.uint(eocd + 10, 2))
        var directorySize = Int(reader.uint(eocd + 12, 4))
        var directoryOffset = Int(reader.uint(eocd + 16, 4))
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            let zip64 = try Self.readZip64End(reader, eocd: eocd, source: source)
            entryCount = zip64.entryCount
            directorySize = zip64.directorySize
            directoryOffset = zip64.directoryOffset
        }
        guard directoryOffset <= eocd, directorySize <= eocd - directoryOffset else {
            throw .malformedZip(file: source, offset: eocd, reason: "central directory [\(directoryOffset), +\(directorySize)) lies outside the \(eocd) bytes before the end record")
        }
        // Each central header is at least 46 bytes: a count beyond that is a lie, caught before allocating.
        guard entryCount <= directorySize / 46 else {
            throw .malformedZip(file: source, offset: eocd, reason: "\(entryCount) entries cannot fit in a \(directorySize)-byte central directory")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(entryCount)
        var index: [String: Int] = [:]
        var position = directoryOffset
        let directoryEnd = directoryOffset + directorySize
        for _ in 0..<entryCount {
            let entry = try Self.readCentralHeader(reader, at: &position, end: directoryEnd, source: source)
            if index[entry.name] != nil {
                throw .malformedZip(file: source, offset: position, reason: "duplicate entry name \(TextSanitizing.quoted(entry.name))")
            }
            index[entry.name] = entries.count
            entries.append(entry)
        }
        self.entries = entries
        self.index = index
    }

    /// The entry called `name`, or nil.
    func entry(named name: String) -> Entry? {
        index[name].map { entries[$0] }
    }

    /// The stored bytes of `entry`, after checking its local header and range.
    func contents(of entry: Entry) throws(TorchCheckpointError) -> Data {
        guard entry.flags & 0x1 == 0 else {
            throw .unsupportedZipEntry(file: source, entry: entry.name, reason: "entry is encrypted, expected a plain stored entry")
        }
        guard entry.method == 0 else {
            let method = entry.method == 8 ? "DEFLATE-compressed (method 8)" : "compressed with method \(entry.method)"
            throw .unsupportedZipEntry(file: source, entry: entry.name, reason: "entry is \(method), expected stored (method 0) as torch.save writes it; re-save with torch.save or re-zip with `zip -0`")
        }
        guard entry.compressedSize == entry.uncompressedSize else {
            throw .malformedZip(file: source, offset: entry.localHeaderOffset, reason: "stored entry \(TextSanitizing.quoted(entry.name)) has compressed size \(entry.compressedSize) ≠ uncompressed size \(entry.uncompressedSize)")
        }
        let reader = ByteReader(data: data)
        let header = entry.localHeaderOffset
        guard reader.contains(header, 30), reader.uint(header, 4) == UInt64(Self.localHeaderSignature) else {
            throw .malformedZip(file: source, offset: header, reason: "no local file header for entry \(TextSanitizing.quoted(entry.name)), expected signature PK\\x03\\x04")
        }
        let start = header + 30 + Int(reader.uint(header + 26, 2)) + Int(reader.uint(header + 28, 2))
        guard reader.contains(start, entry.compressedSize) else {
            throw .malformedZip(file: source, offset: header, reason: "entry \(TextSanitizing.quoted(entry.name)) data [\(start), +\(entry.compressedSize)) runs past the end of the \(data.count)-byte file")
        }
        let base = data.startIndex + start
        return data.subdata(in: base..<(base + entry.compressedSize))
    }

    // MARK: - Records

    private static func findEndOfCentralDirectory(_ reader: ByteReader, source: String) throws(TorchCheckpointError) -> Int {
        let count = reader.count
        guard count >= 22 else {
            throw .malformedZip(file: source, offset: count, reason: "file has \(count) bytes, expected at least the 22-byte end-of-central-directory record")
        }
        // The record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
        var candidate = count - 22
        let lowest = max(0, count - 22 - 0xFFFF)
        while candidate >= lowest {
            if reader.uint(candidate, 4) == UInt64(endOfCentralDirectorySignature),
               candidate + 22 + Int(reader.uint(candidate + 20, 2)) <= count {
                return candidate
            }
            candidate -= 1
        }
        throw .malformedZip(file: source, offset: count, reason: "no end-of-central-directory record (PK\\x05\\x06) in the last 65557 bytes; truncated file?")
    }

    private static func readZip64End(_ reader: ByteReader, eocd: Int, source: String) throws(TorchCheckpointError) -> (entryCount: Int, directorySize: Int, directoryOffset: Int) {
        let locator = eocd - 20
        guard locator >= 0, reader.uint(locator, 4) == UInt64(zip64LocatorSignature) else {
            throw .malformedZip(file: source, offset: max(locator, 0), reason: "end record has ZIP64 placeholders but no ZIP64 locator (PK\\x06\\x07) precedes it")
        }
        let recordOffset = reader.uint(locator + 8, 8)
        guard recordOffset <= UInt64(locator), reader.contains(Int(recordOffset), 56) else {
            throw .malformedZip(file: source, offset: locator, reason: "ZIP64 end record offset \(recordOffset) lies outside the file")
        }
        let record = Int(recordOffset)
        guard reader.uint(record, 4) == UInt64(zip64EndSignature) else {
            throw .malformedZip(file: source, offset: record, reason: "expected the ZIP64 end-of-central-directory signature PK\\x06\\x06")
        }
        let entryCount = reader.uint(record + 32, 8)
        let directorySize = reader.uint(record + 40, 8)
        let directoryOffset = reader.uint(record + 48, 8)
        let limit = UInt64(reader.count)
        guard entryCount <= limit, directorySize <= limit, directoryOffset <= limit else {
            throw .malformedZip(file: source, offset: record, reason: "ZIP64 end record declares \(entryCount) entries, a \(directorySize)-byte directory at \(directoryOffset), beyond the \(limit)-byte file")
        }
        return (Int(entryCount), Int(directorySize), Int(directoryOffset))
    }

    private static func readCentralHeader(_ reader: ByteReader, at position: inout Int, end: Int, source: String) throws(TorchCheckpointError) -> Entry {
        let start = position
        guard start + 46 <= end, reader.uint(start, 4) == UInt64(centralHeaderSignature) else {
            throw .malformedZip(file: source, offset: start, reason: "expected a central directory header (PK\\x01\\x02) inside the central directory")
        }
        let flags = UInt16(reader.uint(start + 8, 2))
        let method = UInt16(reader.uint(start + 10, 2))
        var compressedSize = reader.uint(start + 20, 4)
        var uncompressedSize = reader.uint(start + 24, 4)
        let nameLength = Int(reader.uint(start + 28, 2))
        let extraLength = Int(reader.uint(start + 30, 2))
        let commentLength = Int(reader.uint(start + 32, 2))
        var localHeaderOffset = reader.uint(start + 42, 4)
        let nameStart = start + 46
        let next = nameStart + nameLength + extraLength + commentLength
        guard next <= end else {
            throw .malformedZip(file: source, offset: start, reason: "central header's name, extra field and comment (\(nameLength)+\(extraLength)+\(commentLength) bytes) run past the central directory")
        }
        let nameBytes = reader.bytes(nameStart, nameLength)
        guard let name = String(bytes: nameBytes, encoding: .utf8) else {
            throw .malformedZip(file: source, offset: nameStart, reason: "entry name is not valid UTF-8")
        }

        // ZIP64 extended information: 8-byte values for the fields that hold 0xFFFFFFFF, in order.
        var extra = nameStart + nameLength
        let extraEnd = extra + extraLength
        while extra + 4 <= extraEnd {
            let tag = reader.uint(extra, 2)
            let size = Int(reader.uint(extra + 2, 2))
            let body = extra + 4
            guard body + size <= extraEnd else {
                throw .malformedZip(file: source, offset: extra, reason: "extra field of \(size) bytes runs past the header of \(TextSanitizing.quoted(name))")
            }
            if tag == 0x0001 {
                var field = body
                func next64() throws(TorchCheckpointError) -> UInt64 {
                    guard field + 8 <= body + size else {
                        throw .malformedZip(file: source, offset: extra, reason: "ZIP64 extra field of \(TextSanitizing.quoted(name)) is too short for its placeholders")
                    }
                    defer { field += 8 }
                    return reader.uint(field, 8)
                }
                if uncompressedSize == 0xFFFF_FFFF { uncompressedSize = try next64() }
                if compressedSize == 0xFFFF_FFFF { compressedSize = try next64() }
                if localHeaderOffset == 0xFFFF_FFFF { localHeaderOffset = try next64() }
            }
            extra = body + size
        }
        let limit = UInt64(reader.count)
        guard compressedSize <= limit, localHeaderOffset <= limit, uncompressedSize <= UInt64(Int.max) else {
            throw .malformedZip(file: source, offset: start, reason: "entry \(TextSanitizing.quoted(name)) declares size \(compressedSize) at offset \(localHeaderOffset), beyond the \(limit)-byte file")
        }
        position = next
        return Entry(name: name, method: method, flags: flags, compressedSize: Int(compressedSize),
                     uncompressedSize: Int(uncompressedSize), localHeaderOffset: Int(localHeaderOffset))
    }
}

/// Little-endian reads at offsets relative to `data.startIndex`; callers check ranges first.
struct ByteReader {
    let data: Data

    var count: Int { data.count }

    /// Whether `[offset, offset + length)` lies inside the data (overflow-safe).
    func contains(_ offset: Int, _ length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= count && length <= count - offset
    }

    /// The unsigned little-endian integer of `width` (≤ 8) bytes at `offset`, or 0 when out of range.
    func uint(_ offset: Int, _ width: Int) -> UInt64 {
        guard contains(offset, width) else { return 0 }
        var value: UInt64 = 0
        for i in 0..<width {
            value |= UInt64(data[data.startIndex + offset + i]) << (8 * UInt64(i))
        }
        return value
    }

    /// The bytes `[offset, offset + length)`, or empty when out of range.
    func bytes(_ offset: Int, _ length: Int) -> [UInt8] {
        guard contains(offset, length) else { return [] }
        return [UInt8](data[(data.startIndex + offset)..<(data.startIndex + offset + length)])
    }
}
