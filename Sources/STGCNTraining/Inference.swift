import STGCNTensor
import STGCNModel

extension STGCNNetwork {
    /// Evaluation-mode logits `(N, classCount)` for a batch `(N, C, T, V, M)`, run `batchSize`
    /// samples at a time so that memory stays bounded for large inputs.
    public func predictLogits(_ input: Tensor, batchSize: Int = 16) -> Tensor {
        precondition(input.shape.count == 5, "expected (N, C, T, V, M), got \(input.shape)")
        let samples = input.shape[0]
        let perSample = input.count / max(samples, 1)
        let classes = configuration.classCount
        var logits = Tensor(shape: [samples, classes])
        var start = 0
        while start < samples {
            let end = min(samples, start + max(1, batchSize))
            var shape = input.shape
            shape[0] = end - start
            let chunk = Tensor(shape: shape, scalars: Array(input.scalars[(start * perSample)..<(end * perSample)]))
            let out = infer(chunk)
            logits.scalars.replaceSubrange((start * classes)..<(end * classes), with: out.scalars)
            start = end
        }
        return logits
    }
}
