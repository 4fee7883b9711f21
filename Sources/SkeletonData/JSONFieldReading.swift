import SkeletonFormats

/// Typed access to parsed JSON (`JSONReader`) with errors that name the file, line and field path.
struct JSONFieldReader {
    let file: String
    var filter: NonFiniteFilter

    init(file: String, nonFinite: NonFinitePolicy) {
        self.file = file
        self.filter = NonFiniteFilter(nonFinite, file: file)
    }

    /// Parses a document, mapping syntax errors to `SkeletonDataError.malformed`.
    func parse(_ bytes: [UInt8]) throws(SkeletonDataError) -> JSONValue {
        do {
            return try JSONReader.parse(bytes)
        } catch {
            throw .malformed(file: file, line: error.line, field: "JSON", expected: "valid JSON", found: error.reason)
        }
    }

    func member(_ node: JSONValue, _ key: String, path: String) throws(SkeletonDataError) -> JSONValue {
        guard case .object = node.content else {
            throw .malformed(file: file, line: node.line, field: path.isEmpty ? "top level" : path, expected: "an object", found: node.typeName)
        }
        guard let child = node[key] else {
            throw .malformed(file: file, line: node.line, field: path.isEmpty ? key : "\(path).\(key)", expected: "a member '\(key)'", found: "none")
        }
        return child
    }

    func array(_ node: JSONValue, path: String) throws(SkeletonDataError) -> [JSONValue] {
        guard case let .array(elements) = node.content else {
            throw .malformed(file: file, line: node.line, field: path, expected: "an array", found: node.typeName)
        }
        return elements
    }

    func integer(_ node: JSONValue, path: String, in bounds: ClosedRange<Int>) throws(SkeletonDataError) -> Int {
        guard let value = node.doubleValue, value.rounded() == value, value >= Double(bounds.lowerBound), value <= Double(bounds.upperBound) else {
            throw .malformed(file: file, line: node.line, field: path, expected: "an integer in \(bounds.lowerBound)...\(bounds.upperBound)",
                             found: node.briefDescription)
        }
        return Int(value)
    }

    func string(_ node: JSONValue, path: String) throws(SkeletonDataError) -> String {
        guard case let .string(value) = node.content else {
            throw .malformed(file: file, line: node.line, field: path, expected: "a string", found: node.typeName)
        }
        return value
    }

    func bool(_ node: JSONValue, path: String) throws(SkeletonDataError) -> Bool {
        guard case let .bool(value) = node.content else {
            throw .malformed(file: file, line: node.line, field: path, expected: "true or false", found: node.typeName)
        }
        return value
    }

    /// An array of exactly `count` numbers (checked against the NaN/Inf policy).
    mutating func numbers(_ node: JSONValue, path: String, count: Int?) throws(SkeletonDataError) -> [Double] {
        let elements = try array(node, path: path)
        if let count, elements.count != count {
            throw .malformed(file: file, line: node.line, field: path, expected: "\(count) numbers", found: "\(elements.count) elements")
        }
        var values: [Double] = []
        values.reserveCapacity(elements.count)
        for (i, element) in elements.enumerated() {
            guard let value = element.doubleValue else {
                throw .malformed(file: file, line: element.line, field: "\(path)[\(i)]", expected: "a number", found: element.typeName)
            }
            values.append(try filter.check(value, line: element.line, field: "\(path)[\(i)]"))
        }
        return values
    }
}

/// Orders persons within each frame by their score summed over the joints, highest first,
/// ties in original order (numpy's argsort of the negated sums, which is stable for the
/// handful of persons involved), and keeps the first `keep`.
enum PersonRanking {
    /// `clip` has score channel `scoreChannel`; returns (C, T, V, keep).
    static func keepHighestScoring(_ clip: SkeletonClip, scoreChannel: Int, keep: Int) -> SkeletonClip {
        let c = clip.channels, frames = clip.frames, v = clip.joints, m = clip.persons
        var result = SkeletonClip(channels: c, frames: frames, joints: v, persons: keep)
        for t in 0..<frames {
            var sums = [Double](repeating: 0, count: m)
            for person in 0..<m {
                for joint in 0..<v { sums[person] += Double(clip[scoreChannel, t, joint, person]) }
            }
            let order = (0..<m).sorted { sums[$0] > sums[$1] || (sums[$0] == sums[$1] && $0 < $1) }
            for (slot, person) in order.prefix(keep).enumerated() {
                for channel in 0..<c {
                    for joint in 0..<v { result[channel, t, joint, slot] = clip[channel, t, joint, person] }
                }
            }
        }
        return result
    }
}
