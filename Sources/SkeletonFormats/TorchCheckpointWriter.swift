import Foundation

/// Writes a state dict as a zip-format `torch.save` archive (PyTorch ≥ 1.6 layout) that
/// `torch.load(path, weights_only=True)` accepts.
///
/// The archive holds `archive/data.pkl`, `archive/.format_version`,
/// `archive/.storage_alignment`, `archive/byteorder`, one 64-byte-aligned stored entry
/// `archive/data/<i>` per tensor, and `archive/version`. The pickle (protocol 2) is an
/// `OrderedDict` of tensors in key order, each rebuilt by `torch._utils._rebuild_tensor_v2`
/// from a persistent storage id `('storage', torch.<Type>Storage, '<i>', 'cpu', numel)`:
/// only globals on PyTorch's weights-only allow-list (and on `TorchCheckpoint.allowedGlobals`).
public enum TorchCheckpointWriter {
    /// The archive's top-level folder name.
    static let archiveName = "archive"

    /// The serialized archive for `tensors`; `destination` names the file in errors.
    public static func encode(_ tensors: [String: SafetensorsTensor], destination: String = "<memory>")
        throws(TorchCheckpointWriteError) -> Data {
        let storageNames = Dictionary(uniqueKeysWithValues: TorchStorageType.dtypes.map { ($0.value, $0.key) })
        var pickle = TorchPickleEncoder()
        pickle.beginStateDict()
        let names = tensors.keys.sorted()
        var storages: [Data] = []
        for (index, name) in names.enumerated() {
            guard let tensor = tensors[name] else { continue }
            guard let storageClass = storageNames[tensor.dtype] else {
                throw .unsupportedDType(file: destination, tensor: name, dtype: tensor.dtype)
            }
            do {
                _ = try SafetensorsTensor(dtype: tensor.dtype, shape: tensor.shape, bytes: tensor.bytes)
            } catch {
                throw .inconsistentTensor(file: destination, tensor: name, reason: error.description)
            }
            pickle.addTensor(name: name, storageClass: storageClass, storageKey: String(index),
                             elementCount: tensor.elementCount, shape: tensor.shape)
            storages.append(tensor.bytes)
        }
        let pickleData = pickle.finish()

        var zip = ZipWriter(alignment: 64)
        let prefix = archiveName + "/"
        do {
            try zip.add(name: prefix + "data.pkl", contents: pickleData)
            try zip.add(name: prefix + ".format_version", contents: Data("1".utf8))
            try zip.add(name: prefix + ".storage_alignment", contents: Data("64".utf8))
            try zip.add(name: prefix + "byteorder", contents: Data("little".utf8))
            for (index, storage) in storages.enumerated() {
                try zip.add(name: prefix + "data/\(index)", contents: storage)
            }
            try zip.add(name: prefix + "version", contents: Data("3\n".utf8))
            return try zip.finish()
        } catch {
            throw .tooLarge(file: destination, reason: error.reason)
        }
    }

    /// Writes `tensors` to `url` atomically (temporary file, then rename).
    public static func write(_ tensors: [String: SafetensorsTensor], to url: URL) throws(TorchCheckpointWriteError) {
        let data = try encode(tensors, destination: url.path)
        if let reason = AtomicFileWriter.write(data, to: url) {
            throw .writeFailed(file: url.path, reason: reason)
        }
    }
}

/// Emits the state-dict pickle of `TorchCheckpointWriter` (protocol 2, no memo).
struct TorchPickleEncoder {
    private(set) var bytes: [UInt8] = [PickleOpcode.proto, 2]
    private var pendingItems = 0

    /// `collections.OrderedDict()`, then a `MARK` for the first batch of items.
    mutating func beginStateDict() {
        writeGlobal("collections", "OrderedDict")
        bytes.append(PickleOpcode.emptyTuple)
        bytes.append(PickleOpcode.reduce)
        bytes.append(PickleOpcode.mark)
    }

    /// One `key: tensor` item: `_rebuild_tensor_v2(storage, 0, shape, strides, False, OrderedDict())`.
    mutating func addTensor(name: String, storageClass: String, storageKey: String, elementCount: Int, shape: [Int]) {
        writeString(name)
        writeGlobal("torch._utils", "_rebuild_tensor_v2")
        bytes.append(PickleOpcode.mark)
        // The persistent id of the storage.
        bytes.append(PickleOpcode.mark)
        writeString("storage")
        writeGlobal("torch", storageClass)
        writeString(storageKey)
        writeString("cpu")
        writeInt(Int64(elementCount))
        bytes.append(PickleOpcode.tuple)
        bytes.append(PickleOpcode.binPersID)
        writeInt(0)
        writeTuple(shape)
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in shape.indices.dropLast().reversed() { strides[axis] = strides[axis + 1] * max(shape[axis + 1], 1) }
        writeTuple(strides)
        bytes.append(PickleOpcode.newFalse)
        writeGlobal("collections", "OrderedDict")
        bytes.append(PickleOpcode.emptyTuple)
        bytes.append(PickleOpcode.reduce)
        bytes.append(PickleOpcode.tuple)
        bytes.append(PickleOpcode.reduce)
        pendingItems += 1
        if pendingItems == 1000 {  // batches of 1000 items, as Python's pickler writes them
            bytes.append(PickleOpcode.setItems)
            bytes.append(PickleOpcode.mark)
            pendingItems = 0
        }
    }

    /// Closes the last batch and appends `STOP`.
    mutating func finish() -> Data {
        bytes.append(PickleOpcode.setItems)
        bytes.append(PickleOpcode.stop)
        return Data(bytes)
    }

    private mutating func writeGlobal(_ module: String, _ name: String) {
        bytes.append(PickleOpcode.global)
        bytes.append(contentsOf: Array(module.utf8) + [0x0A] + Array(name.utf8) + [0x0A])
    }

    private mutating func writeString(_ text: String) {
        let utf8 = Array(text.utf8)
        bytes.append(PickleOpcode.binUnicode)
        appendLittleEndian(UInt64(utf8.count), byteCount: 4)
        bytes.append(contentsOf: utf8)
    }

    private mutating func writeTuple(_ values: [Int]) {
        bytes.append(PickleOpcode.mark)
        for value in values { writeInt(Int64(value)) }
        bytes.append(PickleOpcode.tuple)
    }

    private mutating func writeInt(_ value: Int64) {
        PickleWriter.appendInteger(value, to: &bytes)
    }

    private mutating func appendLittleEndian(_ value: UInt64, byteCount: Int) {
        for i in 0..<byteCount { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }
}
