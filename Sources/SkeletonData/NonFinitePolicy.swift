/// What readers do with NaN or infinite coordinates.
public enum NonFinitePolicy: Sendable, Hashable {
    /// Throw `SkeletonDataError.nonFinite` naming the file, line and field (the default).
    case reject
    /// Store 0 instead (a missing joint, as the models expect) and count the replacement.
    case replaceWithZero
}

/// Applies a `NonFinitePolicy` while a file is read and counts replacements.
struct NonFiniteFilter {
    let policy: NonFinitePolicy
    let file: String
    private(set) var replaced = 0

    init(_ policy: NonFinitePolicy, file: String) {
        self.policy = policy
        self.file = file
    }

    /// `value` when finite; else 0 (counted) or a thrown error, per the policy.
    mutating func check(_ value: Double, line: Int?, field: @autoclosure () -> String) throws(SkeletonDataError) -> Double {
        if value.isFinite { return value }
        switch policy {
        case .reject:
            throw .nonFinite(file: file, line: line, field: field(), value: "\(value)")
        case .replaceWithZero:
            replaced += 1
            return 0
        }
    }
}

/// What readers do with sequences longer than the target frame count.
public enum FrameOverflow: Sendable, Hashable {
    /// Throw `SkeletonDataError.tooManyFrames` (the official converter fails on such clips).
    case error
    /// Keep the first frames.
    case truncate
    /// Keep every frame: the clip is longer than the target count.
    case keepAll
}
