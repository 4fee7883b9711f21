import Foundation
import XCTest
import SkeletonFormats

/// Crafted, hostile checkpoints: every one must give a clear one-line error, never a crash and
/// never an allocation sized by an unchecked field.
final class TorchCheckpointHostileInputTests: XCTestCase {
    private let storage = float32Bytes(TorchCheckpointCraftedTests.storageValues)

    private func error(_ data: Data, file: String = "bad.pt") -> TorchCheckpointError? {
        do {
            let tensors = try TorchCheckpoint.decode(data, source: file)
            XCTFail("expected an error, got \(tensors.count) tensors")
            return nil
        } catch {
            XCTAssertFalse(error.description.contains("\n"), error.description)
            XCTAssertTrue(error.description.hasPrefix(file), error.description)
            return error
        }
    }

    private func zip(_ pickle: Data, storages: [(String, Data)]? = nil, options: ZipTestBytes.Options = .init()) -> Data {
        TorchCheckpointCraftedTests.zipCheckpoint(pickle, storages: storages ?? [("0", storage)], options: options)
    }

    private func singleTensor(storageType: String = "FloatStorage", numel: Int64, offset: Int64 = 0, size: [Int64], stride: [Int64]) -> Data {
        PickleTestBytes.stateDict([("w", { $0.tensor(storageType: storageType, key: "0", numel: numel, offset: offset, size: size, stride: stride) })])
    }

    func testWrongMagic() {
        XCTAssertEqual(error(Data()), .unrecognizedFormat(file: "bad.pt"))
        XCTAssertEqual(error(Data("hello, this is not a checkpoint".utf8)), .unrecognizedFormat(file: "bad.pt"))
        // A plain pickle is not a checkpoint either.
        XCTAssertEqual(error(Data([0x80, 2, 0x7D, 0x2E])), .unrecognizedFormat(file: "bad.pt"))
        XCTAssertNil(TorchCheckpoint.format(of: Data([0x50, 0x4B, 0x05, 0x06])))
    }

    func testTruncatedZip() {
        let whole = zip(TorchCheckpointCraftedTests.transposedPickle)
        for length in [4, 21, 100, whole.count / 2, whole.count - 1] {
            guard case .malformedZip? = error(whole.prefix(length)) else { return XCTFail("length \(length)") }
        }
    }

    func testCentralDirectoryOutOfRange() {
        var options = ZipTestBytes.Options()
        options.centralDirectoryOffsetOverride = 0xFFFF_FF00
        guard case let .malformedZip(_, _, reason)? = error(zip(TorchCheckpointCraftedTests.transposedPickle, options: options)) else { return XCTFail() }
        XCTAssertTrue(reason.contains("central directory"), reason)
    }

    func testLocalHeaderOffsetOutOfRange() {
        var options = ZipTestBytes.Options()
        options.localHeaderOffsetOverride = 0x7FFF_FFFF
        guard case .malformedZip? = error(zip(TorchCheckpointCraftedTests.transposedPickle, options: options)) else { return XCTFail() }
    }

    func testAbsurdEntryCountWithoutZip64Records() {
        var data = zip(TorchCheckpointCraftedTests.transposedPickle)
        // End record: entries on disk / total entries at +8 / +10.
        let end = data.count - 22
        data[data.startIndex + end + 8] = 0xFF; data[data.startIndex + end + 9] = 0xFF
        data[data.startIndex + end + 10] = 0xFF; data[data.startIndex + end + 11] = 0xFF
        guard case let .malformedZip(_, _, reason)? = error(data) else { return XCTFail() }
        XCTAssertTrue(reason.contains("ZIP64"), reason)
        data[data.startIndex + end + 10] = 0xFE
        guard case let .malformedZip(_, _, count)? = error(data) else { return XCTFail() }
        XCTAssertTrue(count.contains("65534 entries"), count)
    }

    func testCompressedEntriesAreRefused() {
        var options = ZipTestBytes.Options()
        options.method = 8
        guard case let .unsupportedZipEntry(_, entry, reason)? = error(zip(TorchCheckpointCraftedTests.transposedPickle, options: options)) else { return XCTFail() }
        XCTAssertEqual(entry, "archive/byteorder")
        XCTAssertTrue(reason.contains("DEFLATE"), reason)
    }

    func testMissingEntries() {
        XCTAssertEqual(error(ZipTestBytes.archive([("archive/version", Data("3".utf8))])), .missingEntry(file: "bad.pt", entry: "<archive>/data.pkl"))
        XCTAssertEqual(error(zip(TorchCheckpointCraftedTests.transposedPickle, storages: [])), .missingEntry(file: "bad.pt", entry: "archive/data/0"))
    }

    func testForbiddenGlobalInsideTheStateDict() {
        var pickle = PickleTestBytes()
        pickle.global("torch.nn.modules.conv", "Conv2d")
        pickle.stop()
        guard case let .pickle(.forbiddenGlobal(source, 2, global))? = error(zip(pickle.data)) else { return XCTFail() }
        XCTAssertEqual(source, "bad.pt (archive/data.pkl)")
        XCTAssertEqual(global, PickleGlobal("torch.nn.modules.conv", "Conv2d"))

        var system = PickleTestBytes()
        system.global("os", "system")
        system.string("touch /tmp/pwned")
        system.raw(0x85)
        system.reduce()
        system.stop()
        guard case .pickle(.forbiddenGlobal(_, 2, PickleGlobal("os", "system")))? = error(zip(system.data)) else { return XCTFail() }
        // In the legacy stream the offset is the file offset: after the 42 bytes of the first three pickles.
        guard case .pickle(.forbiddenGlobal(_, 44, PickleGlobal("os", "system")))? = error(TorchCheckpointCraftedTests.legacyCheckpoint(system.data, storages: [])) else { return XCTFail() }
    }

    func testStorageSizesThatDoNotMatch() {
        // numel 4 declared, 28 bytes stored.
        XCTAssertEqual(error(zip(singleTensor(numel: 4, size: [4], stride: [1]))),
                       .storageSizeMismatch(file: "bad.pt", storage: "0", expectedBytes: 16, actualBytes: 28))
        // numel 2^60: 2^62 bytes expected, rejected before reading anything.
        XCTAssertEqual(error(zip(singleTensor(numel: 1 << 60, size: [2], stride: [1]))),
                       .storageSizeMismatch(file: "bad.pt", storage: "0", expectedBytes: 1 << 62, actualBytes: 28))
        // numel 2^62: the byte count overflows.
        guard case let .invalidStructure(_, _, reason)? = error(zip(singleTensor(numel: 1 << 62, size: [2], stride: [1]))) else { return XCTFail() }
        XCTAssertTrue(reason.contains("overflows"), reason)
        // A negative numel.
        guard case .invalidStructure? = error(zip(singleTensor(numel: -1, size: [2], stride: [1]))) else { return XCTFail() }
    }

    func testTensorsReachingOutsideTheirStorage() {
        for (offset, size, stride) in [(Int64(5), [Int64(3)], [Int64(1)]), (0, [2, 4], [4, 1]), (0, [1 << 40, 1 << 40], [1, 1]),
                                       (0, [2], [1 << 62]), (1, [3], [-1])] {
            guard case .tensorOutOfBounds(_, "w", _)? = error(zip(singleTensor(numel: 7, offset: offset, size: size, stride: stride))) else {
                return XCTFail("offset \(offset) size \(size) stride \(stride)")
            }
        }
        // Shape elements that overflow Int.
        guard case .tensorOutOfBounds? = error(zip(singleTensor(numel: 7, size: [1 << 40, 1 << 40, 1 << 40], stride: [0, 0, 0]))) else { return XCTFail() }
    }

    func testStorageTypesOutsideTheSupportedDTypes() {
        // Not in the allow-list: refused while unpickling.
        guard case .pickle(.forbiddenGlobal(_, _, PickleGlobal("torch", "ComplexFloatStorage")))? =
            error(zip(singleTensor(storageType: "ComplexFloatStorage", numel: 7, size: [1], stride: [1]))) else { return XCTFail() }
        // Allowed global, but not a storage class.
        guard case .unsupportedStorageType(_, "0", "torch.device")? = error(zip(singleTensor(storageType: "device", numel: 7, size: [1], stride: [1]))) else { return XCTFail() }
    }

    func testNonTensorValuesAndMismatchedSizeAndStride() {
        let notTensor = PickleTestBytes.stateDict([("w", { $0.int(5) })])
        guard case let .invalidStructure(_, place, reason)? = error(zip(notTensor)) else { return XCTFail() }
        XCTAssertEqual(place, "key 'w'")
        XCTAssertTrue(reason.contains("expected a tensor"), reason)
        guard case .invalidStructure? = error(zip(singleTensor(numel: 7, size: [2, 2], stride: [1]))) else { return XCTFail() }
        var list = PickleTestBytes()
        list.raw(0x5D, 0x2E)
        guard case .invalidStructure(_, "top-level object", _)? = error(zip(list.data)) else { return XCTFail() }
    }

    func testLegacyStorageRecordsThatLie() {
        let state = singleTensor(numel: 7, size: [7], stride: [1])
        // Declared element count differs from the persistent id's numel.
        guard case .storageCountMismatch(_, _, "0", 7, 6)? = error(TorchCheckpointCraftedTests.legacyCheckpoint(state, storages: [("0", 6, storage)])) else { return XCTFail() }
        // 2^60 elements declared in the record.
        guard case .storageCountMismatch(_, _, "0", 7, 1 << 60)? = error(TorchCheckpointCraftedTests.legacyCheckpoint(state, storages: [("0", 1 << 60, storage)])) else { return XCTFail() }
        // The stream ends inside the storage bytes, or inside the count.
        let whole = TorchCheckpointCraftedTests.legacyCheckpoint(state, storages: [("0", 7, storage)])
        guard case .truncatedStorage(_, _, "0", 28, 27)? = error(whole.dropLast()) else { return XCTFail() }
        guard case .truncatedStorage(_, _, "0", 8, 4)? = error(whole.dropLast(28 + 4)) else { return XCTFail() }
        // A key nobody references, and a referenced key that is never stored.
        guard case .invalidStructure? = error(TorchCheckpointCraftedTests.legacyCheckpoint(state, storages: [("0", 7, storage), ("9", 1, Data(count: 4))])) else { return XCTFail() }
        guard case .missingEntry? = error(TorchCheckpointCraftedTests.legacyCheckpoint(state, storages: [])) else { return XCTFail() }
        // Truncated in the middle of the state-dict pickle.
        guard case .pickle(.truncated)? = error(whole.prefix(60)) else { return XCTFail() }
    }
}
