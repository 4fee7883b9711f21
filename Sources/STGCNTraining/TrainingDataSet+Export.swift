import Foundation
import SkeletonData

extension TrainingDataSet {
    /// The feeders' samples as official-format files, as stored (before any augmentation the
    /// feeder applies while training): `train_data.npy` + `train_label.pkl` from the training
    /// feeder, `val_data.npy` + `val_label.pkl` from the test feeder, and `class_names.txt` when
    /// the data set names its classes.
    ///
    /// For the synthetic feeder this is the data set `stgcn train` generates in memory, so other
    /// tools (the official PyTorch code, `bench/train_compare.py`) can train on exactly the same
    /// clips through the official feeder.
    public func conversion() -> DatasetConversion {
        var splits = [Self.split(train, path: "train")]
        if let test { splits.append(Self.split(test, path: "val")) }
        return DatasetConversion(splits: splits, classNames: classNames ?? [])
    }

    private static func split(_ feeder: Feeder, path: String) -> DatasetSplit {
        let entries = (0..<feeder.count).map { index in
            DatasetEntry(name: feeder.names[index], label: feeder.labels[index]) { try feeder.rawSample(index) }
        }
        return DatasetSplit(path: path, sampleShape: feeder.storedSampleShape, entries: entries)
    }
}
