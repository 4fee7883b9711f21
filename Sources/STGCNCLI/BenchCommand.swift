import ArgumentParser
import Foundation
import STGCN

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `stgcn bench`: throughput, memory and GFLOP/s of inference and training, in this process.
/// Under `mpirun`/`srun`, `--mode train` measures data-parallel training: `--batch` is the
/// global batch, split over the ranks, and the gradient all-reduce is timed.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure inference and training throughput, peak memory and GFLOP/s (build with -c release).",
        discussion: """
        Under mpirun or srun it measures data-parallel training only: --batch is the global batch         (split over the ranks), clips/s counts the whole job, and the gradient all-reduce time per         step, the all-reduce latency and bandwidth are reported. Rank 0 prints.
        """)

    enum Preset: String, ExpressibleByArgument, CaseIterable {
        case ntu, kinetics
    }

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case infer, train
    }

    @Option(help: "Model and input shape: ntu (3,300,25,2; 60 classes) or kinetics (3,300,18,2; 400 classes). Default: both.")
    var preset: Preset?

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Measure the model of this official-format config instead of a preset: its `model:` (net.st_gcn.Model or "
            + "net.st_gcn_twostream.Model) and `model_args` (variant, layout, classes), input (batch, in_channels, --frames, joints, 2).",
        valueName: "config.yaml"))
    var config: String?

    @Option(help: "Batch size (default: 1 and 16 for inference, 16 for training).")
    var batch: Int?

    @Option(help: "infer or train (default: both).")
    var mode: Mode?

    @Option(help: "Frames per clip (default 300).")
    var frames: Int = 300

    @Option(help: "Threads for BLAS (default: all cores; under MPI, the cores shared by this machine's ranks).")
    var threads: Int?

    @Option(help: "Timed repetitions; the median is reported.")
    var repeats: Int = 5

    @Option(help: "Untimed warm-up repetitions.")
    var warmup: Int = 1

    @Option(help: "How the 9×1 temporal convolutions run: winograd (inference and gradients; the default) or direct.")
    var temporalAlgorithm: TemporalConvolutionAlgorithm = .winograd

    @Flag(help: "Print one JSON object per measurement.")
    var json = false

    @Flag(help: "Print time and GFLOP/s per layer kind, forward and backward.")
    var profile = false

    func validate() throws {
        guard repeats >= 1, warmup >= 0, frames >= 1 else { throw ValidationError("repeats ≥ 1, warmup ≥ 0, frames ≥ 1") }
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if config != nil && preset != nil { throw ValidationError("give either --config or --preset, not both") }
    }

    /// What one row measures: a name, the model class and its options.
    struct Subject {
        var name: String
        var architecture: ModelArchitecture
        var model: ModelConfiguration
    }

    /// The config's model, or the presets.
    func subjects() throws -> [Subject] {
        if let config {
            let experiment = try ConfigurationLoading.experiment(config)
            let name = URL(fileURLWithPath: config).deletingPathExtension().lastPathComponent
            return [Subject(name: name, architecture: experiment.architecture, model: experiment.model)]
        }
        return (preset.map { [$0] } ?? Preset.allCases).map {
            Subject(name: $0.rawValue, architecture: .singleStream, model: modelConfiguration($0))
        }
    }

    func run() throws {
        let communicator = try DistributedSession.start()
        try DistributedSession.run(communicator, command: "bench") {
            if let communicator { try distributed(communicator) } else { try measureAll() }
        }
    }

    func measureAll() throws {
        try CLIError.requireBLAS()
        if let threads { Parallel.setWorkerCount(threads) }
        let roof = Self.measureGemmRoof()
        let peak = HardwarePeak.measure(threads: Parallel.workerCount)
        if !json {
            print("BLAS: \(BLAS.backendDescription); \(Parallel.workerCount) worker thread(s)")
            print("CPU: \(CPUFeatures.current)")
            print(String(format: "FP32 peak (register-only %@ FMA loop × %d threads) %.1f GFLOP/s; SGEMM 2048² roof (%@) %.1f GFLOP/s (%.0f%% of peak)",
                         peak.instructionSet, peak.threads, peak.gflops, Self.roofLibrary, roof, 100 * roof / peak.gflops))
            print("preset    mode   batch   clips/s   ms/batch   GFLOP/s   % roof   peak RSS")
        }
        for subject in try subjects() {
            for mode in mode.map({ [$0] }) ?? Mode.allCases {
                let batches = batch.map { [$0] } ?? (mode == .infer ? [1, 16] : [16])
                for batchSize in batches {
                    try measure(subject, mode: mode, batchSize: batchSize, roof: roof, peak: peak)
                }
            }
        }
    }

    func modelConfiguration(_ preset: Preset) -> ModelConfiguration {
        switch preset {
        case .ntu:
            return ModelConfiguration(classCount: 60, layout: .ntuRGBD, strategy: .spatial, dropout: 0.5)
        case .kinetics:
            return ModelConfiguration(classCount: 400, layout: .openpose, strategy: .spatial, dropout: 0)
        }
    }

    /// The single-stream networks that make up `model` (one, or a two-stream model's two).
    static func streams(of model: any ActionRecognitionModel) -> [STGCNNetwork] {
        switch model {
        case let network as STGCNNetwork: return [network]
        case let twoStream as TwoStreamNetwork: return [twoStream.originStream, twoStream.motionStream]
        default: return []
        }
    }

    func measure(_ subject: Subject, mode: Mode, batchSize: Int, roof startRoof: Double, peak: HardwarePeak.Measurement) throws {
        let configuration = subject.model
        let network: any ActionRecognitionModel
        do { network = try subject.architecture.makeModel(configuration: configuration) } catch {
            throw CLIError("\(config ?? subject.name): \(error.description)")
        }
        network.initializeWeights(seed: 1)
        let streams = Self.streams(of: network)
        for stream in streams { stream.temporalConvolutionAlgorithm = temporalAlgorithm }
        let shape = [batchSize, configuration.inputChannels, frames, configuration.layout.jointCount, 2]
        var generator = SeededGenerator(seed: 2)
        let input = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in generator.nextUniform() - 0.5 })
        let labels = (0..<batchSize).map { $0 % configuration.classCount }
        let optimizer = SGD(parameters: network.namedParameters(), learningRate: 0.01, momentum: 0.9,
                            weightDecay: 1e-4, nesterov: true)
        let profiler = profile ? LayerProfiler() : nil
        func step() {
            switch mode {
            case .infer:
                _ = network.infer(input)
            case .train:
                network.zeroGradients()
                let logits = network.forward(input, mode: .training)
                network.backward(CrossEntropy.lossAndGradient(logits: logits, labels: labels).gradient)
                optimizer.step()
            }
        }
        for _ in 0..<warmup { step() }
        for stream in streams { stream.profiler = profiler }
        var times: [Double] = []
        let cpuStart = Self.processCPUSeconds()
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            step()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let cpuPerBatch = (Self.processCPUSeconds() - cpuStart) / Double(repeats)
        for stream in streams { stream.profiler = nil }
        times.sort()
        let median = times[times.count / 2]
        // The machine's speed drifts; the larger of the roofs measured before and right after
        // this measurement keeps the fraction of roof conservative.
        let roof = max(startRoof, Self.measureGemmRoof())
        let flops = FlopCount(configuration: configuration, subsetCount: streams.first?.graph.subsetCount ?? 1,
                              frames: frames, persons: 2)
        let perClip = (mode == .infer ? 1 : 3) * flops.total * Double(streams.count)
        let clipsPerSecond = Double(batchSize) / median
        let gflops = perClip * clipsPerSecond / 1e9
        let rss = Self.peakResidentBytes()
        if json {
            let object: JSONValue = .object([
                "preset": .string(subject.name), "model": .string(subject.architecture.rawValue), "mode": .string(mode.rawValue), "batch": .integer(batchSize),
                "frames": .integer(frames), "threads": .integer(Parallel.workerCount), "clips_per_second": .number(clipsPerSecond),
                "seconds_per_batch": .number(median), "gflop_per_clip": .number(perClip / 1e9), "gflops": .number(gflops),
                "roof_gflops": .number(roof), "fraction_of_roof": .number(gflops / roof), "peak_rss_bytes": .integer(rss),
                "blas": .string(BLAS.backendDescription), "repeats": .integer(repeats),
                "fp32_peak_gflops": .number(peak.gflops), "fp32_peak_isa": .string(peak.instructionSet),
                "fraction_of_peak": .number(gflops / peak.gflops), "roof_fraction_of_peak": .number(roof / peak.gflops),
                "blas_core": .string((try? BLASRuntime.status().core) ?? ""),
                "gemm_library": .string((try? BLASRuntime.status().gemmLibraryName) ?? ""), "cpu": .string(CPUFeatures.current.description),
                "cpu_seconds_per_batch": .number(cpuPerBatch), "clips_per_cpu_second": .number(Double(batchSize) / cpuPerBatch),
                "temporal_algorithm": .string(temporalAlgorithm.rawValue),
            ])
            print(JSONWriting.text(object, sortedKeys: true))
        } else {
            // (`%-9@` does not pad on Linux Foundation, so the columns are padded here.)
            print(subject.name.padding(toLength: max(9, subject.name.count), withPad: " ", startingAt: 0) + " "
                  + mode.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
                  + String(format: " %5d %9.2f %10.1f %9.1f %7.1f%% %8.2f GB",
                         batchSize, clipsPerSecond, median * 1000, gflops, 100 * gflops / roof, Double(rss) / 1e9))
        }
        if let profiler { printProfile(profiler, flops: flops, batchSize: batchSize, repeats: repeats) }
    }

    func printProfile(_ profiler: LayerProfiler, flops: FlopCount, batchSize: Int, repeats: Int) {
        let perRun = 1 / Double(repeats)
        let clips = Double(batchSize)
        let forwardFlops: [LayerProfiler.Kind: Double] = [
            .graphConvolution: flops.graphConvolution + flops.aggregation,
            .temporalConvolution: flops.temporalConvolution, .residual: flops.residual, .head: flops.head,
        ]
        print("  layer kind                       pass       ms/batch   GFLOP/s")
        var total = 0.0
        for pass in LayerProfiler.Pass.allCases {
            for kind in LayerProfiler.Kind.allCases {
                let seconds = profiler.seconds(kind, pass) * perRun
                guard seconds > 0 else { continue }
                total += seconds
                let work = (forwardFlops[kind] ?? 0) * clips * (pass == .forward ? 1 : 2)
                let rate = work > 0 ? String(format: "%9.1f", work / seconds / 1e9) : "        -"
                // (`%-32@` does not pad on Linux Foundation, so the columns are padded here.)
                print("  " + kind.rawValue.padding(toLength: 32, withPad: " ", startingAt: 0) + " "
                      + pass.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                      + String(format: " %10.1f ", seconds * 1000) + rate)
            }
        }
        print("  " + "sum of layers".padding(toLength: 41, withPad: " ", startingAt: 0)
              + String(format: " %10.1f", total * 1000))
    }

    /// The library whose SGEMM the roof measures (A·B: oneDNN where it runs A·B, else the BLAS).
    static var roofLibrary: String {
        guard let status = try? BLASRuntime.status() else { return "BLAS" }
        if status.gemmLibrary.useOneDNN, let oneDNN = status.oneDNN { return "oneDNN \(oneDNN.version)" }
        return status.core.isEmpty ? status.configuration : "OpenBLAS \(status.core)"
    }

    /// GFLOP/s of one 2048×2048 SGEMM (median of 3) with the current thread setting.
    static func measureGemmRoof() -> Double {
        // The roof is BLAS's own multi-threaded SGEMM with as many threads as workers.
        BLAS.setThreadCount(Parallel.workerCount)
        defer { BLAS.setThreadCount(1) }
        let n = 2048
        let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        var times: [Double] = []
        for _ in 0..<4 {
            let start = DispatchTime.now().uptimeNanoseconds
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        BLAS.gemm(m: n, n: n, k: n, a: ap.baseAddress!, lda: n, b: bp.baseAddress!, ldb: n,
                                  beta: 0, c: cp.baseAddress!, ldc: n)
                    }
                }
            }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.removeFirst()
        times.sort()
        return 2 * Double(n * n * n) / times[1] / 1e9
    }

    /// User plus system CPU time of the whole process so far, in seconds (all threads).
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The process's peak resident set size in bytes.
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return usage.ru_maxrss
        #endif
    }
}

extension TemporalConvolutionAlgorithm: ExpressibleByArgument {}
