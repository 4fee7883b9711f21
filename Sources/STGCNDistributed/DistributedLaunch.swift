import Foundation

/// How this process was started: alone, or as one rank of a job that `mpirun` (Open MPI) or
/// `srun` (slurm, with its PMIx or PMI-2 plug-in) launched. Only a launched process opens the
/// MPI library; a plain `stgcn train` never touches MPI.
public struct DistributedLaunch: Sendable, Equatable {
    /// The launcher, in words (for messages).
    public var launcher: String
    /// The number of ranks the launcher says the job has, when it says.
    public var worldSize: Int?
    /// The number of ranks on this machine, when the launcher says (for the default threads).
    public var localSize: Int?
    /// CPUs slurm gives each task (`SLURM_CPUS_PER_TASK`), when set.
    public var cpusPerTask: Int?

    /// The launch described by `environment`, nil for a process started on its own.
    /// `STGCN_DISTRIBUTED=0` forces nil (e.g. a one-process run inside an MPI job script).
    /// - Throws: `DistributedError.launcherWithoutMPI` when `srun` started several tasks
    ///   without an MPI plug-in (each would train alone into the same work_dir).
    public static func detect(_ environment: [String: String]) throws(DistributedError) -> DistributedLaunch? {
        func integer(_ key: String) -> Int? { environment[key].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        if environment["STGCN_DISTRIBUTED"] == "0" { return nil }
        let cpus = integer("SLURM_CPUS_PER_TASK")
        if let size = integer("OMPI_COMM_WORLD_SIZE") {
            return DistributedLaunch(launcher: "mpirun (Open MPI)", worldSize: size,
                                     localSize: integer("OMPI_COMM_WORLD_LOCAL_SIZE"), cpusPerTask: cpus)
        }
        if environment["PMIX_RANK"] != nil {
            return DistributedLaunch(launcher: environment["SLURM_STEP_ID"] != nil ? "srun (PMIx)" : "a PMIx launcher",
                                     worldSize: integer("SLURM_STEP_NUM_TASKS") ?? integer("SLURM_NTASKS"),
                                     localSize: integer("MPI_LOCALNRANKS"), cpusPerTask: cpus)
        }
        if let size = integer("PMI_SIZE"), environment["PMI_RANK"] != nil {
            return DistributedLaunch(launcher: "srun (PMI-2)", worldSize: size, localSize: integer("MPI_LOCALNRANKS"), cpusPerTask: cpus)
        }
        if environment["SLURM_STEP_ID"] != nil, let tasks = integer("SLURM_STEP_NUM_TASKS"), tasks > 1 {
            throw .launcherWithoutMPI("srun started \(tasks) tasks without an MPI plug-in, so each would train alone; run srun --mpi=pmix stgcn train … (or set STGCN_DISTRIBUTED=0 to run independent processes)")
        }
        return nil
    }

    /// The worker threads per rank when `--threads` is not given: slurm's CPUs per task, else
    /// this machine's cores shared evenly by its ranks (1 thread per rank with a rank per core).
    public func defaultThreads(cores: Int) -> Int {
        if let cpusPerTask, cpusPerTask > 0 { return cpusPerTask }
        return max(1, cores / max(1, localSize ?? 1))
    }
}

