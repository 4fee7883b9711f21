import Foundation

/// Emits protocol-2 pickles of plain data (str, int, list, tuple), readable by Python 2 and 3.
///
/// Only what `LabelFile.write` needs; no memo, so shared values are written twice.
struct PickleWriter {
    private(set) var bytes: [UInt8] = [PickleOpcode.proto, 2]

    /// Appends `STOP` and returns the finished pickle.
    consuming func finish() -> Data {
        bytes.append(PickleOpcode.stop)
        return Data(bytes)
    }

    mutating func write(_ text: String) {
        let utf8 = Array(text.utf8)
        bytes.append(PickleOpcode.binUnicode)
        appendLittleEndian(UInt32(utf8.count), byteCount: 4)
        bytes.append(contentsOf: utf8)
    }

    mutating func write(_ value: Int64) {
        Self.appendInteger(value, to: &bytes)
    }

    /// Appends the shortest protocol-2 encoding of `value` (BININT1, BININT2, BININT or LONG1).
    static func appendInteger(_ value: Int64, to bytes: inout [UInt8]) {
        func littleEndian(_ raw: UInt64, _ count: Int) {
            for i in 0..<count { bytes.append(UInt8(truncatingIfNeeded: raw >> (8 * UInt64(i)))) }
        }
        switch value {
        case 0...0xFF:
            bytes.append(PickleOpcode.binInt1)
            bytes.append(UInt8(value))
        case 0x100...0xFFFF:
            bytes.append(PickleOpcode.binInt2)
            littleEndian(UInt64(value), 2)
        case Int64(Int32.min)...Int64(Int32.max):
            bytes.append(PickleOpcode.binInt)
            littleEndian(UInt64(bitPattern: value), 4)
        default:
            // LONG1 with an 8-byte two's-complement form, which Python accepts.
            bytes.append(PickleOpcode.long1)
            bytes.append(8)
            littleEndian(UInt64(bitPattern: value), 8)
        }
    }

    /// A list built with `EMPTY_LIST`, then `MARK … APPENDS` in batches of 1000 (as Python does).
    mutating func writeList<Element>(_ elements: [Element], _ writeElement: (inout PickleWriter, Element) -> Void) {
        bytes.append(PickleOpcode.emptyList)
        var start = 0
        while start < elements.count {
            let end = min(start + 1000, elements.count)
            bytes.append(PickleOpcode.mark)
            for element in elements[start..<end] { writeElement(&self, element) }
            bytes.append(PickleOpcode.appends)
            start = end
        }
    }

    /// Builds a 2-tuple from the two values written last.
    mutating func tuple2() {
        bytes.append(PickleOpcode.tuple2)
    }

    private mutating func appendLittleEndian(_ value: UInt64, byteCount: Int) {
        for i in 0..<byteCount { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    private mutating func appendLittleEndian(_ value: UInt32, byteCount: Int) {
        appendLittleEndian(UInt64(value), byteCount: byteCount)
    }
}
