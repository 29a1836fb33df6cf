import Foundation
import TestSupport
import Testing

/// The `PLANABLE_SYNC_*` environment variables that change settings: an invalid value stops the command with a
/// configuration error that names the variable, the value and the values allowed, as an invalid configuration
/// setting does.
@Suite(.serialized) struct EnvironmentSettingTests {
    let root: URL
    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-environment-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        let lines = [
            "state: state/planable-sync.sqlite", "api: embedded", "workspace: Northwind Coffee",
            "pages: [Northwind LinkedIn]", "template: \"{{title}}\"", "sources:",
            "  - name: posts", "    type: directory", "    path: content",
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    static let invalidValues: [(variable: String, value: String, allowed: String)] = [
        ("PLANABLE_SYNC_API_TIMEOUT", "abc", "a positive number of seconds"),
        ("PLANABLE_SYNC_API_TIMEOUT", "90s", "a positive number of seconds"),
        ("PLANABLE_SYNC_API_TIMEOUT", "0", "a positive number of seconds"),
        ("PLANABLE_SYNC_API_TIMEOUT", "-5", "a positive number of seconds"),
        ("PLANABLE_SYNC_API_TIMEOUT", "nan", "a positive number of seconds"),
        ("PLANABLE_SYNC_LOG_LEVEL", "loud", "trace, debug, info, notice, warning, error, critical"),
        ("PLANABLE_SYNC_LOG_FORMAT", "xml", "must be json"),
        ("PLANABLE_SYNC_WATCHDOG_STALL_SECONDS", "10m", "a positive number of seconds"),
    ]

    @Test func invalidValueIsConfigurationError() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        for (variable, value, allowed) in Self.invalidValues {
            for command in ["sync", "status"] {
                let result = try ProductProcess.run([command, "--config", configPath], environment: [variable: value])
                #expect(result.status == 78, "\(command) with \(variable)=\(value): exit \(result.status)")
                #expect(result.stderr.contains(variable), "\(command): \(result.stderr)")
                #expect(result.stderr.contains("\"\(value)\""), "\(command): \(result.stderr)")
                #expect(result.stderr.contains(allowed), "\(command): \(result.stderr)")
            }
        }
    }

    @Test func validValuesRun() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let environment = [
            "PLANABLE_SYNC_API_TIMEOUT": "12.5", "PLANABLE_SYNC_LOG_LEVEL": "DEBUG", "PLANABLE_SYNC_LOG_FORMAT": "json",
            "PLANABLE_SYNC_WATCHDOG_STALL_SECONDS": "60",
        ]
        let result = try ProductProcess.run(["sync", "--config", configPath], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func emptyValueCountsAsUnset() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let environment = ["PLANABLE_SYNC_API_TIMEOUT": "", "PLANABLE_SYNC_LOG_LEVEL": ""]
        let result = try ProductProcess.run(["sync", "--config", configPath], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
    }
}
