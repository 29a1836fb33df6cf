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
    ])
    func plainText(html: String, expected: String) {
        #expect(HTMLText.plainText(html) == expected)
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
}
