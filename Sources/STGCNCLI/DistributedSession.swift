import ArgumentParser
import Foundation
import STGCN

/// The MPI side of a command: the communicator when `mpirun`/`srun` launched this process,
/// nil for a plain run (which never loads MPI).
enum DistributedSession {
    /// Starts MPI when the environment shows a launcher (`DistributedLaunch.detect`).
    /// - Throws: `CLIError` when launched but Open MPI cannot be loaded or initialized.
    static func start() throws -> MPICommunicator? {
        let environment = ProcessInfo.processInfo.environment
        do {
            guard let launch = try DistributedLaunch.detect(environment) else { return nil }
            return try MPICommunicator.start(launch, library: environment["STGCN_MPI_LIBRARY"])
        } catch {
            throw CLIError(error.description)
        }
    }

    /// How long a rank other than 0 waits before reporting its error and ending the job.
    static let reportPause: TimeInterval = 2

    /// Runs `body`; in an MPI job an error on any rank prints one line naming the rank and the
    /// cause and ends the whole job (`MPI_Abort`), so no rank waits forever for the others.
    /// Exit codes (an interrupted run's 130/143) pass through on every rank alike.
    static func run(_ communicator: MPICommunicator?, command: String, _ body: () throws -> Void) throws {
        guard let communicator else { return try body() }
        do {
            try body()
        } catch let exit as ExitCode {
            communicator.finalize()
            throw exit
        } catch {
            // An error every rank hits (ranks that disagree, a diverged loss) is reported once, by
            // rank 0, whose abort ends the others during this pause; an error of one rank alone is
            // reported by it after the pause.
            if communicator.rank != 0 { Thread.sleep(forTimeInterval: reportPause) }
            communicator.abort("stgcn \(command): rank \(communicator.rank) of \(communicator.size): \(error)")
        }
        communicator.finalize()
    }
}
