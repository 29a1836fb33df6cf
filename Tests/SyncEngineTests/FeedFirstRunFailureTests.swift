import Foundation
import Testing

@testable import SyncEngine

/// A feed's first run in which one entry fails still records the entries it baselined, so the next run posts
/// only what is new instead of the whole archive.
@Suite(.serialized) struct FeedFirstRunFailureTests {
    let workspace: TestWorkspace
    let feedPath: URL

    init() throws {
        (workspace, feedPath) = try TestWorkspace.withNewsFeed(pages: ["Northwind LinkedIn"], backfill: 2)
    }

    /// Writes entries 1 to `last`, newest first; unless `allFit` is set, entry 10's text is longer than
    /// LinkedIn's 3,000 characters.
    func writeFeed(allFit: Bool = false, through last: Int = 10) throws {
        let items = (1...last).reversed().map { number in
            let tooLong = number == 10 && !allFit
            let body = tooLong ? String(repeating: "Far too long a story. ", count: 200) : "Body \(number)"
            return """
                <item><guid isPermaLink="false">entry-\(number)</guid><title>Entry \(number)</title>
                <link>https://news.example/\(number)</link><description>\(body)</description>
                <pubDate>\(String(format: "%02d", number)) Nov 2026 09:00:00 GMT</pubDate></item>
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

    /// A first run stopped after its first create, by SIGTERM, a reload or a crash, left that entry's records
    /// and nothing else: no baseline and no other entry. The next run finishes the first run, so it posts the
    /// other backfill entry and baselines the rest, instead of taking the unrecorded entries for rewritten ids.
    @Test func stoppedFirstRunFinishes() throws {
        defer { workspace.remove() }
        try writeFeed(allFit: true)
        let first = try workspace.run(.apply)
        #expect(first.created == 2, "\(first.items.compactMap(\.message))")
        let state = try StateStore(path: try Configuration.load(path: workspace.configPath).statePath)
        try state.withDatabase { database in
            _ = try database.run("DELETE FROM feeds WHERE source = 'news'")
            _ = try database.run("DELETE FROM posts WHERE source = 'news' AND identity = 'entry-9'")
            _ = try database.run("DELETE FROM items WHERE source = 'news' AND identity <> 'entry-10'")
        }

        let resumed = try workspace.run(.apply)
        #expect(resumed.failed == 0, "\(resumed.errors) \(resumed.items.compactMap(\.message))")
        #expect(resumed.errors.isEmpty, "\(resumed.errors)")
        #expect(resumed.items.filter { $0.decision == .create }.map(\.identity) == ["entry-9"])
        #expect(resumed.items.filter { $0.decision == .baselined }.count == 8)
        let again = try workspace.run(.apply)
        #expect(again.requests.write == 0)
        #expect(again.created == 0)
    }

    @Test func failedEntryKeepsTheBaseline() throws {
        defer { workspace.remove() }
        try writeFeed()
        let first = try workspace.run(.apply)
        let failed = first.items.filter { $0.source == "news" && $0.decision == .failed }.map(\.identity)
        #expect(failed.count == 1, "\(first.items.compactMap(\.message))")
        #expect(first.created == 1)

        let second = try workspace.run(.apply)
        #expect(second.created == 0, "\(second.items.filter { $0.decision == .create }.map(\.identity))")
        #expect(second.items.filter { $0.decision == .failed }.count == 1, "the failed entry is tried again")

        // The first run decided every entry, so the feed is known: three new entries are all posted, more than
        // the two that `backfill` would give a first run.
        try writeFeed(through: 13)
        let third = try workspace.run(.apply)
        #expect(third.created == 3, "\(third.items.map { ($0.identity, $0.decision) })")
    }

    /// A state that an earlier version left after a first run with a failed entry has items but no baseline mark,
    /// which that version did not need. The migration marks it, so new entries are posted as for a known feed.
    @Test func olderStateFeedStaysKnown() throws {
        defer { workspace.remove() }
        try writeFeed()
        #expect(try workspace.run(.apply).created == 1)
        let statePath = try Configuration.load(path: workspace.configPath).statePath
        try StateStore(path: statePath).withDatabase { database in
            _ = try database.run("DELETE FROM feeds WHERE source = 'news'")
            let marking = try #require(
                StateStore.migrations.firstIndex { $0.contains("UPDATE feeds SET baselined = 1") })
            // The migrations after the marking one add these columns, which running them again would add twice.
            for column in ["sent_create_only", "updatable_hash"] {
                try database.execute("ALTER TABLE posts DROP COLUMN \(column)")
            }
            for column in ["updatable_hash", "create_only_digest"] {
                try database.execute("ALTER TABLE intents DROP COLUMN \(column)")
            }
            try database.execute("PRAGMA user_version = \(marking)")
        }
        try writeFeed(through: 13)
        let next = try workspace.run(.apply)
        #expect(next.created == 3, "\(next.items.map { ($0.identity, $0.decision) })")
        #expect(try StateStore(path: statePath).feedRecord(source: "news")?.baselined == true)
    }

    /// A feed whose first fetch failed, as at a mistyped URL, has a record without the baseline mark. After the
    /// URL is fixed, a first run with an entry that keeps failing still ends the first run, so later entries are
    /// posted as for a known feed.
    @Test func fixedURLEndsFirstRun() throws {
        defer { workspace.remove() }
        let configuration = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        let mistyped = feedPath.deletingLastPathComponent().appendingPathComponent("fed.xml").absoluteString
        try configuration.replacingOccurrences(of: feedPath.absoluteString, with: mistyped).write(
            toFile: workspace.configPath, atomically: true, encoding: .utf8)
        #expect(try workspace.run(.apply).created == 0)
        try configuration.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        try writeFeed()
        let first = try workspace.run(.apply)
        #expect(first.created == 1, "\(first.items.map { ($0.identity, $0.decision) })")
        try writeFeed(through: 13)
        let next = try workspace.run(.apply)
        #expect(next.created == 3, "\(next.items.map { ($0.identity, $0.decision) })")
    }
}
