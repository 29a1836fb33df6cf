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

    func feedItems(_ report: RunReport, _ decision: ItemDecision) -> [ReportedItem] {
        report.items.filter { $0.source == "news" && $0.decision == decision }
    }

    func messages(_ report: RunReport) -> String {
        report.items.map { "\($0.identity) \($0.decision): \($0.message ?? "")" }.joined(separator: "\n")
            + report.errors.joined(separator: "\n")
    }

    /// Returns the plain text of the posts in the reference server, one for each post group.
    func postTexts(_ workspace: TestWorkspace) throws -> [String] {
        let posts = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts()
        var byGroup: [String: String] = [:]
        for post in posts { byGroup[post.groupId ?? post.id] = post.plainText }
        return byGroup.values.sorted()
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
            // The column was appended to the items table, and a later migration appended columns to the feeds
            // table, so dropping them gives the schema before the column back.
            let database = try SQLiteDatabase(path: statePath)
            let migration = try #require(StateStore.migrations.firstIndex { $0.contains("entry_date") })
            try database.execute("ALTER TABLE items DROP COLUMN entry_date")
            try OlderStateSchema.dropLaterColumns(database)
            try database.execute("PRAGMA user_version = \(migration)")
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

    /// A feed without ids whose publisher adds `utm_source=rss` to every link: each entry keeps its key and its
    /// draft, an edit made with it reaches the draft, and nothing is posted twice. The small feed is below the
    /// rewrite guard, so nothing else stops a second post.
    @Test func trackingParametersKeepDrafts() throws {
        let workspace = try workspace(backfill: 3)
        defer { workspace.remove() }
        let entries = (1...3).map { Entry($0) }
        try writeFeed(entries)
        #expect(try workspace.run(.apply).created == 3)

        var tracked = entries.map { entry in
            var entry = entry
            entry.link += "?utm_source=rss&utm_medium=feed"
            return entry
        }
        tracked[1].body = "Body of entry 2, corrected"
        try writeFeed(tracked)
        let report = try workspace.run(.apply)
        #expect(report.created == 0, "\(messages(report))")
        #expect(report.failed == 0, "\(messages(report))")
        #expect(feedItems(report, .update).count == 1, "\(messages(report))")
        let texts = try postTexts(workspace)
        #expect(texts.count == 3, "\(texts)")
        #expect(texts.contains { $0.contains("entry 2, corrected") }, "\(texts)")
        #expect(!messages(report).contains("its key changed"), "\(messages(report))")
    }

    /// The same with a feed large enough for the rewrite guard, which without a match rejects the feed instead.
    @Test func trackingParametersPassRewriteGuard() throws {
        let workspace = try workspace(backfill: 8)
        defer { workspace.remove() }
        let entries = (1...8).map { Entry($0) }
        try writeFeed(entries)
        #expect(try workspace.run(.apply).created == 8)

        var tracked = entries.map { entry in
            var entry = entry
            entry.link += "?utm_source=rss"
            return entry
        }
        tracked[0].body = "Body of entry 1, corrected"
        try writeFeed(tracked)
        let report = try workspace.run(.apply)
        #expect(report.failed == 0, "\(messages(report))")
        #expect(report.created == 0, "\(messages(report))")
        #expect(feedItems(report, .update).count == 1, "\(messages(report))")
        #expect(try workspace.run(.apply).requests.write == 0)
    }

    /// Entries without ids whose links move to another host and path are matched by their title and date, which
    /// the state stores, so their drafts move with them.
    @Test func movedLinksMatchedByTitleAndDate() throws {
        let workspace = try workspace(backfill: 3)
        defer { workspace.remove() }
        let entries = (1...3).map { Entry($0) }
        try writeFeed(entries)
        #expect(try workspace.run(.apply).created == 3)

        var moved = entries.map { Entry($0.number, link: "https://blog.news.example/posts/\($0.number)") }
        try writeFeed(moved)
        let report = try workspace.run(.apply)
        #expect(report.created == 0, "\(messages(report))")
        #expect(report.failed == 0, "\(messages(report))")
        let state = try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
        let identities = try state.items(source: "news").map(\.identity)
        #expect(identities.allSatisfy { $0.contains("blog.news.example") }, "\(identities)")
        #expect(try state.allPosts().count == 6)
        #expect(try state.allPosts().allSatisfy { $0.identity.contains("blog.news.example") })

        moved[2].body = "Body of entry 3, edited after the move"
        try writeFeed(moved)
        let edited = try workspace.run(.apply)
        #expect(edited.created == 0, "\(messages(edited))")
        #expect(feedItems(edited, .update).count == 1, "\(messages(edited))")
        #expect(try postTexts(workspace).contains { $0.contains("edited after the move") })
    }

    /// A plan shows the moved entries with the message, and leaves the state as it was.
    @Test func planShowsMovedEntries() throws {
        let workspace = try workspace(backfill: 3)
        defer { workspace.remove() }
        let entries = (1...3).map { Entry($0) }
        try writeFeed(entries)
        _ = try workspace.run(.apply)

        try writeFeed(entries.map { Entry($0.number, link: "https://blog.news.example/posts/\($0.number)") })
        let plan = try workspace.run(.plan)
        #expect(plan.created == 0, "\(messages(plan))")
        let moved = plan.items.filter { $0.message?.contains("its key changed from link:") == true }
        #expect(moved.count == 3, "\(messages(plan))")
        #expect(moved.allSatisfy { $0.message?.contains("the same title and date") == true }, "\(messages(plan))")
        #expect(moved.allSatisfy { !$0.posts.isEmpty }, "\(messages(plan))")
        #expect(moved.allSatisfy { $0.decision == .unchanged }, "\(messages(plan))")
        let state = try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
        #expect(try state.items(source: "news").allSatisfy { $0.identity.contains("news.example/2026") })
    }

    /// A state written before entry dates were stored cannot tie a moved link to its entry by date, so an entry
    /// with a known title is held back with a message instead of being posted a second time.
    @Test func uncertainMatchIsHeldBack() throws {
        let workspace = try workspace(backfill: 3)
        defer { workspace.remove() }
        let entries = (1...3).map { Entry($0) }
        try writeFeed(entries)
        _ = try workspace.run(.apply)
        let statePath = workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
        try SQLiteDatabase(path: statePath).execute("UPDATE items SET entry_date = NULL")

        try writeFeed(entries.map { Entry($0.number, link: "https://blog.news.example/posts/\($0.number)") })
        let report = try workspace.run(.apply)
        #expect(report.created == 0, "\(messages(report))")
        #expect(report.requests.write == 0)
        let heldBack = feedItems(report, .baselined)
        #expect(heldBack.count == 3, "\(messages(report))")
        #expect(
            heldBack.allSatisfy { $0.message?.contains("nothing shows whether it is that entry") == true },
            "\(messages(report))")
        #expect(heldBack.allSatisfy { $0.message?.contains("link:http://news.example/2026/entry-") == true })
        let heldEntry = try #require(heldBack.first { $0.title == "Entry 2" })
        let command = ForgetCommandLine.post(
            source: "news", identity: heldEntry.identity, configurationPath: workspace.configPath)
        #expect(command.hasPrefix("planable-sync post --config /"))
        #expect(
            heldEntry.message?.contains("`\(command)` has the next sync create its post") == true, "\(messages(report))"
        )
        #expect(try workspace.run(.apply).created == 0)

        // The way out when a held-back entry is a new one: `planable-sync post` marks it, and the next run posts it.
        let state = try StateStore(path: statePath)
        #expect(try state.requestPosts([(source: "news", identity: heldEntry.identity)]) == 1)
        let posted = try workspace.run(.apply)
        #expect(feedItems(posted, .create).map(\.identity) == [heldEntry.identity], "\(messages(posted))")
        #expect(try postTexts(workspace).filter { $0.hasPrefix("Entry 2") }.count == 2)
        #expect(try workspace.run(.apply).requests.write == 0)
    }

    /// A new entry whose title is that of an entry that left the feed, but which is dated after every known entry,
    /// is a new entry, such as the next issue of a newsletter, and is posted.
    @Test func newEntryWithKnownTitleIsPosted() throws {
        let workspace = try workspace(backfill: 3)
        defer { workspace.remove() }
        try writeFeed([Entry(1, title: "Weekly update"), Entry(2), Entry(3)])
        _ = try workspace.run(.apply)
        let statePath = workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
        try SQLiteDatabase(path: statePath).execute("UPDATE items SET entry_date = NULL")

        try writeFeed([Entry(2), Entry(3), Entry(8, title: "Weekly update")])
        let report = try workspace.run(.apply)
        #expect(feedItems(report, .create).count == 1, "\(messages(report))")
    }

    /// A state written by a version that kept tracking parameters in keys stores entries under those keys. They
    /// are taken for the same entries, with their drafts, not posted again.
    @Test func keysWithTrackingParametersFromEarlierVersion() throws {
        let workspace = try workspace(backfill: 5)
        defer { workspace.remove() }
        let entries = (1...5).map { Entry($0, link: "https://news.example/2026/entry-\($0)?utm_source=rss&p=\($0)") }
        try writeFeed(entries)
        #expect(try workspace.run(.apply).created == 5)
        // Rewrite the state as the earlier version wrote it, with the parameter in each key.
        let statePath = workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
        let database = try SQLiteDatabase(path: statePath)
        try database.execute("PRAGMA foreign_keys = OFF")
        for table in ["items", "posts"] {
            try database.execute(
                "UPDATE \(table) SET identity = replace(identity, '?p=', '?utm_source=rss&p=') WHERE source = 'news'")
        }
        let earlier = try StateStore(path: statePath).items(source: "news").map(\.identity)
        #expect(earlier.allSatisfy { $0.contains("utm_source") }, "\(earlier)")

        var edited = entries
        edited[4].body = "Body of entry 5, edited"
        try writeFeed(edited)
        let report = try workspace.run(.apply)
        #expect(report.created == 0, "\(messages(report))")
        #expect(report.failed == 0, "\(messages(report))")
        #expect(feedItems(report, .update).count == 1, "\(messages(report))")
        let identities = try StateStore(path: statePath).items(source: "news").map(\.identity)
        #expect(identities.allSatisfy { !$0.contains("utm_source") }, "\(identities)")
        // The move follows from how this version derives keys, so the report does not list it as a changed key.
        #expect(!messages(report).contains("its key changed"), "\(messages(report))")
    }

    /// After a GUID rewrite taken with `on_rewrite: baseline`, the entries that match a known entry keep its draft,
    /// so a later edit reaches it. The entry that nothing ties to a known entry is recorded without a post, with a
    /// report message stating that no draft moved to it.
    @Test func acceptedRewriteMovesDrafts() throws {
        let workspace = try workspace(backfill: 6, settings: "    max_new_share: 0.5")
        defer { workspace.remove() }
        let entries = (1...6).map { Entry($0, guid: "post-\($0)") }
        try writeFeed(entries)
        #expect(try workspace.run(.apply).created == 6)

        // Every id changes. Entry 6 is also retitled and moved, so neither its link nor its title ties it to its
        // draft.
        var rewritten = entries.map { Entry($0.number, guid: "https://news.example/?p=\($0.number)") }
        rewritten[5] = Entry(
            6, guid: "https://news.example/?p=6", link: "https://news.example/2026/renamed", title: "Entry six")
        try writeFeed(rewritten)
        let rejected = try workspace.run(.apply)
        #expect(rejected.requests.write == 0)
        let failure = try #require(feedItems(rejected, .failed).first, "\(messages(rejected))")
        #expect(failure.message?.contains("moves the drafts of the 5") == true, "\(failure.message ?? "")")

        try ConfigurationChangeTests.editConfiguration(
            workspace, replacing: "max_new_share: 0.5", with: "max_new_share: 0.5\n    on_rewrite: baseline")
        let accepted = try workspace.run(.apply)
        #expect(accepted.created == 0, "\(messages(accepted))")
        #expect(accepted.requests.write == 0, "\(messages(accepted))")
        let moved = accepted.items.filter { $0.message?.contains("its key changed from post-") == true }
        #expect(moved.map(\.identity).sorted() == (1...5).map { "https://news.example/?p=\($0)" })
        let baselined = feedItems(accepted, .baselined)
        #expect(baselined.map(\.identity) == ["https://news.example/?p=6"], "\(messages(accepted))")
        #expect(baselined.first?.message?.contains("no earlier draft was moved") == true, "\(messages(accepted))")

        try ConfigurationChangeTests.editConfiguration(
            workspace, replacing: "\n    on_rewrite: baseline", with: "")
        rewritten[1].body = "Body of entry 2, edited after the rewrite"
        try writeFeed(rewritten)
        let edited = try workspace.run(.apply)
        #expect(edited.created == 0, "\(messages(edited))")
        #expect(feedItems(edited, .update).map(\.identity) == ["https://news.example/?p=2"], "\(messages(edited))")
        #expect(try postTexts(workspace).contains { $0.contains("edited after the rewrite") })
    }
}
