import Foundation
import TestSupport
import Testing

/// A one-shot `sync` stopped by SIGTERM or SIGINT, as cron's or systemd's stop sends them.
@Suite(.serialized) struct SignalStopTests {
    static let itemCount = 6

    /// Starts `sync` against a fixture whose creates each take 600 ms, and waits until the first item's posts
    /// exist, so that the signal arrives while later items are still to come.
    func startSlowSync(_ fixture: ReferenceFixture) throws -> ProductProcess {
        try fixture.writeConfiguration()
        try fixture.writeItems(Self.itemCount)
        try fixture.addFault(operation: "POST /posts", "\"kind\": \"latency\", \"latencyMs\": 600, \"probability\": 1")
        let running = try ProductProcess.start(
            ["sync", "--config", fixture.configPath, "--format", "json"], environment: fixture.environment)
        let started = try waitUntil(timeout: 60) { try !fixture.posts().isEmpty }
        #expect(started, "no post was created: \(running.stderr().suffix(800))")
        return running
    }

    /// SIGTERM ends the run after the request in flight, with the report of what it did and exit 143. The next
    /// run creates the rest, and no item gets a second group of posts.
    @Test func sigtermWritesReport() throws {
        let fixture = try ReferenceFixture(name: "sigterm")
        let running = try startSlowSync(fixture)
        defer { running.removeOutput() }
        kill(running.process.processIdentifier, SIGTERM)
        running.process.waitUntilExit()

        #expect(running.process.terminationStatus == 143, "\(running.stderr().suffix(800))")
        #expect(running.stderr().contains("SIGTERM stopped the run"), "\(running.stderr().suffix(800))")
        let report = try JSONSerialization.jsonObject(with: Data(running.stdout().utf8)) as? [String: Any]
        let created = try #require(report?["created"] as? Int, "no report: \(running.stdout().prefix(400))")
        #expect(created >= 1)
        #expect(created < Self.itemCount)

        try fixture.clearFaults()
        let next = try fixture.sync()
        #expect(next.status == 0, "\(next.stderr.suffix(800))")
        let posts = try fixture.posts()
        #expect(posts.count == Self.itemCount * ReferenceFixture.pageNames.count, "\(posts.map(\.plainText))")
        #expect(Set(posts.map { "\($0.pageId) \($0.plainText)" }).count == posts.count, "duplicate posts")
    }

    /// A second SIGINT ends the process at once, with exit 130.
    @Test func secondSigintExitsAtOnce() throws {
        let fixture = try ReferenceFixture(name: "sigint")
        let running = try startSlowSync(fixture)
        defer { running.removeOutput() }
        kill(running.process.processIdentifier, SIGINT)
        Thread.sleep(forTimeInterval: 0.05)
        kill(running.process.processIdentifier, SIGINT)
        running.process.waitUntilExit()

        #expect(running.process.terminationStatus == 130, "\(running.stderr().suffix(800))")
        #expect(running.stderr().contains("stop requested"), "\(running.stderr().suffix(800))")
    }
}
