import Foundation
import SkeletonFormats
import STGCNTestSupport
import XCTest
@testable import SkeletonData

/// PySKL / MMAction2 annotation pickles written by real numpy 1.x and 2.x (protocols 2, 4, 5;
/// see `scripts/make-pyskl-test-pickles.py`): exact values, splits, the (C, T, V, M) clip,
/// and one-line errors naming the file, annotation and field for broken or malicious files.
final class PySKLAnnotationTests: XCTestCase {
    /// The script's `keypoint[m, t, v, c]`.
    private func keypoint(_ m: Int, _ t: Int, _ v: Int, _ c: Int) -> Float {
        Float(100 * m + 10 * t) + Float(v) / 2 + Float(c) / 4
    }

    /// The script's `keypoint_score[m, t, v]`.
    private func score(_ v: Int) -> Float { Float(v + 1) / 32 }

    private func expectedKeypoints(_ shape: [Int]) -> [Float] {
        var values: [Float] = []
        for m in 0..<shape[0] { for t in 0..<shape[1] { for v in 0..<shape[2] { for c in 0..<shape[3] { values.append(keypoint(m, t, v, c)) } } } }
        return values
    }

    private func read(_ name: String) throws -> PySKLAnnotationFile {
        try PySKLAnnotationFile(contentsOf: try TestResources.pyskl(name))
    }

    func test2DAnnotationsWithScoresAndNumpyScalarLabels() throws {
        for numpy in ["np1", "np2"] {
            for version in [2, 4, 5] {
                let name = "pyskl-2d-\(numpy)-p\(version).pkl"
                let file = try read(name)
                XCTAssertEqual(file.splits, [
                    .init(name: "xsub_train", frameDirectories: ["S001C001P001R001A001", "S001C002P001R001A003"]),
                    .init(name: "xsub_val", frameDirectories: ["S001C001P002R001A002"]),
                ], name)
                XCTAssertEqual(file.annotations.map(\.frameDirectory), ["S001C001P001R001A001", "S001C001P002R001A002", "S001C002P001R001A003"], name)
                XCTAssertEqual(file.annotations.map(\.label), [0, 1, 2], name)
                XCTAssertEqual(file.annotations.map(\.keypointShape), [[2, 4, 17, 2], [1, 3, 17, 2], [3, 5, 17, 2]], name)
                XCTAssertEqual(file.annotations.map(\.totalFrames), [4, 3, 5], name)
                for annotation in file.annotations {
                    XCTAssertEqual(annotation.keypoint, expectedKeypoints(annotation.keypointShape), name)
                    let scores = (0..<(annotation.persons * annotation.frames)).flatMap { _ in (0..<17).map(score) }
                    XCTAssertEqual(annotation.keypointScore, scores, name)
                    XCTAssertEqual(annotation.imageShape, .init(height: 1080, width: 1920), name)
                    XCTAssertEqual(annotation.originalShape, .init(height: 1080, width: 1920), name)
                }
                XCTAssertEqual(file.replacedNonFiniteValues, 0)
            }
        }
    }

    func test3DAnnotationsInFloat32BigEndianAndFortranFloat64() throws {
        for numpy in ["np1", "np2"] {
            for version in [2, 4, 5] {
                let name = "pyskl-3d-\(numpy)-p\(version).pkl"
                let file = try read(name)
                XCTAssertEqual(file.annotations.map(\.label), [0, 1, 0], name)
                XCTAssertEqual(file.annotations.map(\.keypointShape), [[2, 4, 25, 3], [1, 6, 25, 3], [2, 3, 25, 3]], name)
                for annotation in file.annotations {
                    XCTAssertNil(annotation.keypointScore, name)
                    XCTAssertEqual(annotation.keypoint, expectedKeypoints(annotation.keypointShape), "\(name) \(annotation.frameDirectory)")
                }
                // PySKL's selection: annotation order, names without an annotation ignored.
                let val = try XCTUnwrap(file.split(named: "xsub_val"))
                XCTAssertEqual(val.frameDirectories.count, 2)
                XCTAssertEqual(file.annotations(in: val).map(\.index), [1])
                XCTAssertEqual(file.annotations(in: try XCTUnwrap(file.split(named: "xsub_train"))).map(\.index), [0, 2])
            }
        }
    }

    func testPlainListWithoutSplit() throws {
        for numpy in ["np1", "np2"] {
            let file = try read("mmaction-list-\(numpy)-p4.pkl")
            XCTAssertNil(file.splits)
            XCTAssertNil(file.split(named: "xsub_train"))
            XCTAssertEqual(file.annotations.map(\.frameDirectory), ["S001C001P001R001A001", "S001C001P002R001A002"])
            XCTAssertEqual(file.annotations[1].keypoint, expectedKeypoints([1, 6, 25, 3]))
        }
    }

    func testClipIsOfficialLayoutWithScoreChannel() throws {
        let annotation = try read("pyskl-2d-np2-p4.pkl").annotations[0]   // (M, T, V, C) = (2, 4, 17, 2)
        let clip = annotation.clip()
        XCTAssertEqual(clip.shape, [3, 4, 17, 2])
        for m in 0..<2 { for t in 0..<4 { for v in 0..<17 {
            XCTAssertEqual(clip[0, t, v, m], keypoint(m, t, v, 0))
            XCTAssertEqual(clip[1, t, v, m], keypoint(m, t, v, 1))
            XCTAssertEqual(clip[2, t, v, m], score(v))
        } } }
        XCTAssertEqual(annotation.clip(appendingScore: false), clip.withChannels(2))
        let threeD = try read("pyskl-3d-np1-p5.pkl").annotations[2]      // Fortran-ordered float64 (2, 3, 25, 3)
        let clip3D = threeD.clip()
        XCTAssertEqual(clip3D.shape, [3, 3, 25, 2])
        XCTAssertEqual(clip3D[2, 1, 24, 1], keypoint(1, 1, 24, 2))
    }

    func testInitializerChecksCounts() {
        XCTAssertThrowsError(try PySKLAnnotation(frameDirectory: "a", label: 0, keypoint: [1, 2, 3], shape: (1, 1, 1, 2)))
        XCTAssertThrowsError(try PySKLAnnotation(frameDirectory: "a", label: 0, keypoint: [1, 2], shape: (1, 1, 1, 2), keypointScore: [1, 2]))
        XCTAssertNoThrow(try PySKLAnnotation(frameDirectory: "a", label: 0, keypoint: [1, 2], shape: (1, 1, 1, 2), keypointScore: [1]))
    }

    // MARK: - Broken and malicious files

    private func hostileCases() throws -> [String: Data] {
        let outer = try PickleReader.read(try TestResources.pysklData("pyskl-hostile.pkl"), source: "hostile", options: .plainData).value
        guard case let .dict(entries) = outer else { throw XCTSkip("pyskl-hostile.pkl is not a dict") }
        var cases: [String: Data] = [:]
        for entry in entries {
            if case let .string(name) = entry.key, case let .bytes(data) = entry.value { cases[name] = data }
        }
        return cases
    }

    private func failure(_ data: Data, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let decoded = try PySKLAnnotationFile(data: data, source: "ann.pkl")
            XCTFail("decoded \(decoded.annotations.count) annotations", file: file, line: line)
            return ""
        } catch {
            XCTAssertFalse(error.description.contains("\n"), error.description, file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix("ann.pkl: "), error.description, file: file, line: line)
            return error.description
        }
    }

    func testBrokenAndMaliciousFilesGiveOneLineErrors() throws {
        let cases = try hostileCases()
        XCTAssertEqual(cases.count, 22)
        let expected: [String: String] = [
            "keypoint-rank": "ann.pkl: annotations[1].keypoint: found shape (3, 4), expected a float array of shape (M, T, V, C)",
            "keypoint-int": "ann.pkl: annotations[1].keypoint: found dtype <i4, expected a float array of shape (M, T, V, C)",
            "keypoint-object": "ann.pkl: annotations[1].keypoint: found dtype 'O8', not supported (expected a numeric type: f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 or b1), expected a float array of shape (M, T, V, C)",
            "keypoint-list": "ann.pkl: annotations[1].keypoint: found a list, expected a float array of shape (M, T, V, C)",
            "keypoint-missing": "ann.pkl: annotations[1].keypoint: found no such key, expected a float array of shape (M, T, V, C)",
            "score-shape": "ann.pkl: annotations[1].keypoint_score: found shape (1, 2, 16), expected shape (1, 2, 17) = keypoint's (M, T, V)",
            "label-string": "ann.pkl: annotations[1].label: found a str, expected a non-negative integer",
            "label-negative": "ann.pkl: annotations[1].label: found -1, expected a non-negative integer",
            "label-float": "ann.pkl: annotations[1].label: found a numpy array of dtype <f4 and shape [], expected a non-negative integer",
            "frame-dir-missing": "ann.pkl: annotations[1].frame_dir: found no such key, expected a str",
            "img-shape": "ann.pkl: annotations[1].img_shape: found 1 items, expected (height, width)",
            "nan": "ann.pkl: annotations[1].keypoint[0, 0, 0, 0]: non-finite value nan, expected a finite number (use NonFinitePolicy.replaceWithZero to accept)",
            "not-annotations": "ann.pkl: annotations: found an int, expected a list of annotation dicts",
            "root-int": "ann.pkl: pickle: found an int, expected a dict {'split': …, 'annotations': […]} or a list of annotation dicts",
            "annotation-list": "ann.pkl: annotations[1]: found a list, expected an annotation dict",
            "split-values": "ann.pkl: split['train']: found a str, expected a list of frame_dir strings",
            "byte-count": "ann.pkl: annotations[1].keypoint: found 8 data bytes for shape [1, 2, 17, 2] of dtype <f4 (272 needed), expected a float array of shape (M, T, V, C)",
            "huge-shape": "ann.pkl: annotations[1].keypoint: found shape [1099511627776, 1099511627776, 17, 2] (element count overflows), expected a float array of shape (M, T, V, C)",
            "negative-shape": "ann.pkl: annotations[1].keypoint: found shape [1, -2, 17, 2] (dimension 1 is negative (-2)), expected a float array of shape (M, T, V, C)",
        ]
        for (name, message) in expected {
            XCTAssertEqual(failure(try XCTUnwrap(cases[name], name)), message, name)
        }
        // Never executed: refused at the global, with its byte offset.
        for (name, global) in [("os-system", "posix.system"), ("numpy-load", "numpy."), ("eval", "builtins.eval")] {
            let message = failure(try XCTUnwrap(cases[name], name))
            XCTAssertTrue(message.contains("pickle global '\(global)"), "\(name): \(message)")
            XCTAssertTrue(message.contains("is not in the allow-list"), "\(name): \(message)")
        }
        // NaN accepted as zeros when asked.
        let nan = try PySKLAnnotationFile(data: try XCTUnwrap(cases["nan"]), source: "ann.pkl", nonFinite: .replaceWithZero)
        XCTAssertEqual(nan.replacedNonFiniteValues, 68)
        XCTAssertEqual(nan.annotations[1].keypoint, [Float](repeating: 0, count: 68))
    }

    func testTruncatedFilesAtManyCutPoints() throws {
        let data = try TestResources.pysklData("pyskl-2d-np2-p4.pkl")
        for cut in stride(from: 0, to: data.count, by: 7) {
            let message = failure(data.prefix(cut))
            XCTAssertTrue(message.contains("byte"), message)
        }
    }

    func testUnreadableFile() {
        XCTAssertThrowsError(try PySKLAnnotationFile(contentsOf: URL(fileURLWithPath: "/nonexistent/ann.pkl"))) { error in
            guard case .unreadable(file: "/nonexistent/ann.pkl", _)? = error as? SkeletonDataError else { return XCTFail("\(error)") }
        }
    }
}
