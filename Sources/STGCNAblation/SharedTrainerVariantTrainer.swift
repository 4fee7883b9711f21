import Foundation
import STGCNTraining
import STGCNModel

/// Trains each variant, the two-stream network included, with the package's `Trainer` —
/// exactly what `stgcn train` runs for the variant's `model` and `model_args` — in its own work
/// directory `<workDirectory>/<variant>/` (`log.txt`, `metrics.jsonl`, `checkpoint.safetensors`,
/// `report.html`, `epoch{N}_model.safetensors`), and reads the scores of its final evaluation.
public struct SharedTrainerVariantTrainer: VariantTrainer {
    /// The base training configuration (data, budget, seed); the model part is replaced per variant.
    public let configuration: TrainingConfiguration
    /// The data, opened once for all variants.
    public let data: TrainingDataSet
    /// The folder holding one work directory per variant.
    public let workDirectory: URL
    /// A trainer writing under `workDirectory`.
    public init(configuration: TrainingConfiguration, data: TrainingDataSet, workDirectory: URL) {
        self.configuration = configuration
        self.data = data
        self.workDirectory = workDirectory
    }

    public func trainAndEvaluate(_ model: any ActionRecognitionModel, name: String, log: (String) -> Void) throws -> VariantScores {
        guard data.test != nil else { throw AblationError.mismatch("test_feeder_args is missing: the ablation evaluates every variant") }
        var settings = configuration
        settings.experiment.model = model.configuration
        settings.experiment.architecture = model is TwoStreamNetwork ? .twoStream : .singleStream
        settings.workDirectory = workDirectory.appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(at: settings.workDirectory, withIntermediateDirectories: true)
        } catch {
            throw TrainingError.io(file: settings.workDirectory.path, reason: "cannot create the work directory: \(error.localizedDescription)")
        }
        let trainingLog = try TrainingLog(file: Trainer.WorkFiles(directory: settings.workDirectory).log, echo: false)
        let trainer = try Trainer(configuration: settings, network: model, data: data, log: trainingLog)
        try trainer.run()
        for record in trainer.state.history {
            log(String(format: "  epoch %d/%d  lr %.4g  loss %.4f  train top-1 %.1f%%", record.epoch + 1, settings.epochCount,
                       record.learningRate, record.trainLoss, 100 * record.trainAccuracy))
        }
        guard let metrics = trainer.lastEvaluation else {
            throw AblationError.mismatch("\(name): the Trainer finished without an evaluation")
        }
        return VariantScores(top1: metrics.top1, top5: metrics.top5,
                             trainingLosses: trainer.state.history.map(\.trainLoss),
                             trainingSeconds: trainer.state.history.reduce(0) { $0 + $1.seconds },
                             evaluationSeconds: trainer.state.history.reduce(0) { $0 + ($1.evaluation?.seconds ?? 0) })
    }
}
