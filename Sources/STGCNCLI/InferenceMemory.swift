import Foundation
import STGCN

/// The memory an evaluation-mode pass over an `(N, C, T, V, M)` batch needs, checked against
/// the machine before the batch is read or run, so that a huge T (or M) from a file is a
/// one-line error instead of an abort in the middle of the network.
enum InferenceMemory {
    /// Activations per clip alive at once at the widest layers, in units of 64·T·V·M floats
    /// (block input and output, the temporal convolution's transformed input, the residual),
    /// rounded up.
    static let liveActivationsPerClip = 8

    /// An estimate in bytes for `shape` (N, C, T, V, M), with clips run `workers` at a time;
    /// nil when it overflows.
    static func estimate(shape: [Int], workers: Int) -> UInt64? {
        guard shape.count == 5 else { return nil }
        let (n, c, t, v, m) = (shape[0], shape[1], shape[2], shape[3], shape[4])
        guard let input = MemoryBudget.byteCount([n, c, t, v, m], bytesPerElement: 4),
              let perClip = MemoryBudget.byteCount([liveActivationsPerClip, 64, t, v, m], bytesPerElement: 4),
              case let (activations, false) = perClip.multipliedReportingOverflow(by: UInt64(max(1, min(workers, n)))),
              case let (total, false) = input.addingReportingOverflow(activations) else { return nil }
        return total
    }

    /// Throws a `CLIError` naming `source` when T or M exceed `InputLimits` or the estimate
    /// exceeds `MemoryBudget.allowance`.
    static func check(shape: [Int], source: String) throws {
        guard shape.count == 5 else { return }
        if let reason = InputLimits.violation("the frame count T", shape[2], atMost: InputLimits.maximumFrameCount)
            ?? InputLimits.violation("the person count M", shape[4], atMost: InputLimits.maximumPersonCount) {
            throw CLIError("\(source): shape \(shape): \(reason)")
        }
        if let reason = MemoryBudget.violation("running shape \(shape) through the network",
                                               bytes: estimate(shape: shape, workers: Parallel.workerCount)) {
            throw CLIError("\(source): \(reason)")
        }
    }
}
