import SkeletonFormats

extension PoseFrame {
    /// The frame as one line of `stgcn stream` input (no newline): `frame` and `time` when set,
    /// `persons` with `id` when set and `keypoints` as `[x, y, score]` triples, a joint whose
    /// three numbers are all zero as `null`. `PoseLineParser` reads it back to the same frame.
    public var jsonLine: String {
        var members: [JSONMember] = []
        if let frame { members.append(JSONMember(key: "frame", value: .integer(frame))) }
        if let time { members.append(JSONMember(key: "time", value: .number(time))) }
        let persons: [JSONValue] = persons.map { person in
            var fields: [JSONMember] = []
            if let id = person.id { fields.append(JSONMember(key: "id", value: .integer(id))) }
            var joints: [JSONValue] = []
            var index = 0
            while index + 2 < person.keypoints.count {
                let triple = person.keypoints[index..<(index + 3)]
                joints.append(triple.allSatisfy { $0 == 0 } ? .null : .array(triple.map { .number($0) }))
                index += 3
            }
            fields.append(JSONMember(key: "keypoints", value: .array(joints)))
            return .object(fields)
        }
        members.append(JSONMember(key: "persons", value: .array(persons)))
        return JSONWriting.text(.object(members))
    }
}
