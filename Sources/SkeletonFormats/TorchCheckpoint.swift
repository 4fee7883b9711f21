import Foundation

/// Reads PyTorch checkpoints (`torch.save` files holding a state dict) into safetensors-style
/// tensors, without executing anything.
///
/// Both layouts are supported: the zip archive of PyTorch ≥ 1.6 (`<archive>/data.pkl` plus one
/// stored entry `<archive>/data/<key>` per storage) and the legacy stream
/// (`_use_new_zipfile_serialization=False`, and the 2018 releases: magic number, protocol
/// version and system-info pickles, the state-dict pickle, the storage-key list, then every
/// storage as an 8-byte little-endian element count and raw bytes).
///
/// The pickles may only name `TorchCheckpoint.allowedGlobals`; any other global (`os.system`,
/// `numpy.*`, a model class) is an error. When the top-level dict has a `state_dict` or
/// `model` entry that is a dict, that dict is read; keys are kept as they are (`module.`
/// prefixes included). Views are materialized as contiguous copies.
public enum TorchCheckpoint {
    /// The two `torch.save` layouts.
    public enum Format: String, Sendable {
        /// A zip archive (PyTorch ≥ 1.6 default).
        case zip
        /// The legacy pickle stream (PyTorch < 1.6, or `_use_new_zipfile_serialization=False`).
        case legacy
    }

    /// The only globals a checkpoint's pickles may reference; none of them is ever called.
    public static let allowedGlobals: Set<PickleGlobal> = {
        var globals: Set<PickleGlobal> = [
            PickleGlobal("collections", "OrderedDict"),
            TorchStateDictLayout.rebuildTensorV2,
            TorchStateDictLayout.rebuildTensor,
            TorchStateDictLayout.rebuildParameter,
            TorchStateDictLayout.rebuildParameterWithState,
            PickleGlobal("torch", "device"),
        ]
        for name in TorchStorageType.dtypes.keys { globals.insert(PickleGlobal("torch", name)) }
        return globals
    }()

    /// The pickle options used for checkpoint pickles.
    static let pickleOptions = PickleReader.Options(allowedGlobals: allowedGlobals, allowsPersistentIDs: true)

    /// The layout of `data` judged by its first bytes, or nil when it is neither.
    public static func format(of data: Data) -> Format? {
        if data.starts(with: ZipArchive.localHeaderMagic) { return .zip }
        if TorchLegacyStream.magicEnd(in: data) != nil { return .legacy }
        return nil
    }

    /// Reads the state dict of the checkpoint at `url` (memory-mapped).
    /// - Returns: tensor name → dtype, shape and contiguous little-endian bytes.
    /// - Throws: `TorchCheckpointError` naming `url.path` and the place of the problem.
    public static func read(contentsOf url: URL) throws(TorchCheckpointError) -> [String: SafetensorsTensor] {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try decode(data, source: url.path)
    }

    /// Decodes checkpoint bytes; `source` names them in errors.
    /// - Throws: `TorchCheckpointError`.
    public static func decode(_ data: Data, source: String) throws(TorchCheckpointError) -> [String: SafetensorsTensor] {
        switch format(of: data) {
        case .zip?: return try readZip(data, source: source)
        case .legacy?: return try TorchLegacyStream.read(data, source: source)
        case nil: throw .unrecognizedFormat(file: source)
        }
    }

    // MARK: - Zip layout

    private static func readZip(_ data: Data, source: String) throws(TorchCheckpointError) -> [String: SafetensorsTensor] {
        let archive = try ZipArchive(data: data, source: source)
        let pickles = archive.entries.filter { entry in
            let parts = entry.name.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && parts[1] == "data.pkl" && !parts[0].isEmpty
        }
        guard let pickleEntry = pickles.first else { throw .missingEntry(file: source, entry: "<archive>/data.pkl") }
        guard pickles.count == 1 else {
            throw .malformedZip(file: source, offset: pickles[1].localHeaderOffset, reason: "\(pickles.count) entries named <archive>/data.pkl, expected exactly one")
        }
        let prefix = String(pickleEntry.name.dropLast("data.pkl".count))
        if let byteOrder = archive.entry(named: prefix + "byteorder") {
            let text = String(decoding: try archive.contents(of: byteOrder), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text == "little" else {
                if text == "big" { throw .bigEndian(file: source) }
                throw .unsupportedZipEntry(file: source, entry: byteOrder.name, reason: "byte order \(TextSanitizing.quoted(text)), expected 'little' or 'big'")
            }
        }
        let pickleSource = "\(source) (\(pickleEntry.name))"
        let pickleData = try archive.contents(of: pickleEntry)
        let root: PickleValue
        do {
            root = try PickleReader.read(pickleData, source: pickleSource, options: pickleOptions).value
        } catch {
            throw .pickle(error)
        }
        let records = try TorchStateDictLayout.records(TorchStateDictLayout.stateDict(in: root, source: source), source: source)
        let references = try TorchStateDictLayout.storages(of: records, source: source)
        var storages: [String: Data] = [:]
        for key in references.keys.sorted() {
            guard let reference = references[key] else { continue }
            let name = prefix + "data/" + key
            guard let entry = archive.entry(named: name) else { throw .missingEntry(file: source, entry: name) }
            let expected = try TorchStateDictLayout.byteCount(of: reference, source: source)
            guard entry.uncompressedSize == expected else {
                throw .storageSizeMismatch(file: source, storage: key, expectedBytes: expected, actualBytes: entry.uncompressedSize)
            }
            storages[key] = try archive.contents(of: entry)
        }
        return try materialize(records, storages: storages, source: source)
    }

    /// Builds every tensor from its (already size-checked) storage bytes.
    static func materialize(_ records: [TorchTensorRecord], storages: [String: Data], source: String) throws(TorchCheckpointError) -> [String: SafetensorsTensor] {
        var tensors: [String: SafetensorsTensor] = [:]
        tensors.reserveCapacity(records.count)
        for record in records {
            guard let storage = storages[record.storage.key] else {
                throw .missingEntry(file: source, entry: "data/" + record.storage.key)
            }
            tensors[record.name] = try TorchTensorMaterializer.tensor(record, storage: storage, source: source)
        }
        return tensors
    }
}
