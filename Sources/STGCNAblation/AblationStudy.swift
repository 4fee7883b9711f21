import Foundation
import STGCNTraining
import STGCNModel

/// The paper's ablation study (Table 1) on any data: every variant is built from the same base
/// configuration, trained by the same `VariantTrainer` (same data, seeds and budget) and
/// evaluated on the same test set.
public struct AblationStudy {
    /// The base model (`model_args`): layout, channels, classes, dropout, kernel size.
    public let base: ModelConfiguration
    /// The rows, in table order.
    public let variants: [AblationVariant]

    /// A study of `variants` on `base`.
    /// - Throws: `AblationError` when a variant cannot be built on this base (checked before any training).
    public init(base: ModelConfiguration, variants: [AblationVariant]) throws(AblationError) {
        guard !variants.isEmpty else { throw .mismatch("no variants to train") }
        for variant in variants {
            do {
                _ = try variant.architecture.makeModel(configuration: variant.configuration(from: base))
            } catch {
                throw .mismatch("variant \(variant.name) cannot be built: \(error.description)")
            }
        }
        self.base = base
        self.variants = variants
    }

    /// The variants named in a comma-separated list (`baseline_tcn,spatial`), or Table 1 when nil.
    public static func variants(named list: String?) throws(AblationError) -> [AblationVariant] {
        guard let list else { return AblationVariant.table1 }
        var result: [AblationVariant] = []
        for raw in list.split(separator: ",") {
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard let variant = AblationVariant.named(name) else {
                throw .mismatch("unknown variant \"\(name)\"; known: \(AblationVariant.all.map(\.name).joined(separator: ", "))")
            }
            if !result.contains(variant) { result.append(variant) }
        }
        guard !result.isEmpty else { throw .mismatch("--variants is empty") }
        return result
    }

    /// The parameter count of each variant on `base`, without training.
    public func parameterCounts() -> [(variant: AblationVariant, parameters: Int)] {
        variants.compactMap { variant in
            (try? variant.architecture.makeModel(configuration: variant.configuration(from: base)))
                .map { (variant, $0.parameterCount) }
        }
    }

    /// Trains and evaluates every variant in order; `completed` sees each result as it arrives
    /// (to save partial tables).
    public func run(trainer: some VariantTrainer, log: (String) -> Void,
                    completed: ([AblationResult]) throws -> Void = { _ in }) throws -> [AblationResult] {
        var results: [AblationResult] = []
        for (index, variant) in variants.enumerated() {
            let model = try variant.architecture.makeModel(configuration: variant.configuration(from: base))
            log("[\(index + 1)/\(variants.count)] \(variant.name) — \(variant.title): \(model.parameterCount) parameters")
            let scores = try trainer.trainAndEvaluate(model, name: variant.name, log: log)
            log(String(format: "  test top-1 %.2f%%  top-5 %.2f%%  (%.1f s training)", 100 * scores.top1, 100 * scores.top5,
                       scores.trainingSeconds))
            results.append(AblationResult(name: variant.name, title: variant.title, parameters: model.parameterCount,
                                          scores: scores))
            try completed(results)
        }
        return results
    }
}
