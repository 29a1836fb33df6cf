import Foundation
import TestSupport
import Testing

@testable import SyncEngine

/// A feed read while its file was written, cut after a whole entry, is read as far as it goes, but its validators
/// are not stored. A server that dates files to the second, as Python's `http.server` does, returns 304 for the
/// whole file written within that second, and the entry after the cut would never be posted.
@Suite(.serialized) struct CutFeedValidatorTests {
    /// The feed the server serves, with the Last-Modified of a file dated to the second.
    final class Document: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        private var modified = ""

        var current: (text: String, lastModified: String) { lock.withLock { (text, modified) } }
        func set(_ value: String, lastModified: String) { lock.withLock { (text, modified) = (value, lastModified) } }
    }

    static let firstSecond = "Tue, 01 Dec 2026 09:00:00 GMT"
    /// The second in which the file is written twice: cut, then whole.
    static let rewriteSecond = "Tue, 01 Dec 2026 09:05:00 GMT"

    static func entry(_ number: Int) -> String {
        """
        <entry><id>urn:entry:\(number)</id><title>Entry \(number)</title>
        <link href="https://news.example/\(number)"/><updated>2026-12-0\(number)T09:00:00Z</updated>
        <summary>Entry number \(number).</summary></entry>
        """
    }

    static func feed(_ numbers: [Int], closed: Bool = true) -> String {
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>News</title>"
            + "<id>urn:news</id><updated>2026-12-05T09:00:00Z</updated>\n"
            + numbers.map(entry).joined(separator: "\n") + (closed ? "\n</feed>\n" : "\n")
    }

    /// Starts a server that returns 304 when `If-Modified-Since` is the document's Last-Modified, and a workspace
    /// that reads its feed.
    static func serve(_ document: Document) throws -> (LoopbackHTTPServer, TestWorkspace) {
        let server = try LoopbackHTTPServer { request in
            let (text, lastModified) = document.current
            if request.headers["if-modified-since"] == lastModified {
                return .init(status: 304, headers: [("Last-Modified", lastModified)])
            }
            return .init(
                status: 200, headers: [("Content-Type", "application/atom+xml"), ("Last-Modified", lastModified)],
                body: Array(text.utf8))
        }
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"],
            extraConfiguration: """
                  - name: news
                    type: feed
                    url: \(server.baseURL)/feed.xml
                    backfill: 2
                """)
        return (server, workspace)
    }

    /// Clears the content hash of the first feed record that `matches` selects, as an edit that a post being
    /// published missed does, and returns its identity.
    static func dropContentHash(in workspace: TestWorkspace, where matches: (ItemRecord) -> Bool) throws -> String {
        let statePath = workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
        let state = try StateStore(path: statePath)
        let entry = try #require(try state.items(source: "news").first(where: matches))
        try state.withDatabase { database in
            _ = try database.run(
                "UPDATE items SET content_hash = NULL WHERE source = 'news' AND identity = ?", [entry.identity])
        }
        return entry.identity
    }

    /// An entry whose record lost its content hash, as after an edit that a post being published missed, is
    /// mapped again at the next poll, so the feed is fetched whole instead of with validators that get a 304.
    @Test func entryToMapAgainDropsValidators() throws {
        let document = Document()
        let (server, workspace) = try Self.serve(document)
        defer { server.stop() }
        defer { workspace.remove() }
        document.set(Self.feed([1, 2]), lastModified: Self.firstSecond)
        #expect(try workspace.run(.apply).created == 2)
        let identity = try Self.dropContentHash(in: workspace) { _ in true }
        let next = try workspace.run(.apply)
        #expect(server.requests.last?.headers["if-modified-since"] == nil)
        #expect(next.items.contains { $0.identity == identity }, "\(next.items.map(\.identity))")
        #expect(next.requests.write == 0)
        let after = try workspace.run(.apply)
        #expect(server.requests.last?.headers["if-modified-since"] == Self.firstSecond)
        #expect(after.unchanged == 2)
    }

    /// A record without a content hash whose entry left the feed stops keeping the validators off after one whole
    /// read.
    @Test func unlistedEntryToMapAgainKeepsNoValidatorsOff() throws {
        let document = Document()
        let (server, workspace) = try Self.serve(document)
        defer { server.stop() }
        defer { workspace.remove() }
        document.set(Self.feed([1, 2]), lastModified: Self.firstSecond)
        #expect(try workspace.run(.apply).created == 2)
        _ = try Self.dropContentHash(in: workspace) { $0.identity.hasSuffix("1") }
        document.set(Self.feed([2, 3]), lastModified: "Wed, 02 Dec 2026 09:00:00 GMT")
        _ = try workspace.run(.apply)
        #expect(server.requests.last?.headers["if-modified-since"] == nil)
        _ = try workspace.run(.apply)
        #expect(server.requests.last?.headers["if-modified-since"] == "Wed, 02 Dec 2026 09:00:00 GMT")
    }

    /// A whole feed that is not well-formed for another reason, such as an undeclared `&nbsp;`, which is common,
    /// keeps its validators, so that it is not fetched whole at every poll.
    @Test func illFormedWholeFeedKeepsValidators() throws {
        let document = Document()
        let (server, workspace) = try Self.serve(document)
        defer { server.stop() }
        defer { workspace.remove() }
        let undeclaredEntity = Self.feed([1, 2]).replacingOccurrences(of: "Entry 1<", with: "Entry&nbsp;1<")
        document.set(undeclaredEntity, lastModified: Self.firstSecond)
        #expect(try workspace.run(.apply).created == 2)
        let next = try workspace.run(.apply)
        #expect(server.requests.last?.headers["if-modified-since"] == Self.firstSecond)
        #expect(next.unchanged == 2)
    }

    @Test func cutFeedIsFetchedWholeNextTime() throws {
        let document = Document()
        let (server, workspace) = try Self.serve(document)
        defer { server.stop() }
        defer { workspace.remove() }

        document.set(Self.feed([1, 2]), lastModified: Self.firstSecond)
        #expect(try workspace.run(.apply).created == 2)
        let unchanged = try workspace.run(.apply)
        #expect(server.requests.last?.headers["if-modified-since"] == Self.firstSecond)
        #expect(unchanged.unchanged == 2)

        // The file is read while it is written: cut after entry 2, before entry 3 and the end of the feed.
        document.set(Self.feed([1, 2], closed: false), lastModified: Self.rewriteSecond)
        let cut = try workspace.run(.apply)
        #expect(cut.created == 0)
        #expect(cut.failed == 0)

        document.set(Self.feed([1, 2, 3]), lastModified: Self.rewriteSecond)
        let whole = try workspace.run(.apply)
        #expect(server.requests.last?.headers["if-modified-since"] == nil, "the cut read's validators were sent")
        #expect(whole.created == 1, "the entry after the cut was not posted: \(whole.items.map(\.identity))")
        let next = try workspace.run(.apply)
        #expect(server.requests.last?.headers["if-modified-since"] == Self.rewriteSecond)
        #expect(next.unchanged == 3)
    }

    /// A first read records the entries it does not post as old. A cut-short document would leave out the older
    /// entries after the cut, which a later read of the whole feed would post as new. So a first read of a cut
    /// document fails as a temporary failure, whether it ends between entries or inside an end tag, and the whole
    /// document then gives the feed's first run.
    @Test(arguments: ["between entries", "inside an end tag"])
    func cutFirstReadWaitsForWholeFeed(cut: String) throws {
        let document = Document()
        let (server, workspace) = try Self.serve(document)
        defer { server.stop() }
        defer { workspace.remove() }
        let whole = Self.feed([5, 4, 3, 2, 1])
        let cutText =
            cut == "between entries"
            ? Self.feed([5, 4, 3], closed: false)
            : String(whole[..<whole.range(of: "</entry>", options: .backwards)!.lowerBound]) + "</en"
        document.set(cutText, lastModified: Self.firstSecond)
        let first = try workspace.run(.apply)
        #expect(first.requests.write == 0)
        #expect(first.errors.contains { $0.contains("a first run needs the whole feed") }, "\(first.errors)")

        document.set(whole, lastModified: Self.rewriteSecond)
        let complete = try workspace.run(.apply)
        #expect(complete.created == 2, "\(complete.items.map { "\($0.identity) \($0.decision)" })")
        #expect(complete.baselined == 3)
        let later = try workspace.run(.apply)
        #expect(later.created == 0, "an old entry was posted: \(later.items.map(\.identity))")
    }
}
