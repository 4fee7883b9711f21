/// The legacy typed-storage classes that `torch.save` names in persistent ids, and their dtypes.
enum TorchStorageType {
    /// Storage class name (in module `torch`) → element type.
    static let dtypes: [String: TensorDType] = [
        "FloatStorage": .float32,
        "DoubleStorage": .float64,
        "HalfStorage": .float16,
        "BFloat16Storage": .bfloat16,
        "LongStorage": .int64,
        "IntStorage": .int32,
        "ShortStorage": .int16,
        "CharStorage": .int8,
        "ByteStorage": .uint8,
        "BoolStorage": .bool,
    ]

    /// The supported classes as `torch.XStorage`, sorted (for error messages).
    static let supportedNames: [String] = dtypes.keys.sorted().map { "torch.\($0)" }

    /// The dtype of `global`, or nil when it is not a supported storage class.
    static func dtype(of global: PickleGlobal) -> TensorDType? {
        global.module == "torch" ? dtypes[global.name] : nil
    }
}
