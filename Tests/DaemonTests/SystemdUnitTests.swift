import Foundation
import Testing

/// The output and exit status of a finished command.
private struct CommandResult {
    var status: Int32
    var output: String
}

private func run(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:]
) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
}

private enum SystemdTools {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let script = repository + "/scripts/check-systemd-units"

    /// Whether systemd-analyze is on PATH, after installing the Debian package systemd when it is missing and the
    /// tests run as root with apt-get, as on CI.
    static let analyzerAvailable: Bool = {
        if isOnPath("systemd-analyze") { return true }
        if getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/apt-get") {
            let environment = ["DEBIAN_FRONTEND": "noninteractive"]
            _ = try? run(
                "/usr/bin/apt-get", ["install", "-y", "-qq", "--no-install-recommends", "systemd"],
                environment: environment)
        }
        return isOnPath("systemd-analyze")
    }()

    /// Whether the check script can build its sandbox with a system call filter: python3-seccomp is installed and
    /// the kernel supports PR_SET_MDWE (the script exits 3 without it).
    static let sandboxAvailable: Bool = {
        guard analyzerAvailable, (try? run("/usr/bin/python3", ["-c", "import seccomp"]))?.status == 0 else {
            return false
        }
        return (try? run("/bin/bash", [script, "--sandbox", "true"]))?.status == 0
    }()

    static func isOnPath(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }
}

@Suite(
    .enabled(
        if: SystemdTools.analyzerAvailable,
        "systemd-analyze is missing and the Debian package systemd could not be installed"))
struct SystemdUnitTests {
    @Test func unitsVerifyWithLowExposure() throws {
        let result = try run("/bin/bash", [SystemdTools.script])
        #expect(result.status == 0, "check-systemd-units failed:\n\(result.output)")
        let lines = result.output.split(separator: "\n").map(String.init)
        for unit in [
            "planable-sync.service", "planable-sync@example.service", "planable-sync-oneshot.service",
            "planable-sync.timer", "planable-sync-oneshot@example.service", "planable-sync-oneshot@example.timer",
        ] {
            #expect(lines.contains("verify \(unit): ok"), "no verify result for \(unit):\n\(result.output)")
        }
        let exposures = lines.compactMap { line -> Double? in
            guard line.hasPrefix("security "), let range = line.range(of: "exposure ") else { return nil }
            return Double(line[range.upperBound...].prefix { $0.isNumber || $0 == "." })
        }
        #expect(exposures.count == 4, "expected four services rated:\n\(result.output)")
        for exposure in exposures { #expect(exposure <= 2.0) }
        #expect(lines.contains { $0.hasPrefix("sandbox: binary starts") || $0.hasPrefix("sandbox: skipped") })
    }

    @Test(.enabled(if: SystemdTools.sandboxAvailable, "python3-seccomp or PR_SET_MDWE (Linux 6.3) is missing"))
    func sandboxRejectsDeniedCall() throws {
        // setpriority(2) is in @resources, which the units deny, so nice cannot lower its priority.
        let result = try run("/bin/bash", [SystemdTools.script, "--sandbox", "nice", "-n", "5", "true"])
        #expect(result.status == 0, "nice itself keeps going:\n\(result.output)")
        #expect(result.output.contains("cannot set niceness: Operation not permitted"), "\(result.output)")
    }

    @Test func stricterMaximumFails() throws {
        // The units rate about 1.2; a maximum of 0.5 must fail, which shows the threshold is applied.
        let result = try run("/bin/bash", [SystemdTools.script, "0.5"])
        #expect(result.status == 1, "expected exit status 1:\n\(result.output)")
        #expect(result.output.contains("security planable-sync.service: FAILED"))
    }
}
