import Foundation
import XCTest
import STGCN
import STGCNTestSupport

/// `stgcn gendata pyskl` end to end on real numpy pickles: files the official feeder reads,
/// one-line errors naming the file for bad input.
final class GendataPySKLCommandTests: XCTestCase {
    func testWritesEverySplitAskedFor() throws {
        let out = try makeTemporaryDirectory(self)
        let input = try TestResources.pyskl("pyskl-2d-np1-p4.pkl")
        let result = try CommandRunner.run(["gendata", "pyskl", "--data-path", input.path, "--split", "xsub_train", "--split", "xsub_val",
                                            "--out-folder", out.path, "--max-frames", "8", "--num-person", "1"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.error.contains("3 annotations"), result.error)
        XCTAssertTrue(result.error.contains("C = 3 (x, y, score)"), result.error)
        XCTAssertTrue(result.error.contains("xsub_train: 2/2 samples"), result.error)
        XCTAssertTrue(result.output.contains("xsub_val_data.npy (1, 3, 8, 17, 1)"), result.output)
        let train = try Feeder(dataPath: out.appendingPathComponent("xsub_train_data.npy"), labelPath: out.appendingPathComponent("xsub_train_label.pkl"))
        XCTAssertEqual(train.count, 2)
        XCTAssertEqual(train.sampleShape, [3, 8, 17, 1])
        XCTAssertEqual(train.names, ["S001C001P001R001A001", "S001C002P001R001A003"])
        var generator = SeededGenerator(seed: 1)
        let clip = try train.sample(1, using: &generator)
        XCTAssertEqual(clip[0, 4, 2, 0], 40 + 1)      // x of frame 4, joint 2: 10·t + v/2
        XCTAssertEqual(clip[1, 4, 2, 0], 41.25)       // y: + 1/4
        XCTAssertEqual(clip[2, 4, 2, 0], 3.0 / 32)    // score
    }

    func testBadInputFailsWithOneLine() throws {
        let out = try makeTemporaryDirectory(self)
        let input = try TestResources.pyskl("pyskl-3d-np2-p5.pkl")
        let unknown = try CommandRunner.run(["gendata", "pyskl", "--data-path", input.path, "--split", "xview_val", "--out-folder", out.path])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertEqual(unknown.error.split(separator: "\n").count, 1, unknown.error)
        XCTAssertTrue(unknown.error.contains("xview_val, expected one of the file's splits: 'xsub_train', 'xsub_val'"), unknown.error)

        // A pickle that would run a shell command: refused, nothing executed, nothing written.
        let outer = try PickleReader.read(try TestResources.pysklData("pyskl-hostile.pkl"), source: "hostile", options: .plainData).value
        guard case let .bytes(evil)? = outer["os-system"] else { return XCTFail("no os-system case") }
        let evilURL = out.appendingPathComponent("evil.pkl")
        try evil.write(to: evilURL)
        let refused = try CommandRunner.run(["gendata", "pyskl", "--data-path", evilURL.path, "--out-folder", out.path])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertEqual(refused.error.split(separator: "\n").count, 1, refused.error)
        XCTAssertTrue(refused.error.contains("evil.pkl: byte "), refused.error)
        XCTAssertTrue(refused.error.contains("'posix.system' is not in the allow-list"), refused.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("train_data.npy").path))
    }
}
