import Foundation

/// The Winograd-transformed kernel of one temporal convolution's current weights, kept between
/// the forward passes outside training.
///
/// Transforming a 256×256×9 kernel touches as much memory as the GEMMs of a short slice do, so
/// making it on every call cost 8% of a streaming round (the right edges of windows,
/// `SlidingWindowEvaluator`). The cached kernel is used while the weights are equal to the ones it
/// was made from: checked on every call, in O(1) while the weight array has not been written
/// (the cache shares its storage), by comparing the values after a write. So optimizer steps,
/// weight loading and tests that set `weight.value` need not know about it.
///
/// Safe to use from several threads at once (parallel groups running one layer).
final class WinogradKernelCache: @unchecked Sendable {
    private let lock = NSLock()
    private var source: [Float] = []
    private var kernel: [Float] = []

    /// The kernel for `weight`: the cached one if it was made from equal values, else `make(weight)`
    /// (then cached).
    func kernel(for weight: [Float], make: ([Float]) -> [Float]) -> [Float] {
        lock.lock()
        defer { lock.unlock() }
        if source != weight || kernel.isEmpty {
            kernel = make(weight)
            source = weight
        }
        return kernel
    }
}
