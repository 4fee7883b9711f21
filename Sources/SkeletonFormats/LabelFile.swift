import Foundation

/// The official ST-GCN label files (`{train,val}_label.pkl`): a pickled tuple
/// `(sample_names: list[str], labels: list[int])`, as written by the official `tools/*_gendata.py`.
public enum LabelFile {
    /// Reads the sample names and labels from the pickle at `url`.
    /// - Throws: `LabelFileError` naming the file (and the byte offset for malformed pickles).
    public static func read(contentsOf url: URL) throws(LabelFileError) -> (names: [String], labels: [Int]) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try decode(data, source: url.path)
    }

    /// Decodes label-file bytes; `source` names them in errors.
    /// - Throws: `LabelFileError`.
    public static func decode(_ data: Data, source: String) throws(LabelFileError) -> (names: [String], labels: [Int]) {
        let root: PickleValue
        do {
            root = try PickleReader.read(data, source: source).value
        } catch {
            throw .pickle(error)
        }
        let parts: [PickleValue]
        switch root {
        case let .tuple(items), let .list(items): parts = items
        default: throw .unexpectedStructure(file: source, reason: "the pickle holds \(root.kindName)")
        }
        guard parts.count == 2 else {
            throw .unexpectedStructure(file: source, reason: "the pickled tuple has \(parts.count) items")
        }
        guard case let .list(nameValues) = parts[0] else {
            throw .unexpectedStructure(file: source, reason: "item 0 is \(parts[0].kindName)")
        }
        guard case let .list(labelValues) = parts[1] else {
            throw .unexpectedStructure(file: source, reason: "item 1 is \(parts[1].kindName)")
        }
        var names: [String] = []
        names.reserveCapacity(nameValues.count)
        for (index, value) in nameValues.enumerated() {
            guard case let .string(name) = value else {
                throw .unexpectedStructure(file: source, reason: "sample name \(index) is \(value.kindName)")
            }
            names.append(name)
        }
        var labels: [Int] = []
        labels.reserveCapacity(labelValues.count)
        for (index, value) in labelValues.enumerated() {
            switch value {
            case let .int(label):
                guard let exact = Int(exactly: label) else {
                    throw .unexpectedStructure(file: source, reason: "label \(index) (\(label)) does not fit in Int")
                }
                labels.append(exact)
            case let .bool(flag): labels.append(flag ? 1 : 0)
            default: throw .unexpectedStructure(file: source, reason: "label \(index) is \(value.kindName)")
            }
        }
        guard names.count == labels.count else {
            throw .countMismatch(file: source, names: names.count, labels: labels.count)
        }
        return (names, labels)
    }

    /// The protocol-2 pickle of `(names, labels)`, readable by Python 2 and 3 `pickle.load`.
    public static func encode(names: [String], labels: [Int]) -> Data {
        var writer = PickleWriter()
        writer.writeList(names) { $0.write($1) }
        writer.writeList(labels) { $0.write(Int64($1)) }
        writer.tuple2()
        return writer.finish()
    }

    /// Writes `(names, labels)` to `url` atomically (temporary file in the same directory, then rename).
    /// - Throws: `LabelFileError.countMismatch` when the counts differ, `.writeFailed` for I/O errors.
    public static func write(names: [String], labels: [Int], to url: URL) throws(LabelFileError) {
        guard names.count == labels.count else {
            throw .countMismatch(file: url.path, names: names.count, labels: labels.count)
        }
        if let reason = AtomicFileWriter.write(encode(names: names, labels: labels), to: url) {
            throw .writeFailed(file: url.path, reason: reason)
        }
    }
}
