import Foundation
import SkeletonFormats

extension WeightsFile {
    /// Writes a state dict to `url` atomically, in the format its extension names:
    /// `.safetensors`, or `.pt`/`.pth` (a zip-format `torch.save` archive that PyTorch loads
    /// with `weights_only=True`).
    public static func write(_ tensors: [String: SafetensorsTensor], to url: URL,
                             metadata: [String: String]? = nil) throws {
        switch try Format(url: url) {
        case .safetensors:
            try SafetensorsFile.write(tensors, metadata: metadata, to: url)
        case .pytorch:
            try TorchCheckpointWriter.write(tensors, to: url)
        }
    }
}
