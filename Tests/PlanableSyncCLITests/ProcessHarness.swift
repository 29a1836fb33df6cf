import Foundation

/// Runs the built `planable-sync` binary as a subprocess.
struct ProcessHarness {
    /// The binary that `swift build` put beside the test bundle.
    static var binaryPath: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for configuration in ["debug", "release"] {
            let path = root.appendingPathComponent(".build/\(configuration)/planable-sync").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return root.appendingPathComponent(".build/debug/planable-sync").path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary to completion and returns its exit status and output.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 120) throws -> Result {
        let process = try start(arguments, environment: environment)
        let deadline = Date().addingTimeInterval(timeout)
        while process.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.process.isRunning { process.process.terminate() }
        process.process.waitUntilExit()
        return Result(status: process.process.terminationStatus, stdout: process.stdout(), stderr: process.stderr())
    }

    /// A started subprocess whose output goes to temporary files, so a full pipe never blocks it.
    struct Running {
        var process: Process
        var stdoutURL: URL
        var stderrURL: URL

        func stdout() -> String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
        func stderr() -> String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
    }

    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaryPath)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged["no_proxy"] = "127.0.0.1,localhost,::1"
        merged.removeValue(forKey: "JOURNAL_STREAM")
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let directory = FileManager.default.temporaryDirectory
        let stdoutURL = directory.appendingPathComponent("planable-sync-out-\(UUID().uuidString)")
        let stderrURL = directory.appendingPathComponent("planable-sync-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, stdoutURL: stdoutURL, stderrURL: stderrURL)
    }
}
