import Foundation

extension SafetensorsFile {
    /// Serializes tensors to safetensors bytes.
    ///
    /// Layout: `__metadata__` first (omitted when nil or empty), then the tensors' header
    /// entries and data in name order, with no gaps; the JSON header is padded with spaces to a
    /// multiple of 8 bytes so the data buffer starts 8-byte aligned.
    /// A tensor named `__metadata__` is a programming error (`write` reports it as an error).
    public static func encode(_ tensors: [String: SafetensorsTensor], metadata: [String: String]?) -> Data {
        precondition(tensors[SafetensorsHeaderReader.metadataKey] == nil, "a tensor cannot be named __metadata__")
        let names = tensors.keys.sorted()
        var parts: [String] = []
        if let metadata, !metadata.isEmpty {
            let items = metadata.keys.sorted().map { key in
                JSONWriting.stringLiteral(key) + ":" + JSONWriting.stringLiteral(metadata[key] ?? "")
            }
            parts.append(JSONWriting.stringLiteral(SafetensorsHeaderReader.metadataKey) + ":{" + items.joined(separator: ",") + "}")
        }
        var offset = 0
        for name in names {
            guard let tensor = tensors[name] else { continue }
            let end = offset + tensor.bytes.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            parts.append(JSONWriting.stringLiteral(name)
                + ":{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(0x20) }

        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for name in names {
            if let tensor = tensors[name] { data.append(tensor.bytes) }
        }
        return data
    }

    /// Writes tensors to `url` atomically (temporary file in the same directory, then rename).
    /// - Throws: `SafetensorsError.byteCountMismatch` for an inconsistent tensor,
    ///   `.invalidEntry` for a tensor named `__metadata__`, `.writeFailed` for I/O errors.
    public static func write(_ tensors: [String: SafetensorsTensor], metadata: [String: String]? = nil, to url: URL) throws(SafetensorsError) {
        if tensors[SafetensorsHeaderReader.metadataKey] != nil {
            throw .invalidEntry(file: url.path, key: SafetensorsHeaderReader.metadataKey, reason: "is reserved for metadata, expected a different tensor name")
        }
        for name in tensors.keys.sorted() {
            guard let tensor = tensors[name] else { continue }
            // Re-validate: `bytes`, `shape` and `dtype` are mutable properties.
            _ = try SafetensorsTensor(dtype: tensor.dtype, shape: tensor.shape, bytes: tensor.bytes)
        }
        if let reason = AtomicFileWriter.write(encode(tensors, metadata: metadata), to: url) {
            throw .writeFailed(file: url.path, reason: reason)
        }
    }

    /// Writes this file's tensors and metadata to `url` atomically.
    public func write(to url: URL) throws(SafetensorsError) {
        try Self.write(tensors, metadata: metadata, to: url)
    }
}
