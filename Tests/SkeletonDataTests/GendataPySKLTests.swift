import Foundation
import SkeletonFormats
import STGCNTestSupport
import XCTest
@testable import SkeletonData

/// `Gendata.pyskl`: PySKL annotation pickles → official `<split>_data.npy` + `_label.pkl`.
final class GendataPySKLTests: XCTestCase {
    private func read(_ folder: URL, _ split: String) throws -> (shape: [Int], values: [Float], names: [String], labels: [Int]) {
        let array = try Npy.read(contentsOf: folder.appendingPathComponent(split + "_data.npy"))
        XCTAssertEqual(array.dtype, .float32)
        let (names, labels) = try LabelFile.read(contentsOf: folder.appendingPathComponent(split + "_label.pkl"))
        return (array.shape, try array.floatValues(), names, labels)
    }

    func test2DSplitsBecomeXYScoreClips() throws {
        let url = try TestResources.pyskl("pyskl-2d-np2-p4.pkl")
        let annotations = try PySKLAnnotationFile(contentsOf: url).annotations
        let out = try makeTemporaryDirectory(self)
        let conversion = try Gendata.pyskl(dataPath: url, frames: 6, persons: 2)
        XCTAssertEqual(conversion.splits.map(\.path), ["xsub_train", "xsub_val"])
        try conversion.write(to: out)

        let train = try read(out, "xsub_train")
        XCTAssertEqual(train.shape, [2, 3, 6, 17, 2])
        XCTAssertEqual(train.names, ["S001C001P001R001A001", "S001C002P001R001A003"])
        XCTAssertEqual(train.labels, [0, 2])
        // Sample 0: (M, T) = (2, 4), zero-padded to 6 frames; sample 1: (3, 5), first 2 persons.
        let expected = [annotations[0], annotations[2]].flatMap { $0.clip().withPersons(2).resized(toFrames: 6).values }
        XCTAssertEqual(train.values, expected)
        let second = try SkeletonClip(channels: 3, frames: 6, joints: 17, persons: 2, values: Array(train.values[(3 * 6 * 17 * 2)...]))
        XCTAssertEqual(second[0, 4, 16, 1], 100 + 40 + 8)        // x of person 1, frame 4, joint 16
        XCTAssertEqual(second[2, 4, 16, 1], 17.0 / 32)            // its score
        XCTAssertEqual(second[0, 5, 0, 0], 0)                     // padding

        let val = try read(out, "xsub_val")
        XCTAssertEqual(val.shape, [1, 3, 6, 17, 2])
        XCTAssertEqual(val.labels, [1])
        // Person 1 is missing in this annotation (M = 1): zeros.
        XCTAssertEqual(val.values, annotations[1].clip().withPersons(2).resized(toFrames: 6).values)

        // The official feeder reads the result.
        let feeder = try Feeder(dataPath: out.appendingPathComponent("xsub_train_data.npy"), labelPath: out.appendingPathComponent("xsub_train_label.pkl"))
        XCTAssertEqual(feeder.count, 2)
        XCTAssertEqual(feeder.sampleShape, [3, 6, 17, 2])
    }

    func test3DChosenSplitLongClipsAndMissingNames() throws {
        let url = try TestResources.pyskl("pyskl-3d-np1-p2.pkl")
        let out = try makeTemporaryDirectory(self)
        let conversion = try Gendata.pyskl(dataPath: url, splits: ["xsub_val"], frames: 6, persons: 1)
        XCTAssertEqual(conversion.splits.map(\.path), ["xsub_val"])
        XCTAssertTrue(conversion.notes.contains("xsub_val: 1 samples (1 listed names have no annotation)"), "\(conversion.notes)")
        try conversion.write(to: out)
        let val = try read(out, "xsub_val")
        XCTAssertEqual(val.shape, [1, 3, 6, 25, 1])
        XCTAssertEqual(val.names, ["S001C001P002R001A002"])
        let annotation = try PySKLAnnotationFile(contentsOf: url).annotations[1]    // big-endian float32 (1, 6, 25, 3)
        XCTAssertEqual(val.values, annotation.clip().values)

        // The train split's first clip has 4 frames: 3 is too short unless truncating.
        let short = try Gendata.pyskl(dataPath: url, splits: ["xsub_train"], frames: 3)
        XCTAssertThrowsError(try short.write(to: out)) { error in
            XCTAssertEqual("\(error)", "\(url.path): annotations[0] 'S001C001P001R001A001': 4 frames, expected at most 3 (choose FrameOverflow.truncate or .keepAll for longer clips)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("xsub_train_data.npy").path))
        try Gendata.pyskl(dataPath: url, splits: ["xsub_train"], frames: 3, longClips: .truncate).write(to: out)
        XCTAssertEqual(try read(out, "xsub_train").shape, [2, 3, 3, 25, 2])
    }

    func testPlainListAndBadArguments() throws {
        let list = try TestResources.pyskl("mmaction-list-np2-p4.pkl")
        let conversion = try Gendata.pyskl(dataPath: list, frames: 8)
        XCTAssertEqual(conversion.splits.map(\.path), ["mmaction-list-np2-p4"])
        XCTAssertEqual(conversion.splits[0].entries.map(\.label), [0, 1])
        XCTAssertEqual(conversion.splits[0].sampleShape, [3, 8, 25, 2])
        XCTAssertThrowsError(try Gendata.pyskl(dataPath: list, splits: ["train"])) { error in
            XCTAssertTrue("\(error)".contains("is a plain list of annotations without a split dict"), "\(error)")
        }
        let file = try TestResources.pyskl("pyskl-2d-np1-p5.pkl")
        XCTAssertThrowsError(try Gendata.pyskl(dataPath: file, splits: ["xview_train"])) { error in
            XCTAssertEqual("\(error)", "argument split: xview_train, expected one of the file's splits: 'xsub_train', 'xsub_val'")
        }
        XCTAssertThrowsError(try Gendata.pyskl(dataPath: file, persons: 0))
        XCTAssertThrowsError(try Gendata.pyskl(dataPath: file, longClips: .keepAll))
    }
}
