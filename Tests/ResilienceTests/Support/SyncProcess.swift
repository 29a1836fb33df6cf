import Foundation

/// Runs the built `planable-sync` binary as a subprocess, with its output in temporary files so a full pipe never
/// blocks it.
struct SyncProcess {
    /// The binary that `swift build` put in `.build`.
    static var binaryPath: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
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

    let process: Process
    let stdoutURL: URL
    let stderrURL: URL

    func stdout() -> String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    func stderr() -> String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Sends SIGKILL and waits for the process to end.
    func killNow() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func removeOutput() {
        try? FileManager.default.removeItem(at: stdoutURL)
        try? FileManager.default.removeItem(at: stderrURL)
    }

    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> SyncProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaryPath)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged["no_proxy"] = "127.0.0.1,localhost,::1"
        merged.removeValue(forKey: "JOURNAL_STREAM")
        merged.removeValue(forKey: "NOTIFY_SOCKET")
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
        return SyncProcess(process: process, stdoutURL: stdoutURL, stderrURL: stderrURL)
    }

    /// Runs the binary to completion, or terminates it after `timeout` seconds.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 300) throws
        -> Result
    {
        let running = try start(arguments, environment: environment)
        defer { running.removeOutput() }
        let deadline = Date().addingTimeInterval(timeout)
        while running.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if running.process.isRunning { running.process.terminate() }
        running.process.waitUntilExit()
        return Result(status: running.process.terminationStatus, stdout: running.stdout(), stderr: running.stderr())
    }
}
