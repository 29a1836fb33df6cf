import Testing

@testable import SyncEngine

/// The message of an item whose source changed after its post was published names a way out that its source has.
@Suite struct PublishedEditMessageTests {
    @Test func fileMessageNamesNewFile() {
        let item = SourceItem(source: "posts", identity: "a.md", location: "a.md", title: "A", contentHash: "")
        let message = SyncEngine.publishedEditMessage(item)
        #expect(message.hasPrefix("a.md changed after its post was published"))
        #expect(message.hasSuffix("to post the change, put it in a new file"))
    }

    /// A feed's publisher is someone else, so the message asks for no file and no restored text.
    @Test func feedEntryMessageNamesNoFile() {
        let link = "https://news.example/2026/roast"
        let item = SourceItem(source: "news", identity: link, location: link, title: "Roast", contentHash: "")
        let message = SyncEngine.publishedEditMessage(item)
        #expect(message.contains("so the post keeps its published text"))
        #expect(message.hasSuffix("the entry's later edits are not sent either"))
        #expect(!message.contains("file"))
    }
}
