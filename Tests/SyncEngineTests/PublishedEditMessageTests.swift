import Feeds
import Testing

@testable import SyncEngine

/// The messages about posts that Planable keeps as they are, published or deleted, name a way out that the item's
/// source has.
@Suite struct PublishedEditMessageTests {
    /// Returns the record of an item whose stored content hash is `contentHash`.
    static func record(contentHash: String?) -> ItemRecord {
        ItemRecord(
            source: "posts", identity: "a.md", title: "A", contentHash: contentHash, status: "synced",
            publishedEditReported: false)
    }

    @Test func fileMessageNamesNewFile() {
        let item = SourceItem(source: "posts", identity: "a.md", location: "a.md", title: "A", contentHash: "new")
        let message = SyncEngine.publishedEditMessage(item, record: Self.record(contentHash: "old"))
        #expect(message.hasPrefix("a.md changed after its post was published"))
        #expect(message.hasSuffix("to post the change, put it in a new file"))
    }

    /// A source as the state stored it had its post changed by the configuration, so the message names that cause
    /// and no new file, which would post the item a second time.
    @Test func configurationChangeNamesNoNewFile() {
        let item = SourceItem(source: "posts", identity: "a.md", location: "a.md", title: "A", contentHash: "same")
        let record = Self.record(contentHash: "same")
        let message = SyncEngine.publishedEditMessage(item, record: record)
        #expect(message.hasPrefix("a.md: the configuration now makes its post differ"), "\(message)")
        #expect(!message.contains("new file"), "\(message)")
        #expect(SyncEngine.publishedEditLog(item, record: record).hasPrefix("configuration changed a published post"))

        // An earlier run reported the source's edit and stored its hash. Reading the same source again, as after
        // the file was only touched, keeps that cause.
        var reported = record
        reported.publishedEditReported = true
        reported.lastError = SyncEngine.publishedEditMessage(item, record: Self.record(contentHash: "old"))
        #expect(
            SyncEngine.publishedEditMessage(item, record: reported).contains("changed after its post was published"))
    }

    /// Returns the item of a feed entry, through the initializer that feed sources use.
    static func feedItem(id: String, link: String = "") -> SourceItem {
        SourceItem(
            FeedEntry(id: id, key: id, title: "Roast", link: link), source: "news",
            feedURL: "https://news.example/feed.xml")
    }

    /// A feed's publisher is someone else, so the message names no file and no restored text. An entry without a
    /// link, whose location is its id, is a feed entry too.
    @Test func feedEntryMessageNamesNoFile() {
        let linked = Self.feedItem(id: "urn:entry:roast", link: "https://news.example/2026/roast")
        let unlinked = Self.feedItem(id: "urn:entry:roast")
        for item in [linked, unlinked] {
            let message = SyncEngine.publishedEditMessage(item, record: Self.record(contentHash: nil))
            #expect(message.contains("so the post keeps its published text"), "\(item.location)")
            #expect(message.hasSuffix("the entry's later edits are not sent either"), "\(item.location)")
            #expect(!message.contains("file"), "\(item.location)")
        }
    }

    /// A group whose posts were all deleted is created again by an edit. The note names how to keep the item out,
    /// which for a feed entry is a rule, since its feed is someone else's.
    @Test func recreatedNoteNamesTheWayOut() {
        let entry = Self.feedItem(id: "urn:entry:roast")
        let feedNote = SyncEngine.recreatedNote(["p1", "p2"], item: entry, mode: .apply)
        #expect(feedNote.hasPrefix("its posts p1, p2 were deleted in Planable, so the edit created them again"))
        #expect(feedNote.hasSuffix("add a rule with skip: true that matches fields: {id: urn:entry:roast}"))

        let file = SourceItem(source: "posts", identity: "a.md", location: "a.md", title: "A", contentHash: "")
        let fileNote = SyncEngine.recreatedNote(["p1"], item: file, mode: .plan)
        #expect(fileNote.hasPrefix("its post p1 was deleted in Planable, so the edit would create it again"))
        #expect(fileNote.hasSuffix("remove the file or set planable: {skip: true} in its front matter"))
    }
}
