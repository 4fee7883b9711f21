import Foundation
import XCTest
import STGCNTestSupport

/// MPI is optional: a plain `stgcn train` never opens libmpi, and a process that a launcher
/// started but that cannot load Open MPI stops with a one-line error. Needs no MPI installed.
final class MPIOptionalCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-nompi-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func run(_ arguments: [String], environment extra: [String: String]) throws -> CommandRunner.Result {
        let process = Process()
        process.executableURL = CommandRunner.productsDirectory.appendingPathComponent("stgcn")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OMPI_") && !$0.key.hasPrefix("PMI") }
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile(), error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandRunner.Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                                    error: String(decoding: error, as: UTF8.self))
    }

    func arguments(_ config: URL) -> [String] {
        ["train", "-c", config.path, "--work-dir", folder.appendingPathComponent("w").path, "--num-epoch", "1", "--threads", "1"]
    }

    func testAPlainRunNeverOpensMPI() throws {
        let config = try TinyExperiment(folder: folder, trainPerClass: 2, testPerClass: 1).writeConfig()
        // Were MPI opened, this library path would make it fail.
        let result = try run(arguments(config), environment: ["STGCN_MPI_LIBRARY": folder.appendingPathComponent("no-libmpi.so").path])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertFalse(result.output.contains("MPI:"), result.output)
    }

    func testALaunchedProcessWithoutOpenMPIStopsWithOneLine() throws {
        let config = try TinyExperiment(folder: folder, trainPerClass: 2, testPerClass: 1).writeConfig()
        let missing = folder.appendingPathComponent("no-libmpi.so").path
        let result = try run(arguments(config), environment: ["OMPI_COMM_WORLD_SIZE": "2", "STGCN_MPI_LIBRARY": missing])
        XCTAssertEqual(result.status, 1)
        let message = result.error.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(message.contains("started by mpirun (Open MPI), but Open MPI's libmpi.so.40 cannot be loaded"), message)
        XCTAssertTrue(message.contains("no-libmpi.so"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("w").path), "nothing was written")
    }

    func testSrunWithoutAnMPIPluginIsRefused() throws {
        let config = try TinyExperiment(folder: folder, trainPerClass: 2, testPerClass: 1).writeConfig()
        let result = try run(arguments(config), environment: ["SLURM_STEP_ID": "0", "SLURM_STEP_NUM_TASKS": "2"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.error.contains("srun --mpi=pmix"), result.error)
    }
}
