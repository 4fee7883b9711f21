import Foundation

/// Writes an uncompressed ("stored") zip archive the way `torch.save` does: each entry's data
/// starts at a multiple of `alignment` bytes (padding goes into a local extra field), so that
/// readers can map storages in place. Archives must stay below 4 GiB (no ZIP64 records).
struct ZipWriter {
    /// Why an archive could not be built.
    struct TooLarge: Error {
        var reason: String
    }

    private struct CentralRecord {
        var name: [UInt8]
        var crc: UInt32
        var size: UInt32
        var offset: UInt32
    }

    private(set) var data = Data()
    private var records: [CentralRecord] = []
    let alignment: Int

    private static let maximumSize = Int(UInt32.max)
    /// A DOS date of 1980-01-01 (zip's epoch), so that archives are reproducible.
    private static let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1

    init(alignment: Int = 64) {
        precondition(alignment >= 1)
        self.alignment = alignment
    }

    /// Appends one stored entry.
    mutating func add(name: String, contents: Data) throws(TooLarge) {
        let nameBytes = Array(name.utf8)
        let offset = data.count
        var padding = (alignment - (offset + 30 + nameBytes.count) % alignment) % alignment
        if padding > 0 && padding < 4 { padding += alignment }  // an extra field needs a 4-byte header
        let end = offset + 30 + nameBytes.count + padding + contents.count
        guard end <= Self.maximumSize, contents.count <= Self.maximumSize, nameBytes.count <= 0xFFFF else {
            throw TooLarge(reason: "entry \(name) would end at byte \(end); archives over 4 GiB (ZIP64) are not written")
        }
        let crc = CRC32.checksum(contents)
        append32(0x0403_4B50)
        append16(20)                        // version needed to extract
        append16(0)                         // flags
        append16(0)                         // method: stored
        append16(0); append16(Self.dosDate) // time, date
        append32(crc)
        append32(UInt32(contents.count)); append32(UInt32(contents.count))
        append16(UInt16(nameBytes.count))
        append16(UInt16(padding))
        data.append(contentsOf: nameBytes)
        if padding > 0 {
            append16(0x4246)                // "FB", the id PyTorch's writer uses for padding
            append16(UInt16(padding - 4))
            data.append(contentsOf: [UInt8](repeating: 0x5A, count: padding - 4))
        }
        data.append(contents)
        records.append(CentralRecord(name: nameBytes, crc: crc, size: UInt32(contents.count), offset: UInt32(offset)))
    }

    /// The central directory and end record appended; returns the finished archive.
    mutating func finish() throws(TooLarge) -> Data {
        let directoryOffset = data.count
        for record in records {
            append32(0x0201_4B50)
            append16(20); append16(20)      // version made by, needed
            append16(0); append16(0)        // flags, method
            append16(0); append16(Self.dosDate)
            append32(record.crc)
            append32(record.size); append32(record.size)
            append16(UInt16(record.name.count))
            append16(0); append16(0)        // extra, comment
            append16(0); append16(0)        // disk, internal attributes
            append32(0)                     // external attributes
            append32(record.offset)
            data.append(contentsOf: record.name)
        }
        let directorySize = data.count - directoryOffset
        guard data.count + 22 <= Self.maximumSize, records.count <= 0xFFFF else {
            throw TooLarge(reason: "\(records.count) entries, \(data.count) bytes: too large without ZIP64")
        }
        append32(0x0605_4B50)
        append16(0); append16(0)
        append16(UInt16(records.count)); append16(UInt16(records.count))
        append32(UInt32(directorySize)); append32(UInt32(directoryOffset))
        append16(0)
        return data
    }

    private mutating func append16(_ value: UInt16) {
        data.append(UInt8(truncatingIfNeeded: value)); data.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    private mutating func append32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { data.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}
