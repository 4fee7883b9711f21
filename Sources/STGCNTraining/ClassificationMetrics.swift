import Foundation

/// Accuracy figures of a set of class scores against true labels: top-k accuracies, per-class
/// accuracy, mean class accuracy and the confusion matrix.
public struct ClassificationMetrics: Sendable, Equatable {
    /// The number of classes.
    public let classCount: Int
    /// The number of samples.
    public let sampleCount: Int
    /// `confusion[true][predicted]`: sample counts (top-1 predictions).
    public let confusion: [[Int]]
    /// For each k in 1...min(5, classCount), the fraction of samples whose label is among the
    /// k highest scores (index 0 is top-1).
    public let topK: [Double]
    /// The mean cross-entropy loss over the samples, when computed from logits.
    public let meanLoss: Double?

    /// Metrics of `scores` (N × classCount, row-major; logits or probabilities) for `labels`.
    /// Ties rank the lower class first. With `logitsForLoss`, `meanLoss` is the softmax
    /// cross-entropy of the scores.
    /// - Precondition: `scores.count == labels.count · classCount` and labels in range.
    public init(scores: [Float], labels: [Int], classCount: Int, logitsForLoss: Bool = true) {
        precondition(classCount >= 1 && scores.count == labels.count * classCount,
                     "scores (\(scores.count)) do not match \(labels.count) labels × \(classCount) classes")
        self.classCount = classCount
        sampleCount = labels.count
        let kMax = min(5, classCount)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        var hits = [Int](repeating: 0, count: kMax)
        var loss = 0.0
        for (row, label) in labels.enumerated() {
            precondition(label >= 0 && label < classCount, "label \(label) out of range 0..<\(classCount)")
            let values = scores[(row * classCount)..<((row + 1) * classCount)]
            let own = values[values.startIndex + label]
            // The rank of the label: classes scoring higher, or equal with a lower index.
            var rank = 0
            var best = 0
            var bestValue = -Float.infinity
            for (offset, value) in values.enumerated() {
                if value > own || (value == own && offset < label) { rank += 1 }
                if value > bestValue { bestValue = value; best = offset }
            }
            for k in 0..<kMax where rank <= k { hits[k] += 1 }
            confusion[label][best] += 1
            if logitsForLoss {
                var sum = 0.0
                for value in values { sum += exp(Double(value - bestValue)) }
                loss += log(sum) + Double(bestValue) - Double(own)
            }
        }
        self.confusion = confusion
        topK = hits.map { labels.isEmpty ? 0 : Double($0) / Double(labels.count) }
        meanLoss = logitsForLoss && !labels.isEmpty ? loss / Double(labels.count) : nil
    }

    /// Top-1 accuracy in [0, 1].
    public var top1: Double { topK.first ?? 0 }
    /// Top-5 accuracy in [0, 1] (top-k with k = classCount when there are fewer than 5 classes).
    public var top5: Double { topK.last ?? 0 }

    /// The accuracy of each class (nil for classes without samples).
    public var perClassAccuracy: [Double?] {
        confusion.enumerated().map { label, row in
            let total = row.reduce(0, +)
            return total == 0 ? nil : Double(row[label]) / Double(total)
        }
    }

    /// The mean of the per-class accuracies over classes that have samples.
    public var meanClassAccuracy: Double {
        let present = perClassAccuracy.compactMap { $0 }
        return present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)
    }

    /// Samples of each class.
    public var classSupport: [Int] { confusion.map { $0.reduce(0, +) } }
}
