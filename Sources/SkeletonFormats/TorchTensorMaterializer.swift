import Foundation

/// Copies a tensor out of its storage: honours the storage offset and strides (views) and
/// produces contiguous C-order bytes, after checking that every element lies inside the storage.
enum TorchTensorMaterializer {
    /// The tensor `record` reads from `storage` (the whole root storage's bytes).
    static func tensor(_ record: TorchTensorRecord, storage: Data, source: String) throws(TorchCheckpointError) -> SafetensorsTensor {
        let dtype = record.storage.dtype
        let elementSize = dtype.byteSize
        func outOfBounds(_ reason: String) -> TorchCheckpointError {
            .tensorOutOfBounds(file: source, tensor: record.name, reason: reason)
        }
        let count: Int
        switch ShapeArithmetic.elementCount(record.shape) {
        case let .failure(problem): throw outOfBounds("size \(ShapeArithmetic.describe(record.shape)): \(problem.phrase)")
        case let .success(value): count = value
        }
        let storageBytes = try TorchStateDictLayout.byteCount(of: record.storage, source: source)
        guard storage.count == storageBytes else {
            throw .storageSizeMismatch(file: source, storage: record.storage.key, expectedBytes: storageBytes, actualBytes: storage.count)
        }
        if count == 0 {
            return try build(dtype: dtype, shape: record.shape, bytes: Data(), source: source, name: record.name)
        }
        // The last element's index: offset + Σ (size_i − 1) · stride_i, overflow-checked.
        var last = record.storageOffset
        for (size, stride) in zip(record.shape, record.strides) {
            guard stride >= 0 else { throw outOfBounds("negative stride \(stride) in \(ShapeArithmetic.describe(record.strides)), expected non-negative strides") }
            let (step, overflow1) = (size - 1).multipliedReportingOverflow(by: stride)
            let (sum, overflow2) = last.addingReportingOverflow(step)
            guard !overflow1, !overflow2 else { throw outOfBounds("offset and strides overflow") }
            last = sum
        }
        let available = record.storage.viewCount
        guard last < available else {
            throw outOfBounds("storage_offset \(record.storageOffset), size \(ShapeArithmetic.describe(record.shape)) and stride \(ShapeArithmetic.describe(record.strides)) reach element \(last), but storage \(TextSanitizing.quoted(record.storage.key)) has \(available) elements")
        }
        let base = record.storage.viewOffset + record.storageOffset

        if isContiguous(shape: record.shape, strides: record.strides) {
            let start = storage.startIndex + base * elementSize
            return try build(dtype: dtype, shape: record.shape, bytes: storage.subdata(in: start..<(start + count * elementSize)), source: source, name: record.name)
        }
        var output = Data(count: count * elementSize)
        output.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) in
            storage.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
                gather(from: input, into: out, base: base, shape: record.shape, strides: record.strides, elementSize: elementSize)
            }
        }
        return try build(dtype: dtype, shape: record.shape, bytes: output, source: source, name: record.name)
    }

    /// Whether C-order strides (ignoring dimensions of size 1) match.
    static func isContiguous(shape: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// Copies every element in C order; indices were bounds-checked by the caller.
    private static func gather(from input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, base: Int, shape: [Int], strides: [Int], elementSize: Int) {
        guard let inputBase = input.baseAddress, let outputBase = out.baseAddress else { return }
        let rank = shape.count
        var index = [Int](repeating: 0, count: rank)
        var written = 0
        let innerSize = rank == 0 ? 1 : shape[rank - 1]
        let innerStride = rank == 0 ? 0 : strides[rank - 1]
        let total = out.count / elementSize
        while written < total {
            var source = base
            for axis in 0..<max(rank - 1, 0) { source += index[axis] * strides[axis] }
            if innerStride == 1 {
                (outputBase + written * elementSize).copyMemory(from: inputBase + source * elementSize, byteCount: innerSize * elementSize)
            } else {
                for i in 0..<innerSize {
                    (outputBase + (written + i) * elementSize).copyMemory(from: inputBase + (source + i * innerStride) * elementSize, byteCount: elementSize)
                }
            }
            written += innerSize
            // Advance the outer multi-index.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
    }

    private static func build(dtype: TensorDType, shape: [Int], bytes: Data, source: String, name: String) throws(TorchCheckpointError) -> SafetensorsTensor {
        do {
            return try SafetensorsTensor(dtype: dtype, shape: shape, bytes: bytes)
        } catch {
            throw .tensorOutOfBounds(file: source, tensor: name, reason: error.description)
        }
    }
}
