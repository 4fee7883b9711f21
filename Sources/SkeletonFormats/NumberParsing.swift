/// Decimal numbers parsed from ASCII bytes, without allocating in the common case: the text
/// formats' and the JSON reader's one number parser.
///
/// Floating point is correctly rounded: literals with at most 15 significant digits and a
/// decimal exponent within ±22 are computed exactly (one rounding), all others go through the
/// C library's `strtod` (via `Double(String)`).
public enum NumberParsing {
    private static let exactPowers: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// A decimal or special floating-point literal (as Python's `float()` accepts, without
    /// underscores), or nil.
    public static func double(buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Double? {
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
    public static func int64(buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Int64? {
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
    public static func uint64(buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> UInt64? {
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
