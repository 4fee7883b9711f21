import Foundation
import SkeletonFormats
import XCTest
@testable import SkeletonData

final class FeederTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("feeder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// (N, C, T, V, M) values where every element encodes its position; frames ≥ `valid` are zero.
    func makeData(_ shape: [Int], valid: Int? = nil) -> [Float] {
        let (n, c, t, v, m) = (shape[0], shape[1], shape[2], shape[3], shape[4])
        var values: [Float] = []
        for i in 0..<n { for ch in 0..<c { for f in 0..<t { for j in 0..<v { for p in 0..<m {
            values.append(f < (valid ?? t) ? Float(i * 10_000 + ch * 1000 + f * 10 + j) + Float(p) * 0.5 + 1 : 0)
        } } } } }
        return values
    }

    func writeDataset(_ shape: [Int], labels: [Int]? = nil, valid: Int? = nil, name: String = "train") throws -> (URL, URL, [Float]) {
        let values = makeData(shape, valid: valid)
        let data = folder.appendingPathComponent("\(name)_data.npy")
        let label = folder.appendingPathComponent("\(name)_label.pkl")
        try Npy.write(float32: values, shape: shape, to: data)
        let labels = labels ?? (0..<shape[0]).map { $0 % 3 }
        try LabelFile.write(names: labels.indices.map { "sample\($0).skeleton" }, labels: labels, to: label)
        return (data, label, values)
    }

    func assertFeederError(_ body: @autoclosure () throws -> Any, contains fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try body()
            XCTFail("expected an error containing \(fragments)", file: file, line: line)
        } catch let error as FeederError {
            XCTAssertFalse(error.description.contains("\n"), file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(error.description.contains(fragment), "'\(error.description)' lacks '\(fragment)'", file: file, line: line)
            }
        } catch {
            XCTFail("unexpected error \(type(of: error)): \(error)", file: file, line: line)
        }
    }

    func testReadsMemoryMappedNpyAndLabelFile() throws {
        let shape = [5, 3, 4, 2, 2]
        let (data, label, values) = try writeDataset(shape, labels: [0, 2, 1, 4, 2])
        let feeder = try Feeder(dataPath: data, labelPath: label)
        XCTAssertEqual(feeder.count, 5)
        XCTAssertEqual(feeder.sampleShape, [3, 4, 2, 2])
        XCTAssertEqual(feeder.labels, [0, 2, 1, 4, 2])
        XCTAssertEqual(feeder.names, (0..<5).map { "sample\($0).skeleton" })
        XCTAssertEqual(feeder.classCount, 5)
        var generator = TestRandom(seed: 1)
        let size = 3 * 4 * 2 * 2
        for i in 0..<5 {
            let clip = try feeder.sample(i, using: &generator)
            XCTAssertEqual(clip.shape, [3, 4, 2, 2])
            XCTAssertEqual(clip.values, Array(values[(i * size)..<((i + 1) * size)]), "sample \(i)")
        }
        XCTAssertEqual(generator.state, TestRandom(seed: 1).state, "no augmentation draws nothing")
        let batch = try feeder.batch(indices: [3, 0], using: &generator)
        XCTAssertEqual(batch.shape, [2, 3, 4, 2, 2])
        XCTAssertEqual(batch.labels, [4, 0])
        XCTAssertEqual(batch.indices, [3, 0])
        XCTAssertEqual(batch.values, Array(values[(3 * size)..<(4 * size)] + values[0..<size]))
    }

    func testFloat64AndFortranOrderDataAreAccepted() throws {
        let shape = [2, 2, 3, 2, 1]
        let values = makeData(shape)
        // float64, C order.
        let doubles = values.map(Double.init)
        var bytes = Data()
        for value in doubles { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        let data = folder.appendingPathComponent("f8.npy"), label = folder.appendingPathComponent("l.pkl")
        try Npy.write(NpyArray(dtype: .float64, shape: shape, data: bytes), to: data)
        try LabelFile.write(names: ["a", "b"], labels: [1, 0], to: label)
        let feeder = try Feeder(dataPath: data, labelPath: label)
        XCTAssertEqual(try feeder.rawSample(1).values, Array(values[12...]))
        // Fortran order: the same logical array.
        // Fortran order: the first axis varies fastest.
        var fortran = [Float](repeating: 0, count: values.count)
        var flat = 0
        for a in 0..<shape[0] { for b in 0..<shape[1] { for c in 0..<shape[2] { for d in 0..<shape[3] { for e in 0..<shape[4] {
            fortran[a + shape[0] * (b + shape[1] * (c + shape[2] * (d + shape[3] * e)))] = values[flat]
            flat += 1
        } } } } }
        let fortranURL = folder.appendingPathComponent("fortran.npy")
        try Npy.write(NpyArray(dtype: .float32, shape: shape, isFortranOrder: true, data: NpyArray(float32: fortran, shape: [values.count]).data), to: fortranURL)
        let fortranFeeder = try Feeder(dataPath: fortranURL, labelPath: label)
        XCTAssertEqual(try fortranFeeder.rawSample(0).values, Array(values[..<12]))
        XCTAssertEqual(try fortranFeeder.rawSample(1).values, Array(values[12...]))
    }

    func testErrorsNameTheFiles() throws {
        let (data, label, _) = try writeDataset([4, 3, 2, 2, 1])
        let missing = folder.appendingPathComponent("nope_data.npy")
        assertFeederError(try Feeder(dataPath: missing, labelPath: label), contains: [missing.path, "not found"])
        let missingLabel = folder.appendingPathComponent("nope_label.pkl")
        assertFeederError(try Feeder(dataPath: data, labelPath: missingLabel), contains: [missingLabel.path, "not found"])
        // Count mismatch.
        let (_, otherLabel, _) = try writeDataset([3, 3, 2, 2, 1], name: "other")
        assertFeederError(try Feeder(dataPath: data, labelPath: otherLabel), contains: [data.path, otherLabel.path, "4 samples", "3 labels"])
        // Wrong number of dimensions.
        let flat = folder.appendingPathComponent("flat.npy")
        try Npy.write(float32: [1, 2, 3, 4], shape: [4, 1], to: flat)
        assertFeederError(try Feeder(dataPath: flat, labelPath: label), contains: [flat.path, "[4, 1]", "5 dimensions"])
        // Integer data.
        let ints = folder.appendingPathComponent("ints.npy")
        try Npy.write(NpyArray(dtype: .int32, shape: [4, 1, 1, 1, 1], data: Data(count: 16)), to: ints)
        assertFeederError(try Feeder(dataPath: ints, labelPath: label), contains: [ints.path, "floating-point"])
        // Negative label.
        let negative = folder.appendingPathComponent("neg_label.pkl")
        try LabelFile.write(names: ["a", "b", "c", "d"], labels: [0, 1, -1, 2], to: negative)
        assertFeederError(try Feeder(dataPath: data, labelPath: negative), contains: [negative.path, "label 2 is -1"])
        // Not a .npy / not a pickle.
        let garbage = folder.appendingPathComponent("garbage.npy")
        try Data("hello".utf8).write(to: garbage)
        assertFeederError(try Feeder(dataPath: garbage, labelPath: label), contains: [garbage.path])
        assertFeederError(try Feeder(dataPath: data, labelPath: garbage), contains: [garbage.path])
        // Bad window, bad index.
        assertFeederError(try Feeder(dataPath: data, labelPath: label, options: .init(windowSize: -5)), contains: ["windowSize", "-5"])
        let feeder = try Feeder(dataPath: data, labelPath: label)
        var generator = TestRandom(seed: 0)
        assertFeederError(try feeder.sample(4, using: &generator), contains: ["index 4", "0..<4"])
        assertFeederError(try feeder.batch(indices: [0, -1], using: &generator), contains: ["index -1"])
        // In-memory checks.
        assertFeederError(try Feeder(data: [1, 2, 3], shape: [1, 1, 1, 1, 2], labels: [0], names: []), contains: ["3 values"])
        assertFeederError(try Feeder(data: [1, 2], shape: [2, 1, 1, 1, 1], labels: [0], names: []), contains: ["2 samples", "1 labels"])
        assertFeederError(try Feeder(data: [1, 2], shape: [2, 1, 1, 1, 1], labels: [0, 1], names: ["x"]), contains: ["names"])
        assertFeederError(try Feeder(data: [1, 2], shape: [2, 1, 1, 1, 1], labels: [0, -3], names: []), contains: ["-3"])
    }

    func testDebugKeepsTheFirst100Samples() throws {
        let shape = [130, 2, 3, 2, 1]
        let labels = (0..<130).map { $0 % 7 }
        let (data, label, values) = try writeDataset(shape, labels: labels)
        let feeder = try Feeder(dataPath: data, labelPath: label, options: .init(debug: true))
        XCTAssertEqual(feeder.count, 100)
        XCTAssertEqual(feeder.labels, Array(labels.prefix(100)))
        XCTAssertEqual(feeder.names.count, 100)
        XCTAssertEqual(try feeder.rawSample(99).values, Array(values[(99 * 12)..<(100 * 12)]))
        var generator = TestRandom(seed: 0)
        XCTAssertThrowsError(try feeder.sample(100, using: &generator))
        XCTAssertEqual(feeder.batches(batchSize: 32, shuffle: true, dropLast: false, seed: 3).joined().sorted(), Array(0..<100))

        let memory = try Feeder(data: values, shape: shape, labels: labels, names: [], options: .init(debug: true))
        XCTAssertEqual(memory.count, 100)
        XCTAssertEqual(memory.names.first, "0")
        XCTAssertEqual(try memory.rawSample(99).values, Array(values[(99 * 12)..<(100 * 12)]))
        // Fewer than 100 samples: all of them.
        let small = try Feeder(data: Array(values.prefix(24)), shape: [2, 2, 3, 2, 1], labels: [0, 1], names: ["a", "b"], options: .init(debug: true))
        XCTAssertEqual(small.count, 2)
    }

    func testBatchesArePermutationsReproducibleFromTheSeed() throws {
        let count = 103
        let plain = Feeder.batches(count: count, batchSize: 10, shuffle: false, dropLast: false, seed: 0)
        XCTAssertEqual(plain.count, 11)
        XCTAssertEqual(plain.first, Array(0..<10))
        XCTAssertEqual(plain.last, [100, 101, 102])
        XCTAssertEqual(Array(plain.joined()), Array(0..<count))

        let dropped = Feeder.batches(count: count, batchSize: 10, shuffle: false, dropLast: true, seed: 0)
        XCTAssertEqual(dropped.count, 10)
        XCTAssertTrue(dropped.allSatisfy { $0.count == 10 })
        XCTAssertEqual(Feeder.batches(count: 100, batchSize: 10, shuffle: false, dropLast: true, seed: 0).count, 10)
        XCTAssertEqual(Feeder.batches(count: 5, batchSize: 10, shuffle: true, dropLast: true, seed: 0).count, 0)
        XCTAssertEqual(Feeder.batches(count: 0, batchSize: 4, shuffle: true, dropLast: false, seed: 0).count, 0)

        let a = Feeder.batches(count: count, batchSize: 16, shuffle: true, dropLast: false, seed: 42)
        let b = Feeder.batches(count: count, batchSize: 16, shuffle: true, dropLast: false, seed: 42)
        let c = Feeder.batches(count: count, batchSize: 16, shuffle: true, dropLast: false, seed: 43)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        XCTAssertEqual(Array(a.joined()).sorted(), Array(0..<count))
        XCTAssertEqual(Array(c.joined()).sorted(), Array(0..<count))
        XCTAssertNotEqual(Array(a.joined()), Array(0..<count))
        let shuffledDrop = Feeder.batches(count: count, batchSize: 16, shuffle: true, dropLast: true, seed: 42)
        XCTAssertEqual(shuffledDrop.count, 6)
        XCTAssertEqual(Array(shuffledDrop.joined()), Array(a.joined().prefix(96)), "dropLast drops the tail of the same permutation")
        XCTAssertEqual(Set(shuffledDrop.joined()).count, 96)

        // Every position is reachable: over many seeds each index lands first at least once.
        var firsts = Set<Int>()
        for seed in 0..<400 { firsts.insert(Feeder.batches(count: 8, batchSize: 8, shuffle: true, dropLast: false, seed: UInt64(seed))[0][0]) }
        XCTAssertEqual(firsts, Set(0..<8))

        // The instance method uses the feeder's count.
        let feeder = try Feeder(data: makeData([7, 1, 2, 1, 1]), shape: [7, 1, 2, 1, 1], labels: Array(0..<7), names: [])
        XCTAssertEqual(feeder.batches(batchSize: 3, shuffle: true, dropLast: false, seed: 9),
                       Feeder.batches(count: 7, batchSize: 3, shuffle: true, dropLast: false, seed: 9))
    }

    func testWindowPaddingAndRandomChoose() throws {
        let shape = [3, 2, 10, 2, 2]
        let values = makeData(shape)
        let size = 2 * 10 * 2 * 2
        let raw = try SkeletonClip(channels: 2, frames: 10, joints: 2, persons: 2, values: Array(values[size..<(2 * size)]))
        var generator = TestRandom(seed: 5)

        // windowSize > T, no random_choose: zero padding at the end (auto_pading).
        let padded = try Feeder(data: values, shape: shape, labels: [0, 1, 2], names: [], options: .init(windowSize: 16))
        XCTAssertEqual(padded.sampleShape, [2, 16, 2, 2])
        let p = try padded.sample(1, using: &generator)
        XCTAssertEqual(p.shape, [2, 16, 2, 2])
        XCTAssertEqual(p.frames(0..<10), raw)
        XCTAssertTrue((10..<16).allSatisfy { p.isZeroFrame($0) })
        XCTAssertEqual(try padded.batch(indices: [0, 2], using: &generator).shape, [2, 2, 16, 2, 2])

        // windowSize < T without random_choose: the official auto_pading does not cut.
        let long = try Feeder(data: values, shape: shape, labels: [0, 1, 2], names: [], options: .init(windowSize: 6))
        XCTAssertEqual(long.sampleShape, [2, 10, 2, 2])
        XCTAssertEqual(try long.sample(1, using: &generator), raw)

        // uniform_sampling gives exactly windowSize frames, fewer or more than stored, in batches too.
        for window in [6, 16] {
            let uniform = try Feeder(data: values, shape: shape, labels: [0, 1, 2], names: [],
                                     options: .init(windowSize: window, uniformSampling: .random))
            XCTAssertEqual(uniform.sampleShape, [2, window, 2, 2])
            XCTAssertEqual(try uniform.sample(1, using: &generator).shape, [2, window, 2, 2])
            XCTAssertEqual(try uniform.batch(indices: [0, 2], using: &generator).shape, [2, 2, window, 2, 2])
        }

        // random_choose crops a contiguous window of exactly windowSize frames.
        let crop = try Feeder(data: values, shape: shape, labels: [0, 1, 2], names: [], options: .init(randomChoose: true, windowSize: 6))
        XCTAssertEqual(crop.sampleShape, [2, 6, 2, 2])
        var starts = Set<Int>()
        for _ in 0..<60 {
            let c = try crop.sample(1, using: &generator)
            XCTAssertEqual(c.shape, [2, 6, 2, 2])
            guard let start = (0...4).first(where: { raw.frames($0..<($0 + 6)) == c }) else { return XCTFail("not a crop") }
            starts.insert(start)
        }
        XCTAssertEqual(starts, Set(0...4))

        // random_choose pads a short clip at a random offset.
        let pad = try Feeder(data: values, shape: shape, labels: [0, 1, 2], names: [], options: .init(randomChoose: true, windowSize: 13))
        var offsets = Set<Int>()
        for _ in 0..<60 {
            let c = try pad.sample(1, using: &generator)
            XCTAssertEqual(c.frames, 13)
            guard let offset = (0...3).first(where: { c.frames($0..<($0 + 10)) == raw }) else { return XCTFail("not a padding") }
            offsets.insert(offset)
        }
        XCTAssertEqual(offsets, Set(0...3))

        // random_choose without a window (official default −1) leaves the clip alone.
        let none = try Feeder(data: values, shape: shape, labels: [0, 1, 2], names: [], options: .init(randomChoose: true))
        XCTAssertEqual(none.sampleShape, [2, 10, 2, 2])
        XCTAssertEqual(try none.sample(1, using: &generator), raw)
    }

    func testAugmentationsFollowTheOfficialOrderPerSample() throws {
        // Two identical samples whose motion fills frames 0..<6 of 12.
        let one = makeData([1, 3, 12, 4, 2], valid: 6)
        let feeder = try Feeder(data: one + one, shape: [2, 3, 12, 4, 2], labels: [1, 1], names: ["a", "b"],
                                options: .init(randomChoose: true, randomShift: true, randomMove: true, windowSize: 9))
        XCTAssertEqual(feeder.sampleShape, [3, 9, 4, 2])
        var g1 = TestRandom(seed: 77), g2 = TestRandom(seed: 77)
        let batch = try feeder.batch(indices: [0, 1], using: &g1)
        XCTAssertEqual(batch.shape, [2, 3, 9, 4, 2])
        // Same as applying random_shift, random_choose, random_move by hand, sample after sample.
        var expected: [Float] = []
        for _ in 0..<2 {
            let raw = try SkeletonClip(channels: 3, frames: 12, joints: 4, persons: 2, values: one)
            let clip = raw.randomShift(using: &g2).randomChoose(size: 9, using: &g2).randomMove(using: &g2)
            expected += clip.values
        }
        XCTAssertEqual(batch.values, expected)
        XCTAssertEqual(g1.state, g2.state)
        // Each sample gets its own draw.
        XCTAssertNotEqual(Array(batch.values[..<(3 * 9 * 8)]), Array(batch.values[(3 * 9 * 8)...]))
        // Reproducible from the generator's seed.
        var g3 = TestRandom(seed: 77)
        XCTAssertEqual(try feeder.batch(indices: [0, 1], using: &g3).values, batch.values)
        // Channel 2 is untouched by random_move: its values are the raw ones, shifted/cropped.
        let rawChannel2 = Set(one[(2 * 12 * 8)...])
        XCTAssertTrue(Set(batch.values[(2 * 9 * 8)..<(3 * 9 * 8)]).isSubset(of: rawChannel2))

        // random_shift alone keeps the motion intact and moves it.
        let shiftOnly = try Feeder(data: one, shape: [1, 3, 12, 4, 2], labels: [0], names: [], options: .init(randomShift: true))
        let raw = try shiftOnly.rawSample(0)
        var biases = Set<Int>()
        var g = TestRandom(seed: 3)
        for _ in 0..<50 {
            let s = try shiftOnly.sample(0, using: &g)
            guard let span = s.nonZeroFrameRange else { return XCTFail("empty") }
            XCTAssertEqual(s.frames(span), raw.frames(0..<6))
            biases.insert(span.lowerBound)
        }
        XCTAssertEqual(biases, Set(0...6))
    }

    func testSharedAcrossThreads() throws {
        let shape = [16, 3, 8, 5, 2]
        let (data, label, values) = try writeDataset(shape)
        let feeder = try Feeder(dataPath: data, labelPath: label, options: .init(randomMove: true))
        let size = 3 * 8 * 5 * 2
        let results = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 16)
        defer { results.deallocate() }
        nonisolated(unsafe) let out = results
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            out[i] = (try? feeder.rawSample(i).values) == Array(values[(i * size)..<((i + 1) * size)])
        }
        XCTAssertTrue(results.allSatisfy { $0 })
    }
}
