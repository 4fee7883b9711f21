import STGCN

/// A command-line failure with a one-line message (ArgumentParser prints it as `Error: …`
/// and exits with status 1).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension CLIError {
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
