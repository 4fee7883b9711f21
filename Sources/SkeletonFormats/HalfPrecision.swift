/// Bit-level conversions of 16-bit floating-point formats to `Float`.
///
/// Done by hand rather than with `Float16` so the code behaves the same on every platform
/// (Swift's `Float16` is unavailable on macOS/x86_64).
enum HalfPrecision {
    /// Converts IEEE 754 binary16 bits (sign, 5-bit exponent, 10-bit mantissa) to `Float`, exactly.
    static func float(fromFloat16Bits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa · 2^-24.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            // Infinity or NaN: keep the payload.
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
        }
    }

    /// Converts bfloat16 bits (the upper half of a binary32) to `Float`, exactly.
    static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
