import Foundation

/// Builds pickle bytes by hand for tests (no Python at test time).
struct PickleTestBytes {
    private(set) var bytes: [UInt8]

    /// Starts with `PROTO protocol`.
    init(protocol version: UInt8 = 2) {
        bytes = [0x80, version]
    }

    /// Raw opcodes/operands.
    mutating func raw(_ values: UInt8...) { bytes += values }
    mutating func raw(_ values: [UInt8]) { bytes += values }

    mutating func mark() { raw(0x28) }
    mutating func stop() { raw(0x2E) }
    mutating func none() { raw(0x4E) }
    mutating func newFalse() { raw(0x89) }
    mutating func emptyTuple() { raw(0x29) }
    mutating func tuple() { raw(0x74) }
    mutating func reduce() { raw(0x52) }

    /// `BINUNICODE`.
    mutating func string(_ text: String) {
        let utf8 = Array(text.utf8)
        raw(0x58)
        raw(Self.littleEndian(UInt64(utf8.count), 4))
        raw(utf8)
    }

    /// `BININT` for 32-bit values, `LONG1` with 8 bytes otherwise.
    mutating func int(_ value: Int64) {
        if let small = Int32(exactly: value) {
            raw(0x4A)
            raw(Self.littleEndian(UInt64(UInt32(bitPattern: small)), 4))
        } else {
            raw(0x8A, 8)
            raw(Self.littleEndian(UInt64(bitPattern: value), 8))
        }
    }

    /// `GLOBAL module\nname\n`.
    mutating func global(_ module: String, _ name: String) {
        raw(0x63)
        raw(Array("\(module)\n\(name)\n".utf8))
    }

    /// A tuple of ints built with MARK … TUPLE.
    mutating func intTuple(_ values: [Int64]) {
        mark()
        for value in values { int(value) }
        tuple()
    }

    /// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())`
    /// with the storage as a persistent id `('storage', torch.<type>, key, 'cpu', numel)`.
    mutating func tensor(storageType: String = "FloatStorage", key: String, numel: Int64,
                         offset: Int64 = 0, size: [Int64], stride: [Int64]) {
        global("torch._utils", "_rebuild_tensor_v2")
        mark()
        mark()
        string("storage")
        global("torch", storageType)
        string(key)
        string("cpu")
        int(numel)
        tuple()
        raw(0x51)  // BINPERSID
        int(offset)
        intTuple(size)
        intTuple(stride)
        newFalse()
        global("collections", "OrderedDict")
        emptyTuple()
        reduce()
        tuple()
        reduce()
    }

    /// A state dict `{name: tensor, …}` as EMPTY_DICT MARK … SETITEMS, then STOP.
    static func stateDict(_ entries: [(String, (inout PickleTestBytes) -> Void)]) -> Data {
        var pickle = PickleTestBytes()
        pickle.raw(0x7D)
        pickle.mark()
        for (name, value) in entries {
            pickle.string(name)
            value(&pickle)
        }
        pickle.raw(0x75)
        pickle.stop()
        return pickle.data
    }

    var data: Data { Data(bytes) }

    static func littleEndian(_ value: UInt64, _ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}

/// Builds stored (uncompressed) zip archives by hand for tests.
enum ZipTestBytes {
    /// Options for corrupting or extending the archive.
    struct Options {
        var method: UInt16 = 0
        var zip64 = false
        var centralDirectoryOffsetOverride: UInt32?
        var localHeaderOffsetOverride: UInt32?
    }

    static func archive(_ entries: [(String, Data)], options: Options = Options()) -> Data {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for (name, contents) in entries {
            let offset = UInt64(out.count)
            let nameBytes = Array(name.utf8)
            out += le(0x0403_4B50, 4) + le(20, 2) + le(0, 2) + le(UInt64(options.method), 2) + le(0, 4)
            out += le(0, 4) + le(UInt64(contents.count), 4) + le(UInt64(contents.count), 4)
            out += le(UInt64(nameBytes.count), 2) + le(0, 2) + nameBytes + Array(contents)
            var extra: [UInt8] = []
            if options.zip64 {
                extra = le(0x0001, 2) + le(24, 2) + le(UInt64(contents.count), 8) + le(UInt64(contents.count), 8) + le(offset, 8)
            }
            let size32: UInt64 = options.zip64 ? 0xFFFF_FFFF : UInt64(contents.count)
            let offset32: UInt64 = options.zip64 ? 0xFFFF_FFFF : UInt64(options.localHeaderOffsetOverride ?? UInt32(offset))
            central += le(0x0201_4B50, 4) + le(45, 2) + le(45, 2) + le(0, 2) + le(UInt64(options.method), 2) + le(0, 4)
            central += le(0, 4) + le(size32, 4) + le(size32, 4) + le(UInt64(nameBytes.count), 2)
            central += le(UInt64(extra.count), 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(offset32, 4)
            central += nameBytes + extra
        }
        let directoryOffset = UInt64(out.count)
        out += central
        if options.zip64 {
            let record = UInt64(out.count)
            out += le(0x0606_4B50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4)
            out += le(UInt64(entries.count), 8) + le(UInt64(entries.count), 8) + le(UInt64(central.count), 8) + le(directoryOffset, 8)
            out += le(0x0706_4B50, 4) + le(0, 4) + le(record, 8) + le(1, 4)
            out += le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(0xFFFF, 2) + le(0xFFFF, 2) + le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(0, 2)
        } else {
            let cdOffset = UInt64(options.centralDirectoryOffsetOverride ?? UInt32(directoryOffset))
            out += le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(UInt64(entries.count), 2) + le(UInt64(entries.count), 2)
            out += le(UInt64(central.count), 4) + le(cdOffset, 4) + le(0, 2)
        }
        return Data(out)
    }

    private static func le(_ value: UInt64, _ count: Int) -> [UInt8] {
        PickleTestBytes.littleEndian(value, count)
    }
}

/// Little-endian float32 bytes.
func float32Bytes(_ values: [Float]) -> Data {
    var data = Data()
    for value in values { data += PickleTestBytes.littleEndian(UInt64(value.bitPattern), 4) }
    return data
}
