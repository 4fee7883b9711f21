import Foundation
import STGCN

extension BenchCommand {
    /// Data-parallel training throughput under MPI: every rank trains on its shard of a global
    /// batch of `--batch` clips and the gradients are summed, as `stgcn train` does; then the
    /// all-reduce alone, from 4 bytes to the gradient's size. Rank 0 prints.
    func distributed(_ communicator: MPICommunicator) throws {
        try CLIError.requireBLAS()
        Parallel.setWorkerCount(threads ?? communicator.launch.defaultThreads(cores: ProcessInfo.processInfo.activeProcessorCount))
        if mode == .infer { throw CLIError("under MPI, bench measures data-parallel training: use --mode train (or run bench without mpirun)") }
        let leader = communicator.rank == 0
        let globalBatch = batch ?? 16
        guard globalBatch >= communicator.size else {
            throw CLIError("--batch \(globalBatch) is smaller than the \(communicator.size) ranks")
        }
        if leader && !json {
            print("BLAS: \(BLAS.backendDescription); \(Parallel.workerCount) worker thread(s) per rank")
            print("MPI: \(communicator.size) ranks started by \(communicator.launch.launcher); global batch \(globalBatch)")
            print("preset    ranks threads  batch   clips/s   ms/batch   wait ms   all-reduce ms   gradient MB")
        }
        for preset in preset.map({ [$0] }) ?? Preset.allCases {
            try measureDistributed(preset: preset, globalBatch: globalBatch, communicator: communicator)
        }
    }

    func measureDistributed(preset: Preset, globalBatch: Int, communicator: MPICommunicator) throws {
        let configuration = modelConfiguration(preset)
        let network = try STGCNNetwork(configuration: configuration)
        network.initializeWeights(seed: 1)
        network.temporalConvolutionAlgorithm = temporalAlgorithm
        let shard = BatchShard.range(count: globalBatch, rank: communicator.rank, size: communicator.size)
        let shape = [shard.count, 3, frames, configuration.layout.jointCount, 2]
        var generator = SeededGenerator(seed: 2 &+ UInt64(communicator.rank))
        let input = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in generator.nextUniform() - 0.5 })
        let labels = shard.map { $0 % configuration.classCount }
        let optimizer = SGD(parameters: network.namedParameters(), learningRate: 0.01, momentum: 0.9,
                            weightDecay: 1e-4, nesterov: true)
        let reduction = GradientAllReduce(parameters: optimizer.parameters.map(\.parameter))
        // A barrier before the all-reduce (not in `stgcn train`) splits the time ranks wait for
        // the slowest one from the communication itself.
        var waitSeconds = 0.0
        func step() {
            network.zeroGradients()
            let logits = network.forward(input, training: true)
            network.backward(CrossEntropy.lossSumAndGradient(logits: logits, labels: labels, averagingOver: globalBatch).gradient)
            let arrived = DispatchTime.now().uptimeNanoseconds
            communicator.barrier()
            waitSeconds += Double(DispatchTime.now().uptimeNanoseconds - arrived) / 1e9
            reduction.reduce(with: communicator)
            optimizer.step()
        }
        for _ in 0..<warmup { step() }
        communicator.barrier()
        let communicationBefore = reduction.communicationSeconds
        waitSeconds = 0
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            step()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        // The slowest rank sets the pace: the job's step time is the largest median.
        times.sort()
        var slowest = [times[times.count / 2], (reduction.communicationSeconds - communicationBefore) / Double(repeats),
                       waitSeconds / Double(repeats)]
        slowest.withUnsafeMutableBufferPointer { communicator.maximum($0) }
        let (median, allReduce, wait) = (slowest[0], slowest[1], slowest[2])
        let bytes = reduction.count * MemoryLayout<Float>.size
        let latency = allReduceSeconds(bytes: 4, communicator: communicator)
        let full = allReduceSeconds(bytes: bytes, communicator: communicator)
        guard communicator.rank == 0 else { return }
        let clipsPerSecond = Double(globalBatch) / median
        // t(S) ≈ α + S/β for two ranks (ring or recursive doubling: one exchange of S).
        let bandwidth = Double(bytes) / max(full - latency, 1e-12)
        if json {
            let object: [String: Any] = [
                "preset": preset.rawValue, "mode": "train", "ranks": communicator.size, "threads_per_rank": Parallel.workerCount,
                "global_batch": globalBatch, "frames": frames, "clips_per_second": clipsPerSecond, "seconds_per_batch": median,
                "allreduce_seconds_per_step": allReduce, "wait_seconds_per_step": wait, "gradient_bytes": bytes, "allreduce_latency_seconds": latency,
                "allreduce_gradient_seconds": full, "allreduce_bandwidth_bytes_per_second": bandwidth, "repeats": repeats,
                "launcher": communicator.launch.launcher,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(String(format: "%-9@ %5d %7d %6d %9.2f %10.1f %9.1f %15.2f %13.1f", preset.rawValue, communicator.size,
                         Parallel.workerCount, globalBatch, clipsPerSecond, median * 1000, wait * 1000, allReduce * 1000,
                         Double(bytes) / 1e6))
            if communicator.size > 1 {
                print(String(format: "  all-reduce alone: 4 B in %.1f µs, %.1f MB in %.2f ms (≈ %.2f GB/s past the latency)",
                             latency * 1e6, Double(bytes) / 1e6, full * 1000, bandwidth / 1e9))
            }
        }
    }

    /// The median time of an in-place float32 sum all-reduce of `bytes` bytes over the ranks.
    func allReduceSeconds(bytes: Int, communicator: MPICommunicator) -> Double {
        var buffer = [Float](repeating: 1, count: max(1, bytes / 4))
        var times: [Double] = []
        communicator.barrier()
        for _ in 0..<max(5, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            buffer.withUnsafeMutableBufferPointer { communicator.sum($0) }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        var median = [times[times.count / 2]]
        median.withUnsafeMutableBufferPointer { communicator.maximum($0) }
        return median[0]
    }
}
