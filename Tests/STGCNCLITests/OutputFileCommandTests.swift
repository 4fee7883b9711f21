import Foundation
import XCTest
import STGCN
import STGCNTestSupport

/// Output files through the built `stgcn`: failed writes leave no temporary file, devices and
/// FIFOs are written through (never replaced), symbolic links are followed, and output paths
/// are checked before the work starts.
final class OutputFileCommandTests: XCTestCase {
    var folder: URL!
    var experiment: TinyExperiment!
    var config: URL!
    var weights: URL!
    var input: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-output-\(UUID().uuidString)")
        experiment = try TinyExperiment(folder: folder)
        config = try experiment.writeConfig()
        let model = try TrainingConfiguration(contentsOf: config).model
        let network = try STGCNNetwork(configuration: model)
        network.initializeWeights(seed: 1)
        weights = folder.appendingPathComponent("weights.safetensors")
        try network.saveWeights(to: weights)
        input = experiment.testData
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Hidden temporaries (`.NAME.tmp-UUID`) anywhere below `folder`.
    func strayTemporaries() -> [String] {
        let names = FileManager.default.enumerator(atPath: folder.path)?.allObjects.compactMap { $0 as? String } ?? []
        return names.filter { $0.contains(".tmp-") }
    }

    /// Runs `stgcn` under `bash` with the file-size limit `blocks` (1 KiB each) and SIGXFSZ
    /// ignored, so that every write past the limit fails with EFBIG, as on a full disk.
    func runWithFileSizeLimit(_ blocks: Int, _ arguments: [String]) throws -> CommandRunner.Result {
        let binary = CommandRunner.productsDirectory.appendingPathComponent("stgcn").path
        let quoted = ([binary] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "ulimit -f \(blocks) && trap '' XFSZ && exec \(quoted)"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandRunner.Result(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
                                    error: String(decoding: errData, as: UTF8.self))
    }

    func assertOneLineFailure(_ result: CommandRunner.Result, mentioning fragments: [String],
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, "expected a clean failure: \(result.error)", file: file, line: line)
        let message = result.error.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(message.split(separator: "\n").filter { $0.hasPrefix("Error") }.count, 1, message, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(message.contains(fragment), "\"\(message)\" should mention \"\(fragment)\"", file: file, line: line)
        }
    }

    func testFailedWritesLeaveNoTemporaryFiles() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { throw XCTSkip("needs /bin/bash for ulimit -f") }
        let logits = folder.appendingPathComponent("logits.npy")
        let infer = try runWithFileSizeLimit(0, ["infer", "-c", config.path, "--weights", weights.path, "--input", input.path,
                                                 "--output", logits.path])
        assertOneLineFailure(infer, mentioning: ["logits.npy"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: logits.path))

        let scores = folder.appendingPathComponent("scores.npy")
        let test = try runWithFileSizeLimit(0, ["test", "-c", config.path, "--weights", weights.path, "--save-scores", scores.path])
        assertOneLineFailure(test, mentioning: ["scores.npy"])

        let converted = folder.appendingPathComponent("converted.pt")
        let convert = try runWithFileSizeLimit(4, ["convert", weights.path, converted.path])
        assertOneLineFailure(convert, mentioning: ["converted.pt"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: converted.path))
        XCTAssertEqual(strayTemporaries(), [], "temporary files left behind")
    }

    func testFIFOIsWrittenThroughNotReplaced() throws {
        let fifo = folder.appendingPathComponent("logits.fifo")
        guard mkfifo(fifo.path, 0o600) == 0 else { throw XCTSkip("mkfifo failed: \(String(cString: strerror(errno)))") }
        let copy = folder.appendingPathComponent("received.npy")
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/sh")
        reader.arguments = ["-c", "exec cat \"$0\" > \"$1\"", fifo.path, copy.path]
        try reader.run()
        let result = try CommandRunner.run(["infer", "-c", config.path, "--weights", weights.path, "--input", input.path, "--output", fifo.path])
        let deadline = Date().addingTimeInterval(10)
        while reader.isRunning && Date() < deadline { usleep(20_000) }
        if reader.isRunning {
            reader.terminate()  // nobody wrote into the FIFO
            reader.waitUntilExit()
        }
        XCTAssertEqual(result.status, 0, result.error)
        var status = stat()
        XCTAssertEqual(lstat(fifo.path, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFIFO, "the FIFO must stay a FIFO")
        XCTAssertEqual(try Npy.read(contentsOf: copy).shape, [6, 3], "the reader got the logits")
    }

    func testCharacterDeviceIsWrittenThroughAndItsErrorReported() throws {
        // A private copy of /dev/full (character device 1, 7): writing fails with ENOSPC.
        let full = folder.appendingPathComponent("full")
        guard mknod(full.path, mode_t(S_IFCHR) | 0o666, dev_t(1 << 8 | 7)) == 0 else {
            throw XCTSkip("cannot create a character device here (mknod: \(String(cString: strerror(errno))))")
        }
        let result = try CommandRunner.run(["infer", "-c", config.path, "--weights", weights.path, "--input", input.path, "--output", full.path])
        assertOneLineFailure(result, mentioning: ["full", "No space left on device"])
        var status = stat()
        XCTAssertEqual(lstat(full.path, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFCHR, "the device node must not be replaced by a regular file")
        XCTAssertEqual(strayTemporaries(), [])
    }

    func testSymbolicLinkIsFollowed() throws {
        let target = folder.appendingPathComponent("real/logits.npy")
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let link = folder.appendingPathComponent("link.npy")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "real/logits.npy")  // dangling until written
        let result = try CommandRunner.run(["infer", "-c", config.path, "--weights", weights.path, "--input", input.path, "--output", link.path])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), "real/logits.npy", "the link stays a link")
        XCTAssertEqual(try Npy.read(contentsOf: target).shape, [6, 3])
        XCTAssertEqual(strayTemporaries(), [])
    }

    func testOutputPathsAreCheckedBeforeTheWork() throws {
        let base = ["infer", "-c", config.path, "--weights", weights.path, "--input", input.path, "--output"]
        let missing = try CommandRunner.run(base + [folder.appendingPathComponent("no/such/folder/logits.npy").path])
        assertOneLineFailure(missing, mentioning: ["logits.npy", "does not exist"])
        let directory = try CommandRunner.run(base + [folder.path])
        assertOneLineFailure(directory, mentioning: ["is a folder"])
        let csv = try CommandRunner.run(["test", "-c", config.path, "--weights", weights.path,
                                         "--confusion", folder.appendingPathComponent("absent/c.csv").path])
        assertOneLineFailure(csv, mentioning: ["c.csv", "does not exist"])
        XCTAssertFalse(csv.output.contains("Top1"), "checked before evaluating: \(csv.output)")
    }
}
