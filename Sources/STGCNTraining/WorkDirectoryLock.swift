import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The exclusive lock that makes a work directory one run's: `flock(2)` on `.stgcn.lock` in the
/// directory, which holds the owner's pid as text.
///
/// The lock lasts until `release()` or the end of the process; the kernel releases it when the
/// process dies in any way (`kill -9` included), so a killed run never blocks the next one. The
/// lock file itself stays (removing it would let two processes lock two different files).
public final class WorkDirectoryLock {
    /// The lock file's name.
    public static let fileName = ".stgcn.lock"

    /// The lock file.
    public let file: URL
    private var descriptor: Int32

    /// Takes the lock of `directory` (which must exist) without waiting.
    /// - Throws: `WorkDirectoryError.inUse` naming the holder's pid when another process has it,
    ///   `.lockFailed` when the file cannot be opened or locked.
    public init(directory: URL) throws(WorkDirectoryError) {
        file = directory.appendingPathComponent(Self.fileName)
        let path = file.path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .lockFailed(lockFile: path, reason: String(cString: strerror(errno))) }
        // EWOULDBLOCK (= EAGAIN on Linux and Darwin) when another open file description holds it.
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = Self.readPID(fd)
            close(fd)
            if code == EAGAIN { throw .inUse(directory: directory.path, lockFile: path, pid: holder) }
            throw .lockFailed(lockFile: path, reason: String(cString: strerror(code)))
        }
        let text = Array("\(getpid())\n".utf8)
        let written = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        guard ftruncate(fd, off_t(text.count)) == 0, written == text.count else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .lockFailed(lockFile: path, reason: "cannot write the pid: \(reason)")
        }
        descriptor = fd
    }

    deinit { release() }

    /// Releases the lock (also done at deinit and, by the kernel, at process exit).
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    /// The pid written in an open lock file, when it holds one.
    static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }
}
