import SkeletonFormats

/// A data array that holds NaN or ±Inf, or that could not be scanned for them.
///
/// `description` is one line naming the file, the index of the first bad value (one number per
/// axis, e.g. `(n, c, t, v, m) = (1, 0, 4, 2, 0)`) and what was expected.
public enum NonFiniteDataError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The first non-finite value of `file`, at `index` along `axes`.
    case nonFinite(file: String, value: Float, index: [Int], axes: [String])
    /// The array's payload could not be decoded while scanning it.
    case unreadable(NpyError)

    /// One line: file, index, what was expected.
    public var description: String {
        switch self {
        case let .nonFinite(file, value, index, axes):
            let names = axes.count == index.count ? axes : index.indices.map { "axis\($0)" }
            let place = "(\(names.joined(separator: ", "))) = (\(index.map(String.init).joined(separator: ", ")))"
            return "\(file): non-finite value \(value) at \(place); expected finite numbers (NaN and Inf are rejected)"
        case let .unreadable(error):
            return error.description
        }
    }
}
