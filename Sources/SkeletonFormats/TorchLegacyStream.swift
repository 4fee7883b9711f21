import Foundation

/// The legacy `torch.save` stream: pickled magic number, protocol version and system info,
/// the state-dict pickle, the pickled list of storage keys, then each storage in that order as
/// an 8-byte little-endian element count followed by its raw little-endian elements.
enum TorchLegacyStream {
    /// The little-endian bytes of the magic number 0x1950a86a20f9469cfc6c (a LONG1 operand).
    private static let magicBytes: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    /// The protocol version the stream must declare.
    static let protocolVersion: Int64 = 1001

    /// The offset just past the magic-number pickle when `data` starts with one, else nil.
    ///
    /// Matched byte for byte (`PROTO n`, an optional `FRAME`, `LONG1 10 <magic>`, `STOP`) because
    /// the 80-bit magic number is deliberately outside what `PickleReader` accepts.
    static func magicEnd(in data: Data) -> Int? {
        let bytes = ByteReader(data: data)
        guard bytes.count >= 15, bytes.uint(0, 1) == UInt64(PickleOpcode.proto), (2...5).contains(bytes.uint(1, 1)) else { return nil }
        var position = 2
        if bytes.uint(2, 1) == UInt64(PickleOpcode.frame) { position += 9 }
        let expected = [PickleOpcode.long1, 10] + magicBytes + [PickleOpcode.stop]
        guard bytes.bytes(position, expected.count) == expected else { return nil }
        return position + expected.count
    }

    static func read(_ data: Data, source: String) throws(TorchCheckpointError) -> [String: SafetensorsTensor] {
        guard var position = magicEnd(in: data) else { throw .unrecognizedFormat(file: source) }
        func nextPickle(_ options: PickleReader.Options) throws(TorchCheckpointError) -> (PickleValue, Int) {
            do {
                let result = try PickleReader.read(data, offset: position, source: source, options: options)
                defer { position = result.end }
                return (result.value, position)
            } catch {
                throw .pickle(error)
            }
        }
        let (version, versionOffset) = try nextPickle(.plainData)
        guard version == .int(protocolVersion) else {
            throw .invalidStructure(file: source, place: "byte \(versionOffset)", reason: "legacy protocol version is \(version), expected \(protocolVersion)")
        }
        let (systemInfo, _) = try nextPickle(.plainData)
        if systemInfo["little_endian"] == .bool(false) { throw .bigEndian(file: source) }
        let (root, _) = try nextPickle(TorchCheckpoint.pickleOptions)
        let (keyList, keysOffset) = try nextPickle(.plainData)

        let records = try TorchStateDictLayout.records(TorchStateDictLayout.stateDict(in: root, source: source), source: source)
        let references = try TorchStateDictLayout.storages(of: records, source: source)
        guard case let .list(keyValues) = keyList else {
            throw .invalidStructure(file: source, place: "byte \(keysOffset)", reason: "storage key list is \(keyList.kindName), expected a list of str")
        }
        let reader = ByteReader(data: data)
        var storages: [String: Data] = [:]
        for keyValue in keyValues {
            guard case let .string(key) = keyValue else {
                throw .invalidStructure(file: source, place: "byte \(keysOffset)", reason: "storage key list holds \(keyValue.kindName), expected str")
            }
            guard let reference = references[key] else {
                throw .invalidStructure(file: source, place: "storage \(TextSanitizing.quoted(key))", reason: "listed in the stream but used by no tensor, so its element size is unknown")
            }
            guard storages[key] == nil else {
                throw .invalidStructure(file: source, place: "storage \(TextSanitizing.quoted(key))", reason: "listed twice, expected unique storage keys")
            }
            guard reader.contains(position, 8) else {
                throw .truncatedStorage(file: source, offset: position, storage: key, needed: 8, available: reader.count - position)
            }
            let declared = reader.uint(position, 8)
            guard declared == UInt64(reference.elementCount) else {
                throw .storageCountMismatch(file: source, offset: position, storage: key, expected: reference.elementCount, declared: declared)
            }
            let byteCount = try TorchStateDictLayout.byteCount(of: reference, source: source)
            guard reader.contains(position + 8, byteCount) else {
                throw .truncatedStorage(file: source, offset: position + 8, storage: key, needed: byteCount, available: reader.count - position - 8)
            }
            let start = data.startIndex + position + 8
            storages[key] = data.subdata(in: start..<(start + byteCount))
            position += 8 + byteCount
        }
        for key in references.keys.sorted() where storages[key] == nil {
            throw .missingEntry(file: source, entry: "legacy storage record " + key)
        }
        return try TorchCheckpoint.materialize(records, storages: storages, source: source)
    }
}
