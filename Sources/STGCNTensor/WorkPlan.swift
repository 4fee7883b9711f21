/// How a layer spreads the samples of a batch over the workers of `Parallel`, and the memory
/// each worker gets: the one scheduling helper of the layers' kernels.
///
/// A layer's per-sample work (its GEMMs) is independent between samples, so the batch is the
/// unit of parallelism: with at least as many samples as workers, each work item is one whole
/// sample. With fewer (inference on one clip), each sample is cut into `piecesPerSample` pieces
/// of an axis the layer chooses (output frames, Winograd tiles, rows), so that every worker has
/// work. Items are numbered sample-major (`sample · piecesPerSample + piece`) and dealt out
/// round-robin by `Parallel.forEach`.
///
/// Each worker gets its own scratch region and, for gradient work, its own accumulator.
/// Accumulators start at zero, are written by their worker only, and are reduced in worker order
/// after the run: worker `w` adds samples `w, w + W, w + 2W, …` in increasing order, then the
/// workers' sums are added `0, 1, …, W − 1`. That order depends only on the batch size and the
/// worker count, so gradients are bit-identical from run to run (and across a resume).
///
/// The memory is allocated once per call and released before it returns. A layer does not keep
/// it between calls: inference runs clips concurrently through the same layer objects
/// (`STGCNNetwork.infer`), so layer-owned scratch would be shared between threads.
public struct WorkPlan: Sendable {
    /// The number of samples.
    public let sampleCount: Int
    /// The pieces each sample is cut into (1: whole samples).
    public let piecesPerSample: Int
    /// The most workers that run items at once: the number of scratch regions and accumulators.
    public let workerCount: Int

    /// One item per sample, as gradient work uses (its accumulators sum whole samples).
    public init(wholeSamples samples: Int) {
        self.init(samples: samples, pieces: 1, workers: Parallel.workerCount)
    }

    /// Whole samples when there are at least as many as workers; otherwise each sample is cut into
    /// ⌈workers / samples⌉ pieces, but at most `maximumPieces` (the length of the axis being cut).
    public init(samples: Int, splittingUpTo maximumPieces: Int) {
        let workers = Parallel.workerCount
        let pieces = samples >= workers || samples == 0 ? 1 : min(maximumPieces, (workers + samples - 1) / samples)
        self.init(samples: samples, pieces: pieces, workers: workers)
    }

    private init(samples: Int, pieces: Int, workers: Int) {
        sampleCount = samples
        piecesPerSample = pieces
        workerCount = min(workers, samples * pieces)
    }

    /// The number of work items: `sampleCount · piecesPerSample`.
    public var itemCount: Int { sampleCount * piecesPerSample }

    /// Whether the samples are cut into pieces (fewer samples than workers).
    public var splitsSamples: Bool { piecesPerSample > 1 }

    /// Calls `body(item, scratch)` for every item, in parallel. `scratch` points to
    /// `scratchPerWorker` uninitialized floats owned by the worker running the item.
    public func forEach(scratchPerWorker: Int = 0,
                        _ body: (_ item: WorkItem, _ scratch: UnsafeMutablePointer<Float>) -> Void) {
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, scratchPerWorker * workerCount))
        defer { scratch.deallocate() }
        Parallel.forEach(itemCount, workers: workerCount) { index, worker in
            body(workItem(index), scratch + worker * scratchPerWorker)
        }
    }

    /// Gradient work: calls `body(item, scratch, accumulator)` for every item, in parallel, where
    /// `accumulator` is the running worker's `accumulatorPerWorker` floats, zero before the first
    /// item; then calls `reduce` with each worker's accumulator, worker 0 first.
    public func forEach(scratchPerWorker: Int = 0, accumulatorPerWorker: Int,
                        _ body: (_ item: WorkItem, _ scratch: UnsafeMutablePointer<Float>,
                                 _ accumulator: UnsafeMutablePointer<Float>) -> Void,
                        reduce: (_ accumulator: UnsafePointer<Float>) -> Void) {
        let slot = scratchPerWorker + accumulatorPerWorker
        let memory = UnsafeMutablePointer<Float>.allocate(capacity: max(1, slot * workerCount))
        defer { memory.deallocate() }
        for worker in 0..<workerCount {
            (memory + worker * slot + scratchPerWorker).initialize(repeating: 0, count: accumulatorPerWorker)
        }
        Parallel.forEach(itemCount, workers: workerCount) { index, worker in
            let scratch = memory + worker * slot
            body(workItem(index), scratch, scratch + scratchPerWorker)
        }
        for worker in 0..<workerCount { reduce(memory + worker * slot + scratchPerWorker) }
    }

    /// Runs `passes` parallel passes over all items, one after the other, for work whose pieces
    /// share an intermediate result per sample: `body(pass, item, buffer)` gets `buffer`, the
    /// item's sample's `bufferPerSample` floats (uninitialized before the first pass), which the
    /// pieces of one pass fill and a later pass reads.
    public func forEach(passes: Int, bufferPerSample: Int,
                        _ body: (_ pass: Int, _ item: WorkItem, _ buffer: UnsafeMutablePointer<Float>) -> Void) {
        let buffers = UnsafeMutablePointer<Float>.allocate(capacity: max(1, bufferPerSample * sampleCount))
        defer { buffers.deallocate() }
        for pass in 0..<passes {
            Parallel.forEach(itemCount, workers: workerCount) { index, _ in
                let item = workItem(index)
                body(pass, item, buffers + item.sample * bufferPerSample)
            }
        }
    }

    private func workItem(_ index: Int) -> WorkItem {
        WorkItem(sample: index / piecesPerSample, piece: index % piecesPerSample, pieceCount: piecesPerSample)
    }
}

/// One item of a `WorkPlan`: a whole sample, or one piece of it.
public struct WorkItem: Sendable, Equatable {
    /// The sample index in the batch.
    public let sample: Int
    /// Which piece of the sample, in `0..<pieceCount`.
    public let piece: Int
    /// The pieces the sample is cut into (1: the whole sample).
    public let pieceCount: Int

    /// This piece's part of an axis of length `extent`:
    /// `extent · piece / pieceCount ..< extent · (piece + 1) / pieceCount` (all of it for a whole sample).
    public func share(of extent: Int) -> Range<Int> {
        (extent * piece / pieceCount)..<(extent * (piece + 1) / pieceCount)
    }
}
