import XCTest
import SkeletonData
import SkeletonFormats
import SkeletonGraph
import STGCNTestSupport
@testable import STGCNTraining

/// The committed MSR Action3D config: loads, has the dataset's skeleton, and accepts data
/// converted from the real files (`../shared/data/msr-action3d`).
final class MSRActionConfigTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testConfigLoadsWithTheMSRLayout() throws {
        let url = Self.repository.appendingPathComponent("config/msr-action3d/train.yaml")
        let settings = try TrainingConfiguration(contentsOf: url)
        XCTAssertTrue(settings.warnings.isEmpty, "\(settings.warnings)")
        XCTAssertEqual(settings.model.classCount, 20)
        XCTAssertEqual(settings.model.layout.jointCount, 20)
        XCTAssertEqual(Set(settings.model.layout.edges), Set(SkeletonLayout.msrAction3D.edges))
        XCTAssertEqual(settings.model.layout.center, SkeletonLayout.msrAction3D.center)
        let test = try TrainingConfiguration(contentsOf: Self.repository.appendingPathComponent("config/msr-action3d/test.yaml"), purpose: .test)
        XCTAssertEqual(test.model, settings.model)
    }

    func testRealFilesConvertedPassTheDataChecks() throws {
        let source = Fixtures.root.deletingLastPathComponent().appendingPathComponent("data/msr-action3d")
        guard FileManager.default.fileExists(atPath: source.path) else { throw XCTSkip("\(source.path) not found") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("msr-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let names = try FileManager.default.contentsOfDirectory(atPath: source.path).filter { $0.hasSuffix("_skeleton3D.txt") }.sorted()
        // A small cross-subject sample: the first repetition of actions 1–20 for subjects 1 and 2.
        var splits: [Bool: (values: [Float], labels: [Int], names: [String])] = [true: ([], [], []), false: ([], [], [])]
        let frames = 64
        for name in names {
            let sample = try MSRAction3DSampleName(fileName: name)
            guard sample.repetition == 1, sample.subject <= 2 else { continue }
            let sequence = try PlainTextSkeletonSequence(contentsOf: source.appendingPathComponent(name), format: .msrAction3D)
            var generator = SystemRandomNumberGenerator()
            let clip = sequence.clip.frames > frames ? sequence.clip.randomChoose(size: frames, using: &generator)
                : sequence.clip.autoPadding(size: frames, randomPad: false, using: &generator)
            splits[sample.isTraining]?.values += clip.values
            splits[sample.isTraining]?.labels.append(sample.label)
            splits[sample.isTraining]?.names.append(name)
        }
        for (isTraining, split) in splits {
            let prefix = isTraining ? "train" : "val"
            try Npy.write(float32: split.values, shape: [split.labels.count, 3, frames, 20, 1],
                          to: folder.appendingPathComponent("\(prefix)_data.npy"))
            try LabelFile.write(names: split.names, labels: split.labels, to: folder.appendingPathComponent("\(prefix)_label.pkl"))
        }
        let overrides = try ConfigurationOverride.parse([
            "--train-feeder-args.data-path", folder.appendingPathComponent("train_data.npy").path,
            "--train-feeder-args.label-path", folder.appendingPathComponent("train_label.pkl").path,
            "--test-feeder-args.data-path", folder.appendingPathComponent("val_data.npy").path,
            "--test-feeder-args.label-path", folder.appendingPathComponent("val_label.pkl").path,
        ])
        let settings = try TrainingConfiguration(contentsOf: Self.repository.appendingPathComponent("config/msr-action3d/train.yaml"),
                                                 overrides: overrides)
        let data = try TrainingDataSet.load(settings)
        XCTAssertGreaterThan(data.train.count, 10)
        XCTAssertEqual(data.train.sampleShape, [3, frames, 20, 1])
        XCTAssertNoThrow(try Trainer.validate(configuration: settings, data: data))
    }
}
