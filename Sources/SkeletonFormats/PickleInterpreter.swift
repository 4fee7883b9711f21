import Foundation

/// The pickle virtual machine behind `PickleReader`.
///
/// Containers live in flat arenas and stack/memo items refer to them by index, so mutation
/// after memoization behaves as in Python (shared references), and no deeply nested Swift
/// value exists until `materialize` builds one under the depth limit.
struct PickleInterpreter {
    /// A stack or memo item: a scalar, or a reference into one of the arenas.
    private enum Item {
        /// None, bool, int, float, str, bytes or a global: never containers.
        case scalar(PickleValue)
        case list(Int)
        case tuple(Int)
        case dict(Int)
        case call(Int)
        case persistent(Int)
    }

    private struct DictStore {
        var entries: [(key: Item, value: Item)] = []
        /// Position of each scalar key in `entries`, so a repeated key replaces its value.
        var positions: [PickleValue: Int] = [:]
    }

    private struct CallStore {
        var global: PickleGlobal
        var arguments: Int  // index into `tuples`
        var state: Item?
    }

    private static let orderedDict = PickleGlobal("collections", "OrderedDict")

    private let data: Data
    private var position: Int
    private let source: String
    private let options: PickleReader.Options

    private var stack: [Item] = []
    private var metastack: [[Item]] = []
    private var memo: [Int: Item] = [:]
    private var lists: [[Item]] = []
    private var tuples: [[Item]] = []
    private var dicts: [DictStore] = []
    private var calls: [CallStore] = []
    private var persistents: [Item] = []
    private var materialized: [NodeKey: (value: PickleValue, height: Int)] = [:]
    /// Offset of the opcode being executed (for errors).
    private var opcodeOffset = 0
    private var opcode: UInt8 = 0

    init(data: Data, position: Int, source: String, options: PickleReader.Options) {
        self.data = data
        self.position = position
        self.source = source
        self.options = options
    }

    // MARK: - Running

    mutating func run() throws(PickleError) -> PickleReader.Result {
        guard position >= 0, position <= data.count else {
            throw .truncated(source: source, offset: max(position, 0), opcode: nil, needed: 1, available: 0)
        }
        if position < data.count, byte(at: position) != PickleOpcode.proto {
            throw .missingProto(source: source, offset: position, found: byte(at: position))
        }
        while true {
            opcodeOffset = position
            guard position < data.count else {
                throw .truncated(source: source, offset: position, opcode: nil, needed: 1, available: 0)
            }
            opcode = byte(at: position)
            position += 1
            if opcode == PickleOpcode.stop {
                let top = try pop()
                let value = try materialize(top, depth: 0).value
                return PickleReader.Result(value: value, end: position)
            }
            try execute(opcode)
        }
    }

    private mutating func execute(_ op: UInt8) throws(PickleError) {
        typealias O = PickleOpcode
        switch op {
        case O.proto:
            let version = Int(try readUInt(1))
            guard (2...5).contains(version) else {
                throw .unsupportedProtocol(source: source, offset: opcodeOffset, version: version)
            }
        case O.frame:
            let length = try readUInt(8)
            guard length <= UInt64(data.count - position) else {
                throw .truncated(source: source, offset: opcodeOffset, opcode: op, needed: Int(clamping: length), available: data.count - position)
            }
        case O.mark:
            metastack.append(stack)
            stack = []
        case O.pop:
            if stack.isEmpty, !metastack.isEmpty {
                _ = try popMark()
            } else {
                _ = try pop()
            }
        case O.popMark:
            _ = try popMark()
        case O.dup:
            stack.append(try peek())

        case O.none: stack.append(.scalar(.none))
        case O.newTrue: stack.append(.scalar(.bool(true)))
        case O.newFalse: stack.append(.scalar(.bool(false)))
        case O.binInt1: stack.append(.scalar(.int(Int64(try readUInt(1)))))
        case O.binInt2: stack.append(.scalar(.int(Int64(try readUInt(2)))))
        case O.binInt: stack.append(.scalar(.int(Int64(Int32(truncatingIfNeeded: try readUInt(4))))))
        case O.long1:
            let count = Int(try readUInt(1))
            stack.append(.scalar(.int(try readLong(byteCount: count))))
        case O.long4:
            let declared = Int32(truncatingIfNeeded: try readUInt(4))
            guard declared >= 0 else { throw invalid("negative length \(declared)") }
            stack.append(.scalar(.int(try readLong(byteCount: Int(declared)))))
        case O.binFloat:
            let bits = try readBigEndianUInt64()
            stack.append(.scalar(.float(Double(bitPattern: bits))))

        case O.shortBinUnicode: stack.append(.scalar(.string(try readUTF8(lengthBytes: 1))))
        case O.binUnicode: stack.append(.scalar(.string(try readUTF8(lengthBytes: 4))))
        case O.binUnicode8: stack.append(.scalar(.string(try readUTF8(lengthBytes: 8))))
        case O.shortBinBytes: stack.append(.scalar(.bytes(try readBytes(lengthBytes: 1))))
        case O.binBytes: stack.append(.scalar(.bytes(try readBytes(lengthBytes: 4))))
        case O.binBytes8, O.byteArray8: stack.append(.scalar(.bytes(try readBytes(lengthBytes: 8))))
        case O.shortBinString, O.binString:
            // A Python 2 `str`: text when it is valid UTF-8, bytes otherwise.
            let raw = try readBytes(lengthBytes: op == O.shortBinString ? 1 : 4)
            if let text = String(bytes: raw, encoding: .utf8) {
                stack.append(.scalar(.string(text)))
            } else {
                stack.append(.scalar(.bytes(raw)))
            }

        case O.emptyList:
            lists.append([])
            stack.append(.list(lists.count - 1))
        case O.list:
            lists.append(try popMark())
            stack.append(.list(lists.count - 1))
        case O.append:
            let item = try pop()
            let target = try listIndex(try peek())
            lists[target].append(item)
        case O.appends:
            let items = try popMark()
            let target = try listIndex(try peek())
            lists[target].append(contentsOf: items)

        case O.emptyTuple: pushTuple([])
        case O.tuple: pushTuple(try popMark())
        case O.tuple1, O.tuple2, O.tuple3:
            let count = Int(op - O.tuple1) + 1
            guard stack.count >= count else { throw underflow() }
            let items = Array(stack.suffix(count))
            stack.removeLast(count)
            pushTuple(items)

        case O.emptyDict:
            dicts.append(DictStore())
            stack.append(.dict(dicts.count - 1))
        case O.dict:
            let items = try popMark()
            dicts.append(DictStore())
            try setItems(items, into: dicts.count - 1)
            stack.append(.dict(dicts.count - 1))
        case O.setItem:
            let value = try pop()
            let key = try pop()
            try setItems([key, value], into: try dictIndex(try peek()))
        case O.setItems:
            let items = try popMark()
            try setItems(items, into: try dictIndex(try peek()))

        case O.global:
            let module = try readLine()
            let name = try readLine()
            stack.append(.scalar(.global(try allowedGlobal(PickleGlobal(module, name)))))
        case O.stackGlobal:
            let nameItem = try pop()
            let moduleItem = try pop()
            guard case let .scalar(.string(module)) = moduleItem, case let .scalar(.string(name)) = nameItem else {
                throw invalid("expected two str operands (module, name)")
            }
            stack.append(.scalar(.global(try allowedGlobal(PickleGlobal(module, name)))))
        case O.reduce, O.newObj:
            let arguments = try pop()
            let callable = try pop()
            stack.append(try call(callable, arguments: arguments))
        case O.build:
            let state = try pop()
            switch try peek() {
            case .dict:
                break  // Attributes of an OrderedDict (e.g. a state dict's `_metadata`): not items, dropped.
            case let .call(index):
                calls[index].state = state
            default:
                throw invalid("BUILD target is \(describe(try peek())), expected a dict or a recorded call")
            }
        case O.binPersID:
            guard options.allowsPersistentIDs else { throw invalid("persistent ids are not allowed in this pickle") }
            let id = try pop()
            persistents.append(id)
            stack.append(.persistent(persistents.count - 1))

        case O.binPut: try put(Int(try readUInt(1)))
        case O.longBinPut: try put(Int(try readUInt(4)))
        case O.memoize: try put(memo.count)
        case O.binGet: try get(Int(try readUInt(1)))
        case O.longBinGet: try get(Int(try readUInt(4)))

        default:
            throw .unsupportedOpcode(source: source, offset: opcodeOffset, opcode: op)
        }
    }

    // MARK: - Stack and memo

    private func underflow() -> PickleError {
        .stackUnderflow(source: source, offset: opcodeOffset, opcode: opcode)
    }

    private func invalid(_ reason: String) -> PickleError {
        .invalidOperand(source: source, offset: opcodeOffset, opcode: opcode, reason: reason)
    }

    private mutating func pop() throws(PickleError) -> Item {
        guard let item = stack.popLast() else { throw underflow() }
        return item
    }

    private func peek() throws(PickleError) -> Item {
        guard let item = stack.last else { throw underflow() }
        return item
    }

    /// The items pushed since the last `MARK`, restoring the stack below it.
    private mutating func popMark() throws(PickleError) -> [Item] {
        guard let below = metastack.popLast() else { throw underflow() }
        let items = stack
        stack = below
        return items
    }

    private mutating func put(_ index: Int) throws(PickleError) {
        memo[index] = try peek()
    }

    private mutating func get(_ index: Int) throws(PickleError) {
        guard let item = memo[index] else {
            throw .memoIndexOutOfRange(source: source, offset: opcodeOffset, index: index, count: memo.count)
        }
        stack.append(item)
    }

    private mutating func pushTuple(_ items: [Item]) {
        tuples.append(items)
        stack.append(.tuple(tuples.count - 1))
    }

    private func listIndex(_ item: Item) throws(PickleError) -> Int {
        guard case let .list(index) = item else { throw invalid("target is \(describe(item)), expected a list") }
        return index
    }

    private func dictIndex(_ item: Item) throws(PickleError) -> Int {
        guard case let .dict(index) = item else { throw invalid("target is \(describe(item)), expected a dict") }
        return index
    }

    private mutating func setItems(_ items: [Item], into index: Int) throws(PickleError) {
        guard items.count % 2 == 0 else { throw invalid("odd number of items (\(items.count)), expected key-value pairs") }
        var pair = 0
        while pair < items.count {
            let key = items[pair]
            let value = items[pair + 1]
            switch key {
            case .list, .dict:
                throw invalid("dict key is \(describe(key)), which is unhashable")
            case let .scalar(scalar):
                if let existing = dicts[index].positions[scalar] {
                    dicts[index].entries[existing].value = value
                } else {
                    dicts[index].positions[scalar] = dicts[index].entries.count
                    dicts[index].entries.append((key, value))
                }
            case .tuple, .call, .persistent:
                dicts[index].entries.append((key, value))
            }
            pair += 2
        }
    }

    private func allowedGlobal(_ global: PickleGlobal) throws(PickleError) -> PickleGlobal {
        guard options.allowedGlobals.contains(global) else {
            throw .forbiddenGlobal(source: source, offset: opcodeOffset, global: global)
        }
        return global
    }

    private mutating func call(_ callable: Item, arguments: Item) throws(PickleError) -> Item {
        guard case let .scalar(.global(global)) = callable else {
            throw invalid("callable is \(describe(callable)), expected an allowed global")
        }
        guard case let .tuple(argumentsIndex) = arguments else {
            throw invalid("arguments are \(describe(arguments)), expected a tuple")
        }
        if global == Self.orderedDict {
            guard tuples[argumentsIndex].isEmpty else {
                throw invalid("collections.OrderedDict called with arguments, expected OrderedDict()")
            }
            dicts.append(DictStore())
            return .dict(dicts.count - 1)
        }
        calls.append(CallStore(global: global, arguments: argumentsIndex, state: nil))
        return .call(calls.count - 1)
    }

    private func describe(_ item: Item) -> String {
        switch item {
        case let .scalar(value): return value.kindName
        case .list: return "a list"
        case .tuple: return "a tuple"
        case .dict: return "a dict"
        case let .call(index): return "a call of \(calls[index].global)"
        case .persistent: return "a persistent id"
        }
    }

    // MARK: - Operands

    private func byte(at offset: Int) -> UInt8 {
        data[data.startIndex + offset]
    }

    /// Checks that `count` operand bytes remain.
    private func require(_ count: Int) throws(PickleError) {
        let available = data.count - position
        guard count <= available else {
            throw .truncated(source: source, offset: opcodeOffset, opcode: opcode, needed: count, available: available)
        }
    }

    /// A little-endian unsigned integer of `count` (≤ 8) bytes.
    private mutating func readUInt(_ count: Int) throws(PickleError) -> UInt64 {
        try require(count)
        var value: UInt64 = 0
        for i in 0..<count {
            value |= UInt64(byte(at: position + i)) << (8 * UInt64(i))
        }
        position += count
        return value
    }

    private mutating func readBigEndianUInt64() throws(PickleError) -> UInt64 {
        try require(8)
        var value: UInt64 = 0
        for i in 0..<8 {
            value = value << 8 | UInt64(byte(at: position + i))
        }
        position += 8
        return value
    }

    /// A two's-complement little-endian integer of `byteCount` bytes (LONG1/LONG4).
    private mutating func readLong(byteCount: Int) throws(PickleError) -> Int64 {
        try require(byteCount)
        guard byteCount <= 8 else {
            throw .integerTooLarge(source: source, offset: opcodeOffset, byteCount: byteCount)
        }
        if byteCount == 0 { return 0 }
        var bits = try readUInt(byteCount)
        if byteCount < 8, byte(at: position - 1) & 0x80 != 0 {
            bits |= UInt64.max << (8 * UInt64(byteCount))
        }
        return Int64(bitPattern: bits)
    }

    /// A length prefix of `lengthBytes` bytes, checked against the remaining bytes.
    private mutating func readLength(lengthBytes: Int) throws(PickleError) -> Int {
        let declared = try readUInt(lengthBytes)
        let available = data.count - position
        guard declared <= UInt64(available) else {
            throw .truncated(source: source, offset: opcodeOffset, opcode: opcode, needed: Int(clamping: declared), available: available)
        }
        return Int(declared)
    }

    private mutating func readBytes(lengthBytes: Int) throws(PickleError) -> Data {
        let length = try readLength(lengthBytes: lengthBytes)
        let start = data.startIndex + position
        position += length
        return data.subdata(in: start..<(start + length))
    }

    private mutating func readUTF8(lengthBytes: Int) throws(PickleError) -> String {
        let raw = try readBytes(lengthBytes: lengthBytes)
        guard let text = String(bytes: raw, encoding: .utf8) else { throw invalid("string is not valid UTF-8") }
        return text
    }

    /// A newline-terminated ASCII line (the operands of GLOBAL), at most 256 bytes.
    private mutating func readLine() throws(PickleError) -> String {
        var bytes: [UInt8] = []
        while true {
            guard position < data.count else {
                throw .truncated(source: source, offset: opcodeOffset, opcode: opcode, needed: 1, available: 0)
            }
            let next = byte(at: position)
            position += 1
            if next == 0x0A { break }
            guard next >= 0x20, next < 0x7F, bytes.count < 256 else {
                throw invalid("module or name is not a short line of printable ASCII")
            }
            bytes.append(next)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Materializing

    /// Identifies an arena entry, for the materialization cache.
    private struct NodeKey: Hashable {
        var kind: UInt8
        var index: Int
    }

    /// Builds the value tree of `item` and its height, refusing trees taller than
    /// `PickleReader.maximumDepth` (which also stops self-containing structures). Each arena
    /// entry is built once, so shared references cost nothing extra.
    private mutating func materialize(_ item: Item, depth: Int) throws(PickleError) -> (value: PickleValue, height: Int) {
        guard depth <= PickleReader.maximumDepth else {
            throw .nestingTooDeep(source: source, limit: PickleReader.maximumDepth)
        }
        let key: NodeKey
        switch item {
        case let .scalar(value): return (value, 0)
        case let .list(index): key = NodeKey(kind: 0, index: index)
        case let .tuple(index): key = NodeKey(kind: 1, index: index)
        case let .dict(index): key = NodeKey(kind: 2, index: index)
        case let .call(index): key = NodeKey(kind: 3, index: index)
        case let .persistent(index): key = NodeKey(kind: 4, index: index)
        }
        if let cached = materialized[key] { return cached }

        var height = 0
        func child(_ item: Item, _ interpreter: inout PickleInterpreter) throws(PickleError) -> PickleValue {
            let built = try interpreter.materialize(item, depth: depth + 1)
            height = max(height, built.height + 1)
            return built.value
        }
        let value: PickleValue
        switch item {
        case .scalar:
            preconditionFailure("scalars return above")
        case let .list(index):
            var values: [PickleValue] = []
            values.reserveCapacity(lists[index].count)
            for element in lists[index] { values.append(try child(element, &self)) }
            value = .list(values)
        case let .tuple(index):
            var values: [PickleValue] = []
            values.reserveCapacity(tuples[index].count)
            for element in tuples[index] { values.append(try child(element, &self)) }
            value = .tuple(values)
        case let .dict(index):
            var entries: [PickleDictEntry] = []
            entries.reserveCapacity(dicts[index].entries.count)
            for entry in dicts[index].entries {
                let entryKey = try child(entry.key, &self)
                entries.append(PickleDictEntry(key: entryKey, value: try child(entry.value, &self)))
            }
            value = .dict(entries)
        case let .call(index):
            let record = calls[index]
            let arguments = try child(.tuple(record.arguments), &self)
            guard case let .tuple(values) = arguments else { preconditionFailure("arguments are a tuple") }
            let state: PickleValue?
            if let stateItem = record.state {
                state = try child(stateItem, &self)
            } else {
                state = nil
            }
            value = .call(record.global, arguments: values, state: state)
        case let .persistent(index):
            value = .persistentID(try child(persistents[index], &self))
        }
        guard height <= PickleReader.maximumDepth else {
            throw .nestingTooDeep(source: source, limit: PickleReader.maximumDepth)
        }
        materialized[key] = (value, height)
        return (value, height)
    }
}
