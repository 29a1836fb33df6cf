import Foundation
import PlanableAPI
import PlanableReference
import SyncEngine
import TestSupport
import Testing

/// `planable-sync post` run as a subprocess on a feed whose first read recorded its entries without a post.
@Suite(.serialized) struct PostCommandTests {
    let root: URL
    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }
    var stateFolder: URL { root.appendingPathComponent("state") }
    var feedURL: URL { root.appendingPathComponent("feed.xml") }
    var statePath: String { stateFolder.appendingPathComponent("planable-sync.sqlite").path }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("planable-sync-post-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let lines = [
            "state: state/planable-sync.sqlite", "api: embedded", "workspace: Northwind Coffee",
            "pages: [Northwind LinkedIn]", "template: \"{{title}}\"", "sources:",
            "  - name: news", "    type: feed", "    url: \(feedURL.absoluteString)",
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        try writeFeed(["one", "two", "three"])
    }

    /// Writes an RSS feed with one entry per name, each with the guid `urn:entry:NAME` and the title `Entry NAME`.
    func writeFeed(_ names: [String]) throws {
        let items = names.enumerated().map { index, name in
            """
            <item><guid isPermaLink="false">urn:entry:\(name)</guid><title>Entry \(name)</title>
            <link>https://example.org/\(name)</link>
            <pubDate>Mon, 0\(index + 1) Jun 2026 10:00:00 +0000</pubDate><description>About \(name).</description></item>
            """
        }
        let feed = """
            <?xml version="1.0"?>
            <rss version="2.0"><channel><title>News</title><link>https://example.org/</link>
            \(items.joined(separator: "\n"))
            </channel></rss>
            """
        try feed.write(to: feedURL, atomically: true, encoding: .utf8)
    }

    func run(_ command: String, _ extra: [String] = []) throws -> ProductProcess.Result {
        try ProductProcess.run([command, "--config", configPath] + extra)
    }

    /// Returns each item's status as `status --format json` lists it, keyed by identity.
    func statuses() throws -> [String: String] {
        let result = try run("status", ["--format", "json"])
        #expect(result.status == 0, "status failed: \(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let items = try #require(summary["items"] as? [[String: Any]])
        var statuses: [String: String] = [:]
        for item in items { statuses[item["identity"] as? String ?? ""] = item["status"] as? String ?? "" }
        return statuses
    }

    /// Returns the texts of the posts in the embedded server's workspace, as Planable's web app shows them.
    func planableTexts() throws -> [String] {
        try withEmbeddedPlanable(stateFolder: stateFolder) { client, workspaceId in
            try client.listPosts(workspaceId: workspaceId, limit: 100).items.map(\.plainText).sorted()
        }
    }

    @Test func markedEntryIsPostedByTheNextSync() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try run("sync")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(
            first.stdout.contains("only entries that appear after its first read are posted (backfill: 0)"),
            "\(first.stdout)")
        #expect(
            first.stdout.contains("`planable-sync post --config \(configPath) news/urn:entry:two` has"),
            "\(first.stdout)")
        #expect(
            try statuses() == [
                "urn:entry:one": "baselined", "urn:entry:two": "baselined", "urn:entry:three": "baselined",
            ])

        let dryRun = try run("post", ["--dry-run", "news/urn:entry:two"])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("1 entry would be marked"), "\(dryRun.stdout)")
        #expect(try statuses()["urn:entry:two"] == "baselined")

        let marked = try run("post", ["news/urn:entry:two"])
        #expect(marked.status == 0, "\(marked.stderr)")
        #expect(marked.stdout.contains("news/urn:entry:two\n1 entry marked for posting"), "\(marked.stdout)")
        #expect(try statuses()["urn:entry:two"] == "requested")
        let repeated = try run("post", ["news/urn:entry:two"])
        #expect(repeated.stdout.contains("0 entries marked and 1 already marked for posting"), "\(repeated.stdout)")

        let second = try run("sync", ["--format", "json"])
        #expect(second.status == 0, "\(second.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        #expect(report["created"] as? Int == 1, "\(second.stdout)")
        #expect(try planableTexts() == ["Entry two"])
        #expect(try statuses()["urn:entry:two"] == "synced")

        let third = try run("sync", ["--format", "json"])
        let again = try #require(try JSONSerialization.jsonObject(with: Data(third.stdout.utf8)) as? [String: Any])
        #expect((again["requests"] as? [String: Any])?["write"] as? Int == 0, "\(third.stdout)")
    }

    /// The daemon holds the state lock while it runs, and `post` marks entries without stopping it.
    @Test func markingNeedsNoStateLock() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try run("sync").status == 0)
        let lock = try StateLock(statePath: statePath)
        let marked = try run("post", ["news/urn:entry:one"])
        #expect(marked.status == 0, "\(marked.stderr)")

        // A pass that read the entry as baselined before the mark records it again and keeps the mark.
        let state = try StateStore(path: statePath)
        var record = try #require(try state.item(source: "news", identity: "urn:entry:one"))
        #expect(record.status == "requested")
        record.status = "baselined"
        try state.saveItem(record)
        #expect(try state.item(source: "news", identity: "urn:entry:one")?.status == "requested")
        lock.release()

        #expect(try run("sync").status == 0)
        #expect(try planableTexts() == ["Entry one"])
    }

    @Test func onlyEntriesRecordedWithoutAPostAreMarked() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try run("sync").status == 0)
        #expect(try run("post", ["news/urn:entry:two"]).status == 0)
        #expect(try run("sync").status == 0)

        let synced = try run("post", ["news/urn:entry:one", "news/urn:entry:two"])
        #expect(synced.status == 64)
        #expect(synced.stderr.contains("news/urn:entry:two has the status synced"), "\(synced.stderr)")
        #expect(synced.stderr.contains("Nothing was marked"), "\(synced.stderr)")
        #expect(try statuses()["urn:entry:one"] == "baselined", "one refused id marks none of the others")

        let unknown = try run("post", ["news/urn:entry:four"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("has no item \"news/urn:entry:four\""), "\(unknown.stderr)")
        #expect(!unknown.stderr.contains("--source"), "\(unknown.stderr)")
    }

    @Test func fileOfFolderIsNotMarked() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let content = root.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        try "---\ntitle: Launch\n---\n\nBody.\n".write(
            to: content.appendingPathComponent("launch.md"), atomically: true, encoding: .utf8)
        let lines = [
            "state: state/planable-sync.sqlite", "api: embedded", "workspace: Northwind Coffee",
            "pages: [Northwind LinkedIn]", "template: \"{{title}}\"", "sources:",
            "  - name: blog", "    type: directory", "    path: content",
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        #expect(try run("sync").status == 0)

        let result = try run("post", ["blog/launch.md"])
        #expect(result.status == 64)
        #expect(
            result.stderr.contains("blog/launch.md is a file of folder source blog, not a feed entry"),
            "\(result.stderr)")
    }

    @Test func markedEntryThatLeftTheFeedStaysWithoutAPost() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try run("sync").status == 0)
        #expect(try run("post", ["news/urn:entry:three"]).status == 0)
        try writeFeed(["one", "two"])

        let sync = try run("sync", ["--format", "json"])
        #expect(sync.status == 0, "\(sync.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(sync.stdout.utf8)) as? [String: Any])
        #expect(report["created"] as? Int == 0)
        let warnings = report["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("no longer lists entry urn:entry:three") }, "\(warnings)")
        // The daemon has only its log, so the log has the warning too.
        #expect(sync.stderr.contains("entry.id=urn:entry:three"), "\(sync.stderr)")
        #expect(try statuses()["urn:entry:three"] == "baselined")
        #expect(try planableTexts().isEmpty)
    }
}
