import ArgumentParser
import Foundation
import STGCN

/// `stgcn train` (the default command): the official training workflow from an official
/// `train.yaml`, or the built-in synthetic recipe when no config is given.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train ST-GCN from an official train.yaml (default: the built-in synthetic data set).",
        discussion: """
        Any config key can be overridden as an option: --base-lr 0.05 --num-epoch 3 --work-dir D \
        --batch-size 8 --seed 2 --step "[10, 20]" --train-feeder-args.data-path X.npy.
        Writes log.txt, metrics.jsonl, checkpoint.safetensors, epoch{N}_model.safetensors and
        report.html to work_dir, which one run at a time may use (lock: work_dir/.stgcn.lock).
        Ctrl-C (SIGINT) or SIGTERM saves a resumable checkpoint (exit status 130 or 143); --resume
        continues it exactly. A work_dir holding an earlier run needs --resume or --overwrite.
        Under mpirun or srun (MPI), the ranks train one model: each takes a shard of every
        batch_size batch and the gradients are summed; rank 0 writes work_dir (see the README).
        """)

    @Option(name: .shortAndLong, help: "An official-format training config (train.yaml). Default: the built-in synthetic recipe.")
    var config: String?

    @Flag(help: "Continue from work_dir/checkpoint.safetensors (same config, seed and batch size).")
    var resume = false

    @Flag(help: "Delete an earlier run's checkpoint, epoch weights, metrics, log and report in work_dir, then start afresh.")
    var overwrite = false

    @Option(help: "Worker threads (default: all cores; under MPI, the cores shared by this machine's ranks).")
    var threads: Int?

    @Flag(help: "Under MPI, compare a digest of every rank's weights after each batch and stop if they differ (debugging).")
    var checkReplicas = false

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Config keys as options: --key value.", valueName: "--key value"))
    var overrides: [String] = []

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if resume && overwrite { throw ValidationError("--resume continues the run in work_dir and --overwrite deletes it: pass one of them") }
    }

    func run() throws {
        let communicator = try DistributedSession.start()
        try DistributedSession.run(communicator, command: "train") { try train(communicator: communicator) }
    }

    func train(communicator: MPICommunicator?) throws {
        try CLIError.requireBLAS()
        if let threads {
            Parallel.setWorkerCount(threads)
        } else if let communicator {
            Parallel.setWorkerCount(communicator.launch.defaultThreads(cores: ProcessInfo.processInfo.activeProcessorCount))
        }
        let isLeader = communicator.map { $0.rank == 0 } ?? true
        let settings = try ConfigurationLoading.training(config, overrides: overrides)

        // Everything that can fail fast is checked before the work directory is touched.
        let data: TrainingDataSet
        do {
            data = try TrainingDataSet.load(settings)
            try Trainer.validate(configuration: settings, data: data, processes: communicator?.size ?? 1)
        } catch { throw CLIError("\(error)") }
        let network: any ActionRecognitionModel
        do { network = try settings.experiment.architecture.makeModel(configuration: settings.model) } catch {
            throw CLIError("\(settings.experiment.source.path): \(error.description)")
        }
        if let weights = settings.experiment.weights, !FileManager.default.fileExists(atPath: weights.path) {
            throw CLIError("\(weights.path): weights file not found (weights)")
        }
        let workDirectory = settings.workDirectory
        let files = Trainer.WorkFiles(directory: workDirectory)
        let log: TrainingLog, lock: WorkDirectoryLock?
        if isLeader {
            (log, lock) = try prepareWorkDirectory(settings: settings, data: data, files: files, distributed: communicator != nil)
        } else {
            // Ranks other than 0 touch no file (rank 0 sends them the checkpoint to resume from)
            // and print nothing.
            do { log = try TrainingLog(file: nil, echo: false) } catch { throw CLIError(error.description) }
            lock = nil
        }
        defer { lock?.release() }
        try train(settings: settings, data: data, network: network, log: log, files: files, communicator: communicator)
    }

    /// Rank 0's (or the only process's) work directory: created, locked, cleaned, with its log.
    /// The lock is held until it is released or the process ends.
    /// Under MPI the log prints plain lines (mpirun gives rank 0 a pseudo-terminal even when
    /// its own output goes to a file).
    func prepareWorkDirectory(settings: TrainingConfiguration, data: TrainingDataSet, files: Trainer.WorkFiles,
                              distributed: Bool) throws -> (TrainingLog, WorkDirectoryLock) {
        let workDirectory = settings.workDirectory
        do { try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true) } catch {
            throw CLIError("\(workDirectory.path): cannot create the work directory: \(error.localizedDescription)")
        }
        // One run per work_dir: the lock is held until this process ends (the kernel drops it
        // even after kill -9); only its holder may clean up or overwrite.
        let lock: WorkDirectoryLock
        let staleTemporaries: [URL]
        do {
            lock = try WorkDirectoryLock(directory: workDirectory)
            staleTemporaries = try StaleTemporaryFiles.remove(in: workDirectory)
            if overwrite {
                try files.removeEarlierRun()
            } else if !resume && files.holdsEarlierWeights {
                throw WorkDirectoryError.holdsEarlierRun(directory: workDirectory.path,
                                                         files: files.earlierRunFiles().map(\.lastPathComponent))
            }
        } catch { throw CLIError("\(error)") }
        if resume && !FileManager.default.fileExists(atPath: files.checkpoint.path) {
            throw CLIError("\(files.checkpoint.path): no checkpoint to resume from (train without --resume first)")
        }
        let log: TrainingLog
        do { log = try TrainingLog(file: files.log, isTerminal: distributed ? false : nil) } catch { throw CLIError(error.description) }
        for warning in settings.warnings { log.warning(warning) }
        for note in data.notes { log.warning(note) }
        if !staleTemporaries.isEmpty {
            log.line("Removed \(staleTemporaries.count) temporary file(s) left by a killed run: \(staleTemporaries.map(\.lastPathComponent).joined(separator: ", "))")
        }
        return (log, lock)
    }

    /// Trains (every rank), logging through `log`.
    func train(settings: TrainingConfiguration, data: TrainingDataSet, network: any ActionRecognitionModel, log: TrainingLog,
               files: Trainer.WorkFiles, communicator: MPICommunicator?) throws {
        let workDirectory = settings.workDirectory

        let trainer: Trainer
        do {
            trainer = try Trainer(configuration: settings, network: network, data: data, log: log,
                                  communicator: communicator ?? SingleProcessCommunicator())
            if checkReplicas { trainer.replicaCheckInterval = 1 }
            if resume { try trainer.resume() }
        } catch { throw CLIError("\(error)") }

        let model = settings.model
        log.line("\(settings.experiment.architecture == .twoStream ? "Two-stream ST-GCN" : "ST-GCN") \(model.layout.name) (V=\(model.layout.jointCount)), \(model.strategy.rawValue), \(model.classCount) classes, \(network.parameterCount) parameters")
        log.line("config: \(config ?? "built-in synthetic recipe")" + (overrides.isEmpty ? "" : "; overrides: \(overrides.joined(separator: " "))"))
        let shape = data.train.sampleShape
        log.line("data: \(data.train.count) training samples \(shape), \(data.test?.count ?? 0) test samples")
        log.line(String(format: "recipe: SGD lr %g, step %@, momentum 0.9, nesterov %@, weight decay %g, batch %d, epochs %d, seed %d",
                        settings.baseLearningRate, "\(settings.steps)", settings.nesterov ? "on" : "off", settings.weightDecay,
                        settings.batchSize, settings.epochCount, Int(settings.seed)))
        log.line("BLAS: \(BLAS.backendDescription); \(Parallel.workerCount) worker thread(s)\(communicator == nil ? "" : " per rank"); work_dir: \(workDirectory.path)")
        if let communicator {
            let smallest = settings.batchSize / communicator.size
            let shards = settings.batchSize % communicator.size == 0 ? "\(smallest)" : "\(smallest)-\(smallest + 1)"
            log.line("MPI: \(communicator.size) ranks started by \(communicator.launch.launcher); global batch \(settings.batchSize) = \(shards) samples per rank; sync_bn \(settings.syncBatchNorm ? "on (statistics of the global batch)" : "off (statistics per rank)")")
        }

        let interrupt = InterruptFlag { name in "\(name): saving a checkpoint after this batch (send it again to quit now without saving)" }
        trainer.shouldStop = { interrupt.isRaised }
        if trainer.state.epoch >= settings.epochCount {
            log.line("The checkpoint has finished all \(settings.epochCount) epochs; nothing to train (raise --num-epoch to go on).")
        }
        let started = Date()
        let outcome: Trainer.Outcome
        do { outcome = try trainer.run() } catch { throw CLIError("\(error)") }
        let elapsed = Date().timeIntervalSince(started)
        switch outcome {
        case .interrupted:
            let again = (["stgcn", "train"] + (config.map { ["-c", $0] } ?? []) + overrides + ["--resume"]).joined(separator: " ")
            let signal = interrupt.receivedSignal ?? SIGINT
            log.line("Interrupted by \(InterruptFlag.name(signal)). Continue with: \(again)")
            log.line("Report: \(files.report.path)")
            throw ExitCode(InterruptFlag.exitStatus(for: signal))
        case .finished:
            log.line("Finished \(settings.epochCount - settings.startEpoch) epoch(s) in \(ProgressReporter.duration(elapsed)).")
            if let evaluation = trainer.state.history.last(where: { $0.evaluation != nil })?.evaluation {
                log.line(String(format: "Final accuracy: top-1 %.2f%%, top-5 %.2f%%, mean class %.2f%% on %d test samples",
                                100 * evaluation.top1, 100 * evaluation.top5, 100 * evaluation.meanClassAccuracy, evaluation.samples))
            }
            if settings.epochCount > 0 {
                log.line("Weights: \(files.model(afterEpoch: settings.epochCount - 1).path)")
            }
            log.line("Report: \(files.report.path)")
        }
    }
}
