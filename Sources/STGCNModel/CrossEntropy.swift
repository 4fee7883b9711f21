import STGCNTensor
import Foundation

/// Softmax cross-entropy averaged over the batch (PyTorch's `nn.CrossEntropyLoss()`).
public enum CrossEntropy {
    /// The mean loss over the `N` rows of `logits` `(N, classes)` for integer `labels`, and its
    /// gradient with respect to the logits.
    public static func lossAndGradient(logits: Tensor, labels: [Int]) -> (loss: Float, gradient: Tensor) {
        let (sum, gradient) = lossSumAndGradient(logits: logits, labels: labels, averagingOver: labels.count)
        return (Float(sum / Double(labels.count)), gradient)
    }

    /// The summed loss over the `N` rows of `logits` and the gradient of `sum / denominator`
    /// with respect to the logits: a shard of a larger batch of `denominator` samples gets
    /// exactly the gradient rows that batch's mean loss would give it (data-parallel training).
    public static func lossSumAndGradient(logits: Tensor, labels: [Int], averagingOver denominator: Int) -> (lossSum: Double, gradient: Tensor) {
        precondition(logits.shape.count == 2 && logits.shape[0] == labels.count,
                     "logits \(logits.shape) do not match \(labels.count) labels")
        let (rows, classes) = (logits.shape[0], logits.shape[1])
        var gradient = Tensor(shape: logits.shape)
        var total = 0.0
        for r in 0..<rows {
            let label = labels[r]
            precondition(label >= 0 && label < classes, "label \(label) out of range 0..<\(classes)")
            let row = Array(logits.scalars[(r * classes)..<((r + 1) * classes)])
            let largest = row.max() ?? 0
            var sum = 0.0
            for value in row { sum += exp(Double(value - largest)) }
            let logSum = log(sum) + Double(largest)
            total += logSum - Double(row[label])
            for j in 0..<classes {
                let probability = exp(Double(row[j]) - logSum)
                gradient.scalars[r * classes + j] = Float((probability - (j == label ? 1 : 0)) / Double(denominator))
            }
        }
        return (total, gradient)
    }

    /// Softmax probabilities of each row of `logits` `(N, classes)`.
    public static func probabilities(logits: Tensor) -> Tensor {
        let (rows, classes) = (logits.shape[0], logits.shape[1])
        var result = Tensor(shape: logits.shape)
        for r in 0..<rows {
            let row = logits.scalars[(r * classes)..<((r + 1) * classes)]
            let largest = row.max() ?? 0
            let exps = row.map { exp(Double($0 - largest)) }
            let sum = exps.reduce(0, +)
            for j in 0..<classes { result.scalars[r * classes + j] = Float(exps[j] / sum) }
        }
        return result
    }
}
