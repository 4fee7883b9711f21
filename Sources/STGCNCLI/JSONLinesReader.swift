import Foundation

/// Lines from a file, a FIFO or standard input as they arrive (blocking until a whole line is
/// there), without loading the whole input. A line longer than `maximumLineLength` is cut off
/// and reported as too long rather than held in memory.
struct JSONLinesReader {
    /// One line: its 1-based number and bytes (without the newline and surrounding white space),
    /// or why it could not be kept.
    enum Line {
        case text(number: Int, bytes: [UInt8])
        case tooLong(number: Int, length: Int)
    }

    let handle: FileHandle
    let maximumLineLength: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var number = 0
    private var discarding = 0
    private var finished = false

    init(handle: FileHandle, maximumLineLength: Int = 16 << 20) {
        self.handle = handle
        self.maximumLineLength = maximumLineLength
    }

    /// The next line, or nil at the end of the input.
    mutating func next() -> Line? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 10) {
                let bytes = Array(buffer[start..<newline])
                start = newline + 1
                number += 1
                if discarding > 0 {
                    let length = discarding + bytes.count
                    discarding = 0
                    return .tooLong(number: number, length: length)
                }
                return .text(number: number, bytes: Self.trimmed(bytes[...]))
            }
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            if buffer.count > maximumLineLength {
                discarding += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
            if finished {
                guard !buffer.isEmpty || discarding > 0 else { return nil }
                number += 1
                let bytes = buffer
                buffer = []
                if discarding > 0 {
                    defer { discarding = 0 }
                    return .tooLong(number: number, length: discarding + bytes.count)
                }
                return .text(number: number, bytes: Self.trimmed(bytes[...]))
            }
            let data = handle.availableData
            if data.isEmpty { finished = true } else { buffer.append(contentsOf: data) }
        }
    }

    /// `bytes` without leading and trailing spaces, tabs and carriage returns.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return [] }
        return Array(bytes[first...last])
    }
}
