import Foundation
import Testing

@testable import Feeds

/// Faults that real feeds have: byte order marks, legacy encodings, relative URLs, missing GUIDs, hostile input.
@Suite struct FeedParserFaultTests {
    func parse(_ text: String, url: String? = nil, contentType: String? = nil) throws -> Feed {
        try FeedParser.parse(Array(text.utf8), url: url, contentType: contentType)
    }

    static let rssWithOneItem = """
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>Caf\u{E9} news</title>
        <item><title>Cr\u{E8}me</title><guid>urn:item:1</guid></item></channel></rss>
        """

    @Test func utf8ByteOrderMarkBeforeDeclaration() throws {
        let feed = try FeedParser.parse(
            [0xEF, 0xBB, 0xBF] + Array(Self.rssWithOneItem.utf8), url: nil, contentType: nil)
        #expect(!feed.isIllFormed, "\(feed.illFormedReason ?? "")")
        #expect(feed.encoding == "utf-8")
        #expect(feed.title == "Caf\u{E9} news")
        #expect(feed.entries.first?.title == "Cr\u{E8}me")
    }

    @Test(arguments: [
        ("utf-16le", [UInt8]([0xFF, 0xFE])), ("utf-16be", [0xFE, 0xFF]), ("utf-32le", [0xFF, 0xFE, 0x00, 0x00]),
        ("utf-32be", [0x00, 0x00, 0xFE, 0xFF]),
    ])
    func wideByteOrderMarks(encoding: String, bom: [UInt8]) throws {
        let text = Self.rssWithOneItem.replacingOccurrences(of: "encoding=\"utf-8\"", with: "encoding=\"utf-16\"")
        let encodingValue: String.Encoding =
            switch encoding {
            case "utf-16le": .utf16LittleEndian
            case "utf-16be": .utf16BigEndian
            case "utf-32le": .utf32LittleEndian
            default: .utf32BigEndian
            }
        let data = bom + Array(text.data(using: encodingValue)!)
        let feed = try FeedParser.parse(data, url: nil, contentType: nil)
        #expect(feed.encoding == encoding)
        #expect(!feed.isIllFormed, "\(feed.illFormedReason ?? "")")
        #expect(feed.entries.first?.title == "Cr\u{E8}me")
    }

    @Test func byteOrderMarkOutranksDeclaration() throws {
        let text = Self.rssWithOneItem.replacingOccurrences(of: "encoding=\"utf-8\"", with: "encoding=\"iso-8859-1\"")
        let data = [0xFF, 0xFE] + Array(text.data(using: .utf16LittleEndian)!)
        let feed = try FeedParser.parse(data, url: nil, contentType: nil)
        #expect(feed.encoding == "utf-16le")
        #expect(feed.entries.first?.title == "Cr\u{E8}me")
        #expect(feed.isIllFormed)
        #expect(
            feed.illFormedReason?.contains("byte order mark says utf-16le") == true, "\(feed.illFormedReason ?? "")")
    }

    @Test func declaredISO88591() throws {
        var data = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Caf".utf8)
        data += [0xE9]
        data +=
            Array("</title><item><description>na".utf8) + [0xEF] + Array("ve</description></item></channel></rss>".utf8)
        let feed = try FeedParser.parse(data, url: nil, contentType: nil)
        #expect(feed.encoding == "iso-8859-1")
        #expect(!feed.isIllFormed)
        #expect(feed.title == "Caf\u{E9}")
        #expect(feed.entries.first?.summary == "na\u{EF}ve")
    }

    @Test func httpCharsetOverridesDeclaration() throws {
        var data = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>".utf8)
        data += [0xA3] + Array("5</title></channel></rss>".utf8)
        let feed = try FeedParser.parse(data, url: nil, contentType: "application/rss+xml; charset=windows-1252")
        #expect(feed.encoding == "windows-1252")
        #expect(feed.title == "\u{A3}5")
        #expect(!feed.isIllFormed)
    }

    @Test func wrongDeclaredEncodingIsReported() throws {
        var data = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Caf".utf8)
        data += [0xE9] + Array("</title></channel></rss>".utf8)
        let feed = try FeedParser.parse(data, url: nil, contentType: nil)
        #expect(feed.isIllFormed)
        let reason = try #require(feed.illFormedReason)
        #expect(reason.contains("utf-8 from the XML declaration does not fit"), "\(reason)")
        #expect(reason.contains("offset"), "\(reason)")
        #expect(feed.title == "Caf\u{E9}", "decoded with the Windows-1252 fallback")
    }

    @Test func undeclaredLegacyEncodingIsFlagged() throws {
        var data = Array("<rss version=\"2.0\"><channel><title>".utf8)
        data += [0xC4, 0xE3, 0xBA, 0xC3, 0xCA, 0xC0, 0xBD, 0xE7]  // "Hello world" in GB2312, undeclared.
        data += Array("</title></channel></rss>".utf8)
        let feed = try FeedParser.parse(data, url: nil, contentType: nil)
        #expect(feed.isIllFormed)
        #expect(feed.illFormedReason?.contains("declares no encoding") == true, "\(feed.illFormedReason ?? "")")
        #expect(feed.encoding == "windows-1252")
    }

    @Test func textPlainIsNotAnXMLMediaType() throws {
        let feed = try parse(Self.rssWithOneItem, contentType: "text/plain")
        #expect(feed.isIllFormed)
        #expect(feed.illFormedReason?.contains("text/plain") == true)
    }

    @Test func relativeImageURLsResolveAgainstBaseThenDocument() throws {
        let xml = """
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
            <item><title>A</title><link>/posts/a</link>
            <description>&lt;p&gt;&lt;img src="img/a.png" alt="A"&gt; hi&lt;/p&gt;</description>
            <content:encoded xml:base="https://cdn.example.com/media/">&lt;img src="../b.png"&gt;</content:encoded>
            <enclosure url="audio/a.mp3" type="audio/mpeg" length="1234"/>
            </item></channel></rss>
            """
        let feed = try parse(xml, url: "https://blog.example.com/feed/rss.xml")
        let entry = try #require(feed.entries.first)
        #expect(entry.link == "https://blog.example.com/posts/a")
        #expect(
            entry.summaryHTML?.contains("src=\"https://blog.example.com/feed/img/a.png\"") == true,
            "\(entry.summaryHTML ?? "")")
        #expect(
            entry.contentHTML?.contains("src=\"https://cdn.example.com/b.png\"") == true, "\(entry.contentHTML ?? "")")
        #expect(entry.summary == "A hi")
        #expect(
            entry.media == [
                FeedMedia(
                    url: "https://blog.example.com/feed/audio/a.mp3", type: "audio/mpeg", length: 1234, role: .enclosure
                )
            ])
    }

    @Test func mediaContentAndThumbnail() throws {
        let xml = """
            <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item><guid>1</guid>
            <media:content url="v.mp4" type="video/mp4" fileSize="99"/>
            <media:group><media:content url="p.jpg" medium="image"/></media:group>
            <media:thumbnail url="t.jpg"/></item></channel></rss>
            """
        let entry = try #require(try parse(xml, url: "http://example.com/").entries.first)
        // The item's own media come first, then those of its groups.
        #expect(
            entry.media.map(\.url) == [
                "http://example.com/v.mp4", "http://example.com/t.jpg", "http://example.com/p.jpg",
            ])
        #expect(entry.media.map(\.role) == [.content, .thumbnail, .content])
        #expect(entry.media.map(\.medium) == ["video", "image", "image"])
        #expect(entry.media[0].length == 99)
    }

    @Test func duplicateMediaURLsKeptOnce() throws {
        let xml = """
            <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item><guid>1</guid>
            <enclosure url="http://example.com/a.jpg" type="image/jpeg" length="10"/>
            <media:content url="http://example.com/a.jpg" medium="image"/></item></channel></rss>
            """
        let entry = try #require(try parse(xml).entries.first)
        #expect(entry.media.count == 1)
        #expect(entry.media.first?.role == .enclosure)
    }

    @Test func entitiesDecodedOnce() throws {
        let rss = """
            <rss version="2.0"><channel><item><title>Q&amp;A</title>
            <link>http://example.com/?a=1&amp;amp;b=2</link></item></channel></rss>
            """
        let rssEntry = try #require(try parse(rss).entries.first)
        #expect(rssEntry.link == "http://example.com/?a=1&amp;b=2", "a link is decoded by the XML parser only")
        #expect(rssEntry.title == "Q&A")

        let atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="text">AT&amp;amp;T</title>
            <title type="html">ignored</title></entry></feed>
            """
        let atomEntry = try #require(try parse(atom).entries.first)
        #expect(atomEntry.title == "AT&amp;T", "an Atom text title is plain text, decoded once")
    }

    @Test func rssTitleWithMarkupIsReadAsHTML() throws {
        // RSS does not say whether a title is HTML; like feedparser, a title with tags or entity references is
        // read as HTML.
        let rss =
            "<rss version=\"2.0\"><channel><item><title>AT&amp;amp;T &lt;b&gt;news&lt;/b&gt;</title></item></channel></rss>"
        let entry = try #require(try parse(rss).entries.first)
        #expect(entry.title == "AT&T news")
    }

    /// A title whose angle brackets are no HTML elements, as WordPress escapes them, keeps them as text.
    @Test(arguments: [
        ("Generics: Array&lt;T&gt; vs List&lt;T&gt; in Swift", "Generics: Array<T> vs List<T> in Swift"),
        ("How to use the &lt;picture&gt; element", "How to use the <picture> element"),
        ("Fish &amp; Chips", "Fish & Chips"),
        ("A &lt;b&gt;bold&lt;/b&gt; and &lt;T&gt;", "A <b>bold</b> and <T>"),
        ("Caf&amp;eacute; &amp;#8211; open", "Café – open"),
    ])
    func rssTitleWithTextBracketsStaysText(escaped: String, title: String) throws {
        let rss = "<rss version=\"2.0\"><channel><item><title>\(escaped)</title></item></channel></rss>"
        let entry = try #require(try parse(rss).entries.first)
        #expect(entry.title == title)
    }

    @Test func missingGUIDKeyComesFromNormalizedLink() throws {
        let first = try parse(
            "<rss version=\"2.0\"><channel><item><title>A</title><link>HTTP://Example.com/a/#top</link><description>one</description></item></channel></rss>"
        )
        let second = try parse(
            "<rss version=\"2.0\"><channel><item><title>A, edited</title><link>https://example.com/a</link><description>two</description></item></channel></rss>"
        )
        #expect(first.entries[0].id == nil)
        #expect(first.entries[0].key == "link:http://example.com/a")
        #expect(first.entries[0].key == second.entries[0].key)
        #expect(first.entries[0].contentHash != second.entries[0].contentHash)
    }

    @Test func missingGUIDAndLinkKeyComesFromTitleAndDate() throws {
        let xml =
            "<rss version=\"2.0\"><channel><item><title>Note</title><pubDate>Thu, 01 Jan 2004 19:48:21 GMT</pubDate><description>%@</description></item></channel></rss>"
        let first = try parse(xml.replacingOccurrences(of: "%@", with: "v1"))
        let again = try parse(xml.replacingOccurrences(of: "%@", with: "v2"))
        #expect(first.entries[0].key.hasPrefix("title:"))
        #expect(first.entries[0].key == again.entries[0].key, "the key does not depend on the description")
        let otherDate = try parse(xml.replacingOccurrences(of: "2004", with: "2005"))
        #expect(otherDate.entries[0].key != first.entries[0].key)
    }

    @Test func notAFeedThrows() {
        #expect(throws: FeedError.self) { try parse("<html><body>hello</body></html>") }
        #expect(throws: FeedError.self) { try parse("just words") }
    }

    /// A broken JSON feed's error names the JSON problem, also for a `.json` file that does not start like JSON.
    @Test func brokenJSONFeedNamesProblem() {
        func message(_ text: String, url: String?) -> String {
            do {
                _ = try FeedParser.parse(Array(text.utf8), url: url, contentType: nil)
                return "parsed"
            } catch {
                return "\(error)"
            }
        }
        let broken = message("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [,]}", url: nil)
        #expect(broken.hasPrefix("the document is not valid JSON: "), "\(broken)")
        let words = message("not json at all", url: "file:///exports/feed.json")
        #expect(words.contains("not valid JSON"), "\(words)")
        #expect(message("not json at all", url: "file:///exports/feed.xml").contains("not XML"))
    }

    @Test func entityBombIsBounded() throws {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n"
        xml += "<!ENTITY lol1 \"" + String(repeating: "&lol;", count: 10) + "\">\n"
        for level in 2...9 {
            xml += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">\n"
        }
        xml +=
            "]>\n<rss version=\"2.0\"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>"
        let start = Date()
        let result = Result { try parse(xml) }
        #expect(Date().timeIntervalSince(start) < 5, "expansion is not bounded")
        if case .success(let feed) = result {
            #expect(feed.isIllFormed)
            #expect(feed.title.utf8.count <= XMLReader.maximumEntityExpansion)
        }
    }

    @Test func entityBombInAttributeIsBounded() throws {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE feed [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            let inner = level == 1 ? "&lol;" : "&lol\(level - 1);"
            xml += "<!ENTITY lol\(level) \"" + String(repeating: inner, count: 10) + "\">\n"
        }
        xml += "]>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id><link href=\"&lol9;\"/></entry></feed>"
        let start = Date()
        let feed = try parse(xml)
        #expect(Date().timeIntervalSince(start) < 5, "expansion is not bounded")
        #expect(feed.isIllFormed)
        #expect((feed.entries.first?.link.utf8.count ?? 0) <= XMLReader.maximumEntityExpansion)
    }

    @Test func smallDeclaredEntitiesExpand() throws {
        let xml = """
            <!DOCTYPE rss [<!ENTITY brand "Planable">]><rss version="2.0"><channel><title>&brand; blog</title>
            <item><enclosure url="https://example.com/&brand;.png"/></item></channel></rss>
            """
        let feed = try parse(xml)
        #expect(feed.title == "Planable blog")
        #expect(feed.entries.first?.media.first?.url == "https://example.com/Planable.png", "attributes expand too")
        #expect(!feed.isIllFormed)
    }

    @Test func externalEntityIsNotLoaded() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("feeds-xxe-\(UUID().uuidString).txt")
        try "top secret".write(to: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secret) }
        let xml =
            "<!DOCTYPE rss [<!ENTITY x SYSTEM \"\(secret.absoluteString)\">]><rss version=\"2.0\"><channel><title>a&x;b</title></channel></rss>"
        let feed = try parse(xml)
        #expect(!feed.title.contains("secret"))
    }

    /// A document that ends inside an entry, as one cut off in transfer does, is not read, so the cut entry never
    /// reaches a post with its text cut short.
    @Test(arguments: [
        "<rss version=\"2.0\"><channel><title>t</title><item><guid>a</guid><description>Whole</description></item>"
            + "<item><guid>b</guid><description>Cut off in the mid",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title><entry><id>a</id><title>Cut</title><summ",
    ])
    func cutOffEntryIsRejected(xml: String) throws {
        let error = try #require(throws: FeedError.self) { try parse(xml) }
        #expect(error.code == .cutOff)
        #expect(error.message.contains("ends inside an <"), "\(error.message)")
    }

    /// A JSON Feed cut off in transfer cannot be parsed at all, and is rejected as cut off, as an RSS or Atom feed
    /// cut off inside an entry is, so that a sync counts it as a temporary failure and not as bad data.
    @Test(arguments: [
        ("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [", "array"),
        ("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [{\"id\": \"1\", \"title\": \"Cut", "string"),
        ("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [{\"title\": \"a \\\"q\\\" ]}\"", "object"),
        ("\u{FEFF}{\"version\": \"https://jsonfeed.org/version/1\", \"items\": [{\"id\": 1}, {\"id\": 2", "object"),
    ])
    func cutOffJSONFeedIsRejected(json: String, open: String) throws {
        let error = try #require(throws: FeedError.self) {
            try FeedParser.parse(Array(json.utf8), url: nil, contentType: "application/feed+json")
        }
        #expect(error.code == .cutOff, "\(error)")
        #expect(error.isTemporary)
        #expect(error.message.contains("ends inside a JSON \(open)"), "\(error.message)")
    }

    /// A JSON document whose brackets do not match, or that goes on after its end, is broken, not cut off.
    @Test(arguments: [
        "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [}", "{\"items\": []} trailing",
        "{\"items\": [1 2]}",
    ])
    func brokenJSONIsNotCutOff(json: String) throws {
        let error = try #require(throws: FeedError.self) {
            try FeedParser.parse(Array(json.utf8), url: nil, contentType: "application/feed+json")
        }
        #expect(error.code == .notAFeed, "\(error)")
        #expect(error.remedy == .fixFeed)
    }

    /// A document that ends before its first entry is whole may have lost all of them, so it is cut off too. A whole
    /// feed without entries is read.
    @Test(arguments: [
        "<rss version=\"2.0\"><channel><title>t</title>", "<rss version=\"2.0\"><channel><title>t</title><it",
        "<rss version=\"2.0\"><channel><ti", "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title>",
    ])
    func cutBeforeFirstEntryIsRejected(xml: String) throws {
        let error = try #require(throws: FeedError.self) { try parse(xml) }
        #expect(error.code == .cutOff, "\(error)")
        #expect(error.message.contains("before its first entry"), "\(error.message)")
    }

    @Test func wholeFeedWithoutEntriesIsRead() throws {
        let feed = try parse("<rss version=\"2.0\"><channel><title>t</title></channel></rss>")
        #expect(feed.entries.isEmpty)
        #expect(!feed.isIllFormed, "\(feed.illFormedReason ?? "")")
    }

    /// A document whose entries are whole but whose channel is never closed is read, and flagged as ill-formed.
    @Test func unclosedChannelIsRead() throws {
        let feed = try parse(
            "<rss version=\"2.0\"><channel><title>t</title><item><guid>a</guid><title>Whole</title></item>")
        #expect(feed.isIllFormed)
        #expect(feed.entries.map(\.title) == ["Whole"])
    }

    @Test func deepNestingIsBounded() throws {
        let depth = 5000
        let xml =
            "<rss version=\"2.0\"><channel><title>deep</title><item><title>x</title><description>"
            + String(repeating: "<div>", count: depth) + String(repeating: "</div>", count: depth)
            + "</description></item></channel></rss>"
        let feed = try parse(xml)
        #expect(feed.isIllFormed, "libxml2's depth limit flags the document")
        #expect(feed.title == "deep")
    }

    @Test func deepEscapedHTMLIsBounded() throws {
        let depth = 100_000
        let xml =
            "<rss version=\"2.0\"><channel><item><title>x</title><description>"
            + String(repeating: "&lt;div&gt;", count: depth) + "deep" + String(repeating: "&lt;/div&gt;", count: depth)
            + "</description></item></channel></rss>"
        let start = Date()
        let feed = try parse(xml)
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(feed.entries.count == 1)
        #expect(!feed.isIllFormed, "the XML is well-formed; the HTML inside is cut at the depth limit")
    }

    /// Entity references split an element's text into many nodes, which are joined in linear time.
    @Test func manyEntityReferencesAreReadQuickly() throws {
        // 400,000 references took 39 s in a debug build when joining copied the text so far for each one.
        let count = 400_000
        let xml =
            "<!DOCTYPE rss [<!ENTITY c \"cc\">]><rss version=\"2.0\"><channel><item><guid>1</guid><description>"
            + String(repeating: "ab&c;", count: count) + "</description></item></channel></rss>"
        let start = Date()
        let feed = try parse(xml)
        let seconds = Date().timeIntervalSince(start)
        #expect(seconds < 10)
        let summaryBytes = feed.entries.first?.summary.utf8.count
        #expect(summaryBytes == 4 * count)
    }

    @Test func oversizedDocumentIsRejected() {
        let data = [UInt8](repeating: 0x20, count: FeedParser.maximumDocumentBytes + 1)
        #expect(throws: FeedError.self) { try FeedParser.parse(data, url: nil, contentType: nil) }
    }

    /// An & that starts no reference is kept as the character, as feedparser's loose parser keeps it, where
    /// libxml2's recovery dropped it with the next word. In CDATA and comments it stays as written.
    @Test func bareAmpersandIsKept() throws {
        let feed = try parse(
            """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>AT&T & friends</title>
            <item><title>Fish & chips</title><link>https://news.example/menu?day=1&size=2</link>
            <guid>urn:item:1</guid><description>Fish & chips now served &amp; more, &#38; &#x26; done.</description>
            <!-- a comment with & in it --></item>
            <item><title><![CDATA[Salt & vinegar &amp;]]></title><guid>urn:item:2</guid></item>
            </channel></rss>
            """)
        #expect(feed.title == "AT&T & friends")
        #expect(feed.entries.count == 2)
        #expect(feed.entries.first?.title == "Fish & chips")
        #expect(feed.entries.first?.link == "https://news.example/menu?day=1&size=2")
        #expect(feed.entries.first?.summary == "Fish & chips now served & more, & & done.")
        // An RSS title may be HTML, so its &amp; becomes & after the CDATA section kept it.
        #expect(feed.entries.last?.title == "Salt & vinegar &")
        #expect(feed.isIllFormed)
        #expect(
            feed.illFormedReason?.hasPrefix("line 2: an & starts no entity") == true, "\(feed.illFormedReason ?? "")")
    }

    /// A control character that XML does not allow, as a reference or raw, is left out. After one, libxml2's recovery
    /// drops every later entity reference, so the entries after it lost their `&amp;` and `&lt;`.
    @Test(arguments: ["&#11;", "&#x1f;", "&#0;", "&#xFFFF;", "\u{0B}", "\u{08}"])
    func controlCharacterIsLeftOut(character: String) throws {
        let feed = try parse(
            """
            <rss version="2.0"><channel><title>T</title>
            <item><title>First</title><guid>g0</guid><description>x \(character) y</description></item>
            <item><title>Fish &amp; chips &lt;3</title><link>http://a.example.com/3?a=1&amp;b=2</link><guid>g1</guid>
            <description>d &amp; e</description></item></channel></rss>
            """)
        #expect(feed.entries.count == 2)
        #expect(feed.entries.first?.summary == "x y")
        #expect(feed.entries.last?.title == "Fish & chips <3")
        #expect(feed.entries.last?.link == "http://a.example.com/3?a=1&b=2")
        #expect(feed.entries.last?.summary == "d & e")
        #expect(feed.isIllFormed)
    }

    /// Unescaped HTML with `<br>`, `<img ...>` or `<hr>` without their end tags would take in the rest of the
    /// document, and the entries after it, so such tags are closed. One followed by its end tag stays as it is.
    @Test func unclosedEmptyHTMLElementsAreClosed() throws {
        let feed = try parse(
            """
            <rss version="2.0"><channel><title>T</title>
            <item><title>One</title><guid>r1</guid>
            <description>Line one<br>Line two <IMG src="https://r.example/a.png"> end<br/>x<hr></hr></description>
            <pubDate>Mon, 02 Dec 2024 10:00:00 +0000</pubDate></item>
            <item><title>Two</title><guid>r2</guid><description>Second</description></item>
            </channel></rss>
            """)
        #expect(feed.entries.count == 2)
        #expect(
            feed.entries.first?.summary.hasPrefix("Line one\nLine two") == true, "\(feed.entries.first?.summary ?? "")")
        #expect(feed.entries.first?.published != nil)
        #expect(feed.entries.last?.title == "Two")
        #expect(
            feed.illFormedReason?.contains("<br>, <hr>, <img>, <wbr> or <p>") == true, "\(feed.illFormedReason ?? "")")
    }

    /// A `<p>` in a document without any `</p>` separates paragraphs, as `<br>` does, so it is closed too and the
    /// next entry is kept. A document that closes its paragraphs keeps them.
    @Test func unclosedParagraphsAreClosed() throws {
        let feed = try parse(
            """
            <rss version="2.0"><channel><title>T</title>
            <item><title>One</title><guid>r1</guid><description>Para one<p>Para two</description></item>
            <item><title>Two</title><guid>r2</guid><description>Second</description></item>
            </channel></rss>
            """)
        #expect(feed.entries.map(\.title) == ["One", "Two"])
        #expect(feed.entries.first?.summary.contains("Para two") == true)
        #expect(feed.entries.first?.summary.contains("r2") == false, "\(feed.entries.first?.summary ?? "")")

        let closed = try parse(
            """
            <rss version="2.0"><channel><title>T &amp; co</title>
            <item><title>One & more</title><guid>r1</guid><description><p>Para one</p></description></item>
            </channel></rss>
            """)
        #expect(closed.entries.first?.summary == "Para one")
    }

    /// `&A;` names no entity of XML or HTML, so it is text, as feedparser's loose parser keeps it, instead of a
    /// reference that libxml2's recovery drops.
    @Test func unknownEntityNameIsKept() throws {
        let feed = try parse(
            """
            <rss version="2.0"><channel><item><title>Our Q&A; session &amp; more&hellip;</title>
            <description>Join the Q&A; today</description></item></channel></rss>
            """)
        #expect(feed.entries.first?.title == "Our Q&A; session & more\u{2026}")
        #expect(feed.entries.first?.summary == "Join the Q&A; today")
        #expect(feed.isIllFormed)
    }

    /// A document that declares its own entities keeps its references to them.
    @Test func declaredEntityIsExpanded() throws {
        let feed = try parse(
            """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY brand "Northwind">]>
            <rss version="2.0"><channel><item><title>&brand; & friends</title></item></channel></rss>
            """)
        #expect(feed.entries.first?.title == "Northwind & friends")
    }

    @Test func undefinedHTMLEntityIsReadButFlagged() throws {
        let feed = try parse("<rss version=\"2.0\"><channel><title>a&nbsp;b&hellip;</title></channel></rss>")
        #expect(feed.isIllFormed)
        #expect(feed.title == "a\u{A0}b\u{2026}")
    }

    @Test func windows1252ReferencesAndDoubleEncodingRepaired() throws {
        let xml = """
            <rss version="2.0"><channel><item><title>don&#146;t</title>
            <description>wait&#226;&#128;&#166; caf&#233;</description></item></channel></rss>
            """
        let entry = try #require(try parse(xml).entries.first)
        #expect(entry.title == "don\u{2019}t", "Windows-1252 byte 0x92 written as a character reference")
        #expect(entry.summary == "wait\u{2026} caf\u{E9}", "UTF-8 read as Latin-1, then written as references")
    }

    @Test func jsonFeed11() throws {
        let json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "https://example.org/",
             "items": [{"id": "1", "url": "/one", "content_html": "<p>Hi <img src=\\"a.png\\"></p>",
                        "date_published": "2020-01-02T03:04:05-05:00", "tags": ["x"],
                        "attachments": [{"url": "a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 5}]}]}
            """
        let feed = try parse(json, contentType: "application/feed+json")
        #expect(feed.format == .json11)
        let entry = try #require(feed.entries.first)
        #expect(entry.key == "1")
        #expect(entry.link == "https://example.org/one")
        #expect(entry.content == "Hi")
        #expect(entry.contentHTML?.contains("https://example.org/a.png") == true)
        #expect(entry.published.map(FeedDateTests.fields) == [2020, 1, 2, 8, 4, 5])
        #expect(entry.media.first?.length == 5)
        let served = try parse(json, url: "https://feeds.example.net/j/feed.json", contentType: "application/feed+json")
        #expect(served.entries.first?.link == "https://feeds.example.net/one", "the document URL comes first")
    }
}
