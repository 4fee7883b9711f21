import Foundation

/// Progress of a training run: throughput and ETA, as a live line on a terminal and as the
/// official trainer's `Iter N Done. | loss | lr` lines every `logInterval` iterations otherwise.
public final class ProgressReporter {
    private let log: TrainingLog
    private let logInterval: Int
    private let totalBatches: Int
    private var batchesDone = 0
    private var runStart = Date()
    private var epochStart = Date()
    private var epochSamples = 0
    private var epochBatches = 0
    private var epochTotal = 0
    private var epochLabel = ""
    private var lastDraw = Date.distantPast

    /// A reporter for a run of `totalBatches` training batches (all remaining epochs).
    public init(log: TrainingLog, logInterval: Int, totalBatches: Int) {
        self.log = log
        self.logInterval = max(1, logInterval)
        self.totalBatches = totalBatches
    }

    /// Starts an epoch of `batches` batches, `skipped` of which were done before a resume.
    public func beginEpoch(_ label: String, batches: Int, skipped: Int = 0) {
        epochLabel = label
        epochTotal = batches
        epochBatches = skipped
        epochSamples = 0
        epochStart = Date()
        if batchesDone == 0 { runStart = Date() }
    }

    /// Records one finished batch of `samples` clips with its loss.
    public func batchDone(samples: Int, loss: Double, learningRate: Double) {
        batchesDone += 1
        epochBatches += 1
        epochSamples += samples
        let elapsed = Date().timeIntervalSince(epochStart)
        let rate = elapsed > 0 ? Double(epochSamples) / elapsed : 0
        let perBatch = Date().timeIntervalSince(runStart) / Double(batchesDone)
        let eta = perBatch * Double(max(0, totalBatches - batchesDone))
        let epochETA = perBatch * Double(max(0, epochTotal - epochBatches))
        if log.isTerminal {
            guard Date().timeIntervalSince(lastDraw) > 0.2 || epochBatches == epochTotal else { return }
            lastDraw = Date()
            let width = 24
            let filled = epochTotal > 0 ? width * epochBatches / epochTotal : width
            let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
            log.live(String(format: "%@ [%@] %d/%d  loss %.4f  %.1f clips/s  ETA epoch %@, run %@",
                            epochLabel, bar, epochBatches, epochTotal, loss, rate,
                            Self.duration(epochETA), Self.duration(eta)))
        } else if epochBatches % logInterval == 0 {
            log.line(String(format: "\tIter %d Done. | loss: %.4f | lr: %.6f | %.1f clips/s | ETA %@",
                            epochBatches, loss, learningRate, rate, Self.duration(eta)))
        }
    }

    /// `1h02m`, `3m05s`, `12s`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e12 else { return "?" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
