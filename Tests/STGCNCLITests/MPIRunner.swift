import Foundation
import XCTest

/// Runs the built `stgcn` under Open MPI's `mpirun` (on this machine: loopback, as root
/// `--allow-run-as-root`, `--oversubscribe` for more ranks than cores), with a deadline so
/// that a hang fails the test instead of stalling it.
struct MPIRunner {
    /// `mpirun` on PATH, or nil.
    static var mpirun: URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("mpirun")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Skips the calling test with a message when `mpirun` is absent (CI installs it with
    /// scripts/setup.sh; single-machine users never need it).
    static func require() throws -> URL {
        guard let mpirun else {
            throw XCTSkip("mpirun not found on PATH: the MPI tests need Open MPI (apt-get install openmpi-bin libopenmpi-dev, or bash scripts/setup.sh as root)")
        }
        return mpirun
    }

    /// `mpirun -np ranks stgcn arguments`; `perRank` (MPMD) gives rank r its own arguments instead.
    static func run(ranks: Int, _ arguments: [String], perRank: [[String]]? = nil, timeout: TimeInterval = 600) throws -> CommandRunner.Result {
        let process = Process()
        process.executableURL = try require()
        let stgcn = CommandRunner.productsDirectory.appendingPathComponent("stgcn").path
        var commandLine = ["--allow-run-as-root", "--oversubscribe"]
        if let perRank {
            for (index, rankArguments) in perRank.enumerated() {
                if index > 0 { commandLine.append(":") }
                commandLine += ["-np", "1", stgcn] + rankArguments
            }
        } else {
            commandLine += ["-np", "\(ranks)", stgcn] + arguments
        }
        process.arguments = commandLine
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-mpirun-\(UUID().uuidString)")
        let outURL = logs.appendingPathExtension("out"), errURL = logs.appendingPathExtension("err")
        for file in [outURL, errURL] { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        defer { for file in [outURL, errURL] { try? FileManager.default.removeItem(at: file) } }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let hung = process.isRunning
        if hung {
            process.terminate()
            process.waitUntilExit()
        }
        let output = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let error = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        if hung { XCTFail("mpirun \(commandLine.joined(separator: " ")) did not end within \(Int(timeout)) s (a hang)\n\(output)\n\(error)") }
        return CommandRunner.Result(status: hung ? -1 : process.terminationStatus, output: output, error: error)
    }
}
