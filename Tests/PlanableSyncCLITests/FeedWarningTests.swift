import Foundation
import TestSupport
import Testing

/// A feed that drops to no entries: `sync` prints a warning in its report and logs it, and exits 0.
@Suite(.serialized) struct FeedWarningTests {
    @Test func emptiedFeedIsWarnedOf() throws {
        let fixture = try CheckFixture()
        defer { fixture.cleanUp() }
        let feed = fixture.root.appendingPathComponent("news.xml")
        func writeFeed(_ guids: [String]) throws {
            let items = guids.map { "<item><guid>\($0)</guid><title>Entry \($0)</title></item>" }
            try """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>News</title>\(items.joined())</channel></rss>
            """.write(to: feed, atomically: true, encoding: .utf8)
        }
        try writeFeed(["a", "b", "c"])
        try fixture.writeConfiguration(feedURL: feed.absoluteString)
        let first = try ProductProcess.run(["sync", "--config", fixture.configPath])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(!first.stdout.contains("warning"), "\(first.stdout)")

        try writeFeed([])
        let empty = try ProductProcess.run(["sync", "--config", fixture.configPath])
        #expect(empty.status == 0, "\(empty.stdout)\(empty.stderr)")
        #expect(
            empty.stdout.contains(
                "\nwarning   feed news (\(feed.absoluteString)) lists no entries, but its last read with entries "
                    + "listed 3, at "),
            "\(empty.stdout)")
        #expect(empty.stdout.contains("unchanged 0"), "\(empty.stdout)")
        let logLine = empty.stderr.split(separator: "\n").first { $0.contains("feed lists no entries") }
        #expect(logLine?.contains(" warning planable-sync: feed lists no entries") == true, "\(empty.stderr)")
        #expect(logLine?.contains("feed.url=\(feed.absoluteString)") == true, "\(empty.stderr)")
        #expect(logLine?.contains("feed.entries_before=3") == true, "\(empty.stderr)")

        let json = try ProductProcess.run(["sync", "--config", fixture.configPath, "--format", "json"])
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let warnings = report?["warnings"] as? [String] ?? []
        #expect(warnings.count == 1, "\(json.stdout)")
        #expect(warnings.first?.hasPrefix("feed news (\(feed.absoluteString)) lists no entries") == true)
    }
}
