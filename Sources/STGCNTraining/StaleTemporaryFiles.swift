import Foundation

/// The temporary files an atomic write leaves behind when its process dies between creating the
/// temporary and renaming it into place (`kill -9`, power loss). Only a process holding the work
/// directory's lock may remove them: another live run could be writing them.
public enum StaleTemporaryFiles {
    /// Whether a file name is such a temporary: `.<name>.tmp-<UUID>` (this package's atomic
    /// writes: safetensors, `.npy`, label files, `metrics.jsonl`, `report.html`) or
    /// `.dat.nosync` followed by 6 characters (Foundation's `Data.write(options: .atomic)` on Linux).
    public static func matches(_ name: String) -> Bool {
        if name.hasPrefix(".dat.nosync") { return name.count == ".dat.nosync".count + 6 }
        guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards), marker.lowerBound > name.index(after: name.startIndex) else {
            return false
        }
        return UUID(uuidString: String(name[marker.upperBound...])) != nil
    }

    /// The temporaries directly inside `directory`, sorted by name.
    /// - Throws: `WorkDirectoryError.cannotClean` when the folder cannot be listed.
    public static func find(in directory: URL) throws(WorkDirectoryError) -> [URL] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw .cannotClean(file: directory.path, reason: "cannot list the folder: \(error.localizedDescription)")
        }
        return names.filter(matches).sorted().map { directory.appendingPathComponent($0) }
    }

    /// Removes the temporaries directly inside `directory`; returns the removed files.
    /// - Throws: `WorkDirectoryError.cannotClean` naming the first file that cannot be removed.
    @discardableResult
    public static func remove(in directory: URL) throws(WorkDirectoryError) -> [URL] {
        let found = try find(in: directory)
        for url in found {
            do { try FileManager.default.removeItem(at: url) } catch {
                throw .cannotClean(file: url.path, reason: error.localizedDescription)
            }
        }
        return found
    }
}
