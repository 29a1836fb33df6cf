import Foundation
import HTTPClient
import Logging
import TestSupport
import Testing

@testable import SyncEngine

/// Log entries of a run, decoded from the logger's JSON lines.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var logger: Logger {
        Logger(label: "test", destination: .jsonLines, repeatWindow: 0) { [self] line in
            lock.withLock { lines.append(line) }
        }
    }

    /// Returns the entries whose message starts with `prefix`.
    func entries(startingWith prefix: String) -> [[String: String]] {
        lock.withLock { lines }.compactMap { line in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        }
        .filter { $0["message"]?.hasPrefix(prefix) == true }
    }
}

extension TestWorkspace {
    /// Runs one pass in a fresh runtime that logs to `logger`.
    func run(_ mode: RunMode, logger: Logger) throws -> RunReport {
        let configuration = try Configuration.load(path: configPath)
        let runtime = try Runtime(configuration: configuration, logger: logger, exclusive: mode == .apply)
        return try runtime.engine().run(mode: mode)
    }

    func deleteState() {
        let statePath = stateFolder.appendingPathComponent("planable-sync.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: statePath + suffix) }
    }
}

/// A lost state database in front of posts whose text a client edited in Planable: the new state links them by
/// URL or title, and the next syncs keep the client's text.
@Suite(.serialized) struct EditedPostAdoptionTests {
    static let editedText = "Post 3\n\nThe client's own wording, approved on Monday."

    /// Edits the text of the post group whose text contains `marker`, as a person would in Planable, and returns
    /// the group's post ids.
    func editPost(in workspace: TestWorkspace, containing marker: String, to text: String) throws -> [String] {
        let readBack = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        let posts = try readBack.posts().filter { $0.plainText.contains(marker) }
        let first = try #require(posts.first, "no post contains \(marker)")
        _ = try readBack.json("PATCH", "/posts/\(first.id)", body: ["text": text])
        return posts.map(\.id).sorted()
    }

    func texts(_ workspace: TestWorkspace, ids: [String]) throws -> [String] {
        try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().filter { ids.contains($0.id) }
            .map(\.plainText)
    }

    /// A new client's first sync in a workspace with hand-written posts: a post that merely shares an item's title
    /// is neither linked nor overwritten, because no post of the source was found by its exact text.
    @Test func handWrittenPostWithSameTitleIsLeftAlone() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        _ = try workspace.run(.apply)
        let readBack = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        let page = try #require(
            try readBack.client.listPages(workspaceId: readBack.workspaceId).first { $0.name == "Northwind LinkedIn" })
        let handWritten = "Grand opening\n\nCome visit our new shop this weekend, coffee on us!"
        _ = try readBack.json(
            "POST", "/posts", body: ["workspaceId": readBack.workspaceId, "pageId": page.id, "text": handWritten])
        workspace.deleteState()

        try workspace.writePost("grand.md", title: "Grand opening", body: "Our blog post about the new roastery.")
        let sync = try workspace.run(.apply)
        #expect(sync.created == 1, "\(sync.items.map { "\($0.identity): \($0.decision)" })")
        let texts = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().map(\.plainText)
        #expect(texts.contains(handWritten), "the hand-written post was changed: \(texts)")
        #expect(texts.count == 2)
    }

    @Test func editedDraftIsLinkedNotCreated() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook"])
        defer { workspace.remove() }
        for number in 1...5 {
            try workspace.writePost("post\(number).md", title: "Post \(number)", body: "Body of post \(number).")
        }
        #expect(try workspace.run(.apply).created == 5)
        let ids = try editPost(in: workspace, containing: "Body of post 3", to: Self.editedText)
        #expect(ids.count == 2)
        workspace.deleteState()

        let plan = try workspace.run(.plan)
        #expect(plan.created == 0, "\(plan.items.filter { $0.decision == .create }.map(\.identity))")
        #expect(plan.updated == 0)

        let logs = LogCapture()
        let sync = try workspace.run(.apply, logger: logs.logger)
        #expect(sync.created == 0, "\(sync.items.filter { $0.decision == .create }.map(\.identity))")
        #expect(sync.updated == 0)
        #expect(sync.requests.write == 0)
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 10)
        #expect(try texts(workspace, ids: ids) == [Self.editedText, Self.editedText])
        let warning = try #require(logs.entries(startingWith: "linked an item to a post whose text differs").first)
        #expect(warning["item.id"] == "post3.md")
        #expect(warning["post.ids"]?.split(separator: ",").map(String.init).sorted() == ids)

        let again = try workspace.run(.apply)
        #expect(again.requests.write == 0, "the next sync overwrote the client's edit")
        #expect(try texts(workspace, ids: ids) == [Self.editedText, Self.editedText])

        // An edit of the item afterwards updates the post, as it would have without the state loss.
        try workspace.writePost("post3.md", title: "Post 3", body: "Body of post 3, rewritten.")
        let edited = try workspace.run(.apply)
        #expect(edited.updated == 1)
        #expect(edited.created == 0)
    }

    /// A published post with an edited text, linked by a new state, is reported as published: no edit of the item
    /// can reach it.
    @Test func editedPublishedPostIsReportedAsPublished() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        // The other posts, linked by their exact text, show that the source's posts came from this program, which a
        // link by title needs.
        for number in 1...3 {
            try workspace.writePost("post\(number).md", title: "Post \(number)", body: "Body of post \(number).")
        }
        #expect(try workspace.run(.apply).created == 3)
        let ids = try editPost(in: workspace, containing: "Body of post 3", to: Self.editedText)
        let readBack = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        let control = readBack.server.baseURL.replacingOccurrences(of: "/api/v1", with: "")
        for id in ids {
            let response = try HTTPClient().send(
                HTTPRequest(
                    method: "POST", url: control + "/reference/posts/\(id)/publish",
                    headers: [("Content-Type", "application/json")], body: Array("{}".utf8)))
            #expect((200..<300).contains(response.status))
        }
        let published = waitUntil(timeout: 10) {
            (try? readBack.posts().filter { ids.contains($0.id) }.allSatisfy(\.published)) == true
        }
        #expect(published)
        workspace.deleteState()

        let logs = LogCapture()
        let sync = try workspace.run(.apply, logger: logs.logger)
        #expect(sync.created == 0)
        let warning = try #require(logs.entries(startingWith: "linked an item to a published post").first)
        #expect(warning["item.id"] == "post3.md")
        #expect(logs.entries(startingWith: "linked an item to a post whose text differs").isEmpty)
    }

    /// A removed file whose post was published is not matched with a new file of its text, which gets a post.
    @Test func newFileLikePublishedRemovedOneIsPosted() throws {
        // Each run polls the posts' status, so the state learns of the publication.
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: "status_interval: 0")
        defer { workspace.remove() }
        try workspace.writePost("b.md", title: "Again", body: "The same text.")
        // The folder keeps a file, since a scan of an empty folder removes nothing.
        try workspace.writePost("keep.md", title: "Keep", body: "Stays.")
        #expect(try workspace.run(.apply).created == 2)
        let readBack = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        let ids = try readBack.posts().filter { $0.plainText.hasPrefix("Again") }.map(\.id)
        let control = readBack.server.baseURL.replacingOccurrences(of: "/api/v1", with: "")
        for id in ids {
            _ = try HTTPClient().send(
                HTTPRequest(
                    method: "POST", url: control + "/reference/posts/\(id)/publish",
                    headers: [("Content-Type", "application/json")], body: Array("{}".utf8)))
        }
        #expect(
            waitUntil(timeout: 10) {
                (try? readBack.posts().filter { ids.contains($0.id) }.allSatisfy(\.published)) == true
            })
        try FileManager.default.removeItem(at: workspace.contentFolder.appendingPathComponent("b.md"))
        let removal = try workspace.run(.apply)
        let removed = try #require(removal.items.first { $0.identity == "b.md" })
        #expect(removed.decision == .removed)

        try workspace.writePost("c.md", title: "Again", body: "The same text.")
        let again = try workspace.run(.apply)
        #expect(again.created == 1, "\(again.items.map { ($0.identity, $0.decision, $0.message ?? "") })")
    }

    @Test func editedNewestFeedEntryIsLinked() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-edited-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let feedPath = root.appendingPathComponent("feed.xml")
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn", "Northwind Facebook"],
            extraConfiguration: """
                  - name: news
                    type: feed
                    url: \(feedPath.absoluteString)
                    backfill: 2
                """)
        defer { workspace.remove() }
        func writeFeed(_ numbers: ClosedRange<Int>) throws {
            let items = numbers.reversed().map { number in
                """
                <item><guid isPermaLink="false">entry-\(number)</guid><title>Entry \(number)</title>
                <link>https://news.example/\(number)</link><description>Body of entry \(number)</description>
                <pubDate>\(String(format: "%02d", number)) Nov 2026 09:00:00 GMT</pubDate></item>
                """
            }
            try """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
            \(items.joined(separator: "\n"))
            </channel></rss>
            """.write(to: feedPath, atomically: true, encoding: .utf8)
        }
        try writeFeed(1...7)
        #expect(try workspace.run(.apply).created == 2)
        try writeFeed(1...8)
        #expect(try workspace.run(.apply).created == 1)
        let edited = "Entry 8\n\nRewritten by the client before approval."
        let ids = try editPost(in: workspace, containing: "Body of entry 8", to: edited)
        workspace.deleteState()

        let logs = LogCapture()
        let sync = try workspace.run(.apply, logger: logs.logger)
        #expect(sync.created == 0, "\(sync.items.filter { $0.decision == .create }.map(\.identity))")
        #expect(sync.requests.write == 0)
        #expect(try texts(workspace, ids: ids) == [edited, edited])
        #expect(
            logs.entries(startingWith: "linked an item to a post whose text differs").map { $0["item.id"] } == [
                "entry-8"
            ])
        let again = try workspace.run(.apply)
        #expect(again.requests.write == 0)
    }
}
