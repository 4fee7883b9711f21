import XCTest
import STGCNModel
import STGCNTensor
@testable import STGCNTraining

/// The dropout masks a training run draws, as the Trainer draws them (the network reseeded with
/// `RunSeeds.derive(seed, 3, epoch, batch)` before every batch), tested as statistics: the keep
/// rate per block, per sample and per 65,536-entry piece; the spread of the per-(sample, channel)
/// kept counts (binomial, neither clumped nor too even); independence between samples, blocks,
/// batches and neighbouring entries, frames and channels; no mask on block 0 (as the official model, whose first block
/// is built without `dropout`); inverted scaling with mean 1.
///
/// Every bound is 5 standard deviations of the binomial statistic, so a correct generator fails
/// with probability below 1e-6 per check, while a mask reused across samples or batches, a
/// keep rate of p instead of 1 − p, or a piece that repeats another fails by hundreds of σ.
final class DropoutMaskStatisticsTests: XCTestCase {
    let probability: Float = 0.5
    /// A block's activation shape in training: (N·M, C, T, V) = (4·2, 64, 20, 25), 256,000 entries.
    let rows = 8, rowSize = 64 * 20 * 25

    func masks(seed: UInt64, epoch: UInt64, batch: UInt64, network: STGCNNetwork) -> [[UInt8]?] {
        network.reseedDropout(RunSeeds.derive(seed, 3, epoch, batch))
        return network.blocks.map { $0.dropout.makeKeepMask(count: rows * rowSize, mode: .training) }
    }

    func assertRate(_ observed: Double, expected: Double, trials: Int, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let sigma = (expected * (1 - expected) / Double(trials)).squareRoot()
        XCTAssertLessThanOrEqual(abs(observed - expected), 5 * sigma,
                                 "\(what): \(observed), expected \(expected) ± 5σ = \(5 * sigma)", file: file, line: line)
    }

    func keptFraction(_ mask: ArraySlice<UInt8>) -> Double { Double(mask.reduce(0) { $0 + Int($1) }) / Double(mask.count) }

    func bothKeptFraction(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Double {
        Double(zip(a, b).reduce(0) { $0 + Int($1.0 & $1.1) }) / Double(a.count)
    }

    func testMasksHaveTheKeepRateAndAreIndependent() throws {
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: 5, layout: .ntuRGBD, dropout: probability))
        let keep = Double(1 - probability)
        let first = masks(seed: 7, epoch: 0, batch: 0, network: network)
        let next = masks(seed: 7, epoch: 0, batch: 1, network: network)
        let nextEpoch = masks(seed: 7, epoch: 1, batch: 0, network: network)
        XCTAssertNil(first[0], "block 0 has no dropout, as the official model")
        let blockMasks = try first.dropFirst().map { try XCTUnwrap($0) }
        XCTAssertEqual(blockMasks.count, 9)

        for (index, mask) in blockMasks.enumerated() {
            let block = "block \(index + 1)"
            assertRate(keptFraction(mask[...]), expected: keep, trials: mask.count, block)
            for row in 0..<rows {
                let slice = mask[(row * rowSize)..<((row + 1) * rowSize)]
                assertRate(keptFraction(slice), expected: keep, trials: rowSize, "\(block), sample row \(row)")
            }
            let piece = Dropout.chunkSize
            for start in stride(from: 0, to: mask.count, by: piece) {
                let slice = mask[start..<min(mask.count, start + piece)]
                assertRate(keptFraction(slice), expected: keep, trials: slice.count, "\(block), piece at \(start)")
            }
            // Neighbouring entries (lag 1) and two samples of the batch are independent.
            assertRate(bothKeptFraction(mask[0..<(mask.count - 1)], mask[1...]), expected: keep * keep,
                       trials: mask.count - 1, "\(block), neighbours")
            assertRate(bothKeptFraction(mask[0..<rowSize], mask[rowSize..<(2 * rowSize)]), expected: keep * keep,
                       trials: rowSize, "\(block), samples 0 and 1")
            // Neighbouring frames (lag V = 25) and channels (lag T·V = 500) are independent too.
            for (lag, what) in [(25, "next frame"), (20 * 25, "next channel")] {
                assertRate(bothKeptFraction(mask[0..<(mask.count - lag)], mask[lag...]), expected: keep * keep,
                           trials: mask.count - lag, "\(block), \(what)")
            }
            // The kept counts of the (sample, channel) rows of T·V entries vary as binomial counts:
            // Pearson's χ² over the 512 rows is within 5σ of its mean (σ = √(2·rows)).
            let channelRows = mask.count / (20 * 25), perRow = Double(20 * 25)
            let chiSquare = (0..<channelRows).map { row -> Double in
                let kept = Double(mask[(row * 500)..<((row + 1) * 500)].reduce(0) { $0 + Int($1) })
                return (kept - perRow * keep) * (kept - perRow * keep) / (perRow * keep * (1 - keep))
            }.reduce(0, +)
            XCTAssertLessThanOrEqual(abs(chiSquare - Double(channelRows)), 5 * (2 * Double(channelRows)).squareRoot(),
                                     "\(block): χ² of the per-(sample, channel) kept counts \(chiSquare) over \(channelRows) rows")
            // Pieces are not copies of each other.
            assertRate(bothKeptFraction(mask[0..<piece], mask[piece..<(2 * piece)]), expected: keep * keep,
                       trials: piece, "\(block), pieces 0 and 1")
        }
        // Blocks, batches and epochs draw independent masks.
        let a = try XCTUnwrap(first[1]), b = try XCTUnwrap(first[2])
        assertRate(bothKeptFraction(a[...], b[...]), expected: keep * keep, trials: a.count, "blocks 1 and 2")
        for (label, other) in [("next batch", next), ("next epoch", nextEpoch)] {
            for block in 1..<10 {
                let x = try XCTUnwrap(first[block]), y = try XCTUnwrap(other[block])
                assertRate(bothKeptFraction(x[...], y[...]), expected: keep * keep, trials: x.count, "block \(block), \(label)")
            }
        }
        // The same position draws the same masks (what makes resume bit-identical).
        XCTAssertEqual(masks(seed: 7, epoch: 0, batch: 1, network: network).map { $0 }, next.map { $0 })
    }

    func testKeptEntriesAreScaledSoTheMeanIsOne() {
        for probability: Float in [0.1, 0.5, 0.9] {
            let dropout = Dropout(probability: probability, seed: 3)
            let factors = dropout.makeMask(count: 200_000, mode: .training) ?? []
            let mean = factors.reduce(0.0) { $0 + Double($1) } / Double(factors.count)
            let keep = Double(1 - probability)
            // mean = kept fraction / keep; its σ is that of the fraction divided by keep.
            let sigma = (keep * (1 - keep) / Double(factors.count)).squareRoot() / keep
            XCTAssertEqual(mean, 1, accuracy: 5 * sigma, "p = \(probability)")
            XCTAssertEqual(Set(factors), [0, 1 / (1 - probability)], "p = \(probability)")
            XCTAssertNil(dropout.makeMask(count: 10, mode: .evaluation))
        }
    }
}
