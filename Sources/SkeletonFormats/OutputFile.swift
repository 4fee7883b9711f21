import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes an output file the way `cp` and `numpy.save` treat their destination, but atomically:
///
/// - A regular file (new or existing) is replaced atomically: the bytes go to a hidden
///   temporary file `.NAME.tmp-UUID` in the destination's folder, are flushed to disk, and the
///   temporary is renamed over the destination, so readers never see a half-written file. An
///   existing file keeps its permissions. On every error (a failed or short write, e.g. a
///   full disk; a failed flush or rename) the temporary file is removed.
/// - A symbolic link is followed: its final target is written (atomically, as above) and the
///   link stays a link.
/// - A character device or FIFO (`/dev/stdout`, `/dev/null`, a named pipe) is written through,
///   never replaced; its write errors (`/dev/full`: "No space left on device") are reported.
/// - A directory is an error.
public enum OutputFile {
    /// Writes `data` to `url`.
    /// - Throws: `OutputFileError` naming `url` with a one-line reason; no temporary file is left behind.
    public static func write(_ data: Data, to url: URL) throws(OutputFileError) {
        let destination = try resolve(url)
        var status = stat()
        var existingMode: mode_t?
        if stat(destination, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFCHR, S_IFIFO:
                try writeThrough(data, to: destination, shownAs: url.path)
                return
            case S_IFDIR:
                throw OutputFileError(path: url.path, reason: "is a folder; expected a file name")
            default:
                existingMode = status.st_mode & 0o7777
            }
        }
        try replaceAtomically(destination, with: data, keepingModeOf: existingMode, shownAs: url.path)
    }

    /// Checks, before any work, that `url` can be written: a character device or FIFO that
    /// can be opened for writing, or a file name (new or existing, not a folder) in an
    /// existing, writable folder. Symbolic links are followed.
    /// - Throws: `OutputFileError` naming `url` and what is wrong.
    public static func checkWritable(_ url: URL) throws(OutputFileError) {
        let destination = try resolve(url)
        var status = stat()
        if stat(destination, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFCHR, S_IFIFO:
                guard access(destination, W_OK) == 0 else { throw OutputFileError(path: url.path, reason: "cannot write: \(errorText())") }
                return
            case S_IFDIR:
                throw OutputFileError(path: url.path, reason: "is a folder; expected a file name")
            default:
                break
            }
        }
        let folder = (destination as NSString).deletingLastPathComponent
        let folderPath = folder.isEmpty ? "." : folder
        var folderStatus = stat()
        guard stat(folderPath, &folderStatus) == 0, folderStatus.st_mode & S_IFMT == S_IFDIR else {
            throw OutputFileError(path: url.path, reason: "the folder \(folderPath) does not exist; expected an existing folder")
        }
        guard access(folderPath, W_OK) == 0 else {
            throw OutputFileError(path: url.path, reason: "cannot write into the folder \(folderPath): \(errorText())")
        }
    }

    /// The path `url` finally names: symbolic links followed (at most 40, as the kernel does),
    /// also when the last one points to a file that does not exist yet.
    static func resolve(_ url: URL) throws(OutputFileError) -> String {
        var path = url.path
        for _ in 0..<40 {
            var status = stat()
            guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else { return path }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(path, &buffer, buffer.count - 1)
            guard length >= 0 else { throw OutputFileError(path: url.path, reason: "cannot read the symbolic link: \(errorText())") }
            let target = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            path = target.hasPrefix("/") ? target : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
        }
        throw OutputFileError(path: url.path, reason: "too many levels of symbolic links")
    }

    /// Writes into an existing device or FIFO without replacing it.
    private static func writeThrough(_ data: Data, to path: String, shownAs shown: String) throws(OutputFileError) {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw OutputFileError(path: shown, reason: "cannot open for writing: \(errorText())") }
        if let reason = writeAll(data, to: descriptor) {
            close(descriptor)
            throw OutputFileError(path: shown, reason: "cannot write: \(reason)")
        }
        guard close(descriptor) == 0 else { throw OutputFileError(path: shown, reason: "cannot write: \(errorText())") }
    }

    /// Temporary file, flush, rename; the temporary is removed on every error.
    private static func replaceAtomically(_ path: String, with data: Data, keepingModeOf mode: mode_t?,
                                          shownAs shown: String) throws(OutputFileError) {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(".\(name).tmp-\(UUID().uuidString)")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw OutputFileError(path: shown, reason: "cannot create temporary file \(temporary): \(errorText())")
        }
        func fail(_ reason: String) -> OutputFileError {
            unlink(temporary)
            return OutputFileError(path: shown, reason: reason)
        }
        if let reason = writeAll(data, to: descriptor) {
            close(descriptor)
            throw fail("cannot write temporary file \(temporary): \(reason)")
        }
        if let mode { _ = fchmod(descriptor, mode) }
        guard fsync(descriptor) == 0 else {
            let reason = errorText()
            close(descriptor)
            throw fail("cannot flush temporary file \(temporary): \(reason)")
        }
        guard close(descriptor) == 0 else { throw fail("cannot close temporary file \(temporary): \(errorText())") }
        guard rename(temporary, path) == 0 else { throw fail("cannot rename temporary file into place: \(errorText())") }
    }

    /// Writes every byte, retrying after interruptions and short writes; nil or the reason.
    private static func writeAll(_ data: Data, to descriptor: Int32) -> String? {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> String? in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, min(buffer.count - offset, 1 << 30))
                if written < 0 {
                    if errno == EINTR { continue }
                    return errorText()
                }
                if written == 0 { return "no progress writing" }
                offset += written
            }
            return nil
        }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}

/// POSIX `write(2)` (the name `write` is taken by `OutputFile.write` inside the type).
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(descriptor, bytes, count)
    #elseif canImport(Musl)
    return Musl.write(descriptor, bytes, count)
    #else
    return Darwin.write(descriptor, bytes, count)
    #endif
}
