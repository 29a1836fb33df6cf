import Foundation
import TestSupport
import Testing

@testable import Feeds

/// `feed inspect`: the JSON rendering and the command's exit statuses.
@Suite struct FeedInspectTests {
    static let atom = """
        <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.com/">
        <title>Inspect me</title><link href="/"/><id>urn:feed</id>
        <entry><id>urn:1</id><title type="html">A &amp;lt;b&amp;gt; title</title><link href="posts/1"/>
        <updated>2024-03-01T12:00:00-05:00</updated><content type="html">&lt;p&gt;Hello&lt;/p&gt;</content>
        <category term="news"/></entry></feed>
        """

    @Test func jsonHasStableKeysAndISODates() throws {
        let feed = try FeedParser.parse(Array(Self.atom.utf8), url: nil, contentType: nil)
        let json = feedInspectJSON(feed)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["format"] as? String == "atom10")
        #expect(object["title"] as? String == "Inspect me")
        #expect(object["link"] as? String == "https://example.com/")
        let entries = try #require(object["entries"] as? [[String: Any]])
        #expect(entries.first?["updated"] as? String == "2024-03-01T17:00:00Z")
        #expect(entries.first?["link"] as? String == "https://example.com/posts/1")
        #expect(entries.first?["content"] as? String == "Hello")
        #expect(entries.first?["key"] as? String == "urn:1")
        #expect(json == feedInspectJSON(feed), "the output is deterministic")
        let keys = json.components(separatedBy: "\n").filter { $0.hasPrefix("  \"") }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        #expect(keys == keys.sorted(), "top-level keys are sorted")
    }

    /// Entries that share a key are flagged once per key, since a sync posts only one of them.
    @Test func textFlagsSharedKeys() throws {
        let rss = """
            <rss version="2.0"><channel><title>Same</title><link>https://example.com/</link>
            <item><guid>https://example.com/</guid><title>One</title><link>https://example.com/1</link></item>
            <item><guid>https://example.com/</guid><title>Two</title><link>https://example.com/2</link></item>
            <item><guid>https://example.com/</guid><title>Three</title><link>https://example.com/3</link></item>
            <item><guid>four</guid><title>Four</title><link>https://example.com/4</link></item>
            </channel></rss>
            """
        let text = feedInspectText(try FeedParser.parse(Array(rss.utf8), url: nil, contentType: nil))
        let warnings = text.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
        #expect(warnings.count == 1, "\(text)")
        let warning = String(warnings.first ?? "")
        #expect(warning.contains("3 entries share the key https://example.com/, so a sync posts only one"), "\(text)")
        let single = feedInspectText(try FeedParser.parse(Array(Self.atom.utf8), url: nil, contentType: nil))
        #expect(!single.contains("warning: "), "\(single)")
    }

    @Test func commandExitStatuses() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feeds-inspect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("feed.xml")
        try Self.atom.write(to: good, atomically: true, encoding: .utf8)
        let bad = folder.appendingPathComponent("notes.txt")
        try "not a feed at all".write(to: bad, atomically: true, encoding: .utf8)

        #expect(runFeedInspectCommand(arguments: [good.path, "--format", "json"]) == 0)
        #expect(runFeedInspectCommand(arguments: [good.absoluteString]) == 0)
        #expect(runFeedInspectCommand(arguments: [bad.path, "--format", "json"]) == 65)
        // A feed cut off inside an entry may read whole later, as check and sync report it.
        let cut = folder.appendingPathComponent("cut.xml")
        let entryEnd = try #require(Self.atom.range(of: "<category"))
        try String(Self.atom[..<entryEnd.lowerBound]).write(to: cut, atomically: true, encoding: .utf8)
        #expect(runFeedInspectCommand(arguments: [cut.path]) == 75)
        #expect(runFeedInspectCommand(arguments: [folder.appendingPathComponent("absent.xml").path]) == 69)
        // A feed over the size limit stays too large at the next read, so it is a data error, as check reports it.
        let large = folder.appendingPathComponent("large.xml")
        let padding = String(repeating: " ", count: FeedParser.maximumDocumentBytes)
        try (Self.atom.replacingOccurrences(of: "</feed>", with: padding + "</feed>")).write(
            to: large, atomically: true, encoding: .utf8)
        #expect(runFeedInspectCommand(arguments: [large.path]) == 65)
        #expect(runFeedInspectCommand(arguments: []) == 64)
        #expect(runFeedInspectCommand(arguments: [good.path, "--format", "yaml"]) == 64)
    }

    @Test func commandFetchesOverHTTP() throws {
        let server = try LoopbackHTTPServer { _ in
            .init(status: 200, headers: [("Content-Type", "application/atom+xml")], body: Array(Self.atom.utf8))
        }
        defer { server.stop() }
        #expect(runFeedInspectCommand(arguments: [server.baseURL + "/feed", "--format", "text"]) == 0)
        let stopped = try LoopbackHTTPServer { _ in .init(status: 500) }
        stopped.stop()
        #expect(runFeedInspectCommand(arguments: [stopped.baseURL + "/feed"]) == 69)
    }
}
