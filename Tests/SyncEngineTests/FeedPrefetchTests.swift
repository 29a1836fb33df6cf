import Foundation
import Logging
import PlanableAPI
import PlanableReference
import TestSupport
import Testing

@testable import SyncEngine

/// Feed fetches made at once and ahead of the scan. A pass over several feeds fetches them at once, so that one slow
/// feed server does not delay every other feed. A fetch made ahead is used only when it sent the scan's validators.
@Suite(.serialized) struct FeedPrefetchTests {
    static func feed(_ name: String) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><title>\(name)</title><id>urn:\(name)</id>
        <updated>2026-12-05T09:00:00Z</updated>
        <entry><id>urn:\(name):1</id><title>\(name) news</title><link href="https://news.example/\(name)/1"/>
        <updated>2026-12-05T09:00:00Z</updated><summary>The first entry of \(name).</summary></entry>
        </feed>
        """
    }

    /// Starts a server for feeds `a.xml` and `b.xml`, with a Last-Modified date so that a second read sends it,
    /// and a workspace that reads both. `handle` receives each request first and may return the response instead.
    static func serve(
        _ handle: @escaping @Sendable (LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response? = { _ in nil }
    ) throws -> (LoopbackHTTPServer, TestWorkspace) {
        let lastModified = "Sat, 05 Dec 2026 09:00:00 GMT"
        let server = try LoopbackHTTPServer { request in
            if let answer = handle(request) { return answer }
            if request.headers["if-modified-since"] == lastModified { return .init(status: 304) }
            let name = request.path.hasPrefix("/a") ? "a" : "b"
            return .init(
                status: 200, headers: [("Content-Type", "application/atom+xml"), ("Last-Modified", lastModified)],
                body: Array(feed(name).utf8))
        }
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"],
            extraConfiguration: """
                  - name: a
                    type: feed
                    url: \(server.baseURL)/a.xml
                    backfill: 1
                  - name: b
                    type: feed
                    url: \(server.baseURL)/b.xml
                    backfill: 1
                """)
        return (server, workspace)
    }

    /// Returns a request handler for `serve` that delays feed a's response until feed b's request arrives, and returns
    /// 503 after 10 s without it, so that fetches made one after the other fail feed a.
    static func aWaitsForB() -> @Sendable (LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response? {
        let arrived = LockedValue(Set<String>())
        return { request in
            arrived.withLock { _ = $0.insert(request.path) }
            guard request.path == "/a.xml" else { return nil }
            let deadline = Date().addingTimeInterval(10)
            while !arrived.withLock({ $0.contains("/b.xml") }) {
                guard Date() < deadline else { return .init(status: 503) }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return nil
        }
    }

    /// Feed a's response waits for feed b's request and is 503 after 10 s without it, so a pass that fetched the
    /// feeds one after the other would fail feed a.
    @Test func feedsAreFetchedAtOnce() throws {
        let (server, workspace) = try Self.serve(Self.aWaitsForB())
        defer { server.stop() }
        defer { workspace.remove() }
        let report = try workspace.run(.apply)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.created == 2)
        // The second pass sends each feed's stored validators from the fetches made at once, and both are unchanged.
        let next = try workspace.run(.apply)
        #expect(next.unchanged == 2)
        #expect(server.requests.suffix(2).allSatisfy { $0.headers["if-modified-since"] != nil })
    }

    /// The whole reads of a state rebuild, and of the linking of a new state to a workspace's posts, run at once too.
    @Test func adoptionReadsFeedsAtOnce() throws {
        let (server, workspace) = try Self.serve(Self.aWaitsForB())
        defer { server.stop() }
        defer { workspace.remove() }
        let configuration = try Configuration.load(path: workspace.configPath)
        let runtime = try Runtime(
            configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: true)
        let reads = try StateRebuilder.readForAdoption(runtime.sources().compactMap { $0 as? FeedSource })
        #expect(reads.count == 2)
        for (name, read) in reads {
            #expect(try read.get().items.count == 1, "feed \(name)")
        }
    }

    /// A stop while a new state is linked to the workspace's posts does not wait for a feed server that delays its
    /// response: the pass ends as stopped while the read still waits, and nothing is recorded.
    @Test func stopDuringLinkingReadsIsPrompt() throws {
        let release = LockedValue(false)
        let waiting = LockedValue(false)
        let answered = LockedValue(false)
        let (server, workspace) = try Self.serve { request in
            guard request.path == "/b.xml", waiting.withLock({ $0 }) else { return nil }
            let deadline = Date().addingTimeInterval(30)
            while !release.withLock({ $0 }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            answered.withLock { $0 = true }
            return nil
        }
        defer { server.stop() }
        defer { release.withLock { $0 = true } }
        defer { workspace.remove() }
        // A first sync leaves posts in the workspace; without its state, the next pass links a new one to them.
        try workspace.writePost("a.md", title: "Roast notes", body: "A new roast.")
        #expect(try workspace.run(.apply).created >= 1)
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(
                at: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite" + suffix))
        }
        waiting.withLock { $0 = true }
        let configuration = try Configuration.load(path: workspace.configPath)
        let runtime = try Runtime(
            configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: true)
        let stopAt = Date().addingTimeInterval(1)
        #expect {
            _ = try runtime.engine().run(mode: .apply, shouldStop: { Date() > stopAt })
        } throws: { error in
            guard case PlanableAPIError.cancelled = error else { return false }
            return true
        }
        #expect(!answered.withLock { $0 }, "the pass waited for the held read")
        #expect(try runtime.state.isEmpty(), "a stopped linking recorded items")
    }

    /// A fetch made ahead with validators that the scan would no longer send, such as one that got a 304 response
    /// before an entry failed, is not used: the scan fetches the feed again.
    @Test func staleValidatorsFetchAgain() throws {
        let (server, workspace) = try Self.serve()
        defer { server.stop() }
        defer { workspace.remove() }
        #expect(try workspace.run(.apply).created == 2)
        let configuration = try Configuration.load(path: workspace.configPath)
        let runtime = try Runtime(
            configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: true)
        let engine = runtime.engine()
        let stale = PrefetchedFeed(
            url: "\(server.baseURL)/a.xml", etag: "\"stale\"", lastModified: nil, result: .success(.notModified))
        engine.prefetchedFeeds = ["a": stale]
        let before = server.requests.count
        let report = try engine.run(mode: .apply, sourceNames: ["a"])
        #expect(report.unchanged == 1)
        #expect(server.requests.count == before + 1)
        #expect(server.requests.last?.path == "/a.xml")
    }

    /// A fetch made ahead with the validators that the scan sends is used, and the feed is not fetched again.
    @Test func matchingPrefetchIsUsed() throws {
        let (server, workspace) = try Self.serve()
        defer { server.stop() }
        defer { workspace.remove() }
        #expect(try workspace.run(.apply).created == 2)
        let configuration = try Configuration.load(path: workspace.configPath)
        let runtime = try Runtime(
            configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: true)
        let engine = runtime.engine()
        let feed = try #require(runtime.sources().first { $0.name == "a" } as? FeedSource)
        let validators = feed.validators(state: runtime.state)
        #expect(validators.lastModified != nil)
        engine.prefetchedFeeds = ["a": feed.prefetch(validators: validators)]
        let before = server.requests.count
        let report = try engine.run(mode: .apply, sourceNames: ["a"])
        #expect(report.unchanged == 1)
        #expect(server.requests.count == before)
    }
}
