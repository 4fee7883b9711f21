import XCTest
@testable import STGCNTensor

/// `WorkPlan`: how samples become work items, that every item runs once, that workers never share
/// scratch, and that gradient accumulators are reduced in the documented, fixed order.
final class WorkPlanTests: XCTestCase {
    private var savedWorkers = 1

    override func setUp() {
        savedWorkers = Parallel.workerCount
    }

    override func tearDown() {
        Parallel.setWorkerCount(savedWorkers)
    }

    func testWholeSamplesWhenThereAreEnoughOtherwisePieces() {
        Parallel.setWorkerCount(4)
        XCTAssertEqual(WorkPlan(samples: 4, splittingUpTo: 100).piecesPerSample, 1)
        XCTAssertEqual(WorkPlan(samples: 9, splittingUpTo: 100).piecesPerSample, 1)
        XCTAssertEqual(WorkPlan(samples: 3, splittingUpTo: 100).piecesPerSample, 2)  // ⌈4 / 3⌉
        XCTAssertEqual(WorkPlan(samples: 1, splittingUpTo: 100).piecesPerSample, 4)
        XCTAssertEqual(WorkPlan(samples: 1, splittingUpTo: 3).piecesPerSample, 3)    // capped by the axis
        XCTAssertEqual(WorkPlan(wholeSamples: 1).piecesPerSample, 1)
        XCTAssertEqual(WorkPlan(samples: 0, splittingUpTo: 5).itemCount, 0)
        XCTAssertEqual(WorkPlan(samples: 1, splittingUpTo: 100).workerCount, 4)
        XCTAssertEqual(WorkPlan(wholeSamples: 3).workerCount, 3)
        XCTAssertTrue(WorkPlan(samples: 1, splittingUpTo: 2).splitsSamples)
        XCTAssertFalse(WorkPlan(wholeSamples: 1).splitsSamples)
    }

    func testSharesPartitionTheAxis() {
        for pieces in 1...7 {
            for extent in [0, 1, 2, 5, 16, 33] {
                let ranges = (0..<pieces).map { WorkItem(sample: 0, piece: $0, pieceCount: pieces).share(of: extent) }
                XCTAssertEqual(ranges.first?.lowerBound, 0)
                XCTAssertEqual(ranges.last?.upperBound, extent)
                for (a, b) in zip(ranges, ranges.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
            }
        }
    }

    func testEveryItemRunsOnceWithScratchOfItsOwn() {
        for workers in [1, 2, 3, 5] {
            Parallel.setWorkerCount(workers)
            for samples in [1, 2, 3, 7] {
                let plan = WorkPlan(samples: samples, splittingUpTo: 4)
                var visits = [Int](repeating: 0, count: plan.itemCount)
                var intact = [Bool](repeating: false, count: plan.itemCount)
                visits.withUnsafeMutableBufferPointer { visits in
                    intact.withUnsafeMutableBufferPointer { intact in
                        plan.forEach(scratchPerWorker: 64) { item, scratch in
                            let index = item.sample * plan.piecesPerSample + item.piece
                            // A worker sharing this scratch would overwrite the marks before they are checked.
                            scratch.initialize(repeating: Float(index), count: 64)
                            var busy: Float = 0
                            for i in 0..<20_000 { busy += Float(i & 7) }
                            intact[index] = busy > 0 && (0..<64).allSatisfy { scratch[$0] == Float(index) }
                            visits[index] += 1
                        }
                    }
                }
                XCTAssertEqual(visits, [Int](repeating: 1, count: plan.itemCount), "\(workers) workers, \(samples) samples")
                XCTAssertEqual(intact, [Bool](repeating: true, count: plan.itemCount), "scratch shared between workers")
            }
        }
    }

    func testAccumulatorsStartAtZeroAndAreReducedInWorkerOrder() {
        // Values whose float sum depends on the order: worker w sums samples w, w + W, … and the
        // workers are added 0, 1, …, so the result must equal exactly that sum, on every run.
        let values: [Float] = [1e8, 1, -1e8, 3.5, 1e-3, 7, -2.25, 1e7, 0.1]
        for workers in [1, 2, 3, 4] {
            Parallel.setWorkerCount(workers)
            let plan = WorkPlan(wholeSamples: values.count)
            var expected: Float = 0
            for w in 0..<plan.workerCount {
                var partial: Float = 0
                for s in stride(from: w, to: values.count, by: plan.workerCount) { partial += values[s] }
                expected += partial
            }
            for _ in 0..<3 {
                var total: Float = 0
                var reduced: [Float] = []
                plan.forEach(scratchPerWorker: 3, accumulatorPerWorker: 2) { item, _, accumulator in
                    accumulator[0] += values[item.sample]
                    accumulator[1] += 1
                } reduce: { accumulator in
                    total += accumulator[0]
                    reduced.append(accumulator[1])
                }
                XCTAssertEqual(total.bitPattern, expected.bitPattern, "\(workers) workers")
                XCTAssertEqual(reduced.count, plan.workerCount)
                XCTAssertEqual(reduced.reduce(0, +), Float(values.count))
            }
        }
    }

    func testPassesShareOneBufferPerSample() {
        for workers in [1, 2, 3] {
            Parallel.setWorkerCount(workers)
            let (samples, extent) = (2, 10)
            let plan = WorkPlan(samples: samples, splittingUpTo: extent)
            var result = [Float](repeating: -1, count: samples * extent)
            result.withUnsafeMutableBufferPointer { result in
                plan.forEach(passes: 2, bufferPerSample: extent) { pass, item, buffer in
                    // Pass 0 fills the item's share; pass 1 reads the share *next* to its own,
                    // written by another piece of the same sample.
                    let share = item.share(of: extent)
                    for i in share {
                        if pass == 0 {
                            buffer[i] = Float(item.sample * 100 + i)
                        } else {
                            result[item.sample * extent + i] = buffer[(i + 1) % extent]
                        }
                    }
                }
            }
            let expected = (0..<samples).flatMap { s in (0..<extent).map { Float(s * 100 + ($0 + 1) % extent) } }
            XCTAssertEqual(result, expected, "\(workers) workers")
        }
    }

    func testInsideAnotherParallelLoopRunsSerially() {
        Parallel.setWorkerCount(2)
        var totals = [Float](repeating: 0, count: 2)
        totals.withUnsafeMutableBufferPointer { totals in
            Parallel.forEach(2) { outer, _ in
                WorkPlan(wholeSamples: 5).forEach(accumulatorPerWorker: 1) { item, _, accumulator in
                    accumulator[0] += Float(item.sample + 1)
                } reduce: { accumulator in
                    totals[outer] += accumulator[0]
                }
            }
        }
        XCTAssertEqual(totals, [15, 15])
    }

    func testReadPointersAndWrittenTensors() {
        let a: [Float] = [1, 2, 3], b: [Int] = [10, 20, 30], empty: [Float] = []
        let sum = withReadPointers(a, b, empty) { a, b, _ in (0..<3).map { a[$0] + Float(b[$0]) } }
        XCTAssertEqual(sum, [11, 22, 33])
        let t = Tensor(shape: [2, 2]) { p in for i in 0..<4 { p[i] = Float(i) } }
        XCTAssertEqual(t.scalars, [0, 1, 2, 3])
        XCTAssertEqual(Tensor(shape: [0, 3]) { _ in }.count, 0)
    }
}
