import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file atomically: the bytes go to a temporary file in the destination's directory,
/// which is then renamed over the destination, so readers never see a half-written file.
enum AtomicFileWriter {
    /// Writes `data` to `url`; on failure returns a one-line reason and leaves no temporary file behind.
    static func write(_ data: Data, to url: URL) -> String? {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        do {
            try data.write(to: temporary)
        } catch {
            return "cannot write temporary file \(temporary.path): \(TextSanitizing.oneLine(error.localizedDescription))"
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            return "cannot rename temporary file into place: \(reason)"
        }
        return nil
    }
}
