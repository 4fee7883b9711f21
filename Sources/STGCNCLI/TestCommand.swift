import ArgumentParser
import Foundation
import STGCN

/// `stgcn test`: evaluation of weights on a test set, as the official `phase: test`.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Evaluate weights on test_feeder_args: top-1, top-5, mean class accuracy.")

    @Option(name: .shortAndLong, help: "An official-format config with test_feeder_args (test.yaml or train.yaml).")
    var config: String

    @Option(help: "Weights: .safetensors, .pt or .pth (a training checkpoint works too). Default: the config's `weights`.")
    var weights: String?

    @Option(help: "Write the logits (N, num_class) as float32 .npy.")
    var saveScores: String?

    @Option(help: "Write per-class accuracy as CSV (class, name, samples, correct, accuracy).")
    var perClassCsv: String?

    @Option(help: "Write the confusion matrix as CSV (rows: true class, columns: predicted).")
    var confusion: String?

    @Option(help: "Class names, one per line (label_name.txt), for the CSV files.")
    var labels: String?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Config keys as options: --key value.", valueName: "--key value"))
    var overrides: [String] = []

    func run() throws {
        try CLIError.requireBLAS()
        for path in [saveScores, perClassCsv, confusion].compactMap({ $0 }) { try CLIError.checkOutput(path) }
        if let threads { Parallel.setWorkerCount(threads) }
        let settings: TrainingConfiguration
        do {
            settings = try TrainingConfiguration(contentsOf: URL(fileURLWithPath: config),
                                                 overrides: try ConfigurationOverride.parse(overrides), purpose: .test)
        } catch { throw CLIError(error.description) }
        ConfigurationLoading.printWarnings(settings.warnings)
        guard let weightsURL = weights.map({ URL(fileURLWithPath: $0) }) ?? settings.experiment.weights else {
            throw CLIError("\(config): no weights given; pass --weights or set `weights` in the config")
        }
        let model = settings.model
        var names: [String]?
        if let labels {
            do { names = try ClassNames.read(contentsOf: URL(fileURLWithPath: labels), classCount: model.classCount) } catch {
                throw CLIError(error.description)
            }
        } else if settings.feeder == .synthetic {
            names = SyntheticActions.classNames + (SyntheticActions.classCount..<max(SyntheticActions.classCount, model.classCount)).map { "class \($0)" }
        }
        let feeder: Feeder
        do {
            guard let arguments = settings.testFeeder else { throw CLIError("\(config): test_feeder_args missing") }
            feeder = try TrainingDataSet.loadTest(arguments, kind: settings.feeder, model: model)
        } catch { throw CLIError("\(error)") }
        let network: any ActionRecognitionModel
        do { network = try TrainedModelLoader.load(settings.experiment, configSource: config, weights: weightsURL) } catch {
            throw CLIError(error.description)
        }
        let started = Date()
        let (metrics, logits): (ClassificationMetrics, [Float])
        do { (metrics, logits) = try Evaluation.run(network: network, feeder: feeder, batchSize: settings.testBatchSize) } catch {
            throw CLIError("\(error)")
        }
        let seconds = Date().timeIntervalSince(started)
        print("Evaluated \(metrics.sampleCount) samples with \(weightsURL.lastPathComponent) in \(String(format: "%.1f", seconds)) s")
        print(String(format: "\tmean_loss: %.6f", metrics.meanLoss ?? 0))
        print(String(format: "\tTop1: %.2f%%", 100 * metrics.top1))
        print(String(format: "\tTop5: %.2f%%", 100 * metrics.top5))
        print(String(format: "\tMean class accuracy: %.2f%%", 100 * metrics.meanClassAccuracy))

        func name(_ index: Int) -> String { names.flatMap { index < $0.count ? $0[index] : nil } ?? "class \(index)" }
        if let saveScores {
            do { try Npy.write(float32: logits, shape: [metrics.sampleCount, model.classCount], to: URL(fileURLWithPath: saveScores)) } catch {
                throw CLIError(error.description)
            }
            print("scores (logits \([metrics.sampleCount, model.classCount])): \(saveScores)")
        }
        if let perClassCsv {
            var text = "class,name,samples,correct,accuracy\n"
            for (index, row) in metrics.confusion.enumerated() {
                let total = row.reduce(0, +)
                let accuracy = total > 0 ? String(format: "%.6f", Double(row[index]) / Double(total)) : ""
                text += "\(index),\(Self.csvField(name(index))),\(total),\(row[index]),\(accuracy)\n"
            }
            try Self.write(text, to: perClassCsv)
            print("per-class accuracy: \(perClassCsv)")
        }
        if let confusion {
            var text = "true\\predicted," + (0..<model.classCount).map { Self.csvField(name($0)) }.joined(separator: ",") + "\n"
            for (index, row) in metrics.confusion.enumerated() {
                text += Self.csvField(name(index)) + "," + row.map(String.init).joined(separator: ",") + "\n"
            }
            try Self.write(text, to: confusion)
            print("confusion matrix: \(confusion)")
        }
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    static func write(_ text: String, to path: String) throws {
        do { try OutputFile.write(Data(text.utf8), to: URL(fileURLWithPath: path)) } catch { throw CLIError(error.description) }
    }
}
