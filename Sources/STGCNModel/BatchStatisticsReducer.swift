/// Sums batch-norm statistics over every process that trains one model on shards of a batch
/// (synchronized batch norm). Installed on a model with
/// `ActionRecognitionModel.installBatchStatisticsReducer(_:)`; each `BatchNorm` in training
/// mode then calls it in `affine(for:mode:)` (per-channel sums, then squared deviations, plus
/// the element count) and in `backward` (per-channel Σdy and Σdy·x̂), so the statistics are
/// those of the whole batch.
///
/// Every process must make the same calls in the same order (they are collective).
public protocol BatchStatisticsReducer: AnyObject {
    /// Replaces each element of `values` by its sum over all processes.
    func sumOverReplicas(_ values: UnsafeMutableBufferPointer<Double>)
}

extension ActionRecognitionModel {
    /// Makes every batch norm of the model reduce its training statistics with `reducer`
    /// (nil: per-process statistics, the default). Returns the number of layers changed.
    @discardableResult
    public func installBatchStatisticsReducer(_ reducer: (any BatchStatisticsReducer)?) -> Int {
        let layers = batchNormalizations
        for layer in layers { layer.statisticsReducer = reducer }
        return layers.count
    }
}
