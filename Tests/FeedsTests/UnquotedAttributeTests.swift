import Foundation
import Testing

@testable import Feeds

/// Start tags of unescaped HTML whose attribute values have no quotes, or whose attributes have no value, as HTML
/// allows. libxml2 2.9.14 drops such a tag at the attribute and reads the rest of the tag as text. feedparser 6.0.14
/// reads the element with its attributes, and so does the repair.
@Suite struct UnquotedAttributeTests {
    func parse(_ text: String) throws -> Feed {
        try FeedParser.parse(Array(text.utf8), url: "https://shop.example/feed.xml", contentType: nil)
    }

    /// Each case is the second item's description, with the plain text and HTML that feedparser 6.0.14 reads from
    /// it. The HTML differs from feedparser's only where the serializers differ: attributes keep their order, and
    /// an element without an end tag ends at the description's end.
    @Test(arguments: [
        (
            "Prices drop by half on <a href=https://shop.example/list>Monday.</a>",
            "Prices drop by half on Monday.",
            "Prices drop by half on <a href=\"https://shop.example/list\">Monday.</a>"
        ),
        (
            "Prices drop by half on <a href=https://shop.example/list>Monday.",
            "Prices drop by half on Monday.",
            "Prices drop by half on <a href=\"https://shop.example/list\">Monday.</a>"
        ),
        (
            "Prices drop by half. <img src=https://shop.example/sale.png alt=Sale>",
            "Prices drop by half. Sale",
            "Prices drop by half. <img src=\"https://shop.example/sale.png\" alt=\"Sale\" />"
        ),
        (
            "<a href=https://shop.example/list?from=monday&to=friday>Prices drop by half.</a>",
            "Prices drop by half.",
            "<a href=\"https://shop.example/list?from=monday&amp;to=friday\">Prices drop by half.</a>"
        ),
        (
            "<a href = https://shop.example/list title='Sale list'>Prices drop by half.</a>",
            "Prices drop by half.",
            "<a href=\"https://shop.example/list\" title=\"Sale list\">Prices drop by half.</a>"
        ),
        (
            "<a href=https://shop.example/list\ntitle=List>Prices drop by half.</a>",
            "Prices drop by half.",
            "<a href=\"https://shop.example/list\" title=\"List\">Prices drop by half.</a>"
        ),
        (
            "<a title=\"Sale list\"href=https://shop.example/list>Prices drop by half.</a>",
            "Prices drop by half.",
            "<a title=\"Sale list\" href=\"https://shop.example/list\">Prices drop by half.</a>"
        ),
        (
            "<span class=lead>Prices drop by half.</span>",
            "Prices drop by half.",
            "<span class=\"lead\">Prices drop by half.</span>"
        ),
    ])
    func unquotedValueIsRead(middle: String, summary: String, html: String) throws {
        let feed = try parse(UnclosedElementTests.rss(middle: middle))
        #expect(feed.entries.map(\.title) == ["Opening hours", "Spring sale", "New staff"])
        #expect(feed.entries.dropFirst().first?.summary == summary)
        #expect(feed.entries.dropFirst().first?.summaryHTML == html)
        #expect(feed.entries.dropFirst().first?.published == Date(timeIntervalSince1970: 1_733_216_400))
        #expect(feed.entries.last?.summary == "Meet Ana, our new baker.")
        #expect(feed.isIllFormed)
        #expect(
            feed.illFormedReason?.contains("such as <a href=x> or <input disabled>, was read as HTML reads it") == true,
            "\(feed.illFormedReason ?? "")")
    }

    /// An unquoted value runs to white space or `>`, so the `/` of `<a href=x/>` is part of the value, and the
    /// element stays open, as in HTML. feedparser 6.0.14 reads the same value, but ends the element at the `/>`, so
    /// its HTML is `<a href="https://shop.example/list/"></a>Prices drop.`, with the same text.
    @Test func slashBeforeTagEndIsPartOfValue() throws {
        let feed = try parse(UnclosedElementTests.rss(middle: "<a href=https://shop.example/list/>Prices drop.</a>"))
        #expect(feed.entries.map(\.title) == ["Opening hours", "Spring sale", "New staff"])
        #expect(feed.entries.dropFirst().first?.summary == "Prices drop.")
        #expect(
            feed.entries.dropFirst().first?.summaryHTML == "<a href=\"https://shop.example/list/\">Prices drop.</a>")

        let image = try parse(UnclosedElementTests.rss(middle: "<img src=https://shop.example/a.png/>Prices drop."))
        #expect(image.entries.dropFirst().first?.summary == "Prices drop.")
        #expect(
            image.entries.dropFirst().first?.summaryHTML == "<img src=\"https://shop.example/a.png/\" />Prices drop.")
    }

    /// An attribute without a value gets its name as the value, as feedparser 6.0.14 writes it.
    @Test func attributeWithoutValue() throws {
        let feed = try parse(
            UnclosedElementTests.rss(middle: "Prices drop. <input type=checkbox disabled>Tell me<br clear=all>"))
        #expect(feed.entries.map(\.title) == ["Opening hours", "Spring sale", "New staff"])
        #expect(feed.entries.dropFirst().first?.summary == "Prices drop. Tell me")
        // NOTE: feedparser 6.0.14 reads `<input>` as an empty element, so "Tell me" follows it there, not inside.
        #expect(
            feed.entries.dropFirst().first?.summaryHTML
                == "Prices drop. <input type=\"checkbox\" disabled=\"disabled\">Tell me<br clear=\"all\" /></input>")
    }

    /// The feed's own elements are repaired too: the root's version sets the format, and a namespace URI that
    /// ends in `/` right before the `>` leaves the root open, so the items are read.
    @Test func unquotedRootAttributes() throws {
        let feed = try parse(
            """
            <rss version=2.0 xmlns:content=http://purl.org/rss/1.0/modules/content/><channel><title>T</title>
            <item><title>One</title><guid>n1</guid><content:encoded>Full text</content:encoded></item>
            </channel></rss>
            """)
        #expect(feed.format == .rss20)
        #expect(feed.title == "T")
        #expect(feed.entries.map(\.title) == ["One"])
        #expect(feed.entries.first?.content == "Full text")
    }

    /// A repair that would give one element more attributes than the markup scan allows is not used, because
    /// libxml2 takes time quadratic in an element's attribute count. The parser returns the first parse, so
    /// the tag's attributes stay text.
    @Test func manyUnquotedAttributesAreNotRepaired() throws {
        let attributes = (0..<50_000).map { " a\($0)=v" }.joined()
        let start = Date()
        let feed = try parse(UnclosedElementTests.rss(middle: "Prices drop.<span\(attributes)>"))
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(feed.entries.map(\.title) == ["Opening hours", "Spring sale", "New staff"])
        #expect(feed.entries.last?.summary == "Meet Ana, our new baker.")
        #expect(feed.entries.dropFirst().first?.summary.hasPrefix("Prices drop.") == true)
        #expect(feed.entries.dropFirst().first?.summary.hasSuffix("a49999=v>") == true)
    }
}

/// The byte rewrite of `UnquotedAttributes.quoted` on its own.
@Suite struct UnquotedAttributesRewriteTests {
    @Test(arguments: [
        ("<d><a href=x>z</a></d>", "<d><a href=\"x\">z</a></d>"),
        ("<d><a href=x/>z</d>", "<d><a href=\"x/\">z</d>"),
        ("<d><input disabled>z</d>", "<d><input disabled=\"disabled\">z</d>"),
        ("<d><input disabled/>z</d>", "<d><input disabled=\"disabled\"/>z</d>"),
        ("<d><input disabled />z</d>", "<d><input disabled=\"disabled\" />z</d>"),
        ("<d><a href=http://a/b?c=d>z</a></d>", "<d><a href=\"http://a/b?c=d\">z</a></d>"),
        ("<d><a href = x title='y z'>z</a></d>", "<d><a href = \"x\" title='y z'>z</a></d>"),
        ("<d><a\nhref=x\n>z</a></d>", "<d><a\nhref=\"x\"\n>z</a></d>"),
        ("<d><a title=say\"hi\">z</a></d>", "<d><a title=\"say&quot;hi&quot;\">z</a></d>"),
        ("<d><a title=it's>z</a></d>", "<d><a title=\"it's\">z</a></d>"),
        ("<d><a href=>z</a></d>", "<d><a href=\"\">z</a></d>"),
        ("<d><a href=\"x\"title=y>z</a></d>", "<d><a href=\"x\" title=\"y\">z</a></d>"),
        ("<d><a title=\"a > b\" href=x>z</a></d>", "<d><a title=\"a > b\" href=\"x\">z</a></d>"),
        ("<d>\n<a href=x>z</a>\n<b c=d></d>", "<d>\n<a href=\"x\">z</a>\n<b c=\"d\"></d>"),
    ])
    func rewrite(input: String, expected: String) throws {
        let repair = try #require(UnquotedAttributes.quoted(Array(input.utf8)))
        #expect(String(decoding: repair.bytes, as: UTF8.self) == expected)
    }

    @Test(arguments: [
        "<d><a href=\"x\" title='y'>z</a><br/><e /></d>",
        // A `<` before the tag's end leaves the tag to libxml2's recovery, which reads the rest as text.
        "<d>a <b and c</d>",
        "<d><a href=a<b>z</a></d>",
        "<d><a title=\"a<b\" href=x>z</a></d>",
        // A tag without its `>` at the end of a document cut off in transfer is left as it is.
        "<d><a href=x",
        "<d><!-- <a href=x> --><![CDATA[<a href=x>]]><?pi <a href=x>?></d>",
        "<!DOCTYPE d><d></d x=y></d>",
    ])
    func wellFormedTagIsKept(input: String) {
        #expect(UnquotedAttributes.quoted(Array(input.utf8)) == nil)
    }

    @Test func firstLineIsThatOfFirstRepair() throws {
        let repair = try #require(UnquotedAttributes.quoted(Array("<d>\n<e a=\"b\">\n<a href=x>\n<b c></d>".utf8)))
        #expect(repair.firstLine == 3)
    }
}
