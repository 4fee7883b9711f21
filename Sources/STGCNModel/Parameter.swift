import STGCNTensor

/// A learnable tensor and the gradient accumulated for it by `backward`.
///
/// Layers own their parameters; the model's state-dict walk hands out the same
/// objects under their official PyTorch names, so an optimizer, a checkpoint
/// loader and a test all see one storage.
public final class Parameter {
    /// The PyTorch shape of the tensor (e.g. `[192, 3, 1, 1]` for a 1×1 convolution).
    public let shape: [Int]
    /// The current values, row-major in PyTorch's layout.
    public var value: [Float]
    /// The gradient of the loss with respect to `value`, accumulated by `backward`.
    public var gradient: [Float]

    /// A parameter of the given shape, filled with `initialValue`.
    public init(shape: [Int], initialValue: Float = 0) {
        let count = shape.reduce(1, *)
        self.shape = shape
        self.value = [Float](repeating: initialValue, count: count)
        self.gradient = [Float](repeating: 0, count: count)
    }

    /// The number of scalars.
    public var count: Int { value.count }

    /// Sets the gradient to zero.
    public func zeroGradient() {
        gradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}

/// A non-learnable tensor that is part of a checkpoint (BatchNorm running statistics).
public final class StateBuffer {
    /// The PyTorch shape of the tensor.
    public let shape: [Int]
    /// The values, row-major.
    public var value: [Float]
    /// Whether the buffer is an integer counter (`num_batches_tracked`), stored as int64 in checkpoints.
    public let isCounter: Bool

    /// A buffer of the given shape, filled with `initialValue`.
    public init(shape: [Int], initialValue: Float = 0, isCounter: Bool = false) {
        self.shape = shape
        self.value = [Float](repeating: initialValue, count: shape.reduce(1, *))
        self.isCounter = isCounter
    }
}

/// Something that owns named parameters and buffers, addressed with PyTorch's dotted key names.
public protocol ParameterContainer: AnyObject {
    /// Calls `body` with each learnable parameter and its key, prefixed by `prefix`
    /// (`"st_gcn_networks.4."`), in a fixed order.
    func visitParameters(prefix: String, _ body: (String, Parameter) throws -> Void) rethrows
    /// Calls `body` with each buffer (running statistics) and its key, prefixed by `prefix`.
    func visitBuffers(prefix: String, _ body: (String, StateBuffer) throws -> Void) rethrows
}

extension ParameterContainer {
    /// All learnable parameters as `(key, parameter)` pairs, in walk order.
    public func namedParameters(prefix: String = "") -> [(name: String, parameter: Parameter)] {
        var result: [(name: String, parameter: Parameter)] = []
        visitParameters(prefix: prefix) { result.append(($0, $1)) }
        return result
    }

    /// All buffers as `(key, buffer)` pairs, in walk order.
    public func namedBuffers(prefix: String = "") -> [(name: String, buffer: StateBuffer)] {
        var result: [(name: String, buffer: StateBuffer)] = []
        visitBuffers(prefix: prefix) { result.append(($0, $1)) }
        return result
    }

    /// Sets every parameter's gradient to zero.
    public func zeroGradients() {
        visitParameters(prefix: "") { _, parameter in parameter.zeroGradient() }
    }

    /// The number of learnable scalars (PyTorch's `sum(p.numel() for p in model.parameters())`).
    public var parameterCount: Int {
        var total = 0
        visitParameters(prefix: "") { _, parameter in total += parameter.count }
        return total
    }
}
