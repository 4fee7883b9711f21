import Foundation

/// Little-endian encoding of element arrays into raw payload bytes.
enum ScalarEncoding {
    /// `values` as little-endian binary32.
    static func bytes(float32 values: [Float]) -> Data {
        var data = Data(count: values.count * 4)
        data.withUnsafeMutableBytes { raw in
            for (i, value) in values.enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self)
            }
        }
        return data
    }

    /// `values` as little-endian two's-complement 64-bit integers.
    static func bytes(int64 values: [Int64]) -> Data {
        var data = Data(count: values.count * 8)
        data.withUnsafeMutableBytes { raw in
            for (i, value) in values.enumerated() {
                raw.storeBytes(of: value.littleEndian, toByteOffset: i * 8, as: Int64.self)
            }
        }
        return data
    }
}
