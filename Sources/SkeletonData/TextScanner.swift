import Foundation
import SkeletonFormats

/// A line-by-line, whitespace-separated token reader over a text file's bytes.
///
/// Blank lines are skipped; line numbers are 1-based and count every line. Numbers are parsed
/// without creating strings on the common path (decimal literals of up to 15 significant
/// digits and exponents within ±22 convert exactly); other spellings fall back to the
/// standard library's correctly rounded parser, so results match Python's `float()`.
struct TextScanner {
    let bytes: [UInt8]
    let file: String
    private var position = 0
    private var line = 0
    /// The line number of the line most recently returned by `nextLine(into:)`.
    private(set) var currentLine = 0

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    /// The line number an `unexpectedEnd` error should name.
    var endLine: Int { max(line, 1) }

    /// Reads the next non-blank line's token ranges into `tokens`; false at the end of the file.
    mutating func nextLine(into tokens: inout [Range<Int>]) -> Bool {
        tokens.removeAll(keepingCapacity: true)
        let count = bytes.count
        return bytes.withUnsafeBufferPointer { buffer in
            while position < count {
                line += 1
                var start = -1
                while position < count {
                    let byte = buffer[position]
                    if byte == 10 { break }
                    if byte == 32 || byte == 9 || byte == 13 || byte == 11 || byte == 12 {
                        if start >= 0 { tokens.append(start..<position); start = -1 }
                    } else if start < 0 {
                        start = position
                    }
                    position += 1
                }
                if start >= 0 { tokens.append(start..<position) }
                if position < count { position += 1 }  // the newline
                if !tokens.isEmpty {
                    currentLine = line
                    return true
                }
            }
            return false
        }
    }

    /// Whether only blank lines remain.
    mutating func atEnd() -> Bool {
        var probe = self
        var tokens: [Range<Int>] = []
        return !probe.nextLine(into: &tokens)
    }

    /// The token's text, quoted for messages.
    func quoted(_ range: Range<Int>) -> String {
        TextQuoting.quoted(String(decoding: bytes[range], as: UTF8.self))
    }

    /// The token as a `Double` (NaN and infinities included, the caller checks), or nil.
    func double(_ range: Range<Int>) -> Double? {
        bytes.withUnsafeBufferPointer { NumberParsing.double(buffer: $0, range: range) }
    }

    /// The token as a number, or a `malformed` error naming `field`.
    func requireDouble(_ range: Range<Int>, field: @autoclosure () -> String) throws(SkeletonDataError) -> Double {
        guard let value = double(range) else {
            throw .malformed(file: file, line: currentLine, field: field(), expected: "a number", found: quoted(range))
        }
        return value
    }

    /// The token as a decimal integer in `bounds`, or a `malformed` error naming `field`.
    func requireInt(_ range: Range<Int>, field: @autoclosure () -> String, in bounds: ClosedRange<Int64>) throws(SkeletonDataError) -> Int {
        guard let value = bytes.withUnsafeBufferPointer({ NumberParsing.int64(buffer: $0, range: range) }), bounds.contains(value) else {
            throw .malformed(file: file, line: currentLine, field: field(),
                             expected: "an integer in \(bounds.lowerBound)...\(bounds.upperBound)", found: quoted(range))
        }
        return Int(value)
    }

    /// The token as an unsigned 64-bit decimal integer, or a `malformed` error.
    func requireUInt64(_ range: Range<Int>, field: @autoclosure () -> String) throws(SkeletonDataError) -> UInt64 {
        guard let value = bytes.withUnsafeBufferPointer({ NumberParsing.uint64(buffer: $0, range: range) }) else {
            throw .malformed(file: file, line: currentLine, field: field(),
                             expected: "an unsigned 64-bit integer", found: quoted(range))
        }
        return value
    }
}

/// Reads a whole file as bytes, with a `SkeletonDataError.unreadable` on failure.
enum FileBytes {
    static func read(_ path: String) throws(SkeletonDataError) -> [UInt8] {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return [UInt8](data)
        } catch {
            throw .unreadable(file: path, reason: "\(error)")
        }
    }
}
