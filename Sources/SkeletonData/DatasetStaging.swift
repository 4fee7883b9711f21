import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A hidden folder inside a dataset's output folder where every output file of a conversion
/// is written first; `commit` moves them into place only once all of them were written, and
/// `discard` removes everything, so that a conversion leaves either all its files or none.
struct DatasetStaging {
    /// The output folder.
    let folder: URL
    /// The hidden staging folder inside it, `.stgcn-gendata-UUID`.
    let url: URL
    /// Whether `folder` did not exist before (it is removed again by `discard` when left empty).
    private let createdFolder: Bool

    /// Creates `folder` if needed and an empty staging folder inside it.
    /// - Throws: `SkeletonDataError.unreadable` naming the folder when it cannot be created.
    init(folder: URL) throws(SkeletonDataError) {
        var isDirectory: ObjCBool = false
        let existed = FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory)
        if existed && !isDirectory.boolValue {
            throw .unreadable(file: folder.path, reason: "cannot write the dataset here: it is a file, expected a folder")
        }
        self.folder = folder
        createdFolder = !existed
        url = folder.appendingPathComponent(".stgcn-gendata-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .unreadable(file: folder.path, reason: "cannot create the output folder: \(Self.reason(error))")
        }
    }

    /// Moves the staged files at `relativePaths` to the same paths below `folder` (creating
    /// sub-folders), replacing older files there, then removes the staging folder. When a move
    /// fails, the files already moved are removed too and the staging folder is discarded.
    /// - Throws: `SkeletonDataError.unreadable` naming the file that could not be moved.
    func commit(_ relativePaths: [String]) throws(SkeletonDataError) {
        var moved: [URL] = []
        for path in relativePaths {
            let source = url.appendingPathComponent(path), destination = folder.appendingPathComponent(path)
            do {
                try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            } catch {
                for file in moved { try? FileManager.default.removeItem(at: file) }
                discard()
                throw .unreadable(file: destination.deletingLastPathComponent().path, reason: "cannot create the folder: \(Self.reason(error))")
            }
            guard rename(source.path, destination.path) == 0 else {
                let reason = String(cString: strerror(errno))
                for file in moved { try? FileManager.default.removeItem(at: file) }
                discard()
                throw .unreadable(file: destination.path, reason: "cannot move the finished file into place: \(reason)")
            }
            moved.append(destination)
        }
        try? FileManager.default.removeItem(at: url)
    }

    /// Removes the staging folder with everything in it, and the output folder when this
    /// conversion created it and it is empty.
    func discard() {
        try? FileManager.default.removeItem(at: url)
        if createdFolder, let left = try? FileManager.default.contentsOfDirectory(atPath: folder.path), left.isEmpty {
            try? FileManager.default.removeItem(at: folder)
        }
    }

    private static func reason(_ error: any Error) -> String {
        TextQuoting.oneLine((error as NSError).localizedDescription)
    }
}
