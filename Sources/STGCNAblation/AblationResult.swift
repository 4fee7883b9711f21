import STGCNTraining
/// One trained and evaluated row of the ablation table.
public struct AblationResult: Sendable, Equatable {
    /// The variant's name (`distance_tied`).
    public var name: String
    /// The Table 1 row it reproduces.
    public var title: String
    /// Learnable scalars of the model.
    public var parameters: Int
    /// Test accuracy and timings.
    public var scores: VariantScores

    /// A result from its parts.
    public init(name: String, title: String, parameters: Int, scores: VariantScores) {
        self.name = name
        self.title = title
        self.parameters = parameters
        self.scores = scores
    }
}
