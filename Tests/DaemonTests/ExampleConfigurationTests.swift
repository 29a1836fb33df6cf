import Foundation
import SyncEngine
import Testing

/// The daemon and cron examples must load with the configuration loader the program uses, so their keys stay valid.
@Suite struct ExampleConfigurationTests {
    private static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples").path

    @Test func systemdExampleUsesCredential() throws {
        let configuration = try Configuration.load(path: Self.examples + "/systemd/config.yaml")
        #expect(configuration.statePath == "/var/lib/planable-sync/planable-sync.sqlite")
        guard case .remote(let url, let token) = configuration.api else {
            Issue.record("expected the real API, got \(configuration.api)")
            return
        }
        #expect(url == "https://api.planable.io/api/v1")
        #expect(token.credential == "planable-token")
        #expect(token.file == nil)
        let source = try #require(configuration.sources.first)
        guard case .directory(let path, _, _) = source.kind else {
            Issue.record("expected a directory source, got \(source.kind)")
            return
        }
        #expect(path.hasPrefix("/srv/"))
    }

    @Test func cronExampleUsesTokenFile() throws {
        let path = Self.examples + "/cron/planable-sync.yaml"
        let configuration = try Configuration.load(path: path)
        guard case .remote(_, let token) = configuration.api else {
            Issue.record("expected the real API, got \(configuration.api)")
            return
        }
        #expect(token.file == "token")
        #expect(configuration.statePath == Self.examples + "/cron/planable-sync.sqlite")
        let header = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").prefix(5)
        let crontabLine = try #require(header.first { $0.contains("*/15 * * * *") })
        #expect(crontabLine.contains("planable-sync sync --config"))
    }
}
