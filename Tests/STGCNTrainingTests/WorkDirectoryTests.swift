import XCTest
@testable import STGCNTraining

/// The work-directory lock, the recognition of stale temporaries and of an earlier run's files.
final class WorkDirectoryTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-workdir-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testTheLockIsExclusiveNamesItsHolderAndIsReleased() throws {
        let lock = try WorkDirectoryLock(directory: folder)
        let text = try String(contentsOf: lock.file, encoding: .utf8)
        XCTAssertEqual(text, "\(getpid())\n")
        XCTAssertThrowsError(try WorkDirectoryLock(directory: folder)) { error in
            XCTAssertEqual(error as? WorkDirectoryError,
                           .inUse(directory: folder.path, lockFile: lock.file.path, pid: getpid()))
            XCTAssertTrue("\(error)".contains("pid \(getpid())"), "\(error)")
        }
        lock.release()
        let again = try WorkDirectoryLock(directory: folder)
        again.release()
    }

    func testStaleTemporaryNames() {
        let uuid = UUID().uuidString
        for name in [".checkpoint.safetensors.tmp-\(uuid)", ".report.html.tmp-\(uuid)", ".dat.nosyncAb12Cd", ".a.b.tmp-\(uuid.lowercased())"] {
            XCTAssertTrue(StaleTemporaryFiles.matches(name), name)
        }
        for name in ["checkpoint.safetensors", ".tmp-\(uuid)", "x.tmp-\(uuid)", ".x.tmp-123", ".dat.nosync", ".dat.nosync1234567", ".stgcn.lock"] {
            XCTAssertFalse(StaleTemporaryFiles.matches(name), name)
        }
    }

    func testEarlierRunFiles() throws {
        let files = Trainer.WorkFiles(directory: folder)
        XCTAssertFalse(files.holdsEarlierWeights)
        for name in ["log.txt", "metrics.jsonl", "notes.txt", "epochs_model.safetensors"] {
            try Data().write(to: folder.appendingPathComponent(name))
        }
        XCTAssertFalse(files.holdsEarlierWeights, "a log and metrics alone are not weights")
        try Data().write(to: folder.appendingPathComponent("epoch12_model.safetensors"))
        XCTAssertTrue(files.holdsEarlierWeights)
        XCTAssertEqual(files.earlierRunFiles().map(\.lastPathComponent), ["epoch12_model.safetensors", "log.txt", "metrics.jsonl"])
        try files.removeEarlierRun()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["epochs_model.safetensors", "notes.txt"])
    }
}
