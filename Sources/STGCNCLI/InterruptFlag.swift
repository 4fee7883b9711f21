import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT (Ctrl-C) and SIGTERM (`kill`, slurm, Kubernetes, systemd) as a flag checked between
/// training batches: the first signal asks the run to save a resumable checkpoint and stop (the
/// command then exits with 128 + the signal number: 130 for SIGINT, 143 for SIGTERM); a second
/// signal exits at once with that status, without saving.
final class InterruptFlag: @unchecked Sendable {
    /// The signals handled.
    static let signals: [Int32] = [SIGINT, SIGTERM]

    private let lock = NSLock()
    private var received: Int32?
    private var sources: [DispatchSourceSignal] = []

    /// Installs the handlers (the signals' default actions are disabled while they are installed).
    /// - Parameter message: printed on the first signal, given its name (`SIGINT`, `SIGTERM`).
    init(onFirst message: @escaping @Sendable (String) -> String) {
        for number in Self.signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: DispatchQueue.global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                let earlier = self.received
                if earlier == nil { self.received = number }
                self.lock.unlock()
                if earlier != nil {
                    FileHandle.standardError.write(Data("\n\(Self.name(number)) again: exiting without saving\n".utf8))
                    exit(Self.exitStatus(for: number))
                }
                FileHandle.standardError.write(Data("\n\(message(Self.name(number)))\n".utf8))
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    var receivedSignal: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Whether a signal asked the run to stop.
    var isRaised: Bool { receivedSignal != nil }

    /// The conventional exit status after `signal`: 128 + its number.
    static func exitStatus(for signal: Int32) -> Int32 { 128 + signal }

    /// `SIGINT`, `SIGTERM`, or `signal N`.
    static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(signal)"
        }
    }

    deinit {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }
}
