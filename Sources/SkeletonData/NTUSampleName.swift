/// An NTU RGB+D sample name `SsssCcccPpppRrrrAaaa` (e.g. `S001C002P003R002A013`): setup,
/// camera, performer (subject), replication and action, each 3 digits.
public struct NTUSampleName: Sendable, Hashable, CustomStringConvertible {
    /// Setup number (1–17 in NTU 60, up to 32 in NTU 120).
    public var setup: Int
    /// Camera number (1–3).
    public var camera: Int
    /// Performer (subject) number.
    public var performer: Int
    /// Replication number (1–2).
    public var replication: Int
    /// Action number, 1-based as in the file name.
    public var action: Int

    /// The official X-Sub training performers; all others are evaluation.
    public static let crossSubjectTrainingSubjects: Set<Int> = [1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38]
    /// The official X-View training cameras (camera 1 is evaluation).
    public static let crossViewTrainingCameras: Set<Int> = [2, 3]

    /// Creates a name from its numbers.
    public init(setup: Int, camera: Int, performer: Int, replication: Int, action: Int) {
        self.setup = setup
        self.camera = camera
        self.performer = performer
        self.replication = replication
        self.action = action
    }

    /// Parses a file name or path such as `…/S001C002P003R002A013.skeleton` (any extension).
    /// - Throws: `SkeletonDataError.invalidFileName` unless the base name starts with
    ///   `S`, `C`, `P`, `R`, `A` each followed by exactly 3 digits.
    public init(fileName: String) throws(SkeletonDataError) {
        let base = fileName.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? fileName
        let bytes = Array(base.utf8)
        let letters: [UInt8] = Array("SCPRA".utf8)
        var numbers: [Int] = []
        for (k, letter) in letters.enumerated() {
            let at = k * 4
            guard bytes.count >= at + 4, bytes[at] == letter,
                  bytes[(at + 1)...(at + 3)].allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw .invalidFileName(file: fileName, expected: "SsssCcccPpppRrrrAaaa (3 digits each), e.g. S001C002P003R002A013.skeleton")
            }
            numbers.append(bytes[(at + 1)...(at + 3)].reduce(0) { $0 * 10 + Int($1 - 48) })
        }
        guard bytes.count == 20 || bytes[20] == UInt8(ascii: ".") || bytes[20] == UInt8(ascii: "_") else {
            throw .invalidFileName(file: fileName, expected: "SsssCcccPpppRrrrAaaa followed by an extension")
        }
        self.init(setup: numbers[0], camera: numbers[1], performer: numbers[2], replication: numbers[3], action: numbers[4])
    }

    /// The 0-based class label (`action − 1`), as the official converter writes it.
    public var label: Int { action - 1 }

    /// `SsssCcccPpppRrrrAaaa`.
    public var description: String {
        func three(_ n: Int) -> String {
            let digits = String(n)
            return digits.count >= 3 ? digits : String(repeating: "0", count: 3 - digits.count) + digits
        }
        return "S\(three(setup))C\(three(camera))P\(three(performer))R\(three(replication))A\(three(action))"
    }

    /// Whether the sample belongs to the training part of `benchmark` (else evaluation).
    public func isTraining(_ benchmark: NTUBenchmark) -> Bool {
        switch benchmark {
        case .crossSubject: return Self.crossSubjectTrainingSubjects.contains(performer)
        case .crossView: return Self.crossViewTrainingCameras.contains(camera)
        }
    }
}

/// The two NTU RGB+D 60 evaluation protocols.
public enum NTUBenchmark: String, Sendable, Hashable, CaseIterable {
    /// Cross-subject (`xsub`): split by performer.
    case crossSubject = "xsub"
    /// Cross-view (`xview`): split by camera.
    case crossView = "xview"
}
