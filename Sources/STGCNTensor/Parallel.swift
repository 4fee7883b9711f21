import Dispatch
import Foundation

/// Data parallelism over independent work items (usually the samples of a batch).
///
/// The package parallelizes across samples itself and runs BLAS single-threaded inside each
/// worker: every GEMM of a layer is independent per sample, so this keeps both cores busy in
/// the element-wise passes too, and avoids two thread pools competing for the same cores.
public enum Parallel {
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    private static let state: State = {
        BLAS.setThreadCount(1)
        return State()
    }()

    /// The number of workers `forEach` uses (default: the active processor count).
    public static var workerCount: Int {
        state.lock.lock()
        defer { state.lock.unlock() }
        return state.workers
    }

    /// Sets the number of workers; BLAS stays single-threaded inside each.
    public static func setWorkerCount(_ count: Int) {
        state.lock.lock()
        state.workers = max(1, count)
        state.lock.unlock()
        BLAS.setThreadCount(1)
    }

    /// Calls `body(index, worker)` for every index in `0..<count`, spread over the workers;
    /// `worker` is in `0..<min(workerCount, count)` and lets each worker own scratch memory.
    /// Indices are assigned round-robin, so equal-cost items balance.
    ///
    /// Calls made from inside a `forEach` body run serially on the calling worker, so work that is
    /// already spread over the workers (e.g. one clip per worker) does not oversubscribe the cores.
    public static func forEach(_ count: Int, _ body: (_ index: Int, _ worker: Int) -> Void) {
        forEach(count, workers: min(workerCount, count), body)
    }

    /// `forEach` with `scratchPerWorker` floats of uninitialized memory for each worker, valid
    /// during the call: `body(index, scratch)` may use its `scratch` freely, as no other index
    /// runs on it at the same time. The memory is allocated once per call, for
    /// `min(workerCount, count)` workers.
    public static func forEach(_ count: Int, scratchPerWorker: Int,
                               _ body: (_ index: Int, _ scratch: UnsafeMutablePointer<Float>) -> Void) {
        let workers = min(workerCount, count)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, scratchPerWorker * workers))
        defer { scratch.deallocate() }
        forEach(count, workers: workers) { index, worker in body(index, scratch + worker * scratchPerWorker) }
    }

    /// `forEach` over at most `workers` workers (fewer inside another `forEach`); `worker < workers`.
    static func forEach(_ count: Int, workers: Int, _ body: (_ index: Int, _ worker: Int) -> Void) {
        let workers = isInsideWorker ? 1 : workers
        if workers <= 1 {
            for index in 0..<count { body(index, 0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let wasInside = isInsideWorker
                isInsideWorker = true
                var index = worker
                while index < count {
                    box.value(index, worker)
                    index += workers
                }
                isInsideWorker = wasInside
            }
        }
    }

    /// Whether the current thread is running a `forEach` body (thread-local).
    private static var isInsideWorker: Bool {
        get { Thread.current.threadDictionary[insideWorkerKey] as? Bool ?? false }
        set { Thread.current.threadDictionary[insideWorkerKey] = newValue }
    }

    private static let insideWorkerKey = "swift-stgcn.Parallel.insideWorker"

    /// Splits `0..<count` into at most `workerCount` contiguous ranges and calls `body` on each in parallel.
    public static func forEachRange(_ count: Int, minimumChunk: Int = 1, _ body: (_ range: Range<Int>, _ worker: Int) -> Void) {
        let chunks = max(1, min(workerCount, count / max(1, minimumChunk)))
        forEach(chunks) { chunk, worker in
            let lower = count * chunk / chunks, upper = count * (chunk + 1) / chunks
            if upper > lower { body(lower..<upper, worker) }
        }
    }
}

/// Carries a non-Sendable value into `concurrentPerform`; the callers guarantee that workers
/// touch disjoint memory.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
