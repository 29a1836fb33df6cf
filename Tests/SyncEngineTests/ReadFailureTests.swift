import Foundation
import Logging
import SQLite
import Testing

@testable import SyncEngine

/// Files and feeds that cannot be read are stored as read failures, apart from the items. A row goes away once a
/// scan reads its location or finds it gone.
@Suite struct ReadFailureTests {
    static let brokenFrontMatter = "---\ntitle: Bad\n  tags: [a, b\n---\n\nBody.\n"

    func state(_ workspace: TestWorkspace) throws -> StateStore {
        try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
    }

    /// Runs one apply pass that rescans only `paths` of the `posts` source, as the daemon does after a change.
    func runPartial(_ workspace: TestWorkspace, paths: Set<String>) throws -> RunReport {
        let configuration = try Configuration.load(path: workspace.configPath)
        let runtime = try Runtime(
            configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: true)
        return try runtime.engine().run(
            mode: .apply, sourceNames: ["posts"], changedPaths: ["posts": paths], refreshStatus: false)
    }

    @Test func brokenFrontMatterListedUntilFixed() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("good.md", title: "Good", body: "Fine.")
        try workspace.writeRaw("bad.md", Self.brokenFrontMatter)

        let first = try workspace.run(.apply)
        #expect(first.failed == 1)
        let failures = try state(workspace).readFailures()
        #expect(failures.count == 1)
        let failure = try #require(failures.first)
        #expect(failure.source == "posts")
        #expect(failure.location == "bad.md")
        #expect(failure.entry == "")
        #expect(failure.message.contains("bad.md:3:"), "\(failure.message)")
        #expect(failure.firstSeenAt != nil)
        #expect(failure.firstSeenAt == failure.lastSeenAt)
        #expect(try state(workspace).item(source: "posts", identity: "bad.md") == nil)

        // A second failing scan keeps the first-seen time and moves the last-seen time.
        Thread.sleep(forTimeInterval: 0.01)
        _ = try workspace.run(.apply)
        let again = try #require(try state(workspace).readFailures().first)
        #expect(again.firstSeenAt == failure.firstSeenAt)
        #expect(again.lastSeenAt != failure.lastSeenAt)

        try workspace.writePost("bad.md", title: "Bad", body: "Body.")
        let fixed = try workspace.run(.apply)
        #expect(fixed.created == 1)
        #expect(try state(workspace).readFailures().isEmpty)
    }

    /// An unchanged broken file is logged as an error when a scan first meets it, and at debug level by later
    /// scans, because `status` lists it. A new message for the file is an error again.
    @Test func knownFailureIsLoggedOnce() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writeRaw("bad.md", Self.brokenFrontMatter)
        var counts: [Int] = []
        for round in 0..<3 {
            if round == 2 { try workspace.writeRaw("bad.md", "---\ntitle: [unclosed\n---\n\nBody.\n") }
            let logs = LogCapture()
            #expect(try workspace.run(.apply, logger: logs.logger).failed == 1)
            counts.append(logs.entries(startingWith: "item read failed").filter { $0["level"] == "error" }.count)
        }
        #expect(counts == [1, 0, 1])
    }

    @Test func deletedFileClearsItsFailure() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writeRaw("bad.md", Self.brokenFrontMatter)
        try workspace.writeFile("latin1.md", bytes: Array("---\ntitle: caf".utf8) + [0xE9] + Array("\n---\n".utf8))
        _ = try workspace.run(.apply)
        let locations = try state(workspace).readFailures().map(\.location)
        #expect(locations == ["bad.md", "latin1.md"])
        let latin1 = try #require(try state(workspace).readFailures().last)
        #expect(latin1.message.contains("invalid UTF-8"), "\(latin1.message)")

        try FileManager.default.removeItem(at: workspace.contentFolder.appendingPathComponent("bad.md"))
        _ = try workspace.run(.apply)
        #expect(try state(workspace).readFailures().map(\.location) == ["latin1.md"])
    }

    @Test func planRecordsNothing() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writeRaw("bad.md", Self.brokenFrontMatter)
        let report = try workspace.run(.plan)
        #expect(report.failed == 1)
        #expect(try state(workspace).readFailures().isEmpty)
    }

    /// The daemon rescans only the paths its watcher reported, so rows of other paths stay as the last scan left them.
    @Test func partialScanUpdatesOnlyChangedPaths() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writeRaw("a.md", Self.brokenFrontMatter)
        try workspace.writeRaw("b.md", Self.brokenFrontMatter)
        try FileManager.default.createDirectory(
            at: workspace.contentFolder.appendingPathComponent("drafts"), withIntermediateDirectories: true)
        try workspace.writeRaw("drafts/c.md", Self.brokenFrontMatter)
        _ = try workspace.run(.apply)
        let before = try state(workspace).readFailures()
        #expect(before.map(\.location) == ["a.md", "b.md", "drafts/c.md"])

        // Both files are fixed on disk, but the watcher reported only a.md.
        try workspace.writePost("a.md", title: "Alpha", body: "Fixed.")
        try workspace.writePost("b.md", title: "Beta", body: "Fixed.")
        let partial = try runPartial(workspace, paths: ["a.md"])
        #expect(partial.created == 1)
        let after = try state(workspace).readFailures()
        #expect(after.map(\.location) == ["b.md", "drafts/c.md"])
        #expect(after.map(\.lastSeenAt) == before.dropFirst().map(\.lastSeenAt))

        // The watcher reports a removed folder by its own path, which covers every file that was under it.
        try FileManager.default.removeItem(at: workspace.contentFolder.appendingPathComponent("drafts"))
        _ = try runPartial(workspace, paths: ["drafts"])
        #expect(try state(workspace).readFailures().map(\.location) == ["b.md"])
    }

    @Test func partialScanRecordsNewFailure() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writeRaw("old.md", Self.brokenFrontMatter)
        _ = try workspace.run(.apply)
        try workspace.writeRaw("new.md", Self.brokenFrontMatter)
        _ = try runPartial(workspace, paths: ["new.md"])
        #expect(try state(workspace).readFailures().map(\.location) == ["new.md", "old.md"])
    }

    @Test func missingFolderListedUntilCreated() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try FileManager.default.removeItem(at: workspace.contentFolder)
        _ = try workspace.run(.apply)
        let failure = try #require(try state(workspace).readFailures().first)
        #expect(failure.location == workspace.contentFolder.path)
        #expect(failure.message.contains("does not exist"), "\(failure.message)")

        try FileManager.default.createDirectory(at: workspace.contentFolder, withIntermediateDirectories: true)
        try workspace.writePost("a.md", title: "Alpha", body: "Back.")
        _ = try runPartial(workspace, paths: ["a.md"])
        #expect(try state(workspace).readFailures().isEmpty)
    }

    @Test func removedSourceLeavesNoFailures() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"],
            extraConfiguration: """
                  - name: archive
                    type: directory
                    path: archive
                """)
        defer { workspace.remove() }
        let archive = workspace.root.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
        try Self.brokenFrontMatter.write(
            to: archive.appendingPathComponent("old.md"), atomically: true, encoding: .utf8)
        try workspace.writeRaw("bad.md", Self.brokenFrontMatter)
        _ = try workspace.run(.apply)
        #expect(try state(workspace).readFailures().map(\.source) == ["archive", "posts"])

        let configuration = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        let trimmed = try #require(configuration.components(separatedBy: "  - name: archive").first)
        try trimmed.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        _ = try workspace.run(.apply)
        #expect(try state(workspace).readFailures().map(\.source) == ["posts"])
    }
}

/// The read-failure rows of feeds: the feed URL is the location, and a feed that reads again clears its row.
@Suite struct FeedReadFailureTests {
    @Test func unparsableFeedListedUntilItReads() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-feed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let feedPath = root.appendingPathComponent("feed.xml")
        let workspace = try FeedSourceTests.workspace(feedPath: feedPath, extraConfiguration: "")
        defer { workspace.remove() }
        let state = try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)

        try "<html><body>Not a feed</body></html>".write(to: feedPath, atomically: true, encoding: .utf8)
        _ = try workspace.run(.apply)
        let failure = try #require(try state.readFailures(source: "news").first)
        #expect(failure.location == feedPath.absoluteString)
        #expect(failure.entry == "")
        #expect(failure.message.contains("cannot be read"), "\(failure.message)")

        try FileManager.default.removeItem(at: feedPath)
        _ = try workspace.run(.apply)
        let missing = try #require(try state.readFailures(source: "news").first)
        #expect(missing.location == feedPath.absoluteString)
        #expect(missing.firstSeenAt == failure.firstSeenAt)
        #expect(missing.message != failure.message, "the row keeps the first message: \(missing.message)")

        let feed = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
            <item><guid isPermaLink="false">a</guid><title>Alpha</title><description>First</description></item>
            </channel></rss>
            """
        try feed.write(to: feedPath, atomically: true, encoding: .utf8)
        _ = try workspace.run(.apply)
        #expect(try state.readFailures(source: "news").isEmpty)
    }
}

@Suite struct ReadFailureStoreTests {
    func makeState() throws -> (StateStore, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)")
        return (try StateStore(path: folder.appendingPathComponent("planable-sync.sqlite").path), folder)
    }

    @Test func locationScopeReplacesOnlyItsRows() throws {
        let (state, folder) = try makeState()
        defer { try? FileManager.default.removeItem(at: folder) }
        let locations = ["posts/a.md", "posts/deep/b.md", "posts-old/c.md", "posts.md", "other.md"]
        try state.replaceReadFailures(
            source: "site", scope: .wholeSource,
            with: locations.map { ReadFailure(source: "site", location: $0, message: "broken \($0)") })
        try state.replaceReadFailures(
            source: "blog", scope: .wholeSource,
            with: [ReadFailure(source: "blog", location: "posts/a.md", message: "x")])

        try state.replaceReadFailures(
            source: "site", scope: .locations(["posts"]),
            with: [ReadFailure(source: "site", location: "posts/new.md", message: "new")])
        let site = try state.readFailures(source: "site").map(\.location)
        #expect(site == ["other.md", "posts-old/c.md", "posts.md", "posts/new.md"])
        #expect(try state.readFailures(source: "blog").map(\.location) == ["posts/a.md"])
    }

    @Test func feedEntriesAreSeparateRows() throws {
        let (state, folder) = try makeState()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = "https://news.example/feed.xml"
        try state.replaceReadFailures(
            source: "news", scope: .wholeSource,
            with: [
                ReadFailure(source: "news", location: url, entry: "e1", message: "one"),
                ReadFailure(source: "news", location: url, entry: "e2", message: "two"),
            ])
        #expect(try state.readFailures().map(\.entry) == ["e1", "e2"])
        try state.replaceReadFailures(
            source: "news", scope: .wholeSource,
            with: [ReadFailure(source: "news", location: url, entry: "e2", message: "2")])
        let rows = try state.readFailures()
        #expect(rows.map(\.entry) == ["e2"])
        #expect(rows.map(\.message) == ["2"])
    }

    @Test func deleteKeepsConfiguredSources() throws {
        let (state, folder) = try makeState()
        defer { try? FileManager.default.removeItem(at: folder) }
        for source in ["kept", "gone", "also-gone"] {
            try state.replaceReadFailures(
                source: source, scope: .wholeSource, with: [ReadFailure(source: source, location: "a.md", message: "x")]
            )
        }
        #expect(try state.deleteReadFailures(exceptSources: ["kept"]) == 2)
        #expect(try state.readFailures().map(\.source) == ["kept"])
    }

    /// A state written before read failures were stored opens in place, keeps its items and posts, and gains the table.
    @Test func migrationFromPreviousVersionKeepsItems() throws {
        let (_, folder) = try makeState()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("old.sqlite").path
        // Version 2 is the last schema without the read_failures table.
        let previousVersion = 2
        do {
            let old = try SQLiteDatabase(path: path)
            try old.migrate(Array(StateStore.migrations.prefix(previousVersion)))
            try old.run(
                """
                INSERT INTO items (source, identity, title, location, status, first_seen_at, updated_at)
                VALUES ('posts', 'a.md', 'Alpha', 'a.md', 'synced', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')
                """)
            try old.run(
                """
                INSERT INTO posts (post_id, source, identity, group_key, page_id, payload_hash, created_at)
                VALUES ('p1', 'posts', 'a.md', 'page1', 'page1', 'hash', '2026-01-01T00:00:00.000Z')
                """)
        }
        let tables = try SQLiteDatabase(path: path).query("SELECT name FROM sqlite_master WHERE type = 'table'")
        #expect(!tables.contains { $0.string("name") == "read_failures" }, "the previous schema already has the table")

        let state = try StateStore(path: path)
        let item = try #require(try state.item(source: "posts", identity: "a.md"))
        #expect(item.title == "Alpha")
        #expect(item.status == "synced")
        #expect(try state.posts(source: "posts", identity: "a.md").map(\.postId) == ["p1"])
        try state.replaceReadFailures(
            source: "posts", scope: .wholeSource, with: [ReadFailure(source: "posts", location: "b.md", message: "x")])
        #expect(try state.readFailures().map(\.location) == ["b.md"])
        let version = try SQLiteDatabase(path: path).queryFirst("PRAGMA user_version")?.int("user_version")
        #expect(version == StateStore.migrations.count)
    }
}
