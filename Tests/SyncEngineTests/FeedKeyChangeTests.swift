import Foundation
import SQLite
import Testing

@testable import SyncEngine

/// Feed entries whose key changes while they stay the same entry: links that gain tracking parameters or move to
/// another host, and ids rewritten by the publisher. Their drafts keep receiving edits and are never posted again.
@Suite(.serialized) struct FeedKeyChangeTests {
    let feedPath: URL

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        feedPath = root.appendingPathComponent("feed.xml")
    }

    /// Creates a workspace on two pages with the feed as its source `news`, whose first run posts `backfill` entries.
    func workspace(backfill: Int, settings: String = "") throws -> TestWorkspace {
        try TestWorkspace(
            pages: ["Northwind LinkedIn", "Northwind Facebook"],
            extraConfiguration: """
                  - name: news
                    type: feed
                    url: \(feedPath.absoluteString)
                    backfill: \(backfill)
                \(settings)
                """)
    }

    /// One feed entry: entry `number` of the feed, published on day `number` of November 2026.
    struct Entry {
        var number: Int
        var guid: String?
        var link: String
        var title: String
        var body: String

        init(_ number: Int, guid: String? = nil, link: String? = nil, title: String? = nil, body: String? = nil) {
            self.number = number
            self.guid = guid
            self.link = link ?? "https://news.example/2026/entry-\(number)"
            self.title = title ?? "Entry \(number)"
            self.body = body ?? "Body of entry \(number)"
        }
    }

    /// Writes an RSS feed of `entries`, newest first.
    func writeFeed(_ entries: [Entry]) throws {
        let items = entries.sorted { $0.number > $1.number }.map { entry in
            let guid = entry.guid.map { "<guid isPermaLink=\"false\">\($0)</guid>" } ?? ""
            return """
                <item>\(guid)<title>\(entry.title)</title><link>\(entry.link.replacingOccurrences(of: "&", with: "&amp;"))</link>
                <description>\(entry.body)</description>
                <pubDate>\(String(format: "%02d", entry.number)) Nov 2026 09:00:00 GMT</pubDate></item>
                """
        }
        let text = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
            \(items.joined(separator: "\n"))
            </channel></rss>
            """
        try text.write(to: feedPath, atomically: true, encoding: .utf8)
    }

    /// Every entry's date is stored, also for the entries recorded without a post, so that a later run can match
    /// the entry by its title and date.
    @Test func entryDatesAreStored() throws {
        let workspace = try workspace(backfill: 1)
        defer { workspace.remove() }
        try writeFeed((1...3).map { Entry($0) })
        let report = try workspace.run(.apply)
        #expect(report.created == 1)
        #expect(report.baselined == 2)
        let state = try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
        let dates = try state.feedEntryDates(source: "news")
        #expect(dates.count == 3, "\(dates)")
        let second = try #require(ISO8601DateFormatter().date(from: "2026-11-02T09:00:00Z"))
        #expect(dates["link:http://news.example/2026/entry-2"] == second, "\(dates)")
    }

    /// A state written before entry dates were stored gains the column, keeps its items, and stores the dates on
    /// the next run.
    @Test func stateWithoutEntryDatesMigrates() throws {
        let workspace = try workspace(backfill: 3)
        defer { workspace.remove() }
        try writeFeed((1...3).map { Entry($0) })
        #expect(try workspace.run(.apply).created == 3)
        let statePath = workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
        do {
            // The column was appended to the items table, so dropping it gives the previous schema back.
            let database = try SQLiteDatabase(path: statePath)
            try database.execute("ALTER TABLE items DROP COLUMN entry_date")
            try database.execute("PRAGMA user_version = \(StateStore.migrations.count - 1)")
        }

        let report = try workspace.run(.apply)
        #expect(report.requests.write == 0)
        #expect(report.created == 0)
        let database = try SQLiteDatabase(path: statePath)
        let columns = try database.query("PRAGMA table_info(items)").compactMap { $0.string("name") }
        #expect(columns.contains("entry_date"), "\(columns)")
        #expect(try database.queryFirst("PRAGMA user_version")?.int("user_version") == StateStore.migrations.count)
        #expect(try StateStore(path: statePath).feedEntryDates(source: "news").count == 3)
    }
}
