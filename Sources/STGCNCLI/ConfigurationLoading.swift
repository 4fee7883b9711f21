import Foundation
import STGCN

/// How every command reads an official config: one policy for keys this package does not
/// know (a warning naming the key and line, on stderr; the official configs carry keys such
/// as `device` that do not apply here), errors as one-line `CLIError`s.
enum ConfigurationLoading {
    /// The model part of the config at `path`, its warnings printed.
    static func experiment(_ path: String) throws -> ExperimentConfiguration {
        let experiment: ExperimentConfiguration
        do {
            experiment = try ExperimentConfiguration(contentsOf: URL(fileURLWithPath: path), unknownKeys: .warn)
        } catch { throw CLIError(error.description) }
        printWarnings(experiment.warnings)
        return experiment
    }

    /// The training config at `path` (the built-in recipe when nil) with `overrides` (`--key
    /// value` pairs) applied; errors as one line.
    static func training(_ path: String?, overrides: [String]) throws -> TrainingConfiguration {
        do {
            let parsed = try ConfigurationOverride.parse(overrides)
            if let path {
                return try TrainingConfiguration(contentsOf: URL(fileURLWithPath: path), overrides: parsed)
            }
            return try BuiltInRecipe.configuration(overrides: parsed)
        } catch { throw CLIError(error.description) }
    }

    /// Prints `warnings` on stderr, one line each, except the "does not apply here" notes
    /// (keys such as `device` that every official config carries).
    static func printWarnings(_ warnings: [String]) {
        for warning in warnings where !warning.contains("does not apply") {
            FileHandle.standardError.write(Data("warning: \(TextSanitizing.oneLine(warning))\n".utf8))
        }
    }
}
