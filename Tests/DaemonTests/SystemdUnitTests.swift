import Foundation
import Testing

/// The output and exit status of a finished command.
private struct CommandResult {
    var status: Int32
    var output: String
}

private func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
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
            _ = try? run("/usr/bin/apt-get", ["install", "-y", "-qq", "--no-install-recommends", "systemd"], environment: environment)
        }
        return isOnPath("systemd-analyze")
    }()

    static func isOnPath(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }
}

@Suite(.enabled(if: SystemdTools.analyzerAvailable, "systemd-analyze is missing and the Debian package systemd could not be installed"))
struct SystemdUnitTests {
    @Test func unitsVerifyWithLowExposure() throws {
        let result = try run("/bin/bash", [SystemdTools.script])
        #expect(result.status == 0, "check-systemd-units failed:\n\(result.output)")
        let lines = result.output.split(separator: "\n").map(String.init)
        for unit in ["planable-sync.service", "planable-sync@example.service", "planable-sync-oneshot.service", "planable-sync.timer"] {
            #expect(lines.contains("verify \(unit): ok"), "no verify result for \(unit):\n\(result.output)")
        }
        let exposures = lines.compactMap { line -> Double? in
            guard line.hasPrefix("security "), let range = line.range(of: "exposure ") else { return nil }
            return Double(line[range.upperBound...].prefix { $0.isNumber || $0 == "." })
        }
        #expect(exposures.count == 3, "expected three services rated:\n\(result.output)")
        for exposure in exposures { #expect(exposure <= 2.0) }
    }

    @Test func stricterMaximumFails() throws {
        // The units rate about 1.2; a maximum of 0.5 must fail, which shows the threshold is applied.
        let result = try run("/bin/bash", [SystemdTools.script, "0.5"])
        #expect(result.status == 1, "expected exit status 1:\n\(result.output)")
        #expect(result.output.contains("security planable-sync.service: FAILED"))
    }
}
