import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a run's messages go: standard output, and (with a timestamp per line) a log file in
/// the work directory, as the official processor's `log.txt`. On a terminal, a live progress
/// line is redrawn in place and cleared before ordinary lines.
public final class TrainingLog: @unchecked Sendable {
    private let lock = NSLock()
    private var handle: FileHandle?
    private var liveLineShown = false
    /// Whether output goes to a terminal (live progress line) or elsewhere (plain lines).
    public let isTerminal: Bool
    /// Whether to print to standard output at all (tests keep quiet).
    public let echo: Bool
    /// The log file, when one is open.
    public let file: URL?

    /// A log that appends to `file` (created if needed) and prints to standard output when `echo`.
    public init(file: URL?, echo: Bool = true, isTerminal: Bool? = nil) throws(TrainingError) {
        self.file = file
        self.echo = echo
        self.isTerminal = isTerminal ?? (isatty(STDOUT_FILENO) != 0)
        if let file {
            if !FileManager.default.fileExists(atPath: file.path) {
                guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                    throw .io(file: file.path, reason: "cannot create the log file")
                }
            }
            do {
                let handle = try FileHandle(forWritingTo: file)
                try handle.seekToEnd()
                self.handle = handle
            } catch {
                throw .io(file: file.path, reason: "cannot open the log file: \(error.localizedDescription)")
            }
        }
    }

    deinit { try? handle?.close() }

    /// Prints `text` (one or more lines) and appends it to the log file.
    public func line(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if echo {
            if liveLineShown { FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8)); liveLineShown = false }
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
        appendToFile(text)
    }

    /// Prints a warning to standard error and the log file.
    public func warning(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if echo {
            if liveLineShown { FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8)); liveLineShown = false }
            FileHandle.standardError.write(Data("warning: \(text)\n".utf8))
        }
        appendToFile("warning: " + text)
    }

    /// Redraws the live progress line (terminal only; not logged).
    public func live(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        guard echo && isTerminal else { return }
        FileHandle.standardOutput.write(Data("\r\u{1B}[2K\(text)".utf8))
        liveLineShown = true
    }

    private func appendToFile(_ text: String) {
        guard let handle else { return }
        let stamp = Self.timestamp()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { "[ \(stamp) ] \($0)\n" }
        handle.write(Data(lines.joined().utf8))
    }

    static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date())
    }
}
