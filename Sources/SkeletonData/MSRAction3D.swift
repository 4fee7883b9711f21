import Foundation

/// An MSR Action3D file name `aXX_sYY_eZZ_skeleton3D.txt`: action (1–20), subject (1–10),
/// repetition (1–3).
public struct MSRAction3DSampleName: Sendable, Hashable, CustomStringConvertible {
    /// Action, 1-based.
    public var action: Int
    /// Subject, 1-based.
    public var subject: Int
    /// Repetition, 1-based.
    public var repetition: Int

    /// The 20 action names, in label order.
    public static let actionNames = [
        "high arm wave", "horizontal arm wave", "hammer", "hand catch", "forward punch", "high throw",
        "draw x", "draw tick", "draw circle", "hand clap", "two hand wave", "side-boxing", "bend",
        "forward kick", "side kick", "jogging", "tennis swing", "tennis serve", "golf swing", "pick up & throw",
    ]

    /// Creates a name.
    public init(action: Int, subject: Int, repetition: Int) {
        self.action = action
        self.subject = subject
        self.repetition = repetition
    }

    /// Parses `aXX_sYY_eZZ…` from a file name or path (2 digits each).
    public init(fileName: String) throws(SkeletonDataError) {
        let base = Array((fileName.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? fileName).utf8)
        var numbers: [Int] = []
        for (k, letter) in [UInt8(ascii: "a"), UInt8(ascii: "s"), UInt8(ascii: "e")].enumerated() {
            let at = k * 4
            guard base.count >= at + 3, base[at] == letter,
                  (48...57).contains(base[at + 1]), (48...57).contains(base[at + 2]),
                  k == 2 || (base.count > at + 3 && base[at + 3] == UInt8(ascii: "_")) else {
                throw .invalidFileName(file: fileName, expected: "aXX_sYY_eZZ_skeleton3D.txt (2 digits each)")
            }
            numbers.append(Int(base[at + 1] - 48) * 10 + Int(base[at + 2] - 48))
        }
        self.init(action: numbers[0], subject: numbers[1], repetition: numbers[2])
    }

    /// The 0-based label (`action − 1`).
    public var label: Int { action - 1 }

    /// The usual cross-subject protocol: odd subjects train, even subjects test.
    public var isTraining: Bool { subject % 2 == 1 }

    /// `aXX_sYY_eZZ`.
    public var description: String {
        func two(_ n: Int) -> String { n < 10 && n >= 0 ? "0\(n)" : "\(n)" }
        return "a\(two(action))_s\(two(subject))_e\(two(repetition))"
    }
}
