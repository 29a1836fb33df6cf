import Foundation
import SQLite
import TestSupport
import Testing

@testable import SyncEngine

/// The run report's counts of a feed source over HTTP, where the server of an unchanged feed responds 304 Not Modified, and the
/// warning for a feed that lists no entries any more.
@Suite(.serialized) struct FeedCountTests {
    /// The feed the test server serves, with an ETag that changes with its text.
    final class FeedDocument: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        private var unavailable = false

        /// Whether the server returns 503 instead of the feed.
        var isUnavailable: Bool {
            get { lock.withLock { unavailable } }
            set { lock.withLock { unavailable = newValue } }
        }

        var current: String {
            lock.lock()
            defer { lock.unlock() }
            return text
        }

        func set(_ entries: [(guid: String, title: String, description: String)]) {
            let items = entries.map { entry in
                """
                <item><guid isPermaLink="false">\(entry.guid)</guid><title>\(entry.title)</title>
                <link>https://news.example/\(entry.guid)</link><description>\(entry.description)</description>
                <pubDate>Tue, 01 Dec 2026 09:00:00 EST</pubDate></item>
                """
            }
            lock.lock()
            text = """
                <?xml version="1.0" encoding="utf-8"?>
                <rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
                \(items.joined(separator: "\n"))
                </channel></rss>
                """
            lock.unlock()
        }
    }

    let document = FeedDocument()
    let server: LoopbackHTTPServer
    let workspace: TestWorkspace

    init() throws {
        let document = document
        server = try LoopbackHTTPServer { request in
            if document.isUnavailable { return .init(status: 503) }
            let text = document.current
            let etag = "\"\(text.hashValue)\""
            if request.headers["if-none-match"] == etag { return .init(status: 304, headers: [("ETag", etag)]) }
            return .init(
                status: 200, headers: [("Content-Type", "application/rss+xml"), ("ETag", etag)], body: Array(text.utf8))
        }
        workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"],
            extraConfiguration: """
                  - name: news
                    type: feed
                    url: \(server.baseURL)/feed.xml
                    backfill: 1
                """)
    }

    func cleanUp() {
        server.stop()
        workspace.remove()
    }

    var feedURL: String { server.baseURL + "/feed.xml" }

    /// Sums the counts that a run gives the feed's entries; the folder source of the workspace is empty.
    func entriesCounted(_ report: RunReport) -> Int {
        report.created + report.updated + report.unchanged + report.baselined + report.skipped + report.blocked
            + report.failed
    }

    /// Every entry of a feed whose server responds 304 is unchanged, and an edit of an entry recorded without a post counts
    /// as baselined again.
    @Test func everyEntryIsCounted() throws {
        defer { cleanUp() }
        document.set([("a", "Alpha", "First"), ("b", "Beta", "Second"), ("c", "Gamma", "Third")])
        let first = try workspace.run(.apply)
        #expect(first.created == 1)
        #expect(first.baselined == 2)

        let notModified = try workspace.run(.apply)
        #expect(server.requests.last?.headers["if-none-match"] != nil, "the second fetch sent no validator")
        #expect(notModified.requests.write == 0)
        #expect(notModified.unchanged == 3, "the entries of a feed that answered 304 were not counted")
        #expect(entriesCounted(notModified) == 3)

        let baselined = try #require(first.items.first { $0.decision == .baselined }?.identity)
        let entries = [("a", "Alpha", "First"), ("b", "Beta", "Second"), ("c", "Gamma", "Third")]
        document.set(entries.map { guid, title, text in (guid, title, guid == baselined ? text + ", edited" : text) })
        let afterEdit = try workspace.run(.apply)
        #expect(afterEdit.requests.write == 0, "an entry recorded without a post was posted after an edit")
        #expect(afterEdit.unchanged == 2)
        #expect(afterEdit.baselined == 1, "the edit of an entry recorded without a post was not counted")
        let item = try #require(afterEdit.items.first { $0.identity == baselined })
        #expect(item.decision == .baselined)
        #expect(item.message?.contains("changed since it was recorded without a post") == true, "\(item.message ?? "")")
        #expect(entriesCounted(afterEdit) == 3)
    }

    /// A feed that drops to no entries raises a warning that names it, keeps every record, and raises it again
    /// in every report while the feed stays empty, also when its server responds 304. The log has it as a warning
    /// once a day, and at info in between.
    @Test func emptiedFeedIsReported() throws {
        defer { cleanUp() }
        document.set([("a", "Alpha", "First"), ("b", "Beta", "Second")])
        let first = try workspace.run(.apply)
        #expect(first.warnings.isEmpty, "\(first.warnings)")
        let statePath = workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
        let recorded = try StateStore(path: statePath).items(source: "news").count

        document.set([])
        let emptyLogs = LogCapture()
        let empty = try workspace.run(.apply, logger: emptyLogs.logger)
        #expect(emptyLogs.entries(startingWith: "feed lists no entries").map { $0["level"] } == ["warning"])
        #expect(empty.requests.write == 0)
        #expect(empty.removed == 0)
        let warning = try #require(empty.warnings.first, "a feed that dropped to no entries raised no warning")
        let prefix = "feed news (\(feedURL)) lists no entries, but its last read with entries listed 2, at "
        #expect(warning.hasPrefix(prefix), "\(warning)")
        #expect(warning.contains("Z. Nothing was removed or forgotten"), "\(warning)")
        #expect(warning.contains("Check that the URL still serves the site's feed"), "\(warning)")
        let state = try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
        #expect(try state.items(source: "news").count == recorded, "an entry's record was removed")

        let stillEmptyLogs = LogCapture()
        let stillEmpty = try workspace.run(.apply, logger: stillEmptyLogs.logger)
        #expect(server.requests.last?.headers["if-none-match"] != nil)
        #expect(stillEmpty.warnings == [warning], "the warning was not repeated while the feed stays empty")
        #expect(stillEmptyLogs.entries(startingWith: "feed lists no entries").isEmpty, "logged as a warning again")
        let info = stillEmptyLogs.entries(startingWith: "feed still lists no entries")
        #expect(info.map { $0["level"] } == ["info"], "\(info)")
        #expect(info.first?["feed.warned_at"]?.isEmpty == false, "\(info)")

        // A day after the last warning, the log has it as a warning again, also on a fetch without validators.
        let dayAgo = StateStore.timestamp(Date().addingTimeInterval(-FeedSource.emptyFeedWarningInterval - 60))
        let database = try SQLiteDatabase(path: statePath)
        _ = try database.run("UPDATE feeds SET empty_warned_at = ?, etag = NULL WHERE source = 'news'", [dayAgo])
        let dayLaterLogs = LogCapture()
        let dayLater = try workspace.run(.apply, logger: dayLaterLogs.logger)
        #expect(server.requests.last?.headers["if-none-match"] == nil)
        #expect(dayLater.warnings == [warning])
        #expect(dayLaterLogs.entries(startingWith: "feed lists no entries").map { $0["level"] } == ["warning"])
        #expect(try StateStore(path: statePath).feedEntryCounts(source: "news").emptyWarnedAt != dayAgo)

        document.set([("a", "Alpha", "First"), ("b", "Beta", "Second")])
        let back = try workspace.run(.apply)
        #expect(back.warnings.isEmpty, "\(back.warnings)")
        #expect(back.requests.write == 0, "entries that came back were posted again")
        #expect(back.unchanged == 2)
        #expect(try StateStore(path: statePath).feedEntryCounts(source: "news").emptyWarnedAt == nil)
    }

    /// An entry that failed is tried again by the next run although its feed is not modified, because that run fetches
    /// the feed without validators.
    @Test func failedEntryIsTriedAgainOverHTTP() throws {
        defer { cleanUp() }
        document.set([("a", "Alpha", "First")])
        let first = try workspace.run(.apply)
        #expect(first.created == 1)

        let rule = "rules:\n  - match: {source: news}\n    labels: [Roasts]\nsources:\n"
        try ConfigurationChangeTests.editConfiguration(workspace, replacing: "sources:\n", with: rule)
        let failed = try workspace.run(.apply)
        #expect(failed.failed == 1, "\(failed.items.map(\.message))")

        let readBack = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        _ = try readBack.client.createLabel(workspaceId: readBack.workspaceId, text: "Roasts", color: "feta")
        readBack.server.stop()
        let next = try workspace.run(.apply)
        #expect(server.requests.last?.headers["if-none-match"] == nil, "a validator hid the failed entry")
        #expect(next.updated == 1, "\(next.items.map { "\($0.identity) \($0.decision)" })")
        #expect(entriesCounted(next) == 1)
    }

    /// A feed whose server returns 503 fails the run as a temporary failure, and its message states once that the
    /// next run tries again.
    @Test func unavailableFeedIsTriedAgain() throws {
        defer { cleanUp() }
        document.set([("a", "Alpha", "First")])
        #expect(try workspace.run(.apply).created == 1)
        document.isUnavailable = true
        let failed = try workspace.run(.apply)
        let message = try #require(failed.errors.first, "\(failed.items.map(\.message))")
        #expect(message.contains("answered with HTTP status 503; the server may recover"), "\(message)")
        #expect(message.components(separatedBy: "tries again").count == 2, "\(message)")
        document.isUnavailable = false
        #expect(try workspace.run(.apply).unchanged == 1)
    }

    /// A feed that never listed an entry raises no warning.
    @Test func alwaysEmptyFeedIsQuiet() throws {
        defer { cleanUp() }
        document.set([])
        let first = try workspace.run(.apply)
        #expect(first.warnings.isEmpty, "\(first.warnings)")
        let second = try workspace.run(.apply)
        #expect(second.warnings.isEmpty, "\(second.warnings)")
        #expect(second.unchanged == 0)
    }
}
