import SeededRandom
import XCTest

/// The seed mixer's outputs are part of the package's reproducibility promise: datasets,
/// initial weights and training runs are functions of their seeds, across versions.
final class SplitMix64Tests: XCTestCase {
    func testMatchesTheReferenceSequence() {
        // The published SplitMix64 sequence for seed 0 (Vigna's splitmix64.c).
        var stream = SplitMix64(seed: 0)
        XCTAssertEqual(stream.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(stream.next(), 0x6E78_9E6A_A1B9_65F4)
        XCTAssertEqual(stream.next(), 0x06C4_5D18_8009_454F)
    }

    func testKeyedStreamsDependOnEveryKeyAndTheirOrder() {
        var a = SplitMix64(keys: 1, 2, 3), b = SplitMix64(keys: 1, 2, 3)
        var swapped = SplitMix64(keys: 1, 3, 2), shorter = SplitMix64(keys: 1, 2)
        let first = a.next()
        XCTAssertEqual(first, b.next())
        XCTAssertNotEqual(first, swapped.next())
        XCTAssertNotEqual(first, shorter.next())
    }

    func testGeneratorIsSeededThroughTheMixer() {
        var generator = SeededGenerator(seed: 42), same = SeededGenerator(seed: 42), other = SeededGenerator(seed: 43)
        let values = (0..<4).map { _ in generator.next() }
        XCTAssertEqual(values, (0..<4).map { _ in same.next() })
        XCTAssertNotEqual(values, (0..<4).map { _ in other.next() })
        var uniform = SeededGenerator(seed: 7)
        let draws = (0..<10_000).map { _ in uniform.nextUniform() }
        XCTAssertTrue(draws.allSatisfy { (0..<1).contains($0) })
        XCTAssertEqual(Double(draws.reduce(0, +)) / 10_000, 0.5, accuracy: 0.02)
    }
}
