import Foundation
import Testing

@testable import SyncEngine

/// The GUID-rewrite guard in daily syncs of a busy news feed: entries published since the last sync are posted,
/// and a publisher that rewrote its ids is still stopped.
@Suite(.serialized) struct FeedRewriteGuardTests {
    let workspace: TestWorkspace
    let feedPath: URL

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-guard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        feedPath = root.appendingPathComponent("feed.xml")
        workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn", "Northwind Facebook"],
            extraConfiguration: """
                  - name: news
                    type: feed
                    url: \(feedPath.absoluteString)
                    backfill: 1
                """)
    }

    /// Writes a feed of the entries `numbers`, newest first, entry `n` published on day `n` of November 2026.
    /// `guid` and `link` give an entry's id and link from its number.
    func writeFeed(
        _ numbers: ClosedRange<Int>, guid: (Int) -> String = { "entry-\($0)" },
        link: (Int) -> String = { "https://news.example/\($0)" }
    ) throws {
        let items = numbers.reversed().map { number in
            """
            <item><guid isPermaLink="false">\(guid(number))</guid><title>Entry \(number)</title>
            <link>\(link(number))</link><description>Body of entry \(number)</description>
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

    func feedItems(_ report: RunReport, _ decision: ItemDecision) -> [String] {
        report.items.filter { $0.source == "news" && $0.decision == decision }.map(\.identity).sorted()
    }

    @Test func busyFeedPostsNewEntries() throws {
        defer { workspace.remove() }
        try writeFeed(1...10)
        #expect(try workspace.run(.apply).created == 1)
        // A day later, 7 of the 10 entries in the feed's window are new.
        try writeFeed(8...17)
        let report = try workspace.run(.apply)
        #expect(feedItems(report, .failed) == [], "\(report.items.compactMap(\.message))")
        #expect(feedItems(report, .create) == (11...17).map { "entry-\($0)" })
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 16)

        // The next day the window has moved past every entry the last run saw.
        try writeFeed(18...27)
        let next = try workspace.run(.apply)
        #expect(feedItems(next, .failed) == [], "\(next.items.compactMap(\.message))")
        #expect(next.created == 10)
    }

    @Test func newIdsOnKnownLinksAreRejected() throws {
        defer { workspace.remove() }
        try writeFeed(1...10)
        _ = try workspace.run(.apply)
        // The publisher changes every id; the links stay, written with http and www.
        try writeFeed(1...10, guid: { "https://news.example/?p=\($0)" }, link: { "http://www.news.example/\($0)/" })
        let report = try workspace.run(.apply)
        #expect(report.created == 0)
        #expect(report.requests.write == 0)
        let failure = try #require(report.items.first { $0.source == "news" && $0.decision == .failed })
        #expect(failure.identity == feedPath.absoluteString, "the report line names no feed")
        #expect(failure.message?.contains("10 of 10 entries") == true, "\(failure.message ?? "")")
        #expect(failure.message?.contains("on_rewrite: baseline") == true, "\(failure.message ?? "")")

        let again = try workspace.run(.apply)
        #expect(again.created == 0, "the rewritten feed was posted on the next run")
    }
}
