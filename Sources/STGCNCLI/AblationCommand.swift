import ArgumentParser
import Foundation
import STGCN

/// `stgcn ablation`: the paper's Table 1 on your data — every variant trained with the same
/// data, seeds and budget, then a table of accuracy, parameters and time.
struct AblationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ablation",
        abstract: "Train every ablation variant of the ST-GCN paper (Table 1) on the same data and budget; print and save the table.",
        discussion: """
        The config is an official training config (model_args, train_feeder_args, test_feeder_args, batch_size, \
        base_lr, step, weight_decay, num_epoch, seed); `feeder: synthetic` uses the built-in synthetic actions \
        (feeder args samples_per_class, frames). Variants: \(AblationVariant.all.map(\.name).joined(separator: ", ")) \
        (default: the seven Table 1 rows). Single-stream variants are trained by the same Trainer as `stgcn train` \
        (logs, metrics and checkpoints in <work dir>/<variant>/); the table goes to ablation.md and ablation.json.
        """)

    @Option(name: .shortAndLong, help: "The base training config (YAML).")
    var config: String

    @Option(help: "Comma-separated variants (default: every Table 1 row).")
    var variants: String?

    @Option(help: "Epochs per variant (default: the config's num_epoch).")
    var epochs: Int?

    @Option(help: "Where to write ablation.md, ablation.json and one work directory per variant (default: the config's work_dir).")
    var workDir: String?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(help: "Print parameter counts per variant and exit without training.")
    var countOnly = false

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        try CLIError.requireBLAS()
        if let threads { Parallel.setWorkerCount(threads) }
        let url = URL(fileURLWithPath: config)
        var training: TrainingConfiguration
        do {
            training = try TrainingConfiguration(contentsOf: url)
        } catch { throw CLIError(error.description) }
        if let epochs { training.epochCount = epochs }
        let study: AblationStudy
        do {
            study = try AblationStudy(base: training.model, variants: try AblationStudy.variants(named: variants))
        } catch { throw CLIError("\(config): \(error.description)") }
        for (variant, parameters) in study.parameterCounts() {
            emit("\(variant.name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(parameters).leftPadded(9)) parameters  (\(variant.title))")
        }
        if countOnly { return }
        for warning in training.warnings { emit("warning: \(warning)") }

        let data: TrainingDataSet
        do {
            data = try TrainingDataSet.load(training)
            try Trainer.validate(configuration: training, data: data)
        } catch { throw CLIError("\(error)") }
        guard let test = data.test else {
            throw CLIError("\(config): test_feeder_args is missing; the ablation evaluates every variant on it")
        }
        let directory = workDir.map { URL(fileURLWithPath: $0) } ?? training.workDirectory
        let shape = data.train.sampleShape
        let dataDescription = training.feeder == .synthetic
            ? "synthetic actions, \(training.model.layout.name), T = \(shape[1])"
            : "\(data.train.source), T = \(shape[1])"
        let setup = AblationReport.Setup(
            config: config, data: dataDescription, trainSamples: data.train.count, testSamples: test.count,
            epochs: training.epochCount, batchSize: training.batchSize, baseLearningRate: training.baseLearningRate,
            steps: training.steps, weightDecay: training.weightDecay, seed: training.seed,
            threads: Parallel.workerCount, blas: BLAS.backendDescription)
        emit("Training \(study.variants.count) variants: \(dataDescription), \(data.train.count) train / \(test.count) test, \(training.epochCount) epochs; per-variant logs in \(directory.path)/<variant>/")
        // Every variant, the two-stream network included: the shared Trainer (what `stgcn train` runs).
        let trainer = SharedTrainerVariantTrainer(configuration: training, data: data, workDirectory: directory)
        let results: [AblationResult]
        do {
            results = try study.run(trainer: trainer, log: emit, completed: { partial in
                try AblationReport(setup: setup, results: partial).write(to: directory)
            })
        } catch { throw CLIError("\(error)") }
        let report = AblationReport(setup: setup, results: results)
        emit("")
        emit(report.markdown)
        emit("wrote \(directory.appendingPathComponent("ablation.md").path) and ablation.json")
    }
}

/// Writes a line to standard output unbuffered, so progress shows as it happens even in a log file.
private func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

private extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
