import Foundation
import XCTest
@testable import SkeletonFormats

final class NpyStreamWriterTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("npystream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() }

    func testStreamedFileEqualsTheOneShotEncoding() throws {
        let shape = [3, 2, 5, 4, 2]
        let values = (0..<shape.reduce(1, *)).map { Float($0) * 0.25 - 7 }
        let url = folder.appendingPathComponent("data.npy")
        let writer = try NpyStreamWriter(float32At: url, shape: shape)
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), "nothing at the destination before finish()")
        try writer.append(Array(values[..<50]))
        try writer.append([])
        try writer.append(Array(values[50..<100]))
        try writer.appendZeros(0)
        try writer.append(Array(values[100...]))
        try writer.finish()
        XCTAssertEqual(try Data(contentsOf: url), Npy.encode(float32: values, shape: shape))
        XCTAssertEqual(try contents(), ["data.npy"])
        let array = try Npy.read(contentsOf: url)
        XCTAssertEqual(array.shape, shape)
        XCTAssertEqual(try array.floatValues(), values)
    }

    func testZerosAndEmptyArrays() throws {
        let url = folder.appendingPathComponent("zeros.npy")
        let writer = try NpyStreamWriter(float32At: url, shape: [2, 70_000])
        try writer.append([1, 2])
        try writer.appendZeros(139_998)
        try writer.finish()
        let values = try Npy.read(contentsOf: url).floatValues()
        XCTAssertEqual(values.count, 140_000)
        XCTAssertEqual(Array(values.prefix(3)), [1, 2, 0])
        let empty = folder.appendingPathComponent("empty.npy")
        let none = try NpyStreamWriter(float32At: empty, shape: [0, 3, 300, 25, 2])
        try none.finish()
        XCTAssertEqual(try Npy.read(contentsOf: empty).shape, [0, 3, 300, 25, 2])
    }

    func testIncompleteOrOverfullWritesLeaveNothingBehind() throws {
        let url = folder.appendingPathComponent("partial.npy")
        let writer = try NpyStreamWriter(float32At: url, shape: [2, 3])
        try writer.append([1, 2, 3])
        XCTAssertThrowsError(try writer.finish()) { error in
            XCTAssertTrue("\(error)".contains("partial.npy"))
            XCTAssertTrue("\(error)".contains("only 3 of 6"))
        }
        XCTAssertEqual(try contents(), [])

        let over = try NpyStreamWriter(float32At: url, shape: [2])
        XCTAssertThrowsError(try over.append([1, 2, 3])) { XCTAssertTrue("\($0)".contains("3 values appended, expected 2")) }
        XCTAssertThrowsError(try over.append([1]))
        XCTAssertEqual(try contents(), [])

        // Dropped without finish(): the temporary file goes away; an existing file stays intact.
        try Npy.write(float32: [9], shape: [1], to: url)
        do {
            let dropped = try NpyStreamWriter(float32At: url, shape: [1])
            try dropped.append([5])
            XCTAssertEqual(try contents().count, 2)
        }
        XCTAssertEqual(try contents(), ["partial.npy"])
        XCTAssertEqual(try Npy.read(contentsOf: url).floatValues(), [9])

        XCTAssertThrowsError(try NpyStreamWriter(float32At: folder.appendingPathComponent("no/such/dir.npy"), shape: [1])) {
            XCTAssertTrue("\($0)".contains("dir.npy"))
        }
        XCTAssertThrowsError(try NpyStreamWriter(float32At: url, shape: [-1, 2]))
    }
}
