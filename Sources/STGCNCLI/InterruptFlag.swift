import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C (SIGINT) as a flag checked between training batches: the first press asks the run to
/// save a resumable checkpoint and stop; a second press exits at once.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    private var source: DispatchSourceSignal?

    /// Installs the handler (SIGINT's default action is disabled while it is installed).
    init(onFirst message: String) {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue.global())
        source.setEventHandler { [weak self] in
            guard let self else { return }
            self.lock.lock()
            let again = self.raised
            self.raised = true
            self.lock.unlock()
            if again {
                FileHandle.standardError.write(Data("\ninterrupted again: exiting without saving\n".utf8))
                exit(130)
            }
            FileHandle.standardError.write(Data("\n\(message)\n".utf8))
        }
        source.resume()
        self.source = source
    }

    /// Whether Ctrl-C was pressed.
    var isRaised: Bool {
        lock.lock()
        defer { lock.unlock() }
        return raised
    }

    deinit {
        source?.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
