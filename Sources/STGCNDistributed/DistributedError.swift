/// Why a data-parallel run cannot start, with a one-line reason.
public enum DistributedError: Error, CustomStringConvertible, Equatable {
    /// The process was launched by an MPI launcher but the Open MPI library cannot be used.
    case libraryUnavailable(launcher: String, detail: String)
    /// An MPI call failed during start-up.
    case call(String, code: Int32, message: String)
    /// `srun` launched several tasks without MPI.
    case launcherWithoutMPI(String)
    /// The launcher and MPI disagree on the number of ranks.
    case sizeMismatch(launcher: String, expected: Int, actual: Int)

    public var description: String {
        switch self {
        case let .libraryUnavailable(launcher, detail):
            return "started by \(launcher), but Open MPI's libmpi.so.40 cannot be loaded (\(detail)); install it on every machine (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev) or point STGCN_MPI_LIBRARY at it"
        case let .call(name, code, message):
            return "\(name) failed (MPI error \(code): \(message))"
        case let .launcherWithoutMPI(reason):
            return reason
        case let .sizeMismatch(launcher, expected, actual):
            return "\(launcher) started \(expected) ranks but MPI sees \(actual); is libmpi the Open MPI that mpirun belongs to?"
        }
    }
}
