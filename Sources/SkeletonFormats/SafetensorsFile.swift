import Foundation

/// A safetensors file held in memory: named tensors plus optional string metadata.
///
/// The format: an 8-byte little-endian u64 header length `N`, `N` bytes of JSON
/// `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}`,
/// then the data buffer, with offsets relative to the buffer's start. Reading trusts nothing
/// in the header: every length, offset and shape is checked before any allocation.
public struct SafetensorsFile: Sendable {
    /// Where the tensors came from (a file path, or the `source` given to `init(data:source:)`); used in errors.
    public let source: String
    /// The tensors by name.
    public private(set) var tensors: [String: SafetensorsTensor]
    /// The `__metadata__` string map (empty when the file has none).
    public var metadata: [String: String]

    /// The largest header accepted, in bytes (the limit of the reference implementation).
    public static let maximumHeaderLength = 100_000_000

    /// Creates an in-memory file from tensors, e.g. to `write(to:)` later.
    public init(tensors: [String: SafetensorsTensor], metadata: [String: String] = [:], source: String = "<memory>") {
        self.source = source
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Reads and validates the file at `url` (memory-mapped, tensors copied out).
    /// - Throws: `SafetensorsError`, naming `url.path`.
    public init(contentsOf url: URL) throws(SafetensorsError) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        try self.init(data: data, source: url.path)
    }

    /// Parses and validates safetensors bytes; `source` names them in errors.
    /// - Throws: `SafetensorsError` describing the first problem found.
    public init(data: Data, source: String) throws(SafetensorsError) {
        let parsed = try SafetensorsHeaderReader.read(data, source: source)
        var tensors: [String: SafetensorsTensor] = [:]
        tensors.reserveCapacity(parsed.entries.count)
        for entry in parsed.entries {
            let lower = data.startIndex + parsed.bufferStart + entry.begin
            let upper = data.startIndex + parsed.bufferStart + entry.end
            tensors[entry.name] = try SafetensorsTensor(dtype: entry.dtype, shape: entry.shape, bytes: data.subdata(in: lower..<upper))
        }
        self.source = source
        self.tensors = tensors
        self.metadata = parsed.metadata
    }

    /// The tensor names, sorted.
    public var names: [String] { tensors.keys.sorted() }

    /// The tensor called `name`, or nil.
    public subscript(name: String) -> SafetensorsTensor? {
        get { tensors[name] }
        set { tensors[name] = newValue }
    }

    /// The tensor called `name`.
    /// - Throws: `SafetensorsError.missingTensor` ("missing tensor X in FILE").
    public func tensor(_ name: String) throws(SafetensorsError) -> SafetensorsTensor {
        guard let tensor = tensors[name] else { throw .missingTensor(name: name, file: source) }
        return tensor
    }
}
