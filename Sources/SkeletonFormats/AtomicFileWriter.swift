import Foundation

/// The package's writers' entry point: `OutputFile.write`, with the reason as a string for
/// their own error types.
enum AtomicFileWriter {
    /// Writes `data` to `url` (see `OutputFile`); on failure returns a one-line reason and
    /// leaves no temporary file behind.
    static func write(_ data: Data, to url: URL) -> String? {
        do {
            try OutputFile.write(data, to: url)
            return nil
        } catch {
            return error.reason
        }
    }
}
