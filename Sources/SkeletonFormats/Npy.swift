import Foundation

/// Reading and writing numpy `.npy` files (format versions 1.0, 2.0 and 3.0; little-endian
/// numeric types; C or Fortran order).
public enum Npy {
    /// Reads the `.npy` file at `url`, memory-mapped: the payload is not copied.
    /// - Throws: `NpyError`, naming `url.path`.
    public static func read(contentsOf url: URL) throws(NpyError) -> NpyArray {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try read(data: data, source: url.path)
    }

    /// Parses `.npy` bytes; `source` names them in errors. The returned `data` is a slice of `data`.
    /// - Throws: `NpyError` for a bad magic, truncated or malformed header, unsupported version
    ///   or descr, or a payload whose size is not `product(shape) * itemsize`.
    public static func read(data: Data, source: String) throws(NpyError) -> NpyArray {
        let header = try NpyHeader.parse(data, file: source)
        let actual = data.count - header.payloadOffset
        guard actual == header.payloadByteCount else {
            throw .payloadSizeMismatch(file: source, offset: header.payloadOffset, expected: header.payloadByteCount, actual: actual)
        }
        let payload = data[(data.startIndex + header.payloadOffset)..<data.endIndex]
        return try NpyArray(dtype: header.dtype, shape: header.shape, isFortranOrder: header.isFortranOrder, data: payload, source: source)
    }

    /// The bytes of a version 1.0, `<f4`, C-order `.npy` file holding `values`.
    /// `values.count` must equal the product of `shape` (a programming error otherwise).
    public static func encode(float32 values: [Float], shape: [Int]) -> Data {
        encode(NpyArray(float32: values, shape: shape))
    }

    /// The bytes of a `.npy` file holding `array` (its dtype and order are kept).
    public static func encode(_ array: NpyArray) -> Data {
        var data = NpyHeader.encode(dtype: array.dtype, shape: array.shape, isFortranOrder: array.isFortranOrder)
        data.append(array.data)
        return data
    }

    /// Writes `values` as a `<f4` C-order `.npy` file, atomically (temporary file + rename).
    /// - Throws: `NpyError.writeFailed`.
    public static func write(float32 values: [Float], shape: [Int], to url: URL) throws(NpyError) {
        try write(NpyArray(float32: values, shape: shape), to: url)
    }

    /// Writes `array` to `url` atomically (temporary file + rename).
    /// - Throws: `NpyError.payloadSizeMismatch` for an inconsistent array, `.writeFailed` for I/O errors.
    public static func write(_ array: NpyArray, to url: URL) throws(NpyError) {
        _ = try NpyArray(dtype: array.dtype, shape: array.shape, isFortranOrder: array.isFortranOrder, data: array.data, source: url.path)
        if let reason = AtomicFileWriter.write(encode(array), to: url) {
            throw .writeFailed(file: url.path, reason: reason)
        }
    }
}
