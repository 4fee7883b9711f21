import Foundation

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

/// Number parsing from ASCII bytes.
enum NumberParsing {
    private static let exactPowers: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// A decimal or special floating-point literal (as Python's `float()` accepts, without
    /// underscores), or nil.
    static func double(buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Double? {
        guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= buffer.count else { return nil }
        var i = range.lowerBound
        let end = range.upperBound
        var negative = false
        if buffer[i] == UInt8(ascii: "-") || buffer[i] == UInt8(ascii: "+") {
            negative = buffer[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var sawDigit = false
        var scale = 0
        while i < end, buffer[i] >= 48, buffer[i] <= 57 {
            sawDigit = true
            if mantissa != 0 || buffer[i] != 48 {
                if digits < 19 { mantissa = mantissa * 10 + UInt64(buffer[i] - 48); digits += 1 } else { return slow(buffer, range) }
            }
            i += 1
        }
        if i < end, buffer[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, buffer[i] >= 48, buffer[i] <= 57 {
                sawDigit = true
                if mantissa != 0 || buffer[i] != 48 {
                    if digits < 19 { mantissa = mantissa * 10 + UInt64(buffer[i] - 48); digits += 1 } else { return slow(buffer, range) }
                }
                scale -= 1
                i += 1
            }
        }
        guard sawDigit else { return slow(buffer, range) }  // "nan", "inf", ".", junk
        if i < end, buffer[i] == UInt8(ascii: "e") || buffer[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < end, buffer[i] == UInt8(ascii: "-") || buffer[i] == UInt8(ascii: "+") {
                exponentNegative = buffer[i] == UInt8(ascii: "-")
                i += 1
            }
            var exponent = 0
            var sawExponentDigit = false
            while i < end, buffer[i] >= 48, buffer[i] <= 57 {
                sawExponentDigit = true
                if exponent < 100_000 { exponent = exponent * 10 + Int(buffer[i] - 48) }
                i += 1
            }
            guard sawExponentDigit else { return nil }
            scale += exponentNegative ? -exponent : exponent
        }
        guard i == end else { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        guard digits <= 15, scale >= -22, scale <= 22 else { return slow(buffer, range) }
        let magnitude = scale >= 0 ? Double(mantissa) * exactPowers[scale] : Double(mantissa) / exactPowers[-scale]
        return negative ? -magnitude : magnitude
    }

    private static func slow(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        guard range.count <= 400 else { return nil }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
        // Swift accepts hexadecimal floats, which Python's float() does not.
        if text.contains("x") || text.contains("X") { return nil }
        return Double(text)
    }

    /// A decimal integer (optional sign) that fits `Int64`, or nil.
    static func int64(buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Int64? {
        guard !range.isEmpty, range.upperBound <= buffer.count else { return nil }
        var i = range.lowerBound
        var negative = false
        if buffer[i] == UInt8(ascii: "-") || buffer[i] == UInt8(ascii: "+") {
            negative = buffer[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < range.upperBound else { return nil }
        var magnitude: UInt64 = 0
        while i < range.upperBound {
            let byte = buffer[i]
            guard byte >= 48, byte <= 57 else { return nil }
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(byte - 48))
            guard !o1, !o2 else { return nil }
            magnitude = sum
            i += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// An unsigned decimal integer that fits `UInt64`, or nil.
    static func uint64(buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> UInt64? {
        guard !range.isEmpty, range.upperBound <= buffer.count else { return nil }
        var i = range.lowerBound
        if buffer[i] == UInt8(ascii: "+") { i += 1 }
        guard i < range.upperBound else { return nil }
        var value: UInt64 = 0
        while i < range.upperBound {
            let byte = buffer[i]
            guard byte >= 48, byte <= 57 else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(byte - 48))
            guard !o1, !o2 else { return nil }
            value = sum
            i += 1
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
