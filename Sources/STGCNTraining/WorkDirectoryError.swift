/// Why a training run may not start in its work directory, as one line.
public enum WorkDirectoryError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Another process holds the work directory's lock (`pid` as written in the lock file, when readable).
    case inUse(directory: String, lockFile: String, pid: Int32?)
    /// The lock file cannot be created or locked.
    case lockFailed(lockFile: String, reason: String)
    /// The directory holds an earlier run's checkpoint or weights and neither resuming nor
    /// overwriting was asked for.
    case holdsEarlierRun(directory: String, files: [String])
    /// A file of an earlier run or a stale temporary cannot be removed, or the folder not listed.
    case cannotClean(file: String, reason: String)

    /// One line naming the directory or file and what to do.
    public var description: String {
        switch self {
        case let .inUse(directory, lockFile, pid):
            let holder = pid.map { "pid \($0)" } ?? "a process whose pid \(lockFile) does not show yet"
            return "\(directory): work_dir is in use by another stgcn train (\(holder), lock \(lockFile)); wait for it, stop it, or choose another --work-dir"
        case let .lockFailed(lockFile, reason):
            return "\(lockFile): cannot lock the work_dir: \(reason)"
        case let .holdsEarlierRun(directory, files):
            let shown = files.prefix(4).joined(separator: ", ") + (files.count > 4 ? ", …" : "")
            return "\(directory): holds an earlier run (\(shown)); continue it with --resume, or pass --overwrite to delete that run's files and start afresh"
        case let .cannotClean(file, reason):
            return "\(file): cannot remove: \(reason)"
        }
    }
}
