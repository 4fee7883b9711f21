import Foundation

extension Trainer.WorkFiles {
    /// Whether `name` is one of the files a run writes: `checkpoint.safetensors`,
    /// `epoch{N}_model.safetensors`, `metrics.jsonl`, `log.txt` or `report.html`.
    public static func isRunFile(_ name: String) -> Bool {
        if ["checkpoint.safetensors", "metrics.jsonl", "log.txt", "report.html"].contains(name) { return true }
        guard name.hasPrefix("epoch"), name.hasSuffix("_model.safetensors") else { return false }
        let number = name.dropFirst("epoch".count).dropLast("_model.safetensors".count)
        return !number.isEmpty && number.allSatisfy(\.isASCII) && Int(number) != nil
    }

    /// The files of an earlier run in the directory, sorted by name (empty when there is none or
    /// the folder does not exist).
    public func earlierRunFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter(Self.isRunFile).sorted().map { directory.appendingPathComponent($0) }
    }

    /// Whether an earlier run left weights here (the checkpoint or an `epoch{N}_model.safetensors`),
    /// which a fresh run would overwrite or mix with its own.
    public var holdsEarlierWeights: Bool {
        earlierRunFiles().contains { $0.pathExtension == "safetensors" }
    }

    /// Deletes the files of an earlier run (`--overwrite`); other files stay.
    /// - Throws: `WorkDirectoryError.cannotClean` naming the first file that cannot be removed.
    public func removeEarlierRun() throws(WorkDirectoryError) {
        for url in earlierRunFiles() {
            do { try FileManager.default.removeItem(at: url) } catch {
                throw .cannotClean(file: url.path, reason: error.localizedDescription)
            }
        }
    }
}
