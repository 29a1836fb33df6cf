import Foundation
import Testing

@testable import SyncEngine

/// A feed that gives one id to several entries, as a CMS that sets every guid to the site's address does. One entry
/// is synced under the id and the others are left out with a warning, so a new entry under that id does not
/// overwrite the known entry's post.
@Suite(.serialized) struct FeedDuplicateIdTests {
    let workspace: TestWorkspace
    let feedPath: URL

    init() throws {
        (workspace, feedPath) = try TestWorkspace.withNewsFeed(pages: ["Northwind LinkedIn"], backfill: 10)
    }

    /// Writes the entries `titles`, newest first, each with the guid `https://news.example/` and a link of its own,
    /// or with `sharedLink`, the site's address as their link too.
    func writeFeed(_ titles: [String], sharedLink: Bool = false) throws {
        let items = titles.map { title in
            let link = sharedLink ? "https://news.example/" : "https://news.example/\(title.lowercased())"
            return """
                <item><guid>https://news.example/</guid><title>\(title)</title>
                <link>\(link)</link><description>About \(title)</description></item>
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

    @Test func sharedIdKeepsKnownEntryAndWarns() throws {
        defer { workspace.remove() }
        try writeFeed(["Two", "One"])
        let first = try workspace.run(.apply)
        #expect(first.created == 1)
        #expect(first.items.first { $0.decision == .create }?.title == "Two")
        let warning = try #require(first.warnings.first { $0.contains("to more than one entry") }, "\(first.warnings)")
        #expect(warning.contains("gives id https://news.example/ to more than one entry, so \"One\""), "\(warning)")
        #expect(warning.contains("\"Two\" is synced under that id"), "\(warning)")

        // A newer entry listed first under the same id leaves the known entry's post as it is.
        try writeFeed(["Three", "Two", "One"])
        let second = try workspace.run(.apply)
        #expect(second.requests.write == 0, "\(second.items.map { ($0.identity, $0.decision, $0.title) })")
        #expect(second.unchanged == 1)
        #expect(second.warnings.filter { $0.contains("to more than one entry") }.count == 2, "\(second.warnings)")
        #expect(second.warnings.contains { $0.contains("so \"Three\" (https://news.example/three) is left out") })
    }

    /// When the known entry has left the feed, none of the entries under its id is synced, so none overwrites its
    /// post.
    @Test func sharedIdWithoutKnownEntry() throws {
        defer { workspace.remove() }
        try writeFeed(["Two", "One"])
        #expect(try workspace.run(.apply).created == 1)
        try writeFeed(["Four", "Three"])
        let second = try workspace.run(.apply)
        #expect(second.requests.write == 0, "\(second.items.map { ($0.identity, $0.decision, $0.title) })")
        #expect(second.updated == 0)
        let warnings = second.warnings.filter { $0.contains("to more than one entry") }
        #expect(warnings.count == 2, "\(second.warnings)")
        #expect(
            warnings.allSatisfy { $0.contains("so are the others, since none is the entry whose post has that id") })
    }

    /// Entries that share the link as well as the id are matched to the known entry by the title.
    @Test func sharedLinkMatchedByTitle() throws {
        defer { workspace.remove() }
        try writeFeed(["Two", "One"], sharedLink: true)
        #expect(try workspace.run(.apply).created == 1)
        try writeFeed(["Three", "Two", "One"], sharedLink: true)
        let second = try workspace.run(.apply)
        #expect(second.requests.write == 0, "\(second.items.map { ($0.identity, $0.decision, $0.title) })")
        #expect(second.unchanged == 1)
    }
}
