import Foundation
import XCTest

/// The built `stgcn` started in the background, its output going to files, so a test can
/// watch it, signal it and wait for it.
final class BackgroundRun {
    let process = Process()
    let outputFile: URL
    let errorFile: URL

    /// Starts `stgcn arguments`; stdout and stderr go to `<logs>.out` and `<logs>.err`.
    init(_ arguments: [String], logs: URL) throws {
        outputFile = logs.appendingPathExtension("out")
        errorFile = logs.appendingPathExtension("err")
        for file in [outputFile, errorFile] {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        }
        process.executableURL = CommandRunner.productsDirectory.appendingPathComponent("stgcn")
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }
    var error: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }

    /// Waits until the output contains `text` (true) or the process ends or `timeout` passes (false).
    func waitForOutput(_ text: String, timeout: TimeInterval = 120) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if output.contains(text) { return true }
            if !process.isRunning { return output.contains(text) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Waits for the process to end; returns whether it ended within `timeout`.
    func waitForExit(timeout: TimeInterval = 120) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning { return false }
        process.waitUntilExit()
        return true
    }

    /// Sends `signal` (kill -9 when SIGKILL) and waits for the end.
    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }
}
