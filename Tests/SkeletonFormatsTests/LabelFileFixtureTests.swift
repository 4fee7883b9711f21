import Foundation
import XCTest
import STGCNTestSupport
import SkeletonFormats

/// Reads the official-format label pickles of the shared fixtures.
final class LabelFileFixtureTests: XCTestCase {
    func testRealNTULabelFiles() throws {
        let expected = [
            "ntu-a023-xsub-train": 670, "ntu-a023-xsub-val": 274,
            "ntu-a023-xview-train": 628, "ntu-a023-xview-val": 316,
        ]
        for (file, count) in expected.sorted(by: { $0.key < $1.key }) {
            let (names, labels) = try LabelFile.read(contentsOf: Fixtures.url("real/\(file)_label.pkl"))
            XCTAssertEqual(names.count, count, file)
            XCTAssertEqual(labels.count, count, file)
            // Class A023 only: label = 23 − 1.
            XCTAssertTrue(labels.allSatisfy { $0 == 22 }, file)
            XCTAssertTrue(names.allSatisfy { $0.hasSuffix("A023.skeleton") }, "\(file): \(names.prefix(2))")
        }
    }

    func testFixtureLabelFile() throws {
        let (names, labels) = try LabelFile.read(contentsOf: Fixtures.url("stgcn-ntu-spatial/label.pkl"))
        XCTAssertEqual(names, ["sample0.skeleton", "sample1.skeleton"])
        XCTAssertEqual(labels, [1, 3])
    }
}
