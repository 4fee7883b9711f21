import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a work-directory file (`metrics.jsonl`, `report.html`) atomically under the temporary
/// name `.<name>.tmp-<UUID>` that `StaleTemporaryFiles` recognizes, then renames it into place.
enum AtomicWorkFileWriter {
    /// Writes `data` to `url`.
    /// - Throws: `TrainingError.io` naming `url`; no temporary is left behind on failure.
    static func write(_ data: Data, to url: URL) throws(TrainingError) {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        do { try data.write(to: temporary) } catch {
            throw .io(file: url.path, reason: "cannot write the temporary \(temporary.lastPathComponent): \(error.localizedDescription)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .io(file: url.path, reason: "cannot rename the temporary into place: \(reason)")
        }
    }
}
