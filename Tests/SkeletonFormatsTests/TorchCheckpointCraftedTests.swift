import Foundation
import XCTest
import SkeletonFormats

/// Hand-built `torch.save` layouts: views, ZIP64, wrapped state dicts, the legacy stream.
final class TorchCheckpointCraftedTests: XCTestCase {
    /// `archive/data.pkl`, `archive/version` and `archive/data/<key>` for each storage.
    static func zipCheckpoint(_ pickle: Data, storages: [(String, Data)], options: ZipTestBytes.Options = .init()) -> Data {
        var entries = [("archive/data.pkl", pickle), ("archive/byteorder", Data("little".utf8))]
        entries += storages.map { ("archive/data/\($0.0)", $0.1) }
        entries.append(("archive/version", Data("3\n".utf8)))
        return ZipTestBytes.archive(entries, options: options)
    }

    /// A legacy stream: magic, protocol 1001, sys_info, `state`, the key list, then the storages.
    static func legacyCheckpoint(_ state: Data, storages: [(key: String, count: UInt64, bytes: Data)]) -> Data {
        var data = Data([0x80, 2, 0x8A, 10, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E])
        data += [0x80, 2, 0x4D, 0xE9, 0x03, 0x2E]                                          // 1001
        data += [0x80, 2, 0x7D, 0x8C, 13] + Array("little_endian".utf8) + [0x88, 0x73, 0x2E]  // {'little_endian': True}
        data += state
        var keys = PickleTestBytes()
        keys.raw(0x5D)
        keys.mark()
        for storage in storages { keys.string(storage.key) }
        keys.raw(0x65)
        keys.stop()
        data += keys.data
        for storage in storages {
            data += PickleTestBytes.littleEndian(storage.count, 8)
            data += storage.bytes
        }
        return data
    }

    /// A 2×3 tensor stored transposed (a view with strides (1, 2) over 6 elements at offset 1).
    static let transposedPickle = PickleTestBytes.stateDict([
        ("t", { $0.tensor(key: "0", numel: 7, offset: 1, size: [2, 3], stride: [1, 2]) }),
        ("c", { $0.tensor(key: "0", numel: 7, offset: 4, size: [3], stride: [1]) }),
        ("s", { $0.tensor(key: "0", numel: 7, offset: 6, size: [], stride: []) }),
    ])
    static let storageValues: [Float] = [99, 0, 3, 1, 4, 2, 5]

    func testViewsAreMaterializedInCOrder() throws {
        let tensors = try TorchCheckpoint.decode(Self.zipCheckpoint(Self.transposedPickle, storages: [("0", float32Bytes(Self.storageValues))]), source: "view.pt")
        XCTAssertEqual(tensors["t"]?.shape, [2, 3])
        XCTAssertEqual(try tensors["t"]?.floatValues(), [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(try tensors["c"]?.floatValues(), [4, 2, 5])
        XCTAssertEqual(tensors["s"]?.shape, [])
        XCTAssertEqual(try tensors["s"]?.floatValues(), [5])
    }

    func testZip64Archive() throws {
        var options = ZipTestBytes.Options()
        options.zip64 = true
        let data = Self.zipCheckpoint(Self.transposedPickle, storages: [("0", float32Bytes(Self.storageValues))], options: options)
        XCTAssertEqual(try TorchCheckpoint.decode(data, source: "zip64.pt")["t"]?.floatValues(), [0, 1, 2, 3, 4, 5])
    }

    func testLegacyStream() throws {
        let data = Self.legacyCheckpoint(Self.transposedPickle, storages: [("0", 7, float32Bytes(Self.storageValues))])
        XCTAssertEqual(TorchCheckpoint.format(of: data), .legacy)
        let tensors = try TorchCheckpoint.decode(data, source: "legacy.pt")
        XCTAssertEqual(try tensors["t"]?.floatValues(), [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(try tensors["c"]?.floatValues(), [4, 2, 5])
    }

    func testWrappedStateDictAndOtherDTypes() throws {
        // {'epoch': 3, 'state_dict': {'module.w': Parameter(int64 [2]), 'h': half [1]}}
        var pickle = PickleTestBytes()
        pickle.raw(0x7D)
        pickle.mark()
        pickle.string("epoch")
        pickle.int(3)
        pickle.string("state_dict")
        pickle.global("collections", "OrderedDict")
        pickle.emptyTuple()
        pickle.reduce()
        pickle.mark()
        pickle.string("module.w")
        pickle.global("torch._utils", "_rebuild_parameter")
        pickle.mark()
        pickle.tensor(storageType: "LongStorage", key: "a", numel: 2, size: [2], stride: [1])
        pickle.raw(0x88)
        pickle.global("collections", "OrderedDict")
        pickle.emptyTuple()
        pickle.reduce()
        pickle.tuple()
        pickle.reduce()
        pickle.string("h")
        pickle.tensor(storageType: "HalfStorage", key: "b", numel: 1, size: [1], stride: [1])
        pickle.raw(0x75)  // SETITEMS into the OrderedDict
        pickle.raw(0x75)  // SETITEMS into the outer dict
        pickle.stop()
        let long = Data(PickleTestBytes.littleEndian(7, 8) + PickleTestBytes.littleEndian(UInt64(bitPattern: -2), 8))
        let half = Data([0x00, 0x3C])  // 1.0
        let tensors = try TorchCheckpoint.decode(Self.zipCheckpoint(pickle.data, storages: [("a", long), ("b", half)]), source: "wrapped.pt")
        XCTAssertEqual(tensors.keys.sorted(), ["h", "module.w"])
        XCTAssertEqual(tensors["module.w"]?.dtype, .int64)
        XCTAssertEqual(try tensors["module.w"]?.int64Values(), [7, -2])
        XCTAssertEqual(tensors["h"]?.dtype, .float16)
        XCTAssertEqual(try tensors["h"]?.floatValues(), [1])
    }
}
