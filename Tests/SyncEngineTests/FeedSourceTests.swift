import Foundation
import Logging
import PlanableAPI
import Testing

@testable import SyncEngine

/// A feed source over a `file://` export, synced into the embedded reference server.
@Suite(.serialized) struct FeedSourceTests {
    let workspace: TestWorkspace
    let feedPath: URL

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-feed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        feedPath = root.appendingPathComponent("feed.xml")
        workspace = try Self.workspace(feedPath: feedPath, extraConfiguration: "    max_new_share: 0.5")
    }

    /// A workspace on two pages whose one source is the feed at `feedPath`, followed by `extraConfiguration`.
    static func workspace(feedPath: URL, extraConfiguration: String) throws -> TestWorkspace {
        try TestWorkspace(
            pages: ["Northwind LinkedIn", "Northwind Facebook"],
            extraConfiguration: """
                  - name: news
                    type: feed
                    url: \(feedPath.absoluteString)
                    backfill: 1
                \(extraConfiguration)
                """)
    }

    func writeFeed(_ entries: [(guid: String, title: String, description: String)], to path: URL? = nil) throws {
        let items = entries.map { entry in
            """
            <item><guid isPermaLink="false">\(entry.guid)</guid><title>\(entry.title)</title>
            <link>https://news.example/\(entry.guid)</link><description>\(entry.description)</description>
            <pubDate>Tue, 01 Dec 2026 09:00:00 EST</pubDate></item>
            """
        }
        let text = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
            \(items.joined(separator: "\n"))
            </channel></rss>
            """
        try text.write(to: path ?? feedPath, atomically: true, encoding: .utf8)
    }

    func feedItems(_ report: RunReport) -> [ReportedItem] {
        report.items.filter { $0.source == "news" }
    }

    /// A feed entry without a picture fails on a page that needs one, and the message names what a feed can do
    /// about it, not the front matter that a feed entry lacks.
    @Test func entryWithoutPictureNamesFeedSettings() throws {
        let root = feedPath.deletingLastPathComponent()
        let instagram = try TestWorkspace(
            pages: ["Northwind Instagram"],
            extraConfiguration: """
                  - name: news
                    type: feed
                    url: \(root.appendingPathComponent("pictureless.xml").absoluteString)
                    backfill: 1
                """)
        defer {
            instagram.remove()
            workspace.remove()
        }
        try writeFeed([("a", "Alpha", "First")], to: root.appendingPathComponent("pictureless.xml"))
        let report = try instagram.run(.plan)
        let entry = try #require(report.items.first { $0.source == "news" })
        #expect(entry.decision == .failed)
        let message = entry.message ?? ""
        #expect(message.contains("set content_images: first on the feed's source"), "\(message)")
        #expect(!message.contains("front matter"), "\(message)")
    }

    @Test func firstRunBaselinesAllButBackfill() throws {
        defer { workspace.remove() }
        try writeFeed([("a", "Alpha", "First"), ("b", "Beta", "Second"), ("c", "Gamma", "Third")])
        let report = try workspace.run(.apply)
        let items = feedItems(report)
        #expect(items.filter { $0.decision == .create }.count == 1)
        #expect(items.filter { $0.decision == .baselined }.count == 2)

        let again = try workspace.run(.apply)
        #expect(again.requests.write == 0)
    }

    @Test func newAndEditedEntries() throws {
        defer { workspace.remove() }
        try writeFeed([("a", "Alpha", "First"), ("b", "Beta", "Second")])
        let first = try workspace.run(.apply)
        let posted = try #require(feedItems(first).first { $0.decision == .create }?.identity)
        let baselined = posted == "a" ? "b" : "a"

        // Both old entries are edited and a new one is listed last.
        try writeFeed([("a", "Alpha", "First, edited"), ("b", "Beta", "Second, edited"), ("d", "Delta", "Fourth")])
        let report = try workspace.run(.apply)
        let decisions = Dictionary(uniqueKeysWithValues: feedItems(report).map { ($0.identity, $0.decision) })
        #expect(decisions["d"] == .create)
        #expect(decisions[posted] == .update, "the posted entry's edit did not update its draft")
        #expect(decisions[baselined] == .baselined, "a baselined entry was posted after an edit, or not counted")
        #expect(report.created == 1)
        #expect(report.updated == 1)
        #expect(report.requests.write == 2)
    }

    /// A changed template reaches posted entries, as it does a folder's files, and leaves baselined ones unposted,
    /// even though the feed itself did not change.
    @Test func changedTemplateUpdatesPostedEntries() throws {
        defer { workspace.remove() }
        try writeFeed([("a", "Alpha", "First"), ("b", "Beta", "Second")])
        let first = try workspace.run(.apply)
        let posted = try #require(feedItems(first).first { $0.decision == .create }?.identity)

        try ConfigurationChangeTests.editConfiguration(
            workspace, replacing: "template: |\n  {{title}}", with: "template: |\n  New: {{title}}")
        let report = try workspace.run(.apply)
        let decisions = Dictionary(uniqueKeysWithValues: feedItems(report).map { ($0.identity, $0.decision) })
        #expect(decisions == [posted: .update], "\(decisions)")
        #expect(report.requests.write == 1)
        #expect(try workspace.run(.apply).requests.write == 0)
    }

    /// A run that cannot read the feed leaves the new template for the next run that can.
    @Test func templateWaitsForReadableFeed() throws {
        defer { workspace.remove() }
        try writeFeed([("a", "Alpha", "First"), ("b", "Beta", "Second")])
        _ = try workspace.run(.apply)
        let saved = try Data(contentsOf: feedPath)

        try ConfigurationChangeTests.editConfiguration(
            workspace, replacing: "template: |\n  {{title}}", with: "template: |\n  New: {{title}}")
        try FileManager.default.removeItem(at: feedPath)
        let unread = try workspace.run(.apply)
        #expect(unread.requests.write == 0)
        #expect(!unread.errors.isEmpty || unread.failed > 0, "the missing feed was not reported")

        try saved.write(to: feedPath)
        let report = try workspace.run(.apply)
        #expect(feedItems(report).map(\.decision) == [.update])
    }

    /// A feed document cut off inside a new entry creates nothing and counts as a temporary failure. The next read
    /// of the whole document creates the entry with its whole text.
    @Test func cutOffFeedWaitsForWholeDocument() throws {
        defer { workspace.remove() }
        try writeFeed([("a", "Alpha", "First")])
        _ = try workspace.run(.apply)

        try writeFeed([("c", "Gamma", "Third, and long enough to be cut"), ("a", "Alpha", "First")])
        let whole = try String(contentsOf: feedPath, encoding: .utf8)
        let cutPoint = try #require(whole.range(of: "and long")).lowerBound
        let cut = String(whole[..<cutPoint])
        try cut.write(to: feedPath, atomically: true, encoding: .utf8)
        let report = try workspace.run(.apply)
        #expect(report.requests.write == 0)
        #expect(report.errors.contains { $0.contains("ends inside an <item> element") }, "\(report.errors)")
        #expect(report.failed == 0, "a cut-off document is a temporary failure, not an item's")

        try whole.write(to: feedPath, atomically: true, encoding: .utf8)
        let next = try workspace.run(.apply)
        #expect(feedItems(next).map(\.decision) == [.create], "\(feedItems(next).map(\.identity))")
        let posts = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts()
        #expect(posts.contains { $0.plainText.contains("Gamma") }, "\(posts.map(\.plainText))")
    }

    /// A posted entry that failed to update after a configuration change, here on a label that the workspace
    /// lacks, is tried again by the next run once the label exists, although nothing changed in the feed.
    @Test func failedEntryIsTriedAgain() throws {
        defer { workspace.remove() }
        try writeFeed([("a", "Alpha", "First")])
        let first = try workspace.run(.apply)
        #expect(feedItems(first).first?.decision == .create, "\(feedItems(first))")

        let rule = "rules:\n  - match: {source: news}\n    labels: [Roasts]\nsources:\n"
        try ConfigurationChangeTests.editConfiguration(workspace, replacing: "sources:\n", with: rule)
        let failed = try workspace.run(.apply)
        #expect(feedItems(failed).first?.decision == .failed, "\(feedItems(failed))")

        let readBack = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        _ = try readBack.client.createLabel(workspaceId: readBack.workspaceId, text: "Roasts", color: "feta")
        readBack.server.stop()
        let next = try workspace.run(.apply)
        #expect(feedItems(next).first?.decision == .update, "\(feedItems(next))")
    }

    /// A feed entry blocked by an edit in Planable waits for a change of the feed, and is mapped again while
    /// `overwrite_planable_edits` is set, so that the setting replaces the edit as it does for a file.
    @Test func blockedEntryIsOverwrittenWhenAllowed() throws {
        defer { workspace.remove() }
        try writeFeed([("a", "Alpha", "First")])
        let first = try workspace.run(.apply)
        #expect(feedItems(first).first?.decision == .create, "\(feedItems(first))")

        let readBack = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        for post in try readBack.posts() {
            _ = try readBack.client.updatePost(id: post.id, UpdatePostRequest(text: "Client's wording"))
        }
        readBack.server.stop()
        try writeFeed([("a", "Alpha", "First, corrected")])
        let blocked = try workspace.run(.apply)
        #expect(feedItems(blocked).first?.decision == .blocked, "\(feedItems(blocked))")
        let stillBlocked = try workspace.run(.apply)
        #expect(stillBlocked.blocked == 0, "an unchanged feed is not mapped again: \(feedItems(stillBlocked))")
        #expect(stillBlocked.requests.read <= blocked.requests.read - 1, "the blocked entry's posts were read again")

        let configuration = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        try (configuration + "\noverwrite_planable_edits: true\n").write(
            toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let replaced = try workspace.run(.apply)
        #expect(feedItems(replaced).first?.decision == .update, "\(feedItems(replaced))")
        #expect(try workspace.run(.apply).requests.write == 0, "the overwrite is sent once")
        let texts = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().map(\.plainText)
        #expect(texts.allSatisfy { $0.contains("First, corrected") }, "\(texts)")
    }

    /// Writes an RSS feed whose entries have the given guids and links.
    func writeFeed(links entries: [(guid: String, link: String, title: String)]) throws {
        let items = entries.map { entry in
            "<item><guid isPermaLink=\"false\">\(entry.guid)</guid><title>\(entry.title)</title>"
                + "<link>\(entry.link)</link><description>About \(entry.title)</description></item>"
        }
        try """
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
        \(items.joined(separator: "\n"))
        </channel></rss>
        """.write(to: feedPath, atomically: true, encoding: .utf8)
    }

    /// One entry whose id changes while its link stays may be the same page, so it is not posted a second time. It is
    /// held back with a message instead of taking the known entry's draft, which a new entry would overwrite. A new
    /// entry that shares the site's home page link with every other entry is still posted.
    @Test func rewrittenIdOnKnownLinkIsNotPosted() throws {
        defer { workspace.remove() }
        let home = "https://news.example/"
        try writeFeed(links: [
            ("a", "https://news.example/a", "Alpha"), ("b", "https://news.example/b", "Beta"),
            ("h1", home, "Home one"), ("h2", home, "Home two"),
        ])
        _ = try workspace.run(.apply)

        try writeFeed(links: [
            ("a-v2", "https://news.example/a", "Alpha"), ("b", "https://news.example/b", "Beta"),
            ("h3", home, "Home three"), ("h2", home, "Home two"),
        ])
        let report = try workspace.run(.apply)
        let decisions = Dictionary(uniqueKeysWithValues: feedItems(report).map { ($0.identity, $0.decision) })
        #expect(decisions["a-v2"] == .baselined, "\(decisions)")
        let held = try #require(feedItems(report).first { $0.identity == "a-v2" })
        #expect(held.message?.contains("it may be known entry a, which left the feed") == true, "\(held)")
        #expect(decisions["h3"] == .create, "\(decisions)")
        #expect(report.created == 1)
    }

    /// A feed that stays unreadable after a template change holds back only itself. The folder's files, mapped
    /// with the new template once, are skipped by their unchanged content on the next run instead of being
    /// mapped again.
    @Test func unreadableFeedKeepsFolderMapped() throws {
        defer { workspace.remove() }
        try writeFeed([("a", "Alpha", "First")])
        try workspace.writePost("post.md", title: "Post", body: "Text.")
        _ = try workspace.run(.apply)

        try ConfigurationChangeTests.editConfiguration(
            workspace, replacing: "template: |\n  {{title}}", with: "template: |\n  New: {{title}}")
        try FileManager.default.removeItem(at: feedPath)
        let changed = try workspace.run(.apply)
        #expect(changed.items.first { $0.identity == "post.md" }?.decision == .update)

        let next = try workspace.run(.apply)
        #expect(next.requests.write == 0)
        #expect(next.unchanged == 1, "\(next.items.map { ($0.identity, $0.decision) })")
        #expect(!next.items.contains { $0.identity == "post.md" }, "post.md was mapped again")
    }

    /// A source pointed at another feed, which shares no entry with the first, posts only its `backfill` newest
    /// entry, as on a first run.
    @Test func changedURLBaselinesOtherFeed() throws {
        defer { workspace.remove() }
        try writeFeed([("a", "Alpha", "First"), ("b", "Beta", "Second")])
        _ = try workspace.run(.apply)

        let otherPath = feedPath.deletingLastPathComponent().appendingPathComponent("other.xml")
        try writeFeed([("c", "Gamma", "Third"), ("d", "Delta", "Fourth")], to: otherPath)
        try ConfigurationChangeTests.editConfiguration(
            workspace, replacing: feedPath.absoluteString, with: otherPath.absoluteString)
        let report = try workspace.run(.apply)
        let decisions = Dictionary(uniqueKeysWithValues: feedItems(report).map { ($0.identity, $0.decision) })
        #expect(decisions["c"] == .create, "\(decisions)")
        #expect(decisions["d"] == .baselined, "\(decisions)")
        #expect(report.requests.write == 1)

        // Later runs treat the new URL as a known feed.
        try writeFeed([("e", "Epsilon", "Fifth"), ("c", "Gamma", "Third"), ("d", "Delta", "Fourth")], to: otherPath)
        let later = try workspace.run(.apply)
        #expect(feedItems(later).filter { $0.decision == .create }.map(\.identity) == ["e"])
    }

    /// The same feed at a new address shares its entries with the stored ones, so an entry published meanwhile is
    /// posted as on any run.
    @Test func movedFeedPostsNewEntries() throws {
        defer { workspace.remove() }
        try writeFeed([("a", "Alpha", "First"), ("b", "Beta", "Second")])
        _ = try workspace.run(.apply)

        let movedPath = feedPath.deletingLastPathComponent().appendingPathComponent("moved.xml")
        try writeFeed([("n", "New", "Meanwhile"), ("a", "Alpha", "First"), ("b", "Beta", "Second")], to: movedPath)
        try ConfigurationChangeTests.editConfiguration(
            workspace, replacing: feedPath.absoluteString, with: movedPath.absoluteString)
        let report = try workspace.run(.apply)
        #expect(feedItems(report).filter { $0.decision == .create }.map(\.identity) == ["n"])
        #expect(feedItems(report).filter { $0.decision == .baselined }.isEmpty)
    }

    @Test func entriesThatComeBackAreNotNew() throws {
        defer { workspace.remove() }
        try writeFeed([("a", "Alpha", "First"), ("b", "Beta", "Second"), ("c", "Gamma", "Third")])
        _ = try workspace.run(.apply)
        try writeFeed([("c", "Gamma", "Third")])
        _ = try workspace.run(.apply)
        try writeFeed([("a", "Alpha", "First"), ("b", "Beta", "Second"), ("c", "Gamma", "Third")])
        let report = try workspace.run(.apply)
        #expect(report.created == 0)
        #expect(report.requests.write == 0)
    }

    /// A local export with relative links: the links resolve against the file, so posts must not carry them.
    @Test func localFileLinksStayOutOfPosts() throws {
        defer { workspace.remove() }
        let linked = try Self.workspace(
            feedPath: feedPath,
            extraConfiguration: """
                templates:
                  linkedin: "{{title}} {{url}}"
                  facebook: "{{title}} {{url}}"
                """)
        defer { linked.remove() }
        let text = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
            <item><guid isPermaLink="false">local-1</guid><title>Local</title><link>/posts/local-1</link>
            <description>Exported body</description><pubDate>Tue, 01 Dec 2026 09:00:00 EST</pubDate></item>
            </channel></rss>
            """
        try text.write(to: feedPath, atomically: true, encoding: .utf8)
        let report = try linked.run(.apply)
        #expect(report.created == 1, "\(report.items.compactMap(\.message))")
        let posts = try ReferenceReadBack(stateFolder: linked.stateFolder).posts()
        #expect(posts.count == 2)
        #expect(posts.allSatisfy { !$0.plainText.contains("file:") }, "\(posts.map(\.plainText))")
        #expect(posts.allSatisfy { $0.plainText.hasPrefix("Local") })
    }

    /// A local export's relative media links are local files, published through the source's media_base_url.
    @Test func localExportMediaUseBaseURL() throws {
        workspace.remove()
        let folder = feedPath.deletingLastPathComponent()
        let exported = try Self.workspace(
            feedPath: feedPath, extraConfiguration: "    media_base_url: https://news.example/")
        defer { exported.remove() }
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("img"), withIntermediateDirectories: true)
        try Data(MediaTestServer.pngBytes).write(to: folder.appendingPathComponent("img/cover.png"))
        try Data(MediaTestServer.pngBytes).write(to: folder.appendingPathComponent("photo.png"))
        let text = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
            <item><guid isPermaLink="false">local-1</guid><title>Local</title><link>https://news.example/local-1</link>
            <description>Exported body</description><pubDate>Tue, 01 Dec 2026 09:00:00 EST</pubDate>
            <enclosure url="/img/cover.png" type="image/png" length="100"/>
            <enclosure url="photo.png" type="image/png" length="100"/></item>
            </channel></rss>
            """
        try text.write(to: feedPath, atomically: true, encoding: .utf8)
        let report = try exported.run(.plan)
        let item = try #require(feedItems(report).first)
        #expect(item.decision == .create, "\(item.message ?? "")")
        #expect(item.posts.first?.media == ["https://news.example/img/cover.png", "https://news.example/photo.png"])
    }

    @Test func guidRewriteIsRefused() throws {
        defer { workspace.remove() }
        let entries = (0..<6).map { ("http://news.example/\($0)", "Entry \($0)", "Body \($0)") }
        try writeFeed(entries)
        _ = try workspace.run(.apply)
        // The publisher moves to https: every GUID changes at once.
        try writeFeed(entries.map { ($0.0.replacingOccurrences(of: "http:", with: "https:"), $0.1, $0.2) })
        let report = try workspace.run(.apply)
        #expect(report.created == 0)
        #expect(report.requests.write == 0)
        let failure = try #require(feedItems(report).first { $0.decision == .failed })
        #expect(failure.message?.contains("rewrote") == true || failure.message?.contains("new") == true)
        #expect(failure.message?.contains("on_rewrite: baseline") == true)

        // The operator confirms the rewrite for one run: the new ids are recorded and nothing is posted. Each id
        // matches a known one up to its scheme, so the entries keep their records, and the posted one its draft.
        let text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        let accepting = text.replacingOccurrences(
            of: "max_new_share: 0.5", with: "max_new_share: 0.5\n    on_rewrite: baseline")
        try accepting.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let accepted = try workspace.run(.apply)
        #expect(accepted.created == 0)
        #expect(accepted.requests.write == 0)
        #expect(feedItems(accepted).filter { $0.decision == .baselined }.isEmpty)
        let moved = feedItems(accepted).filter { $0.message?.contains("its key changed from http://") == true }
        #expect(moved.count == 1, "\(feedItems(accepted).map { ($0.identity, $0.message ?? "") })")
        let state = try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
        #expect(try state.items(source: "news").map(\.identity).allSatisfy { $0.hasPrefix("https://") })

        try text.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let after = try workspace.run(.apply)
        #expect(after.created == 0)
        #expect(!feedItems(after).contains { $0.decision == .failed })
    }
}
