import Foundation
import TestSupport
import Testing

@testable import SyncEngine

/// Feed enclosures without a stated type, whose type the media check learns from the server.
@Suite(.serialized) struct FeedEnclosureTests {
    let server: LoopbackHTTPServer
    let root: URL

    init() throws {
        server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/episode": .init(status: 200, headers: [("Content-Type", "audio/mpeg")])
            case "/notes": .init(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")])
            case "/cover": .init(status: 200, headers: [("Content-Type", "image/jpeg")])
            default: .init(status: 404)
            }
        }
        root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-feed-enclosures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func cleanUp() {
        server.stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// Plans a one-entry feed whose entry has an enclosure of each of `paths` on the test server, without a type,
    /// twice, so that the second plan reads the media checks from the state, and returns both runs' entry.
    func planTwice(enclosures paths: [String]) throws -> [ReportedItem] {
        let enclosures = paths.map { "<enclosure url=\"\(server.baseURL)\($0)\" length=\"1000\"/>" }.joined()
        return try plan(enclosures: enclosures, runs: 2)
    }

    /// Writes a one-entry feed whose entry has the `enclosures` elements, plans it `runs` times with the feed
    /// source's `settings` lines added, and returns each run's entry.
    func plan(enclosures: String, settings: [String] = [], runs: Int = 1) throws -> [ReportedItem] {
        let feedPath = root.appendingPathComponent("feed.xml")
        try """
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>Podcast</title><link>https://pod.example/</link>
        <item><guid isPermaLink="false">ep-1</guid><title>Episode 1</title><link>https://pod.example/1</link>
        <description>The first episode.</description>\(enclosures)</item>
        </channel></rss>
        """.write(to: feedPath, atomically: true, encoding: .utf8)
        let extra = (["backfill: 1"] + settings).map { "\n    \($0)" }.joined()
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"],
            extraConfiguration: """
                  - name: podcast
                    type: feed
                    url: \(feedPath.absoluteString)\(extra)
                """)
        defer { workspace.remove() }
        return try (0..<runs).map { _ in
            try #require(try workspace.run(.plan).items.first { $0.source == "podcast" })
        }
    }

    /// An enclosure that the server calls audio, or a page, is left out with a warning, and the entry keeps its
    /// other media.
    @Test func unpostableTypeIsLeftOut() throws {
        defer { cleanUp() }
        let runs = try planTwice(enclosures: ["/episode", "/notes", "/cover"])
        for item in runs {
            #expect(item.decision == .create, "\(item.message ?? "")")
            #expect(item.posts.first?.media == [server.baseURL + "/cover"])
            let warnings = item.posts.first?.warnings ?? []
            #expect(
                warnings.contains(
                    "medium \(server.baseURL)/episode left out: it is served as audio/mpeg, which is not an image "
                        + "or video that Planable can post"),
                "\(warnings)")
            #expect(
                warnings.contains {
                    $0.hasPrefix("medium \(server.baseURL)/notes left out: it is served as text/html,")
                },
                "\(warnings)")
        }
        #expect(server.requests.filter { $0.path == "/episode" }.count == 1, "the second plan did not use the cache")
    }

    /// In a local export, an enclosure without a type whose file has an extension that Planable cannot post is
    /// left out in the same way.
    @Test func localAudioFileIsLeftOut() throws {
        defer { cleanUp() }
        try Data(MediaTestServer.pngBytes).write(to: root.appendingPathComponent("cover.png"))
        try Data([0x49, 0x44, 0x33, 0x04]).write(to: root.appendingPathComponent("episode.mp3"))
        let item = try #require(
            try plan(
                enclosures: "<enclosure url=\"episode.mp3\" length=\"4\"/><enclosure url=\"cover.png\" length=\"33\"/>",
                settings: ["media_base_url: https://pod.example/"]
            ).first)
        #expect(item.decision == .create, "\(item.message ?? "")")
        #expect(item.posts.first?.media == ["https://pod.example/cover.png"])
        let warnings = item.posts.first?.warnings ?? []
        #expect(
            warnings.contains { $0.hasPrefix("medium /episode.mp3 left out: its extension is .mp3,") }, "\(warnings)")
    }

    /// An enclosure without a type is not probed when its host is not on loopback and the embedded server runs.
    /// It is judged by its extension: audio is left out with a warning, and an unknown extension is taken for an
    /// image.
    @Test func unprobedAudioEnclosureIsLeftOut() throws {
        defer { cleanUp() }
        let item = try #require(
            try plan(
                enclosures: "<enclosure url=\"https://cdn.pod.example/ep-1.MP3\" length=\"4\"/>"
                    + "<enclosure url=\"https://cdn.pod.example/art?id=1\" length=\"33\"/>"
            ).first)
        #expect(item.decision == .create, "\(item.message ?? "")")
        #expect(item.posts.first?.media == ["https://cdn.pod.example/art?id=1"])
        let warnings = item.posts.first?.warnings ?? []
        #expect(
            warnings.contains(
                "medium https://cdn.pod.example/ep-1.MP3 left out: its extension is .mp3, which is not an image "
                    + "or video that Planable can post"),
            "\(warnings)")
    }

    /// An enclosure that cannot be reached still fails its entry, because the feed meant it to be posted.
    @Test func unreachableEnclosureFailsEntry() throws {
        defer { cleanUp() }
        let runs = try planTwice(enclosures: ["/missing", "/cover"])
        let item = try #require(runs.first)
        #expect(item.decision == .failed)
        #expect(item.message?.contains("\(server.baseURL)/missing returned HTTP 404") == true, "\(item.message ?? "")")
    }
}
