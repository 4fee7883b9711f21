/// The model classes of the official code that this package builds (the config's `model`).
public enum ModelArchitecture: String, Sendable, CaseIterable {
    /// `net.st_gcn.Model`: one ST-GCN (`STGCNNetwork`).
    case singleStream = "net.st_gcn.Model"
    /// `net.st_gcn_twostream.Model`: coordinates and motion, logits summed (`TwoStreamNetwork`).
    case twoStream = "net.st_gcn_twostream.Model"

    /// A model of this class with `configuration` (zero weights; initialize or load them).
    public func makeModel(configuration: ModelConfiguration) throws(ModelConfigurationError) -> any ActionRecognitionModel {
        switch self {
        case .singleStream: return try STGCNNetwork(configuration: configuration)
        case .twoStream: return try TwoStreamNetwork(configuration: configuration)
        }
    }
}
