import Foundation
import Testing

@testable import Feeds

/// Feeds that real publishers write with mistakes or in less common forms, which feedparser reads, and which lost a
/// post's text, media, date or link before.
@Suite struct FeedparserParityTests {
    func parse(_ text: String, url: String? = nil, contentType: String? = nil) throws -> Feed {
        try FeedParser.parse(Array(text.utf8), url: url, contentType: contentType)
    }

    /// `content:`, `dc:` and `media:` elements whose prefix the feed never declared get their usual namespaces, so
    /// the entry keeps its text, date and media. So do the content and Dublin Core namespaces written without their
    /// trailing slash.
    @Test func undeclaredPrefixesAreRead() throws {
        let undeclared = try parse(
            """
            <rss version="2.0"><channel><title>T</title>
            <item><title>One</title><guid>n1</guid><content:encoded><![CDATA[<p>Full text</p>]]></content:encoded>
            <dc:date>2024-12-02T10:00:00Z</dc:date><media:content url="https://n.example/a.jpg" medium="image"/>
            </item></channel></rss>
            """)
        let entry = try #require(undeclared.entries.first)
        #expect(entry.content == "Full text")
        #expect(entry.updated == Date(timeIntervalSince1970: 1_733_133_600))
        #expect(entry.media.map(\.url) == ["https://n.example/a.jpg"])

        let withoutSlash = try parse(
            """
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content"
            xmlns:dc="http://purl.org/dc/elements/1.1"><channel><title>T</title>
            <item><title>One</title><guid>n1</guid><content:encoded>Full text</content:encoded>
            <dc:date>2024-12-02T10:00:00Z</dc:date></item></channel></rss>
            """)
        #expect(withoutSlash.entries.first?.content == "Full text")
        #expect(withoutSlash.entries.first?.updated == Date(timeIntervalSince1970: 1_733_133_600))
    }

    /// A YouTube entry has its text only in `media:group/media:description`, which becomes the summary.
    @Test func youTubeDescriptionIsTheSummary() throws {
        let feed = try parse(
            """
            <feed xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom"><title>C</title>
            <entry><id>yt:video:abc</id><title>Video one</title><link rel="alternate" href="https://www.youtube.com/watch?v=abc"/>
            <updated>2024-12-02T10:00:00+00:00</updated>
            <media:group><media:title>Video one</media:title>
            <media:description>Line one
            Line two &amp; a link https://example.com/?a=1&amp;b=2, use &lt;div&gt; tags</media:description></media:group>
            </entry></feed>
            """)
        #expect(
            feed.entries.first?.summary == "Line one\nLine two & a link https://example.com/?a=1&b=2, use <div> tags")
    }

    /// A permalink guid that is a path is the entry's link, resolved against the feed's address. An id that is no
    /// path gives no link.
    @Test func relativePermalinkGuidIsTheLink() throws {
        let feed = try parse(
            """
            <rss version="2.0"><channel><title>T</title>
            <item><title>Path</title><guid>/posts/two/</guid></item>
            <item><title>Id</title><guid>post-3</guid></item>
            <item><title>Not a permalink</title><guid isPermaLink="false">/posts/four/</guid></item>
            </channel></rss>
            """, url: "https://blog.example/sub/feed.xml")
        #expect(feed.entries.map(\.link) == ["https://blog.example/posts/two/", "", ""])
    }

    /// A server that calls an XML feed JSON does not make it one: a document that starts with markup is read as XML.
    @Test func xmlServedAsJSONIsRead() throws {
        let feed = try parse(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><item><title>One</title></item></channel></rss>",
            contentType: "application/json")
        #expect(feed.entries.map(\.title) == ["One"])
    }

    /// A document that ends with its root's end tag was sent whole, so an element that libxml2 leaves open in it,
    /// such as an unclosed `<b>` in a copyright line, makes it ill-formed but not cut short.
    @Test func wholeDocumentWithOpenTagIsNotCutShort() throws {
        let feed = try parse(
            """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>News</title><id>urn:news</id>
            <entry><id>urn:1</id><title>One</title></entry><entry><id>urn:2</id><title>Two</title></entry>
            <rights>(c) 2026 <b>News</rights>
            </feed>
            """)
        #expect(feed.entries.map(\.title) == ["One", "Two"])
        #expect(feed.isIllFormed)
        #expect(!feed.isCutShort)
        #expect(FeedParser.endsWithEndTag(Array("<a:RDF></a:RDF>\n ".utf8), named: "RDF"))

        // An unclosed element in the channel, before the first entry, ends where the first entry starts.
        let openInChannel = try parse(
            """
            <rss version="2.0"><channel><title>T</title><copyright>(c) Me</copyright><b>
            <item><title>One</title></item><item><title>Two</title></item>
            </channel></rss>
            """)
        #expect(openInChannel.entries.map(\.title) == ["One", "Two"])
        #expect(openInChannel.isIllFormed)
        #expect(!FeedParser.endsWithEndTag(Array("<rss><channel>".utf8), named: "rss"))
    }

    /// The repair of an unclosed `<img>` finds the tag's end outside quoted values, and leaves an `img` element
    /// whose end tag the document has, so both read as before.
    @Test func imgRepairKeepsQuotesAndElements() throws {
        let quoted = try parse(
            """
            <rss version="2.0"><channel><title>T</title>
            <item><title>One &amp; co</title><guid>r1</guid>
            <description>Before <img alt="a > b" src="https://example.com/i.png"> after</description></item>
            <item><title>Two</title><guid>r2</guid></item></channel></rss>
            """)
        #expect(quoted.entries.map(\.title) == ["One & co", "Two"])
        #expect(quoted.entries.first?.summary == "Before a > b after")

        let element = try parse(
            """
            <rss version="2.0"><channel><title>T</title>
            <item><title>R&D engineer</title><guid>r1</guid><img><url>https://example.com/logo1.png</url></img></item>
            <item><title>Two</title><guid>r2</guid></item></channel></rss>
            """)
        #expect(element.entries.map(\.title) == ["R&D engineer", "Two"])
        #expect(element.illFormedReason?.contains("an & starts no entity") == true, "\(element.illFormedReason ?? "")")
    }

    /// Comments in a date are dropped in one pass, nested ones too.
    @Test func dateCommentsAreDropped() {
        let expected = Date(timeIntervalSince1970: 1_733_133_600)
        #expect(FeedDate.parse("Mon, 02 Dec 2024 10:00:00 +0000 (UTC (Z))") == expected)
        #expect(FeedDate.parse("Mon, 02 Dec 2024 (a) 10:00:00 (b) +0000 (c)") == expected)
    }
}
