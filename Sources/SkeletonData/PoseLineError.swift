/// Why one line of a keypoint stream was rejected. `description` is one line without the
/// line number (the reader adds it).
public enum PoseLineError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The line is not valid JSON.
    case syntax(reason: String)
    /// A field is missing or of the wrong type.
    case field(name: String, expected: String, found: String)
    /// A number is NaN or infinite (or too large for a double).
    case nonFinite(field: String)
    /// A person's keypoints do not have the layout's joint count.
    case keypointCount(field: String, layout: String, expected: Int, found: Int)
    /// Two persons of the frame have the same id.
    case duplicateID(Int)
    /// More persons than `InputLimits.maximumPersonCount`.
    case tooManyPersons(count: Int, limit: Int)

    public var description: String {
        switch self {
        case let .syntax(reason): return "not JSON: \(reason)"
        case let .field(name, expected, found): return "\(name): expected \(expected), found \(found)"
        case let .nonFinite(field): return "\(field): not a finite number"
        case let .keypointCount(field, layout, expected, found):
            return "\(field): \(found) keypoints; layout \(layout) has \(expected) joints ([x, y, score] or null each, or \(3 * expected) numbers)"
        case let .duplicateID(id): return "persons: id \(id) appears twice"
        case let .tooManyPersons(count, limit): return "persons: \(count) persons; at most \(limit)"
        }
    }
}
