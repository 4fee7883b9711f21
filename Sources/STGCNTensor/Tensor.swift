/// A dense, row-major (C-order) array of `Float` with a shape.
///
/// `Tensor` is a value type: copies share storage until one of them is mutated
/// (copy-on-write through `Array`). Kernels reach the storage through
/// `withUnsafeBufferPointer` / `withUnsafeMutableBufferPointer` so that hot loops
/// touch raw memory only.
public struct Tensor: Sendable, Equatable {
    /// The extent of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Float]

    /// A tensor of the given shape filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        self.scalars = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// A tensor that adopts `scalars` as its row-major elements.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) elements, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// The number of elements.
    @inlinable public var count: Int { scalars.count }

    /// The same elements under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Reads the element at a full multi-index (slow; for tests and small tensors).
    public subscript(_ index: Int...) -> Float {
        get { scalars[flatIndex(index)] }
        set { scalars[flatIndex(index)] = newValue }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) does not match shape \(shape)")
        var flat = 0
        for (i, extent) in zip(index, shape) {
            precondition(i >= 0 && i < extent, "index \(index) out of range for shape \(shape)")
            flat = flat * extent + i
        }
        return flat
    }
}

extension Tensor {
    /// A tensor of the given shape whose elements are left uninitialized: every element must be
    /// written before it is read (kernels that overwrite their whole output use this to skip a
    /// zero-filling pass).
    public init(uninitializedShape shape: [Int]) {
        let count = shape.reduce(1, *)
        self.init(shape: shape, scalars: [Float](unsafeUninitializedCapacity: count) { _, initialized in
            initialized = count
        })
    }
}

extension Tensor {
    /// A tensor of the given shape whose elements `body` writes through a pointer to all
    /// `shape.reduce(1, *)` of them; every element must be written (the memory starts uninitialized).
    public init(shape: [Int], writing body: (UnsafeMutablePointer<Float>) throws -> Void) rethrows {
        let count = shape.reduce(1, *)
        try self.init(shape: shape, scalars: [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            try body(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<Float>.alignment)!)
            initialized = count
        })
    }
}
