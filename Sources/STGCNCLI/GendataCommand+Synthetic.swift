import ArgumentParser
import Foundation
import STGCN

extension GendataCommand {
    /// `stgcn gendata synthetic`: the synthetic data set a training config generates in memory,
    /// written as official files so other tools can train on the same clips.
    struct Synthetic: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "synthetic",
            abstract: "The synthetic training and test clips of a config (default: the built-in recipe) → <out>/{train,val}_data.npy + _label.pkl.",
            discussion: """
            The clips are those `stgcn train` generates for the same config and overrides (feeder: synthetic; \
            samples_per_class, frames, center, persons, variable_length), as stored before the feeder's \
            augmentations. config/synthetic/train.yaml trains on them through the official feeder, and \
            bench/train_compare.py trains PyTorch and stgcn side by side on them. Config keys can be \
            overridden as options: --train-feeder-args.frames 32.
            """)

        @Option(name: .shortAndLong, help: "A training config with feeder: synthetic (default: the built-in recipe).")
        var config: String?

        @OptionGroup var common: Common

        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Config keys as options: --key value.", valueName: "--key value"))
        var overrides: [String] = []

        func run() throws {
            let settings = try ConfigurationLoading.training(config, overrides: overrides)
            ConfigurationLoading.printWarnings(settings.warnings)
            guard settings.feeder == .synthetic else {
                throw CLIError("\(config ?? BuiltInRecipe.source.path): feeder is \(settings.feeder.rawValue); gendata synthetic needs feeder: synthetic")
            }
            try GendataCommand.run({ try TrainingDataSet.load(settings).conversion() }, common: common)
        }
    }
}
