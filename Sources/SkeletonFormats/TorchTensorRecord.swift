import Foundation

/// A storage as a persistent id in a `torch.save` pickle names it:
/// `('storage', torch.XStorage, key, location, numel[, view_metadata])`.
struct TorchStorageReference: Equatable {
    /// The storage's key (a zip entry `data/<key>`, or a legacy record key).
    var key: String
    /// The element type of the storage class.
    var dtype: TensorDType
    /// The storage's element count.
    var elementCount: Int
    /// For legacy storage views (`view_metadata = (view_key, offset, size)`): the viewed elements.
    var viewOffset: Int = 0
    /// The number of elements the tensor may address (`elementCount` unless a legacy view).
    var viewCount: Int
}

/// A tensor of a state dict, as `torch._utils._rebuild_tensor_v2` would rebuild it.
struct TorchTensorRecord {
    var name: String
    var storage: TorchStorageReference
    var storageOffset: Int
    var shape: [Int]
    var strides: [Int]
}

/// Reads the tensor records out of an unpickled state dict, trusting none of it.
enum TorchStateDictLayout {
    static let rebuildTensorV2 = PickleGlobal("torch._utils", "_rebuild_tensor_v2")
    static let rebuildTensor = PickleGlobal("torch._utils", "_rebuild_tensor")
    static let rebuildParameter = PickleGlobal("torch._utils", "_rebuild_parameter")
    static let rebuildParameterWithState = PickleGlobal("torch._utils", "_rebuild_parameter_with_state")

    /// The dict holding the tensors: `root["state_dict"]` or `root["model"]` when that is a dict, else `root`.
    static func stateDict(in root: PickleValue, source: String) throws(TorchCheckpointError) -> [PickleDictEntry] {
        guard case let .dict(entries) = root else {
            throw .invalidStructure(file: source, place: "top-level object", reason: "is \(root.kindName), expected a dict (a state dict, or a checkpoint dict with 'state_dict' or 'model')")
        }
        for wrapper in ["state_dict", "model"] {
            if case let .dict(inner)? = root[wrapper] { return inner }
        }
        return entries
    }

    /// One record per entry of `stateDict`, in order; every value must be a tensor.
    static func records(_ stateDict: [PickleDictEntry], source: String) throws(TorchCheckpointError) -> [TorchTensorRecord] {
        var records: [TorchTensorRecord] = []
        records.reserveCapacity(stateDict.count)
        var seen: Set<String> = []
        for (index, entry) in stateDict.enumerated() {
            guard case let .string(name) = entry.key else {
                throw .invalidStructure(file: source, place: "state dict entry \(index)", reason: "key is \(entry.key.kindName), expected a str")
            }
            guard seen.insert(name).inserted else {
                throw .invalidStructure(file: source, place: "key \(TextSanitizing.quoted(name))", reason: "appears twice, expected unique keys")
            }
            records.append(try record(name: name, value: entry.value, source: source, wrapped: false))
        }
        return records
    }

    private static func record(name: String, value: PickleValue, source: String, wrapped: Bool) throws(TorchCheckpointError) -> TorchTensorRecord {
        let place = "key \(TextSanitizing.quoted(name))"
        guard case let .call(global, arguments, _) = value else {
            throw .invalidStructure(file: source, place: place, reason: "value is \(value.kindName), expected a tensor (a call of \(rebuildTensorV2))")
        }
        if global == rebuildParameter || global == rebuildParameterWithState {
            guard !wrapped, let data = arguments.first else {
                throw .invalidStructure(file: source, place: place, reason: "\(global) must wrap a tensor as its first argument")
            }
            return try record(name: name, value: data, source: source, wrapped: true)
        }
        guard global == rebuildTensorV2 || global == rebuildTensor else {
            throw .invalidStructure(file: source, place: place, reason: "value is a call of \(global), expected a tensor (a call of \(rebuildTensorV2))")
        }
        guard arguments.count >= 4 else {
            throw .invalidStructure(file: source, place: place, reason: "\(global) has \(arguments.count) arguments, expected (storage, storage_offset, size, stride, …)")
        }
        guard case let .persistentID(id) = arguments[0] else {
            throw .invalidStructure(file: source, place: place, reason: "storage argument is \(arguments[0].kindName), expected a persistent id")
        }
        let storage = try storageReference(id, place: place, source: source)
        guard case let .int(offset) = arguments[1], offset >= 0, let storageOffset = Int(exactly: offset) else {
            throw .invalidStructure(file: source, place: place, reason: "storage_offset is \(arguments[1].kindName), expected a non-negative int")
        }
        let shape = try intTuple(arguments[2], what: "size", place: place, source: source)
        let strides = try intTuple(arguments[3], what: "stride", place: place, source: source)
        guard shape.count == strides.count else {
            throw .invalidStructure(file: source, place: place, reason: "size has \(shape.count) dimensions but stride has \(strides.count), expected equal")
        }
        return TorchTensorRecord(name: name, storage: storage, storageOffset: storageOffset, shape: shape, strides: strides)
    }

    private static func intTuple(_ value: PickleValue, what: String, place: String, source: String) throws(TorchCheckpointError) -> [Int] {
        guard case let .tuple(items) = value else {
            throw .invalidStructure(file: source, place: place, reason: "\(what) is \(value.kindName), expected a tuple of ints")
        }
        var result: [Int] = []
        for item in items {
            guard case let .int(number) = item, let exact = Int(exactly: number) else {
                throw .invalidStructure(file: source, place: place, reason: "\(what) holds \(item.kindName), expected ints")
            }
            result.append(exact)
        }
        return result
    }

    private static func storageReference(_ id: PickleValue, place: String, source: String) throws(TorchCheckpointError) -> TorchStorageReference {
        guard case let .tuple(parts) = id, parts.count == 5 || parts.count == 6, parts[0] == .string("storage") else {
            throw .invalidStructure(file: source, place: place, reason: "persistent id is \(id.kindName), expected ('storage', storage_type, key, location, numel[, view])")
        }
        guard case let .global(type) = parts[1] else {
            throw .invalidStructure(file: source, place: place, reason: "storage type is \(parts[1].kindName), expected a torch.XStorage class")
        }
        guard case let .string(key) = parts[2] else {
            throw .invalidStructure(file: source, place: place, reason: "storage key is \(parts[2].kindName), expected a str")
        }
        guard let dtype = TorchStorageType.dtype(of: type) else {
            throw .unsupportedStorageType(file: source, storage: key, type: type.description)
        }
        guard case let .int(numel) = parts[4], numel >= 0, let elementCount = Int(exactly: numel) else {
            throw .invalidStructure(file: source, place: place, reason: "storage \(TextSanitizing.quoted(key)) numel is \(parts[4].kindName), expected a non-negative int")
        }
        var reference = TorchStorageReference(key: key, dtype: dtype, elementCount: elementCount, viewCount: elementCount)
        if parts.count == 6, parts[5] != .none {
            // Legacy storage view: (view_key, offset, size) inside the root storage.
            guard case let .tuple(view) = parts[5], view.count == 3,
                  case let .int(viewOffset) = view[1], case let .int(viewCount) = view[2],
                  viewOffset >= 0, viewCount >= 0, viewOffset <= numel, viewCount <= numel - viewOffset else {
                throw .invalidStructure(file: source, place: place, reason: "storage \(TextSanitizing.quoted(key)) view metadata is malformed or outside the \(numel)-element storage, expected (view_key, offset, size)")
            }
            reference.viewOffset = Int(viewOffset)
            reference.viewCount = Int(viewCount)
        }
        return reference
    }

    /// The storage key → root reference map, checking that every use of a key agrees on dtype and size.
    static func storages(of records: [TorchTensorRecord], source: String) throws(TorchCheckpointError) -> [String: TorchStorageReference] {
        var storages: [String: TorchStorageReference] = [:]
        for record in records {
            var root = record.storage
            root.viewOffset = 0
            root.viewCount = root.elementCount
            if let known = storages[root.key] {
                guard known == root else {
                    throw .invalidStructure(file: source, place: "key \(TextSanitizing.quoted(record.name))", reason: "storage \(TextSanitizing.quoted(root.key)) is \(root.dtype.rawValue) × \(root.elementCount) here but \(known.dtype.rawValue) × \(known.elementCount) elsewhere")
                }
            } else {
                storages[root.key] = root
            }
        }
        return storages
    }

    /// `reference.elementCount × element size`, or the error for an absurd count.
    static func byteCount(of reference: TorchStorageReference, source: String) throws(TorchCheckpointError) -> Int {
        let (bytes, overflow) = reference.elementCount.multipliedReportingOverflow(by: reference.dtype.byteSize)
        guard !overflow else {
            throw .invalidStructure(file: source, place: "storage \(TextSanitizing.quoted(reference.key))", reason: "numel \(reference.elementCount) × \(reference.dtype.byteSize) bytes overflows, expected a storage that fits in memory")
        }
        return bytes
    }
}
