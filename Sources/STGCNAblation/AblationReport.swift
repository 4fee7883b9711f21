import Foundation
import STGCNTraining
import SkeletonFormats

/// The ablation table with the settings that produced it, as Markdown and JSON
/// (`ablation.md`, `ablation.json` in the work directory).
public struct AblationReport: Sendable, Equatable {
    /// What every variant was trained on and with.
    public struct Setup: Sendable, Equatable {
        /// The configuration file.
        public var config: String
        /// A short description of the data (`synthetic ntu-rgb+d, 13 classes, T = 32`).
        public var data: String
        /// Training samples.
        public var trainSamples: Int
        /// Test samples.
        public var testSamples: Int
        /// `num_epoch`.
        public var epochs: Int
        /// `batch_size`.
        public var batchSize: Int
        /// `base_lr`.
        public var baseLearningRate: Double
        /// `step`.
        public var steps: [Int]
        /// `weight_decay`.
        public var weightDecay: Double
        /// `seed`.
        public var seed: UInt64
        /// Worker threads.
        public var threads: Int
        /// The BLAS in use.
        public var blas: String

        /// A setup from its parts.
        public init(config: String, data: String, trainSamples: Int, testSamples: Int, epochs: Int, batchSize: Int,
                    baseLearningRate: Double, steps: [Int], weightDecay: Double, seed: UInt64, threads: Int, blas: String) {
            self.config = config
            self.data = data
            self.trainSamples = trainSamples
            self.testSamples = testSamples
            self.epochs = epochs
            self.batchSize = batchSize
            self.baseLearningRate = baseLearningRate
            self.steps = steps
            self.weightDecay = weightDecay
            self.seed = seed
            self.threads = threads
            self.blas = blas
        }
    }

    /// The settings.
    public var setup: Setup
    /// The rows, in table order.
    public var results: [AblationResult]

    /// A report of `results` under `setup`.
    public init(setup: Setup, results: [AblationResult]) {
        self.setup = setup
        self.results = results
    }

    /// The Table-1-style Markdown table, preceded by one line of settings.
    public var markdown: String {
        var lines = [
            "Data: \(setup.data); \(setup.trainSamples) training / \(setup.testSamples) test samples. "
                + "\(setup.epochs) epochs, batch \(setup.batchSize), base_lr \(Self.number(setup.baseLearningRate)), "
                + "steps \(setup.steps), weight decay \(Self.number(setup.weightDecay)), seed \(setup.seed); "
                + "\(setup.threads) threads, \(setup.blas).",
            "",
            "| variant | Table 1 row | top-1 | top-5 | parameters | train time (s) |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for row in results {
            lines.append("| `\(row.name)` | \(row.title) | \(String(format: "%.1f%%", 100 * row.scores.top1)) | "
                         + "\(String(format: "%.1f%%", 100 * row.scores.top5)) | \(Self.grouped(row.parameters)) | "
                         + "\(String(format: "%.0f", row.scores.trainingSeconds)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as JSON: `setup` and `results` (one object per row, scores inside).
    public var json: JSONValue {
        .object([
            "setup": .object([
                "config": .string(setup.config), "data": .string(setup.data), "trainSamples": .integer(setup.trainSamples),
                "testSamples": .integer(setup.testSamples), "epochs": .integer(setup.epochs), "batchSize": .integer(setup.batchSize),
                "baseLearningRate": .number(setup.baseLearningRate), "steps": .array(setup.steps.map { .integer($0) }),
                "weightDecay": .number(setup.weightDecay), "seed": JSONValue(.unsignedInteger(setup.seed)),
                "threads": .integer(setup.threads), "blas": .string(setup.blas),
            ]),
            "results": .array(results.map { row in
                .object([
                    "name": .string(row.name), "title": .string(row.title), "parameters": .integer(row.parameters),
                    "scores": .object([
                        "top1": .number(row.scores.top1), "top5": .number(row.scores.top5),
                        "trainingLosses": .array(row.scores.trainingLosses.map { .number($0) }),
                        "trainingSeconds": .number(row.scores.trainingSeconds), "evaluationSeconds": .number(row.scores.evaluationSeconds),
                    ]),
                ])
            }),
        ])
    }

    /// Writes `ablation.md` and `ablation.json` into `directory` (created if needed), each
    /// atomically through `OutputFile` (no temporary is left behind on failure).
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try OutputFile.write(Data(markdown.utf8), to: directory.appendingPathComponent("ablation.md"))
        try OutputFile.write(Data((JSONWriting.text(json, sortedKeys: true) + "\n").utf8), to: directory.appendingPathComponent("ablation.json"))
    }

    /// `3,085,982`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }

    static func number(_ value: Double) -> String {
        String(format: "%g", value)
    }
}
