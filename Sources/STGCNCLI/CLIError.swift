import Foundation
import STGCN

/// A command-line failure with a one-line message (ArgumentParser prints it as `Error: …`
/// and exits with status 1).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension CLIError {
    /// Checks before the work starts that `path` can be written (`OutputFile.checkWritable`):
    /// an existing, writable folder and not a folder itself, or a device or FIFO.
    static func checkOutput(_ path: String) throws {
        do { try OutputFile.checkWritable(URL(fileURLWithPath: path)) } catch { throw CLIError(error.description) }
    }

    /// Loads the BLAS library (choosing its kernel) before a command that computes, so that a
    /// missing OpenBLAS is a one-line error instead of a stop in the middle of the work.
    static func requireBLAS() throws {
        do {
            _ = try BLASRuntime.status()
        } catch {
            throw CLIError(error.description)
        }
    }
}
