import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a float32, C-order `.npy` file piece by piece: the header first (the shape is known
/// up front), then the values in order, so that a dataset far larger than memory can be
/// written (NTU RGB+D: 40,000 samples × 180 KB).
///
/// The bytes go to a temporary file beside the destination, which `finish()` renames into
/// place once every value has been written: readers never see a half-written file. A writer
/// that is dropped (or `abandon()`ed) before `finish()` removes its temporary file.
public final class NpyStreamWriter {
    /// The destination.
    public let url: URL
    /// The array's shape.
    public let shape: [Int]
    /// How many values the file holds: the product of `shape`.
    public let elementCount: Int
    /// How many values have been appended so far.
    public private(set) var writtenCount = 0

    private let temporary: URL
    private var handle: FileHandle?
    private var finished = false

    /// Creates the temporary file and writes the header.
    /// - Throws: `NpyError.invalidShape` for a negative or overflowing shape, `.writeFailed`
    ///   when the temporary file cannot be created.
    public init(float32At url: URL, shape: [Int]) throws(NpyError) {
        switch ShapeArithmetic.byteCount(shape, elementSize: 4) {
        case let .failure(problem): throw .invalidShape(file: url.path, shape: shape, reason: problem.phrase)
        case let .success(bytes): elementCount = bytes / 4
        }
        self.url = url
        self.shape = shape
        temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw .writeFailed(file: url.path, reason: "cannot create temporary file \(temporary.path): \(String(cString: strerror(errno)))")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            self.handle = handle
            try handle.write(contentsOf: NpyHeader.encode(dtype: .float32, shape: shape, isFortranOrder: false))
        } catch {
            abandon()
            throw .writeFailed(file: url.path, reason: "cannot write temporary file \(temporary.path): \(TextSanitizing.oneLine(error.localizedDescription))")
        }
    }

    deinit {
        if !finished { abandon() }
    }

    /// Appends `values` (any number, in C order) after those already written.
    /// - Throws: `NpyError.writeFailed` for I/O errors or when more values than the shape holds
    ///   are appended (the writer is then abandoned).
    public func append(_ values: [Float]) throws(NpyError) {
        guard let handle, !finished else { throw .writeFailed(file: url.path, reason: "append after finish() or abandon()") }
        guard values.count <= elementCount - writtenCount else {
            abandon()
            throw .writeFailed(file: url.path, reason: "\(writtenCount + values.count) values appended, expected \(elementCount) for shape \(shape)")
        }
        do {
            try handle.write(contentsOf: ScalarEncoding.bytes(float32: values))
        } catch {
            abandon()
            throw .writeFailed(file: url.path, reason: TextSanitizing.oneLine(error.localizedDescription))
        }
        writtenCount += values.count
    }

    /// Appends `count` zeros.
    public func appendZeros(_ count: Int) throws(NpyError) {
        var left = count
        while left > 0 {
            let n = min(left, 1 << 16)
            try append([Float](repeating: 0, count: n))
            left -= n
        }
    }

    /// Checks that every value was written, flushes, and renames the file into place.
    /// - Throws: `NpyError.writeFailed` when values are missing or the file cannot be flushed
    ///   or renamed (the temporary file is then removed).
    public func finish() throws(NpyError) {
        guard let handle, !finished else { throw .writeFailed(file: url.path, reason: "finish() after finish() or abandon()") }
        guard writtenCount == elementCount else {
            abandon()
            throw .writeFailed(file: url.path, reason: "only \(writtenCount) of \(elementCount) values were written for shape \(shape)")
        }
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            abandon()
            throw .writeFailed(file: url.path, reason: TextSanitizing.oneLine(error.localizedDescription))
        }
        self.handle = nil
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            abandon()
            throw .writeFailed(file: url.path, reason: "cannot rename temporary file into place: \(reason)")
        }
        finished = true
    }

    /// Closes and deletes the temporary file; the destination is left as it was.
    public func abandon() {
        try? handle?.close()
        handle = nil
        finished = true
        try? FileManager.default.removeItem(at: temporary)
    }
}
