import Foundation

/// The built `planable-sync` binary run as a subprocess, with its output in temporary files.
package struct ProductProcess {
    /// The debug build when there is one, else the release build, of this checkout.
    package static var binaryPath: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for configuration in ["debug", "release"] {
            let path = root.appendingPathComponent(".build/\(configuration)/planable-sync").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return root.appendingPathComponent(".build/debug/planable-sync").path
    }

    /// The user that `start(_:withoutRoot: true)` runs the binary as: nobody when the test runs as root, else the
    /// test's own user.
    package static var userWithoutRoot: String {
        guard getuid() != 0 else { return "nobody" }
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "with id \(geteuid())" }
        return String(cString: name)
    }

    package struct Result {
        package var status: Int32
        package var stdout: String
        package var stderr: String
    }

    package let process: Process
    package let stdoutURL: URL
    package let stderrURL: URL
    /// Deletes the output files once no copy of this value is left, for tests that never call `removeOutput`.
    private let outputFiles: OutputFiles

    package func stdout() -> String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    package func stderr() -> String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Sends SIGKILL, as a crash would, and waits for the exit.
    package func killNow() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    package func removeOutput() {
        try? FileManager.default.removeItem(at: stdoutURL)
        try? FileManager.default.removeItem(at: stderrURL)
    }

    /// Starts the binary with `arguments`, in `currentDirectory` when given. The environment is the test's own
    /// without a proxy for loopback and without systemd's `JOURNAL_STREAM` and `NOTIFY_SOCKET`, then `environment`
    /// on top.
    ///
    /// With `withoutRoot`, a test that runs as root starts the binary as user nobody through `setpriv`, so that
    /// file permissions apply to it. A test run by another user starts it as that user.
    package static func start(
        _ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil,
        withoutRoot: Bool = false
    ) throws -> ProductProcess {
        let process = Process()
        if withoutRoot && getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=nobody", "--regid=nogroup", "--clear-groups", binaryPath] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binaryPath)
            process.arguments = arguments
        }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        var merged = ProcessInfo.processInfo.environment
        merged["no_proxy"] = "127.0.0.1,localhost,::1"
        merged.removeValue(forKey: "JOURNAL_STREAM")
        merged.removeValue(forKey: "NOTIFY_SOCKET")
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let directory = FileManager.default.temporaryDirectory
        let stdoutURL = directory.appendingPathComponent("planable-sync-out-\(UUID().uuidString)")
        let stderrURL = directory.appendingPathComponent("planable-sync-err-\(UUID().uuidString)")
        // A failed createFile surfaces as the FileHandle initialiser below throwing.
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return ProductProcess(
            process: process, stdoutURL: stdoutURL, stderrURL: stderrURL,
            outputFiles: OutputFiles([stdoutURL, stderrURL]))
    }

    /// Runs the binary to its exit, terminating it after `timeout` seconds, and returns its status and output.
    package static func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 300,
        currentDirectory: URL? = nil, withoutRoot: Bool = false
    )
        throws -> Result
    {
        let running = try start(
            arguments, environment: environment, currentDirectory: currentDirectory, withoutRoot: withoutRoot)
        defer { running.removeOutput() }
        let deadline = Date().addingTimeInterval(timeout)
        while running.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if running.process.isRunning { running.process.terminate() }
        running.process.waitUntilExit()
        return Result(status: running.process.terminationStatus, stdout: running.stdout(), stderr: running.stderr())
    }
}

/// The output files of one started process, deleted when the last `ProductProcess` that refers to them goes away.
private final class OutputFiles: Sendable {
    let urls: [URL]

    init(_ urls: [URL]) {
        self.urls = urls
    }

    deinit {
        for url in urls { try? FileManager.default.removeItem(at: url) }
    }
}
