import Foundation

/// Class names from a text file with one name per line, in label order (the official
/// `label_name.txt` format; blank lines at the end are ignored, `\r` is dropped).
public enum ClassNames {
    /// The names in `url`, which must number `classCount` when given.
    public static func read(contentsOf url: URL, classCount: Int? = nil) throws(TrainingError) -> [String] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .data(file: url.path, reason: "cannot read the label names: \(error.localizedDescription)")
        }
        var names = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }
        while names.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { names.removeLast() }
        if let classCount, names.count != classCount {
            throw .data(file: url.path, reason: "\(names.count) label names; the model has \(classCount) classes (one name per line expected)")
        }
        return names
    }
}
