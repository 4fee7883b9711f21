import Foundation

/// Converts raw little-endian element payloads into Swift arrays.
///
/// Callers have already checked that `bytes` holds at least `count * kind.byteSize` bytes;
/// `bytes` may be a slice whose `startIndex` is not 0.
enum ScalarDecoding {
    /// Every element converted to `Float` (integers and booleans by value; doubles rounded).
    static func floats(_ bytes: Data, kind: ScalarKind, count: Int) -> [Float] {
        floatingPoint(bytes, kind: kind, count: count, as: Float.self)
    }

    /// Every element converted to `Double` (integers and booleans by value; F64 exactly).
    static func doubles(_ bytes: Data, kind: ScalarKind, count: Int) -> [Double] {
        floatingPoint(bytes, kind: kind, count: count, as: Double.self)
    }

    private static func floatingPoint<T: BinaryFloatingPoint>(_ bytes: Data, kind: ScalarKind, count: Int,
                                                               as: T.Type) -> [T] {
        precondition(bytes.count >= count * kind.byteSize, "payload shorter than its shape")
        if count == 0 { return [] }
        return bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [T] in
            [T](unsafeUninitializedCapacity: count) { out, initialized in
                switch kind {
                case .float32:
                    for i in 0..<count {
                        out[i] = T(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))))
                    }
                case .float64:
                    for i in 0..<count {
                        out[i] = T(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))))
                    }
                case .float16:
                    for i in 0..<count {
                        out[i] = T(HalfPrecision.float(fromFloat16Bits: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))))
                    }
                case .bfloat16:
                    for i in 0..<count {
                        out[i] = T(HalfPrecision.float(fromBFloat16Bits: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))))
                    }
                default:
                    for i in 0..<count {
                        out[i] = T(integer(raw, kind: kind, index: i))
                    }
                }
                initialized = count
            }
        }
    }

    /// Every element as `Int64`, or nil when `kind` is a floating-point kind or a `uint64` value exceeds `Int64.max`.
    static func int64s(_ bytes: Data, kind: ScalarKind, count: Int) -> [Int64]? {
        precondition(bytes.count >= count * kind.byteSize, "payload shorter than its shape")
        guard kind.isIntegral else { return nil }
        if count == 0 { return [] }
        return bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Int64]? in
            var result = [Int64]()
            result.reserveCapacity(count)
            for i in 0..<count {
                if kind == .uint64 {
                    let value = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
                    guard let exact = Int64(exactly: value) else { return nil }
                    result.append(exact)
                } else {
                    result.append(integer(raw, kind: kind, index: i))
                }
            }
            return result
        }
    }

    /// Element `index` of an integral payload (uint64 wraps; callers check it separately).
    private static func integer(_ raw: UnsafeRawBufferPointer, kind: ScalarKind, index i: Int) -> Int64 {
        switch kind {
        case .int8: return Int64(raw.load(fromByteOffset: i, as: Int8.self))
        case .uint8: return Int64(raw.load(fromByteOffset: i, as: UInt8.self))
        case .bool: return raw.load(fromByteOffset: i, as: UInt8.self) == 0 ? 0 : 1
        case .int16: return Int64(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: i * 2, as: Int16.self)))
        case .uint16: return Int64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)))
        case .int32: return Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)))
        case .uint32: return Int64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
        case .int64: return Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
        case .uint64: return Int64(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
        case .float16, .bfloat16, .float32, .float64: return 0
        }
    }
}
