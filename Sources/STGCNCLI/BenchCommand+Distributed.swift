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
        for subject in try subjects() {
            try measureDistributed(subject, globalBatch: globalBatch, communicator: communicator)
        }
    }

    func measureDistributed(_ subject: Subject, globalBatch: Int, communicator: MPICommunicator) throws {
        let configuration = subject.model
        let network: any ActionRecognitionModel
        do { network = try subject.architecture.makeModel(configuration: configuration) } catch {
            throw CLIError("\(config ?? subject.name): \(error.description)")
        }
        network.initializeWeights(seed: 1)
        for stream in Self.streams(of: network) { stream.temporalConvolutionAlgorithm = temporalAlgorithm }
        let shard = BatchShard.range(count: globalBatch, rank: communicator.rank, size: communicator.size)
        let shape = [shard.count, configuration.inputChannels, frames, configuration.layout.jointCount, 2]
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
            let logits = network.forward(input, mode: .training)
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
            let object: JSONValue = .object([
                "preset": .string(subject.name), "model": .string(subject.architecture.rawValue), "mode": .string("train"),
                "ranks": .integer(communicator.size), "threads_per_rank": .integer(Parallel.workerCount),
                "global_batch": .integer(globalBatch), "frames": .integer(frames),
                "clips_per_second": .number(clipsPerSecond), "seconds_per_batch": .number(median),
                "allreduce_seconds_per_step": .number(allReduce), "wait_seconds_per_step": .number(wait),
                "gradient_bytes": .integer(bytes), "allreduce_latency_seconds": .number(latency),
                "allreduce_gradient_seconds": .number(full), "allreduce_bandwidth_bytes_per_second": .number(bandwidth),
                "repeats": .integer(repeats), "launcher": .string(communicator.launch.launcher),
            ])
            print(JSONWriting.text(object, sortedKeys: true))
        } else {
            print(String(format: "%-9@ %5d %7d %6d %9.2f %10.1f %9.1f %15.2f %13.1f", subject.name, communicator.size,
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
