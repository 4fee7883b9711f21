import Foundation
import SkeletonFormats
import STGCNTensor

/// A tiny official-format experiment on disk: a 3-joint custom layout, 6 frames, one person,
/// 3 classes (a wave along x, a wave along y, still), so a few epochs learn something and the
/// full ST-GCN architecture runs fast even in a debug build.
public struct TinyExperiment {
    public let folder: URL
    public var trainData: URL { folder.appendingPathComponent("train_data.npy") }
    public var trainLabel: URL { folder.appendingPathComponent("train_label.pkl") }
    public var testData: URL { folder.appendingPathComponent("val_data.npy") }
    public var testLabel: URL { folder.appendingPathComponent("val_label.pkl") }
    public var workDirectory: URL { folder.appendingPathComponent("work") }

    public static let classes = 3, frames = 6, joints = 3

    public init(folder: URL, trainPerClass: Int = 6, testPerClass: Int = 2) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.writeSplit(count: trainPerClass, seed: 1, data: trainData, labels: trainLabel)
        try Self.writeSplit(count: testPerClass, seed: 2, data: testData, labels: testLabel)
    }

    static func writeSplit(count perClass: Int, seed: UInt64, data: URL, labels: URL) throws {
        var generator = SeededGenerator(seed: seed)
        let n = perClass * classes
        let per = 3 * frames * joints * 1
        var values = [Float](repeating: 0, count: n * per)
        var labelList: [Int] = []
        for sample in 0..<n {
            let label = sample % classes
            labelList.append(label)
            for c in 0..<3 {
                for t in 0..<frames {
                    for v in 0..<joints {
                        var value = 0.1 * (generator.nextUniform() - 0.5) + Float(v) * 0.2
                        if (label == 0 && c == 0) || (label == 1 && c == 1) { value += sin(Float(t) * 1.3 + Float(v)) }
                        values[sample * per + (c * frames + t) * joints + v] = value
                    }
                }
            }
        }
        try Npy.write(float32: values, shape: [n, 3, frames, joints, 1], to: data)
        try LabelFile.write(names: (0..<n).map { "s\($0)" }, labels: labelList, to: labels)
    }

    /// The official-format train.yaml for this data, with `extra` lines appended.
    public func config(extra: String = "", workDirectory: URL? = nil) -> String {
        """
        work_dir: \((workDirectory ?? self.workDirectory).path)
        feeder: feeder.feeder.Feeder
        train_feeder_args:
          data_path: \(trainData.path)
          label_path: \(trainLabel.path)
          random_choose: True
          random_move: True
          window_size: 5
        test_feeder_args:
          data_path: \(testData.path)
          label_path: \(testLabel.path)
        model: net.st_gcn.Model
        model_args:
          in_channels: 3
          num_class: 3
          dropout: 0.5
          edge_importance_weighting: True
          graph_args:
            layout: {name: tiny, num_node: 3, edges: [[0, 1], [1, 2]], center: 1}
            strategy: 'spatial'
        weight_decay: 0.0001
        base_lr: 0.05
        step: [2]
        device: [0]
        batch_size: 4
        test_batch_size: 4
        num_epoch: 3
        eval_interval: 1
        log_interval: 100
        seed: 7
        \(extra)
        """
    }

    public func writeConfig(extra: String = "", name: String = "train.yaml") throws -> URL {
        let url = folder.appendingPathComponent(name)
        try config(extra: extra).write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
