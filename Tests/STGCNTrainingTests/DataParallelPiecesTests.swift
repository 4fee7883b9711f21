import STGCNModel
import STGCNTensor
import STGCNTraining
import XCTest

/// The one-process pieces of data-parallel training: shards of a batch, the gradient of a
/// shard of the global mean loss, and the ranks' agreement helpers on one process.
final class DataParallelPiecesTests: XCTestCase {
    func testShardsCoverTheBatchInOrderAndDifferByAtMostOne() {
        XCTAssertEqual((0..<4).map { BatchShard.range(count: 10, rank: $0, size: 4).count }, [2, 3, 2, 3])
        XCTAssertEqual(BatchShard.range(count: 5, rank: 0, size: 2), 0..<2)
        XCTAssertEqual(BatchShard.range(count: 5, rank: 1, size: 2), 2..<5)
        for count in 1...40 {
            for size in 1...min(count, 9) {
                let shards = (0..<size).map { BatchShard.range(count: count, rank: $0, size: size) }
                XCTAssertEqual(shards.first?.lowerBound, 0)
                XCTAssertEqual(shards.last?.upperBound, count)
                for (a, b) in zip(shards, shards.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
                let sizes = shards.map(\.count)
                XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1)
                XCTAssertGreaterThanOrEqual(sizes.min()!, 1)
            }
        }
    }

    /// Uneven shards (2 + 3 of 5) get exactly the rows of the global batch's mean-loss
    /// gradient, and their loss sums add up to the global one.
    func testShardGradientsAreTheGlobalBatchRowsBitForBit() {
        var generator = SeededGenerator(seed: 11)
        let classes = 4, rows = 5
        let logits = Tensor(shape: [rows, classes], scalars: (0..<(rows * classes)).map { _ in 4 * generator.nextUniform() - 2 })
        let labels = [0, 3, 1, 1, 2]
        let (loss, gradient) = CrossEntropy.lossAndGradient(logits: logits, labels: labels)
        var total = 0.0
        var stitched: [Float] = []
        for shard in [0..<2, 2..<5] {
            let part = Tensor(shape: [shard.count, classes], scalars: Array(logits.scalars[(shard.lowerBound * classes)..<(shard.upperBound * classes)]))
            let (sum, shardGradient) = CrossEntropy.lossSumAndGradient(logits: part, labels: Array(labels[shard]), averagingOver: rows)
            total += sum
            stitched += shardGradient.scalars
        }
        XCTAssertEqual(stitched, gradient.scalars)
        XCTAssertEqual(Float(total / Double(rows)), loss, accuracy: 1e-6)
    }

    func testOneProcessAgreesWithItselfAndItsCollectivesAreIdentities() {
        let single = SingleProcessCommunicator()
        XCTAssertTrue(single.isLeader)
        XCTAssertTrue(single.agree(on: 0xDEAD_BEEF_0123_4567))
        XCTAssertTrue(single.any(true))
        XCTAssertFalse(single.any(false))
        var values: [Float] = [1, 2, 3]
        values.withUnsafeMutableBufferPointer { single.sum($0) }
        XCTAssertEqual(values, [1, 2, 3])
    }

    func testTheWeightDigestSeesEveryBitOfEveryParameter() throws {
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: 3, layout: .ntuRGBD, strategy: .spatial))
        network.initializeWeights(seed: 3)
        let before = ReplicaFingerprint.weights(of: network)
        XCTAssertEqual(before, ReplicaFingerprint.weights(of: network))
        let parameter = try XCTUnwrap(network.namedParameters().last?.parameter)
        parameter.value[0] = parameter.value[0].nextUp
        XCTAssertNotEqual(before, ReplicaFingerprint.weights(of: network))
        // A model has its batch norms: data_bn, two per block, and the projections'.
        XCTAssertEqual(network.batchNormalizations.count, 1 + 2 * 10 + 2)
        XCTAssertEqual(network.installBatchStatisticsReducer(nil), 23)
    }
}
