import InputLimits
import SkeletonFormats

/// Reads one line of `stgcn stream`'s input: a JSON object for one frame,
/// `{"frame": 12, "time": 0.4, "persons": [{"id": 3, "keypoints": [[x, y, score], …]}]}`.
///
/// - `frame` (integer) and `time` (number) are optional, and so is each person's `id` (integer);
///   other members are ignored.
/// - `keypoints`: the input layout's joints in its order, each `[x, y, score]` (2-D layouts) or
///   `[x, y, z]` (`ntu25`), or `null` for a missing joint; a flat array of 3·V numbers
///   (OpenPose's `pose_keypoints_2d` style) is accepted too.
/// - Every number must be finite; an empty `persons` array is a frame with nobody in it.
/// Errors are typed (`PoseLineError`); the parser never traps, whatever the bytes.
public struct PoseLineParser: Sendable {
    /// The layout keypoints are in.
    public let layout: InputLayout

    /// A parser for `layout`.
    public init(layout: InputLayout) {
        self.layout = layout
    }

    /// Parses one line's bytes (without its newline).
    public func parse(_ bytes: [UInt8]) throws(PoseLineError) -> PoseFrame {
        let root: JSONValue
        do { root = try JSONReader.parse(bytes) } catch { throw .syntax(reason: error.reason) }
        guard case .object = root.content else { throw .field(name: "line", expected: "a JSON object", found: root.typeName) }
        var frame = PoseFrame(persons: [])
        if let node = root["frame"], node.content != .null {
            guard case let .integer(value) = node.content, let exact = Int(exactly: value) else {
                throw .field(name: "frame", expected: "an integer", found: node.briefDescription)
            }
            frame.frame = exact
        }
        if let node = root["time"], node.content != .null { frame.time = try number(node, field: "time") }
        guard let personsNode = root["persons"] else { throw .field(name: "persons", expected: "an array of persons", found: "none") }
        guard case let .array(persons) = personsNode.content else {
            throw .field(name: "persons", expected: "an array of persons", found: personsNode.briefDescription)
        }
        guard persons.count <= InputLimits.maximumPersonCount else {
            throw .tooManyPersons(count: persons.count, limit: InputLimits.maximumPersonCount)
        }
        var ids: Set<Int> = []
        for (m, node) in persons.enumerated() {
            let path = "persons[\(m)]"
            guard case .object = node.content else { throw .field(name: path, expected: "an object", found: node.briefDescription) }
            var person = PosePerson(keypoints: [])
            if let idNode = node["id"], idNode.content != .null {
                guard case let .integer(value) = idNode.content, let id = Int(exactly: value) else {
                    throw .field(name: "\(path).id", expected: "an integer", found: idNode.briefDescription)
                }
                guard ids.insert(id).inserted else { throw .duplicateID(id) }
                person.id = id
            }
            guard let keypoints = node["keypoints"] else { throw .field(name: "\(path).keypoints", expected: "an array", found: "none") }
            person.keypoints = try self.keypoints(keypoints, field: "\(path).keypoints")
            frame.persons.append(person)
        }
        return frame
    }

    /// `3 · V` numbers from `[[x, y, s], null, …]` or a flat array.
    func keypoints(_ node: JSONValue, field: String) throws(PoseLineError) -> [Double] {
        guard case let .array(elements) = node.content else { throw .field(name: field, expected: "an array", found: node.briefDescription) }
        let joints = layout.jointCount
        var values = [Double](repeating: 0, count: 3 * joints)
        if let first = elements.first, first.doubleValue != nil {
            guard elements.count == 3 * joints else {
                throw .keypointCount(field: field, layout: layout.rawValue, expected: joints, found: elements.count / 3)
            }
            for (i, element) in elements.enumerated() { values[i] = try number(element, field: "\(field)[\(i)]") }
            return values
        }
        guard elements.count == joints else {
            throw .keypointCount(field: field, layout: layout.rawValue, expected: joints, found: elements.count)
        }
        for (v, joint) in elements.enumerated() {
            switch joint.content {
            case .null:
                continue
            case let .array(triple):
                guard triple.count == 3 else {
                    throw .field(name: "\(field)[\(v)]", expected: layout.isThreeDimensional ? "[x, y, z]" : "[x, y, score]",
                                 found: "\(triple.count) numbers")
                }
                for k in 0..<3 { values[3 * v + k] = try number(triple[k], field: "\(field)[\(v)][\(k)]") }
            default:
                throw .field(name: "\(field)[\(v)]", expected: "[x, y, \(layout.isThreeDimensional ? "z" : "score")] or null",
                             found: joint.briefDescription)
            }
        }
        return values
    }

    /// A finite number (integers converted).
    func number(_ node: JSONValue, field: String) throws(PoseLineError) -> Double {
        guard let value = node.doubleValue else { throw .field(name: field, expected: "a number", found: node.briefDescription) }
        guard value.isFinite else { throw .nonFinite(field: field) }
        return value
    }
}
