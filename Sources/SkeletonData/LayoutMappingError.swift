/// Why an input layout cannot feed a model.
public enum LayoutMappingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `--input-layout` names no known layout.
    case unknownInputLayout(name: String, known: [String])
    /// There is no joint mapping from the input layout onto the model's layout.
    case unsupported(input: String, model: String, accepted: [String])
    /// The model's input channels do not fit the mapped keypoints (always 3 here).
    case channelMismatch(model: String, channels: Int)
    /// The input is in pixels and no image size was given.
    case imageSizeRequired(input: String)

    public var description: String {
        switch self {
        case let .unknownInputLayout(name, known):
            return "unknown input layout \(TextQuoting.quoted(name)); expected one of \(known.joined(separator: ", "))"
        case let .unsupported(input, model, accepted):
            let list = accepted.isEmpty ? "none of the input layouts" : accepted.joined(separator: ", ")
            return "input layout \(input) cannot feed a model with layout \(model); that model takes \(list)"
        case let .channelMismatch(model, channels):
            return "the model (layout \(model)) takes \(channels) channels per joint; mapped keypoints have 3"
        case let .imageSizeRequired(input):
            return "input layout \(input) is in pixels: give the image size (--image-size WIDTHxHEIGHT) to normalise it as the official pipeline"
        }
    }
}
