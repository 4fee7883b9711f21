import Foundation
import XCTest
import InputLimits
@testable import STGCNTraining

/// Seeded mutations of the published NTU X-Sub config through the readers the CLI uses
/// (`TrainingConfiguration` for train/test, `ExperimentConfiguration` for infer/predict/convert):
/// every input gives a configuration or a one-line `ConfigurationError`, never a crash, and
/// the whole run stays within a time bound.
final class ConfigurationFuzzTests: XCTestCase {
    /// SplitMix64, so that a failure can be replayed from its seed and iteration.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let hugeNumbers = ["1000000000", "99999999999999999999999", "-1", "0", "1e308", "-1e308", ".nan", ".inf", "9223372036854775807",
                              "-9223372036854775808", "0x7fffffff", "1_000_000", "10000000"]
    static let fragments = ["[", "]", "{", "}", ": ", "- ", "\n", "\n  ", "'", "\"", "#", "&a ", "*a", "!!binary ", "? ", "|", ">", ",",
                            "\u{0}", "\u{1B}", "\u{FEFF}", "~", "null", "True", "---\n", "...\n", "%YAML 1.1\n", "\t"]

    /// One mutation of `text`: a structural edit (deep nesting, huge number, swapped values)
    /// or a byte-level one.
    func mutate(_ text: String, using random: inout Random) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let at = Int.random(in: 0..<lines.count, using: &random)
        switch Int.random(in: 0..<9, using: &random) {
        case 0: // a value replaced by deep flow nesting
            let depth = [10, 63, 64, 65, 100, 1_000, 5_000].randomElement(using: &random) ?? 5_000
            let open = Bool.random(using: &random) ? "[" : "{a: "
            let close = open == "[" ? "]" : "}"
            lines[at] = (lines[at].split(separator: ":").first.map(String.init) ?? "k") + ": "
                + String(repeating: open, count: depth) + "1" + String(repeating: close, count: Int.random(in: 0...depth, using: &random))
        case 1: // deep block mappings
            let depth = [5, 60, 70, 500, 3_000].randomElement(using: &random) ?? 3_000
            lines.insert((0..<depth).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " 1", at: at)
        case 2: // a number replaced by a huge or odd one
            if let colon = lines[at].firstIndex(of: ":") {
                lines[at] = String(lines[at][...colon]) + " " + (Self.hugeNumbers.randomElement(using: &random) ?? "-1")
            }
        case 3: // num_class / num_node / in_channels set to a huge value
            let key = ["num_class", "in_channels", "temporal_kernel_size", "dropout"].randomElement(using: &random) ?? "num_class"
            let value = Self.hugeNumbers.randomElement(using: &random) ?? "-1"
            if let index = lines.firstIndex(where: { $0.hasPrefix("  \(key):") }) {
                lines[index] = "  \(key): \(value)"
            } else if let index = lines.firstIndex(of: "model_args:") {
                lines.insert("  \(key): \(value)", at: index + 1)
            }
        case 4: // a custom layout with a huge joint count
            let count = Self.hugeNumbers.randomElement(using: &random) ?? "10000000"
            lines = lines.map { $0.contains("layout:") ? "    layout: {num_node: \(count), edges: [[0, 1], [1, 2]], center: 0}" : $0 }
        case 5: // a fragment inserted
            var line = Array(lines[at])
            line.insert(contentsOf: Self.fragments.randomElement(using: &random) ?? "[", at: Int.random(in: 0...line.count, using: &random))
            lines[at] = String(line)
        case 6: // a line duplicated or removed
            if Bool.random(using: &random) { lines.insert(lines[at], at: at) } else { lines.remove(at: at) }
        case 7: // random bytes (control characters included)
            let bytes = (0..<Int.random(in: 1...16, using: &random)).map { _ in UInt8.random(in: 0...127, using: &random) }
            lines[at] += String(decoding: bytes, as: UTF8.self)
        default: // a line truncated
            lines[at] = String(lines[at].prefix(Int.random(in: 0...lines[at].count, using: &random)))
        }
        return lines.joined(separator: "\n")
    }

    func testMutatedOfficialConfigsGiveConfigurationsOrOneLineErrors() {
        let source = URL(fileURLWithPath: "/configs/ntu-xsub/train.yaml")
        let original = TrainingConfigurationTests.officialNTUXSub
        XCTAssertNoThrow(try TrainingConfiguration(yaml: original, source: source))
        var random = Random(state: 17)
        var accepted = 0, rejected = 0
        let started = Date()
        for iteration in 0..<300 {
            var text = original
            for _ in 0..<Int.random(in: 1...3, using: &random) { text = mutate(text, using: &random) }
            for reader in 0..<2 {
                do {
                    if reader == 0 {
                        let settings = try TrainingConfiguration(yaml: text, source: source)
                        XCTAssertLessThanOrEqual(settings.model.classCount, InputLimits.maximumClassCount)
                        XCTAssertLessThanOrEqual(settings.model.layout.jointCount, InputLimits.maximumJointCount)
                    } else {
                        _ = try ExperimentConfiguration(yaml: text, source: source, unknownKeys: .warn)
                    }
                    accepted += 1
                } catch {
                    XCTAssertFalse(error.description.contains("\n"), "iteration \(iteration): multi-line error")
                    XCTAssertFalse(error.description.unicodeScalars.contains { $0.value < 0x20 }, "iteration \(iteration): control characters")
                    XCTAssertLessThan(error.description.utf8.count, 2_000, "iteration \(iteration): \(error.description.prefix(200))")
                    rejected += 1
                }
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print("config fuzz: \(accepted) accepted, \(rejected) rejected in \(String(format: "%.2f", seconds)) s")
        XCTAssertGreaterThan(accepted, 20, "the mutations must leave some configs valid")
        XCTAssertGreaterThan(rejected, 100)
        XCTAssertLessThan(seconds, 60, "bounded time")
    }
}
