import Foundation
import Testing

@testable import SyncEngine

/// `StateStore.forget` on a feed source: what it removes, what it keeps, and what the next sync does.
@Suite(.serialized) struct StateForgetTests {
    let workspace: TestWorkspace
    let feedPath: URL
    var feedURL: String { feedPath.absoluteString }

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-forget-feed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        feedPath = root.appendingPathComponent("feed.xml")
        workspace = try FeedSourceTests.workspace(feedPath: feedPath, extraConfiguration: "")
        let items = [("a", "Alpha", 3), ("b", "Beta", 2), ("c", "Gamma", 1)].map { guid, title, day in
            """
            <item><guid isPermaLink="false">\(guid)</guid><title>\(title)</title>
            <link>https://news.example/\(guid)</link><description>\(title) text</description>
            <pubDate>Tue, 0\(day) Dec 2026 09:00:00 EST</pubDate></item>
            """
        }
        try """
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
        \(items.joined(separator: "\n"))
        </channel></rss>
        """.write(to: feedPath, atomically: true, encoding: .utf8)
    }

    func state() throws -> StateStore {
        try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
    }

    /// Syncs once, so the feed's newest entry is posted and the two older ones are baselined.
    func syncedEntry() throws -> String {
        let first = try workspace.run(.apply)
        let created = first.items.filter { $0.source == "news" && $0.decision == .create }
        try #require(created.count == 1, "\(first.items.map { ($0.identity, $0.decision) })")
        return created[0].identity
    }

    @Test func forgottenEntryIsPostedAgain() throws {
        defer { workspace.remove() }
        let posted = try syncedEntry()
        let store = try state()
        // Validators as an HTTP feed stores them. Left in place, the next fetch could get 304 and skip the entry.
        try store.recordFeedFetched(
            source: "news", url: feedURL, etag: "\"v1\"", lastModified: "Tue, 01 Dec 2026 14:00:00 GMT",
            finalURL: feedURL)
        try store.replaceReadFailures(
            source: "news", scope: .wholeSource,
            with: [
                ReadFailure(source: "news", location: feedURL, entry: posted, message: "entry failed"),
                ReadFailure(source: "news", location: feedURL, entry: "other", message: "other entry failed"),
            ])
        let oldPosts = try store.posts(source: "news", identity: posted).map(\.postId)
        #expect(oldPosts.count == 2)

        let preview = try store.recordsToForget([.item(source: "news", identity: posted)])
        #expect(preview.items.map(\.identity) == [posted])
        #expect(try store.item(source: "news", identity: posted) != nil, "the preview removed the item")

        let removed = try store.forget([.item(source: "news", identity: posted)])
        #expect(removed.items.map(\.identity) == [posted])
        #expect(Set(removed.posts.map(\.postId)) == Set(oldPosts))
        #expect(removed.readFailures.map(\.entry) == [posted])
        #expect(removed.feedSources.isEmpty)
        #expect(try store.item(source: "news", identity: posted) == nil)
        #expect(try store.posts(source: "news", identity: posted).isEmpty)
        #expect(try store.readFailures(source: "news").map(\.entry) == ["other"])
        let feed = try #require(try store.feedRecord(source: "news"))
        #expect(feed.baselined)
        #expect(feed.etag == nil)
        #expect(feed.lastModified == nil)
        #expect(try store.items(source: "news").filter { $0.status == "baselined" }.count == 2)

        let again = try workspace.run(.apply)
        let decisions = Dictionary(
            uniqueKeysWithValues: again.items.filter { $0.source == "news" }.map { ($0.identity, $0.decision) })
        #expect(decisions == [posted: .create], "\(decisions)")
        let newPosts = try store.posts(source: "news", identity: posted).map(\.postId)
        #expect(newPosts.count == 2)
        #expect(Set(newPosts).isDisjoint(with: oldPosts))
    }

    @Test func forgottenFeedSourceIsNewAgain() throws {
        defer { workspace.remove() }
        let posted = try syncedEntry()
        let store = try state()
        try store.replaceReadFailures(
            source: "news", scope: .wholeSource,
            with: [ReadFailure(source: "news", location: feedURL, message: "feed failed")])
        let intentId = try store.recordIntent(
            source: "news", identity: "d", groupKey: "page", workspaceId: "workspace", pageIds: ["page"],
            text: "Delta", payloadHash: "hash", at: Date())

        let removed = try store.forget([.source("news")])
        #expect(removed.items.count == 3)
        #expect(removed.posts.count == 2)
        #expect(removed.readFailures.count == 1)
        #expect(removed.intents.map(\.id) == [intentId])
        #expect(removed.feedSources == ["news"])
        #expect(try store.items(source: "news").isEmpty)
        #expect(try store.feedRecord(source: "news") == nil)
        #expect(try store.pendingIntents().isEmpty)
        #expect(try store.recordedSourceNames().isEmpty)

        // A new feed again: its newest entry is posted as backfill and the others are baselined.
        let again = try workspace.run(.apply)
        let news = again.items.filter { $0.source == "news" }
        #expect(news.filter { $0.decision == .create }.map(\.identity) == [posted])
        #expect(news.filter { $0.decision == .baselined }.count == 2)
    }

    @Test func unknownTargetsRemoveNothing() throws {
        defer { workspace.remove() }
        _ = try syncedEntry()
        let store = try state()
        #expect(try store.forget([.item(source: "news", identity: "missing"), .source("blog")]).isEmpty)
        #expect(try store.items(source: "news").count == 3)
        #expect(try store.hasItem(source: "news", identity: "missing") == false)
        #expect(try store.recordedSourceNames() == ["news"])
    }
}
