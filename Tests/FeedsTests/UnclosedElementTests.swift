import Foundation
import Testing

@testable import Feeds

/// Unescaped HTML that leaves an element open inside an entry's text. libxml2's recovery ends that element at the
/// field's end tag, so the entry and every later entry are read inside it. Each element is closed at the end of
/// its field instead, and every entry is read with its own text, as feedparser 6.0.14 reads them.
@Suite struct UnclosedElementTests {
    func parse(_ text: String) throws -> Feed {
        try FeedParser.parse(Array(text.utf8), url: "https://shop.example/feed.xml", contentType: nil)
    }

    /// Returns an RSS 2.0 feed of three items with `middle` and `last` as the second and third items' descriptions.
    /// Each item's date and guid follow its description, as many generators write them.
    static func rss(middle: String, last: String = "Meet Ana, our new baker.") -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>Shop news</title><link>https://shop.example/</link>
        <description>News from the shop</description>
        <item><title>Opening hours</title><link>https://shop.example/hours</link>
        <description><p>We open at <b>nine</b> on weekdays.</p></description>
        <pubDate>Mon, 02 Dec 2024 09:00:00 +0000</pubDate><guid>https://shop.example/hours</guid></item>
        <item><title>Spring sale</title><link>https://shop.example/sale</link>
        <description>\(middle)</description>
        <pubDate>Tue, 03 Dec 2024 09:00:00 +0000</pubDate><guid>https://shop.example/sale</guid></item>
        <item><title>New staff</title><link>https://shop.example/staff</link>
        <description>\(last)</description>
        <pubDate>Wed, 04 Dec 2024 09:00:00 +0000</pubDate><guid>https://shop.example/staff</guid></item>
        </channel></rss>
        """
    }

    /// Checks the three items of `rss(middle:last:)`: titles, links, dates and the first item's text, with
    /// `middle` and `last` as the texts the other two items should read.
    func expectThreeItems(_ feed: Feed, middle: String, last: String = "Meet Ana, our new baker.") {
        #expect(feed.entries.count == 3)
        #expect(feed.entries.map(\.title) == ["Opening hours", "Spring sale", "New staff"])
        #expect(
            feed.entries.map(\.link) == [
                "https://shop.example/hours", "https://shop.example/sale", "https://shop.example/staff",
            ])
        #expect(
            feed.entries.map(\.published) == [
                Date(timeIntervalSince1970: 1_733_130_000), Date(timeIntervalSince1970: 1_733_216_400),
                Date(timeIntervalSince1970: 1_733_302_800),
            ])
        #expect(feed.entries.map(\.id) == feed.entries.map(\.link))
        #expect(feed.entries.first?.summary == "We open at nine on weekdays.")
        #expect(feed.entries.dropFirst().first?.summary == middle)
        #expect(feed.entries.last?.summary == last)
    }

    @Test(arguments: [
        ("Prices drop by <b>half on Monday.", "Prices drop by <b>half on Monday.</b>"),
        (
            "<span class=\"lead\">Prices drop by half on Monday.",
            "<span class=\"lead\">Prices drop by half on Monday.</span>"
        ),
        ("Prices drop by <i>half on Monday.", "Prices drop by <i>half on Monday.</i>"),
        (
            "Prices drop by half on <a href=\"https://shop.example/sale/list\">Monday.",
            "Prices drop by half on <a href=\"https://shop.example/sale/list\">Monday.</a>"
        ),
    ])
    func rssInlineElementIsClosedAtFieldEnd(middle: String, closed: String) throws {
        let feed = try parse(Self.rss(middle: middle))
        expectThreeItems(feed, middle: "Prices drop by half on Monday.")
        #expect(feed.entries.dropFirst().first?.summaryHTML == closed)
        #expect(feed.isIllFormed)
        #expect(!feed.isCutShort)
        #expect(
            feed.illFormedReason?.contains("without its end tag, such as <b> or <span>, was closed") == true,
            "\(feed.illFormedReason ?? "")")
    }

    /// The same feed with the element closed is well-formed and reads the same, so the repair closes the element
    /// where its author meant it to end.
    @Test func wellFormedFeedReadsAsRepairedOne() throws {
        let closed = try parse(Self.rss(middle: "Prices drop by <b>half on Monday.</b>"))
        #expect(!closed.isIllFormed, "\(closed.illFormedReason ?? "")")
        expectThreeItems(closed, middle: "Prices drop by half on Monday.")

        let repaired = try parse(Self.rss(middle: "Prices drop by <b>half on Monday."))
        #expect(repaired.entries.map(\.summaryHTML) == closed.entries.map(\.summaryHTML))
        #expect(repaired.entries.map(\.contentHash) == closed.entries.map(\.contentHash))
        #expect(repaired.entries.map(\.key) == closed.entries.map(\.key))
    }

    @Test func divIsClosedAtFieldEnd() throws {
        let feed = try parse(Self.rss(middle: "<div>Prices drop by half.<div>Sale starts on Monday.</div>"))
        expectThreeItems(feed, middle: "Prices drop by half.\nSale starts on Monday.")
        #expect(
            feed.entries.dropFirst().first?.summaryHTML
                == "<div>Prices drop by half.<div>Sale starts on Monday.</div></div>")
    }

    @Test func nestedElementsAreClosedInnermostFirst() throws {
        let feed = try parse(Self.rss(middle: "<div><span class=\"lead\"><i>Prices drop by half on Monday."))
        expectThreeItems(feed, middle: "Prices drop by half on Monday.")
        #expect(
            feed.entries.dropFirst().first?.summaryHTML
                == "<div><span class=\"lead\"><i>Prices drop by half on Monday.</i></span></div>")
    }

    /// A `<p>` left open in a feed that closes other paragraphs after it is not taken as an empty element, so it
    /// ends at the field's end tag too.
    @Test func paragraphInFeedThatClosesParagraphs() throws {
        let feed = try parse(
            Self.rss(
                middle: "<p>Prices drop by half.</p><p>Sale starts on Monday.", last: "<p>Meet Ana, our new baker.</p>")
        )
        expectThreeItems(
            feed, middle: "Prices drop by half.\n\nSale starts on Monday.", last: "Meet Ana, our new baker.")
        #expect(
            feed.entries.dropFirst().first?.summaryHTML == "<p>Prices drop by half.</p><p>Sale starts on Monday.</p>")
    }

    /// An element left open in the last item ends at its description's end tag, so the date and guid after the
    /// description stay fields of the item.
    @Test func unclosedElementInLastItem() throws {
        let feed = try parse(
            Self.rss(middle: "Prices drop by half on Monday.", last: "Meet <b>Ana</b>, our new <span>baker."))
        expectThreeItems(feed, middle: "Prices drop by half on Monday.", last: "Meet Ana, our new baker.")
        #expect(feed.entries.last?.summaryHTML == "Meet <b>Ana</b>, our new <span>baker.</span>")
        #expect(!feed.isCutShort)
    }

    /// An end tag that closes no open element would end the description early in libxml2's recovery, and every
    /// later end tag one element too soon, so it is left out, as feedparser ignores it.
    @Test func strayEndTagIsLeftOut() throws {
        let feed = try parse(Self.rss(middle: "Prices drop</b> by half on Monday."))
        expectThreeItems(feed, middle: "Prices drop by half on Monday.")
        #expect(
            feed.illFormedReason?.contains("an end tag that closes no open element") == true,
            "\(feed.illFormedReason ?? "")")
    }

    /// Start tags with attribute errors, which libxml2 reads as an element or drops, and the end tags after them,
    /// leave the items apart.
    @Test(arguments: [
        "Prices drop by half. <input disabled>Monday.",
        "Prices drop by half. <a href=https://shop.example/sale/list>Monday.</a>",
        "Prices drop by half. <a href=\"https://shop.example/sale/list\"title=\"List\">Monday.</a>",
        "Prices drop by half. <a href=\"https://shop.example/sale/list\" title=\"List\" >Monday.",
        "Prices drop by half. <img src=\"https://shop.example/a.png\" alt=\"<\">Monday.</img>",
    ])
    func startTagWithAttributeError(middle: String) throws {
        let feed = try parse(Self.rss(middle: middle))
        #expect(feed.entries.map(\.title) == ["Opening hours", "Spring sale", "New staff"])
        #expect(feed.entries.map(\.link).last == "https://shop.example/staff")
        #expect(feed.entries.dropFirst().first?.summary.hasPrefix("Prices drop by half.") == true)
        #expect(feed.entries.dropFirst().first?.summary.hasSuffix("Monday.") == true)
        #expect(feed.entries.dropFirst().first?.published == Date(timeIntervalSince1970: 1_733_216_400))
        #expect(feed.entries.last?.summary == "Meet Ana, our new baker.")
    }

    /// `content:encoded` with an unclosed `<span>`, and a description that is well-formed.
    @Test func contentEncodedSpanIsClosed() throws {
        let feed = try parse(
            """
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Blog</title>
            <item><title>First post</title><link>https://blog.example/1</link>
            <description>Short one</description>
            <content:encoded><p>Long <span style="color:red">one.</p></content:encoded>
            <pubDate>Mon, 02 Dec 2024 09:00:00 +0000</pubDate></item>
            <item><title>Second post</title><link>https://blog.example/2</link>
            <description>Short two</description>
            <content:encoded><p>Long two.</p></content:encoded>
            <pubDate>Tue, 03 Dec 2024 09:00:00 +0000</pubDate></item>
            </channel></rss>
            """)
        #expect(feed.entries.map(\.title) == ["First post", "Second post"])
        #expect(feed.entries.map(\.summary) == ["Short one", "Short two"])
        #expect(feed.entries.map(\.content) == ["Long one.", "Long two."])
        #expect(feed.entries.first?.contentHTML == "<p>Long <span style=\"color:red\">one.</span></p>")
        #expect(feed.entries.map(\.link) == ["https://blog.example/1", "https://blog.example/2"])
        #expect(feed.entries.allSatisfy { $0.published != nil })
    }

    /// Atom: raw HTML in an `html` summary and an `xhtml` content `div` with elements left open.
    @Test func atomEntriesAreAllRead() throws {
        let feed = try parse(
            """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Shop news</title><id>urn:shop</id>
            <updated>2024-12-04T09:00:00Z</updated>
            <entry><title>Opening hours</title><link href="https://shop.example/hours"/><id>urn:shop:1</id>
            <summary type="html">We open at <b>nine on weekdays.</summary>
            <updated>2024-12-02T09:00:00Z</updated></entry>
            <entry><title>Spring sale</title><link href="https://shop.example/sale"/><id>urn:shop:2</id>
            <summary>Half price</summary>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Prices drop by <span>half.
            <a href="https://shop.example/sale/list">See the list</div></content>
            <updated>2024-12-03T09:00:00Z</updated></entry>
            <entry><title>New staff</title><link href="https://shop.example/staff"/><id>urn:shop:3</id>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Meet <b>Ana.</div></content>
            <updated>2024-12-04T09:00:00Z</updated></entry>
            </feed>
            """)
        #expect(feed.entries.count == 3)
        #expect(feed.entries.map(\.title) == ["Opening hours", "Spring sale", "New staff"])
        #expect(feed.entries.map(\.id) == ["urn:shop:1", "urn:shop:2", "urn:shop:3"])
        #expect(
            feed.entries.map(\.link) == [
                "https://shop.example/hours", "https://shop.example/sale", "https://shop.example/staff",
            ])
        #expect(
            feed.entries.map(\.updated) == [
                Date(timeIntervalSince1970: 1_733_130_000), Date(timeIntervalSince1970: 1_733_216_400),
                Date(timeIntervalSince1970: 1_733_302_800),
            ])
        #expect(feed.entries.map(\.summary) == ["We open at nine on weekdays.", "Half price", ""])
        #expect(feed.entries.map(\.content) == ["", "Prices drop by half. See the list", "Meet Ana."])
        #expect(
            feed.entries.dropFirst().first?.contentHTML
                == "Prices drop by <span>half.\n<a href=\"https://shop.example/sale/list\">See the list</a></span>")
        #expect(feed.isIllFormed)
    }

    /// An element left open in the channel's copyright line ends at `</copyright>`, so the items after it are read.
    @Test func unclosedElementBeforeFirstItem() throws {
        let feed = try parse(
            """
            <rss version="2.0"><channel><title>T</title><copyright>(c) <b>Me</copyright>
            <item><title>One</title></item><item><title>Two</title></item>
            </channel></rss>
            """)
        #expect(feed.entries.map(\.title) == ["One", "Two"])
        #expect(feed.isIllFormed)
    }

    /// An element left open in the channel itself, outside any field, would take in every item after it. It is
    /// closed where the next item starts, so the items are read, as feedparser 6.0.14 reads them.
    @Test(arguments: [
        "<foo>", "<b>\n", "<image><url>https://shop.example/logo.png</url><title>Shop</title>", "<br>",
        "<foo><span class=\"lead\">News",
    ])
    func elementOpenInChannelIsClosedAtItem(opened: String) throws {
        let feed = try parse(
            """
            <rss version="2.0"><channel><title>T</title>\(opened)
            <item><title>One</title><link>https://shop.example/1</link></item>
            <item><title>Two</title><link>https://shop.example/2</link></item>
            </channel></rss>
            """)
        #expect(feed.title == "T")
        #expect(feed.entries.map(\.title) == ["One", "Two"])
        #expect(feed.entries.map(\.link) == ["https://shop.example/1", "https://shop.example/2"])
        #expect(feed.isIllFormed)
        #expect(!feed.isCutShort)
    }

    @Test func elementOpenInAtomFeedIsClosedAtEntry() throws {
        let feed = try parse(
            """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:shop</id><foo>
            <entry><title>One</title><id>urn:shop:1</id></entry><entry><title>Two</title><id>urn:shop:2</id></entry>
            </feed>
            """)
        #expect(feed.entries.map(\.title) == ["One", "Two"])
        #expect(feed.entries.map(\.id) == ["urn:shop:1", "urn:shop:2"])
        #expect(feed.isIllFormed)
    }

    /// RSS 1.0 items are children of `rdf:RDF`, after the channel.
    @Test func elementOpenInRDFIsClosedAtItem() throws {
        let feed = try parse(
            """
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
            <channel rdf:about="https://shop.example/"><title>T</title></channel><foo>
            <item rdf:about="https://shop.example/1"><title>One</title><link>https://shop.example/1</link></item>
            <item rdf:about="https://shop.example/2"><title>Two</title><link>https://shop.example/2</link></item>
            </rdf:RDF>
            """)
        #expect(feed.format == .rss10)
        #expect(feed.entries.map(\.title) == ["One", "Two"])
        #expect(feed.entries.map(\.link) == ["https://shop.example/1", "https://shop.example/2"])
    }

    /// An item left open ends where the next one starts, so it is read as an entry of its own, as feedparser 6.0.14
    /// reads it, and not with the next items inside it.
    @Test func unclosedItemIsClosedAtNextItem() throws {
        let feed = try parse(
            """
            <rss version="2.0"><channel><title>T</title>
            <item><title>One</title><link>https://shop.example/1</link>
            <item><title>Two</title><link>https://shop.example/2</link></item>
            <item><title>Three</title><link>https://shop.example/3</link></item>
            </channel></rss>
            """)
        #expect(feed.entries.map(\.title) == ["One", "Two", "Three"])
        #expect(
            feed.entries.map(\.link) == [
                "https://shop.example/1", "https://shop.example/2", "https://shop.example/3",
            ])
    }

    /// Items inside another element of the channel, in a well-formed feed, read as no entries at every fetch, so
    /// the feed fails as a feed to fix, not as an empty feed.
    @Test func itemsInsideOtherElementFail() throws {
        let error = try #require(throws: FeedError.self) {
            try parse(
                """
                <rss version="2.0"><channel><title>T</title><b>
                <item><title>One</title></item><item><title>Two</title></item>
                </b></channel></rss>
                """)
        }
        #expect(error.code == .notAFeed)
        #expect(error.message.contains("the entries are inside <b>"), "\(error.message)")
        // The document is well-formed, so no element is left open.
        #expect(!error.message.contains("never closed"), "\(error.message)")
        #expect(error.message.contains("directly in its channel or feed element"), "\(error.message)")
    }

    /// Many entries, each with an element left open, are repaired in time linear in the document's length.
    @Test func manyRepairsAreLinear() throws {
        let count = 20_000
        var xml = "<rss version=\"2.0\"><channel><title>T</title>"
        for index in 0..<count {
            xml += "<item><title>Item \(index)</title><description>A <b>bold claim</description></item>\n"
        }
        xml += "</channel></rss>"
        let start = Date()
        let feed = try parse(xml)
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(feed.entries.count == count)
        #expect(feed.entries.last?.summary == "A bold claim")
    }

    /// Deep unclosed elements outside any channel followed by many items: each item start finds that no channel
    /// is open without walking the open elements.
    @Test func itemsAfterDeepElementsAreRepairedQuickly() throws {
        let depth = 100_000
        let document = "<d>" + String(repeating: "<b>", count: depth) + String(repeating: "<item/>", count: depth)
        let start = Date()
        #expect(UnclosedElements.balanced(Array(document.utf8)) == nil)
        #expect(Date().timeIntervalSince(start) < 20)
    }

    /// Deep unclosed elements followed by many stray end tags: each stray tag is found to match no open element
    /// without walking the open ones.
    @Test func deepUnclosedElementsAreRepairedQuickly() throws {
        let depth = 100_000
        let description = String(repeating: "<b>", count: depth) + "x" + String(repeating: "</i>", count: depth)
        let start = Date()
        let repair = try #require(UnclosedElements.balanced(Array(Self.rss(middle: description).utf8)))
        #expect(Date().timeIntervalSince(start) < 20)
        let text = String(decoding: repair.bytes, as: UTF8.self)
        #expect(text.contains("x" + String(repeating: "</b>", count: depth) + "</description>"))
        #expect(!text.contains("</i>"))
    }
}

/// The byte rewrite of `UnclosedElements.balanced` on its own.
@Suite struct UnclosedElementsRewriteTests {
    @Test(arguments: [
        ("<d>a <b>x</d>", "<d>a <b>x</b></d>"),
        ("<d><div><span>x</d>", "<d><div><span>x</span></div></d>"),
        ("<d><B>x</d >", "<d><B>x</B></d >"),
        ("<d>a</b> c</d>", "<d>a c</d>"),
        ("<d><a title=\"x > y\">z</d>", "<d><a title=\"x > y\">z</a></d>"),
        ("<d><input disabled>x</d>", "<d><input disabled>x</input></d>"),
        // libxml2 does not open an element whose attribute value has no quotes, so its end tag closes nothing.
        ("<d><a href=x>z</a></d>", "<d><a href=x>z</d>"),
        ("<d><a href=\"x\"title=\"y\">z</a></d>", "<d><a href=\"x\"title=\"y\">z</d>"),
        // An item or entry start closes the elements left open in its channel or feed.
        (
            "<rss><channel><foo><item>x</item></channel></rss>",
            "<rss><channel><foo></foo><item>x</item></channel></rss>"
        ),
        ("<feed><foo><b><entry>x</entry></feed>", "<feed><foo><b></b></foo><entry>x</entry></feed>"),
        (
            "<rdf:RDF><channel></channel><foo><item>x</item></rdf:RDF>",
            "<rdf:RDF><channel></channel><foo></foo><item>x</item></rdf:RDF>"
        ),
        (
            "<rss><channel><item><title>a<item>x</item></channel></rss>",
            "<rss><channel><item><title>a</title></item><item>x</item></channel></rss>"
        ),
        (
            "<r:channel><foo><r:item>x</r:item></r:channel>",
            "<r:channel><foo></foo><r:item>x</r:item></r:channel>"
        ),
        // The element's own end tag then closes no open element.
        (
            "<rss><channel><foo><item>x</item></foo></channel></rss>",
            "<rss><channel><foo></foo><item>x</item></channel></rss>"
        ),
    ])
    func rewrite(input: String, expected: String) throws {
        let repair = try #require(UnclosedElements.balanced(Array(input.utf8)))
        #expect(String(decoding: repair.bytes, as: UTF8.self) == expected)
    }

    @Test(arguments: [
        "<d><b>x</b><br/></d>",
        // An end tag in another letter case still ends the innermost element, as libxml2 reads it.
        "<d><B>x</b></d>",
        "<d><!-- <b> --><![CDATA[<i></u>]]><?pi <b>?>x</d>",
        // A document cut off in transfer keeps its open elements.
        "<rss><channel><item><description>a <b>x",
        "<d><a href=\"x\">z</a><e/></d>",
        // Only an item of the channel's prefix, or without one, closes elements, and an entry only in a feed.
        "<rss><channel><foo:list><foo:item/></foo:list><item>x</item></channel></rss>",
        "<rss><channel><item><entry>x</entry></item></channel></rss>",
        "<feed><entry><foo><item>x</item></foo></entry></feed>",
    ])
    func balancedInputIsKept(input: String) {
        #expect(UnclosedElements.balanced(Array(input.utf8)) == nil)
    }

    @Test func firstLineIsThatOfFirstRepair() throws {
        let repair = try #require(UnclosedElements.balanced(Array("<d>\n<e>\n<b>x</e>\n</i></d>".utf8)))
        #expect(repair.firstLine == 3)
        #expect(repair.problem.hasPrefix("an element of unescaped HTML without its end tag"))
    }
}
