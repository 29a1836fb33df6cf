import CLibXML2
import Foundation
import Testing

@testable import Feeds

/// HTML to plain text and URL resolution through libxml2's HTML parser.
@Suite struct HTMLTextTests {
    @Test(arguments: [
        ("<p>One\ntwo</p><p>Three</p>", "One two\n\nThree"),
        ("a<br>b<br/>c", "a\nb\nc"),
        ("<ul><li>x</li><li>y</li></ul><p>after</p>", "x\ny\n\nafter"),
        ("<p>Tom &amp; Jerry&nbsp;&mdash; &lt;3</p>", "Tom & Jerry\u{A0}\u{2014} <3"),
        ("<script>alert(1)</script><style>p{}</style>Visible", "Visible"),
        ("<img src=\"a.png\" alt=\"A cat\"> sleeps", "A cat sleeps"),
        ("plain   text\n with  spaces", "plain text with spaces"),
        ("<p>unclosed <b>bold", "unclosed bold"),
        ("<p> </p><p>a</p><div> </div><div>b</div><p></p>", "a\n\nb"),
        ("a<br><br><br>b<p>c<br>d</p>e", "a\nb\n\nc\nd\n\ne"),
        ("<b>x</b>\u{2028}y\u{2029}z\tw\r\nv", "x y z w v"),
        ("<img alt=\"one\u{2028}two\u{2029}three\">", "one\ntwo\n\nthree"),
        ("<img alt=\" \t lead\">  <b>bold</b>  tail ", "lead bold tail"),
        ("\u{A0}<p>\u{3000}wide</p>", "\u{A0}\n\n\u{3000}wide"),
        ("e\u{301}<br>\u{301}x", "e\u{301}\n\u{301}x"),
    ])
    func plainText(html: String, expected: String) {
        #expect(HTMLText.plainText(html) == expected)
    }

    /// A tag with more attributes than the limit is not given to libxml2, whatever separates them, because its
    /// duplicate check takes time quadratic in their count. The text is then used as it is. A tag at the limit is
    /// parsed.
    ///
    /// - Parameter attribute: one attribute, whose `#` is replaced by its number.
    @Test(arguments: [(" ", "a#=\"\""), ("", "a#=\"\""), (" ", "a#"), ("\n", "a#=v"), ("/", "a#='x'")])
    func tagOverAttributeLimitIsNotParsed(separator: String, attribute: String) {
        func html(_ count: Int) -> String {
            let attributes = (0..<count).map { attribute.replacingOccurrences(of: "#", with: String($0)) }
            return "<p " + attributes.joined(separator: separator) + ">hello</p>"
        }
        let limit = HTMLText.maximumAttributesPerTag
        #expect(!HTMLText.exceedsParserLimits(html(limit)))
        #expect(HTMLText.plainText(html(limit)) == "hello")
        #expect(HTMLText.exceedsParserLimits(html(limit + 1)))
        #expect(HTMLText.plainText(html(limit + 1)).hasPrefix("<p a0"))
        #expect(HTMLText.images("<img src=\"a.png\"> " + html(limit + 1)).isEmpty)
    }

    /// libxml2 2.9.14 reads at most 100 bytes of a name and the rest as the next attribute, so a run of names
    /// with no space between them counts as one attribute for every 100 bytes.
    @Test func longNameCountsAsManyAttributes() {
        func tag(_ chunks: Int) -> String {
            let letters: [Character] = Array("abcdefghijklmnopqrstuvwxyz")
            let names = (0..<chunks).map { (index: Int) -> String in
                var name = String(repeating: "a", count: 96)
                for divisor in [17_576, 676, 26, 1] { name.append(letters[index / divisor % 26]) }
                return name
            }
            return "<x " + names.joined() + ">hello</x>"
        }
        let limit = HTMLText.maximumAttributesPerTag
        #expect(Self.attributeCountLibxml2Reads(tag(limit + 1)) == limit + 1)
        #expect(!HTMLText.exceedsParserLimits(tag(limit)))
        #expect(HTMLText.exceedsParserLimits(tag(limit + 1)))
        #expect(HTMLText.plainText(tag(limit + 1)).hasPrefix("<x aaaa"))
    }

    /// A fragment with more tags than the limit is used as it is, because libxml2's tree of it would be huge.
    @Test func fragmentOverTagLimitIsNotParsed() {
        let limit = HTMLText.maximumTagsPerFragment
        #expect(!HTMLText.exceedsParserLimits(String(repeating: "x<br>", count: limit)))
        let over = String(repeating: "x<br>", count: limit + 1)
        #expect(HTMLText.exceedsParserLimits(over))
        #expect(HTMLText.plainText(over) == over)
        #expect(HTMLText.exceedsParserLimits(String(repeating: "<b></b>", count: limit / 2 + 1)))
    }

    /// Returns the attribute count of the first element in `body` that libxml2's HTML parser reads from `html`.
    static func attributeCountLibxml2Reads(_ html: String) -> Int {
        _ = XMLReader.libraryInitialized
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue)
        let wrapped = Array("<html><body>\(html)</body></html>".utf8)
        let document = wrapped.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                htmlReadMemory($0, Int32(buffer.count), nil, "UTF-8", options)
            }
        }
        guard let document else { return 0 }
        defer { xmlFreeDoc(document) }
        var node = xmlDocGetRootElement(document)?.pointee.children
        while let current = node, String(cString: current.pointee.name) != "body" { node = current.pointee.next }
        var element = node?.pointee.children
        while let current = element, current.pointee.type != XML_ELEMENT_NODE { element = current.pointee.next }
        var count = 0
        var attribute = element?.pointee.properties
        while let current = attribute {
            count += 1
            attribute = current.pointee.next
        }
        return count
    }

    /// Quoted values, and markup after a closed tag, do not count as attributes.
    @Test func quotedValuesAndTextNotCounted() {
        let quoted = "<img alt=\"" + String(repeating: "a b ", count: 1_000) + "\" src=\"x.png\">"
        #expect(!HTMLText.exceedsParserLimits(quoted))
        let text = "<p>" + String(repeating: "word ", count: 1_000) + "</p>"
        #expect(!HTMLText.exceedsParserLimits(text))
    }

    /// Parsing once for both forms gives what the two functions give on their own.
    @Test(arguments: [
        "<p>a <a href=\"../x\">link</a></p><p>b</p>", "no markup", "Fish &amp; chips", "",
        "<img src=\"i.png\" alt=\"A\">",
    ])
    func plainTextAndResolvedHTML(html: String) {
        let base = "https://example.com/blog/feed/"
        let both = HTMLText.plainTextAndResolvedHTML(html, base: base)
        #expect(both.plain == HTMLText.plainText(html))
        #expect(both.html == HTMLText.resolvingURLs(html, base: base))
    }

    /// The trimming that replaced Foundation's `trimmingCharacters(in: .whitespacesAndNewlines)` removes the same
    /// characters.
    @Test(arguments: [
        "", " ", "plain", "  both ends\t\n", "\u{A0}no-break\u{A0}", "\u{3000}ideographic\u{2003}",
        "\u{2028}\u{2029}\u{85}separators\u{0B}\u{0C}", "\u{200B}zero width space\u{200B}",
        "\u{FEFF}byte order mark\u{180E}",
        " \u{301}combining mark", "inner  spaces stay", "\r\n",
    ])
    func trimmingMatchesFoundation(text: String) {
        #expect(text.trimmingWhitespaceAndNewlines == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func resolvesURLAttributes() {
        let html = HTMLText.resolvingURLs(
            "<a href=\"../post\">x</a><img src=\"/i.png\"><a href=\"mailto:a@b.c\">m</a>",
            base: "https://example.com/blog/feed/")
        #expect(html.contains("href=\"https://example.com/blog/post\""), "\(html)")
        #expect(html.contains("src=\"https://example.com/i.png\""), "\(html)")
        #expect(html.contains("href=\"mailto:a@b.c\""), "\(html)")
    }

    @Test(arguments: [
        ("../b.png", "http://a.example/x/y/feed", "http://a.example/x/b.png"),
        ("//cdn.example/c.png", "https://a.example/", "https://cdn.example/c.png"),
        ("?page=2", "http://a.example/list?page=1", "http://a.example/list?page=2"),
        ("#top", "http://a.example/post", "http://a.example/post#top"),
        ("\u{C0}", "http://any.test/", "http://any.test/\u{C0}"),
        ("https://other.example/", "http://a.example/", "https://other.example/"),
        ("./a/../b/./c", "http://a.example/d/e", "http://a.example/d/b/c"),
    ])
    func resolvesReference(reference: String, base: String, expected: String) {
        #expect(URLResolver.resolve(reference, against: base) == expected)
    }

    /// The examples of RFC 3986 section 5.4, normal and abnormal, against its base `http://a/b/c/d;p?q`.
    @Test(arguments: [
        ("g:h", "g:h"), ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"),
        ("/g", "http://a/g"), ("//g", "http://g"), ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"),
        ("#s", "http://a/b/c/d;p?q#s"), ("g#s", "http://a/b/c/g#s"), ("g?y#s", "http://a/b/c/g?y#s"),
        (";x", "http://a/b/c/;x"), ("g;x", "http://a/b/c/g;x"), ("g;x?y#s", "http://a/b/c/g;x?y#s"),
        ("", "http://a/b/c/d;p?q"), (".", "http://a/b/c/"), ("./", "http://a/b/c/"), ("..", "http://a/b/"),
        ("../", "http://a/b/"), ("../g", "http://a/b/g"), ("../..", "http://a/"), ("../../", "http://a/"),
        ("../../g", "http://a/g"), ("../../../g", "http://a/g"), ("../../../../g", "http://a/g"),
        ("/./g", "http://a/g"), ("/../g", "http://a/g"), ("g.", "http://a/b/c/g."), (".g", "http://a/b/c/.g"),
        ("g..", "http://a/b/c/g.."), ("..g", "http://a/b/c/..g"), ("./../g", "http://a/b/g"),
        ("./g/.", "http://a/b/c/g/"), ("g/./h", "http://a/b/c/g/h"), ("g/../h", "http://a/b/c/h"),
        ("g;x=1/./y", "http://a/b/c/g;x=1/y"), ("g;x=1/../y", "http://a/b/c/y"), ("g?y/./x", "http://a/b/c/g?y/./x"),
        ("g?y/../x", "http://a/b/c/g?y/../x"), ("g#s/./x", "http://a/b/c/g#s/./x"),
        ("g#s/../x", "http://a/b/c/g#s/../x"), ("http:g", "http:g"), ("caf\u{E9}/../th\u{E9}", "http://a/b/c/th\u{E9}"),
    ])
    func resolvesRFC3986Example(reference: String, expected: String) {
        #expect(URLResolver.resolve(reference, against: "http://a/b/c/d;p?q") == expected)
    }
}
