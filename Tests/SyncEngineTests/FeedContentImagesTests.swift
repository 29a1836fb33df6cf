import Foundation
import Testing

@testable import Feeds
@testable import SyncEngine

/// Pictures in a feed entry's HTML, which `content_images` turns into media for pages such as Instagram that
/// need one when the feed has no enclosure.
@Suite(.serialized) struct FeedContentImagesTests {
    static let entryHTML = """
        <p><img src="https://pixel.news.example/b.gif" width="1" height="1">Opening day.</p>
        <p><img class="wp-smiley" src="https://news.example/smile.png" alt=":)"></p>
        <figure><img src="/img/front.jpg" alt="The shop front"></figure>
        <p><img src="data:image/png;base64,AAAA"><img src="https://cdn.news.example/counter.jpg"></p>
        <p><img src="/img/front.jpg"></p>
        """

    @Test func imagesSkipPixelsAndEmoji() {
        let images = HTMLText.images(
            HTMLText.resolvingURLs(Self.entryHTML, base: "https://news.example/feed/"))
        #expect(images.map(\.url) == ["https://news.example/img/front.jpg", "https://cdn.news.example/counter.jpg"])
        #expect(images.first?.alt == "The shop front")
        #expect(images.last?.alt == nil)
    }

    /// Runs a plan of a one-entry feed on an Instagram page with `content_images` set to `setting`, or unset.
    func plan(
        contentImages setting: String?, html: String = entryHTML, enclosures: String = ""
    ) throws -> ReportedItem {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-feed-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let feedPath = root.appendingPathComponent("feed.xml")
        // A relative URL would resolve against the file:// document and name a local file.
        let absoluteHTML = html.replacingOccurrences(of: "\"/img/", with: "\"https://news.example/img/")
        let text = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
            <channel><title>News</title><link>https://news.example/</link>
            <item><guid isPermaLink="false">open-1</guid><title>Open</title><link>https://news.example/open</link>
            <description>Opening day.</description><pubDate>Tue, 01 Dec 2026 09:00:00 EST</pubDate>
            <content:encoded><![CDATA[\(absoluteHTML)]]></content:encoded>\(enclosures)</item>
            </channel></rss>
            """
        try text.write(to: feedPath, atomically: true, encoding: .utf8)
        let workspace = try TestWorkspace(
            pages: ["Northwind Instagram"],
            extraConfiguration: """
                  - name: news
                    type: feed
                    url: \(feedPath.absoluteString)
                    backfill: 1
                \(setting.map { "    content_images: \($0)" } ?? "")
                """)
        defer { workspace.remove() }
        let report = try workspace.run(.plan)
        return try #require(report.items.first { $0.source == "news" })
    }

    @Test func contentImagesFeedInstagram() throws {
        let without = try plan(contentImages: nil)
        #expect(without.decision == .failed, "\(without)")
        #expect(without.message?.contains("needs at least one") == true, "\(without.message ?? "")")

        let first = try plan(contentImages: "first")
        #expect(first.decision == .create, "\(first.message ?? "")")
        #expect(first.posts.first?.media == ["https://news.example/img/front.jpg"])

        let all = try plan(contentImages: "all")
        #expect(all.decision == .create, "\(all.message ?? "")")
        #expect(
            all.posts.first?.media == ["https://news.example/img/front.jpg", "https://cdn.news.example/counter.jpg"])
    }

    /// A picture that fails its check is left out with a warning, and with `first` the next one takes its place.
    @Test func failingPictureGivesWay() throws {
        let broken = #"<p><img src="https://news.example/gallery.html"></p>"#
        let first = try plan(contentImages: "first", html: broken + Self.entryHTML)
        #expect(first.decision == .create, "\(first.message ?? "")")
        #expect(first.posts.first?.media == ["https://news.example/img/front.jpg"])
        let warnings = first.posts.first?.warnings ?? []
        let leftOut = warnings.first { $0.contains("picture left out") }
        #expect(leftOut != nil, "\(warnings)")
        #expect(leftOut?.contains("gallery.html") == true, "\(warnings)")

        let all = try plan(contentImages: "all", html: broken + Self.entryHTML)
        #expect(all.decision == .create, "\(all.message ?? "")")
        #expect(all.posts.first?.media.count == 2, "\(all.posts.first?.media ?? [])")
    }

    /// A podcast's audio enclosure cannot be posted, so it is left out with a warning and the entry keeps its
    /// picture.
    @Test func audioEnclosureIsLeftOut() throws {
        let enclosures = """
            <enclosure url="https://news.example/ep1.mp3" type="audio/mpeg" length="1000"/>
            <enclosure url="https://news.example/cover.jpg" type="image/jpeg" length="1000"/>
            """
        let item = try plan(contentImages: nil, enclosures: enclosures)
        #expect(item.decision == .create, "\(item.message ?? "")")
        #expect(item.posts.first?.media == ["https://news.example/cover.jpg"])
        let warnings = item.posts.first?.warnings ?? []
        #expect(
            warnings.contains {
                $0.hasPrefix("medium https://news.example/ep1.mp3 left out: the feed gives its type as audio/mpeg")
            },
            "\(warnings)")
    }

    @Test func unknownContentImagesIsRejected() throws {
        #expect {
            try plan(contentImages: "some")
        } throws: { error in
            "\(error)".contains("\"content_images\" must be none, first or all, not \"some\"")
        }
    }
}
