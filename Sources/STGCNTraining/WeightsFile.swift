import Foundation
import SkeletonFormats
import STGCNModel

/// Reading and writing model weights in the formats users have.
public enum WeightsFile {
    /// The checkpoint formats recognised by extension.
    public enum Format: String, Sendable {
        case safetensors
        case pytorch

        /// The format of `url` judged by its extension (`.safetensors`, `.pt`, `.pth`).
        public init(url: URL) throws(WeightsFileError) {
            switch url.pathExtension.lowercased() {
            case "safetensors": self = .safetensors
            case "pt", "pth", "tar": self = .pytorch
            default:
                throw .unsupportedFormat(file: url.path,
                                         reason: "unknown extension \".\(url.pathExtension)\"; expected .safetensors, .pt or .pth")
            }
        }
    }

    /// The tensors of a checkpoint file, by key.
    public static func tensors(contentsOf url: URL) throws -> [String: SafetensorsTensor] {
        guard FileManager.default.fileExists(atPath: url.path) else { throw WeightsFileError.missing(file: url.path) }
        switch try Format(url: url) {
        case .safetensors:
            return try SafetensorsFile(contentsOf: url).tensors
        case .pytorch:
            return try TorchCheckpoint.read(contentsOf: url)
        }
    }

    /// Loads a checkpoint into `network`, strictly (see `ParameterContainer.load(stateDict:source:ignoring:)`).
    @discardableResult
    public static func load(_ url: URL, into network: any ActionRecognitionModel,
                            ignoring prefixes: [String] = []) throws -> StateDictLoadReport {
        try network.load(stateDict: try tensors(contentsOf: url), source: url.path, ignoring: prefixes)
    }
}

/// A weights file that cannot be used.
public enum WeightsFileError: Error, CustomStringConvertible, Equatable {
    case missing(file: String)
    case unsupportedFormat(file: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let file): return "\(file): weights file not found"
        case let .unsupportedFormat(file, reason): return "\(file): \(reason)"
        }
    }
}
