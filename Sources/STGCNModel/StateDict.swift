import Foundation
import SkeletonFormats

/// Why a checkpoint could not be loaded into a model.
public enum StateDictError: Error, CustomStringConvertible, Equatable {
    /// The checkpoint's tensors do not fit the configured model. Every list is complete.
    case mismatch(source: String, missing: [String], unexpected: [String], misshaped: [ShapeMismatch])
    /// A tensor's values could not be decoded (wrong dtype, corrupt bytes).
    case unreadable(source: String, name: String, reason: String)

    /// One tensor whose shape differs from the model's.
    public struct ShapeMismatch: Equatable, Sendable, CustomStringConvertible {
        public var name: String
        public var expected: [Int]
        public var found: [Int]
        public var description: String { "\(name): model \(expected), file \(found)" }
    }

    public var description: String {
        switch self {
        case let .mismatch(source, missing, unexpected, misshaped):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(missing.count): \(Self.list(missing))") }
            if !unexpected.isEmpty { parts.append("unexpected \(unexpected.count): \(Self.list(unexpected))") }
            if !misshaped.isEmpty {
                parts.append("mis-shaped \(misshaped.count): \(Self.list(misshaped.map(\.description)))")
            }
            return "\(source): weights do not fit the configured model (\(parts.joined(separator: "; ")))"
        case let .unreadable(source, name, reason):
            return "\(source): tensor \(name) could not be read: \(reason)"
        }
    }

    private static func list(_ items: [String]) -> String {
        items.count <= 12 ? items.joined(separator: ", ")
            : items.prefix(12).joined(separator: ", ") + ", … (\(items.count - 12) more)"
    }
}

/// What a successful load did.
public struct StateDictLoadReport: Sendable, Equatable {
    /// Keys whose values were copied into the model.
    public var loaded: [String]
    /// Keys present in the file and deliberately not used (`A`, `num_batches_tracked`, ignored prefixes).
    public var skipped: [String]
}

extension ParameterContainer {
    /// Copies a state dict (official key names, optionally with a `module.` prefix) into the model.
    ///
    /// The graph buffers `A` (also `origin_stream.A`, `motion_stream.A`) are ignored (the model
    /// builds its own from the configuration), and so is `num_batches_tracked` when absent. Keys starting with one of `ignoring` are skipped in
    /// the file and may be missing from it. Nothing is modified unless every tensor fits.
    @discardableResult
    public func load(stateDict tensors: [String: SafetensorsTensor], source: String,
                     ignoring ignoredPrefixes: [String] = []) throws(StateDictError) -> StateDictLoadReport {
        var byName: [String: SafetensorsTensor] = [:]
        for (key, tensor) in tensors {
            byName[key.hasPrefix("module.") ? String(key.dropFirst("module.".count)) : key] = tensor
        }
        func isIgnored(_ key: String) -> Bool { ignoredPrefixes.contains { key.hasPrefix($0) } }
        var expected: [String: (shape: [Int], optional: Bool)] = [:]
        visitParameters(prefix: "") { name, parameter in expected[name] = (parameter.shape, false) }
        visitBuffers(prefix: "") { name, buffer in expected[name] = (buffer.shape, buffer.isCounter) }

        var missing: [String] = [], unexpected: [String] = [], misshaped: [StateDictError.ShapeMismatch] = []
        var skipped: [String] = []
        for (name, tensor) in byName.sorted(by: { $0.key < $1.key }) {
            if isIgnored(name) || name == "A" || name.hasSuffix(".A") {
                skipped.append(name)
            } else if let want = expected[name] {
                if tensor.shape != want.shape && !(want.shape.isEmpty && tensor.shape == [1]) {
                    misshaped.append(.init(name: name, expected: want.shape, found: tensor.shape))
                }
            } else {
                unexpected.append(name)
            }
        }
        for (name, want) in expected.sorted(by: { $0.key < $1.key })
        where byName[name] == nil && !want.optional && !isIgnored(name) {
            missing.append(name)
        }
        guard missing.isEmpty && unexpected.isEmpty && misshaped.isEmpty else {
            throw .mismatch(source: source, missing: missing, unexpected: unexpected, misshaped: misshaped)
        }
        // Decode everything before touching the model, so a failure leaves it unchanged.
        var decoded: [String: [Float]] = [:]
        for name in expected.keys.sorted() {
            guard let tensor = byName[name], !isIgnored(name) else { continue }
            do {
                if tensor.dtype == .int64 {
                    decoded[name] = try tensor.int64Values().map { Float($0) }
                } else {
                    let values = try tensor.floatValues()
                    if let bad = values.firstIndex(where: { !$0.isFinite }) {
                        throw StateDictError.unreadable(source: source, name: name,
                                                        reason: "non-finite value \(values[bad]) at index \(bad)")
                    }
                    decoded[name] = values
                }
            } catch let error as StateDictError {
                throw error
            } catch {
                throw .unreadable(source: source, name: name, reason: "\(error)")
            }
        }
        visitParameters(prefix: "") { name, parameter in
            if let values = decoded[name] { parameter.value = values }
        }
        visitBuffers(prefix: "") { name, buffer in
            if let values = decoded[name] { buffer.value = values }
        }
        return StateDictLoadReport(loaded: decoded.keys.sorted(), skipped: skipped)
    }

    /// Every parameter and buffer under its key, as float32 (`num_batches_tracked` as int64).
    public func parameterAndBufferTensors(prefix: String = "") -> [String: SafetensorsTensor] {
        var result: [String: SafetensorsTensor] = [:]
        visitParameters(prefix: prefix) { name, parameter in
            result[name] = SafetensorsTensor(float32: parameter.value, shape: parameter.shape)
        }
        visitBuffers(prefix: prefix) { name, buffer in
            result[name] = buffer.isCounter
                ? SafetensorsTensor(int64: buffer.value.map { Int64($0) }, shape: buffer.shape)
                : SafetensorsTensor(float32: buffer.value, shape: buffer.shape)
        }
        return result
    }

    /// Loads weights from a safetensors file (see `load(stateDict:source:ignoring:)`).
    @discardableResult
    public func loadWeights(contentsOf url: URL, ignoring ignoredPrefixes: [String] = []) throws -> StateDictLoadReport {
        let file = try SafetensorsFile(contentsOf: url)
        return try load(stateDict: file.tensors, source: url.path, ignoring: ignoredPrefixes)
    }
}

extension STGCNNetwork {
    /// The model's state dict with the official key names: every parameter and buffer as
    /// float32 (`num_batches_tracked` as int64), plus the graph buffer `A`.
    public func stateDict() -> [String: SafetensorsTensor] {
        stateDict(prefix: "")
    }

    /// The state dict with every key prefixed by `prefix` (`"origin_stream."` in a two-stream model).
    public func stateDict(prefix: String) -> [String: SafetensorsTensor] {
        var result = parameterAndBufferTensors(prefix: prefix)
        result[prefix + "A"] = SafetensorsTensor(float32: graph.adjacency,
                                                 shape: [graph.subsetCount, graph.jointCount, graph.jointCount])
        return result
    }
}
