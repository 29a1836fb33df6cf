import Testing

@testable import Content

@Suite struct MarkdownTextTests {
    static func text(_ markdown: String, keepCode: Bool = false) -> MarkdownText {
        MarkdownText(markdown: markdown, keepCode: keepCode)
    }

    @Test func paragraphsHeadingsAndEmphasis() {
        let result = Self.text(
            "# Title\n\nFirst *emphasis* and **strong**\nwrapped line.\n\n## Second\n\nLast &amp; final &copy;.")
        #expect(result.blocks == ["Title", "First emphasis and strong wrapped line.", "Second", "Last & final ©."])
        #expect(result.firstHeading == "Title")
        #expect(result.firstParagraph == "First emphasis and strong wrapped line.")
    }

    /// Goldmark's and kramdown's attribute lists and definition lists are markup, not text.
    @Test(arguments: [
        ("## Settings {#settings-asciidoc}\n\nBody.", ["Settings", "Body."]),
        ("![Zion](zion.jpg)\n{class=\"!mt-0\"}\n\nNext.", ["Next."]),
        ("A note.\n{: .note #first data-x='1 2'}\n\n{:toc}", ["A note."]),
        (
            "`fromHeaders`\n: (map) Headers to send.\n\nterm\n: one\n: two",
            ["fromHeaders: (map) Headers to send.", "term: one: two"]
        ),
        ("Sets {x} and {a, b}\n{not an attribute}", ["Sets {x} and {a, b} {not an attribute}"]),
        ("The solution is {x=2}", ["The solution is {x=2}"]),
        ("First line\n{id=7}\nlast line {.5}", ["First line {id=7} last line {.5}"]),
        ("JSON {\"a\": 1}\n\nEnds with {x=}", ["JSON {\"a\": 1}", "Ends with {x=}"]),
    ])
    func attributeAndDefinitionListsGo(markdown: String, blocks: [String]) {
        #expect(Self.text(markdown).blocks == blocks)
    }

    /// Reference links whose definitions a Liquid loop wrote, which the template stripper removes, show their text.
    @Test func unresolvedReferencesShowTheirText() {
        let markdown = """
            - Fix a crash ([#1037][])
            - Use [find][find-filter] and `a[i][j]`, not [x] [y]
            - Keep [a][b](c) and [nested [x]][y]
            - The [`where_exp`][where-expression-filter] filter

            [#]: /issues/
            [-filter]:
            """
        #expect(
            Self.text(markdown).blocks == [
                "• Fix a crash (#1037)\n• Use find and a[i][j], not [x] [y]\n• Keep [a]b and [nested [x]][y]\n"
                    + "• The where_exp filter"
            ])
        #expect(Self.text("![`code` alt](a.png)").images == [ShortcodeMedia(source: "a.png", alt: "code alt")])
    }

    /// Brackets in prose that only look like reference links stay as written.
    @Test(arguments: ["grid[row][col]", "M[i][j] and M[j][i]", "papers [1][2]", "list [x][ ] done"])
    func bracketsInProseStay(text: String) {
        #expect(Self.text(text).blocks == [text])
    }

    /// A body of many definition lines reads in linear time: each definition is appended, not the whole line
    /// rebuilt.
    @Test func manyDefinitionLinesJoin() {
        let markdown = "term\n" + String(repeating: ": some definition text here\n", count: 20_000)
        let text = Self.text(markdown).blocks.first ?? ""
        #expect(text.hasPrefix("term: some definition text here: some"))
        #expect(text.count > 500_000)
    }

    @Test func wrappedAltTextKeepsSpace() {
        #expect(Self.text("![wrapped\nalt](a.png)").images == [ShortcodeMedia(source: "a.png", alt: "wrapped alt")])
    }

    @Test func listsBecomeLines() {
        let result = Self.text("- one\n- two\n  - nested\n- three\n\n3. third\n4. fourth\n\n- [x] done\n- [ ] open")
        #expect(
            result.blocks == ["• one\n• two\n  • nested\n• three", "3. third\n4. fourth", "• [x] done\n• [ ] open"])
    }

    @Test func linksAreTextAndCollected() {
        let result = Self.text(
            "See [the docs](https://example.com/docs) and [ref][r], <https://auto.example> and www.gfm.example.\n\n"
                + "[Jump](#section)\n\n[r]: /relative/page")
        #expect(result.blocks[0] == "See the docs and ref, https://auto.example and www.gfm.example.")
        #expect(
            result.links == [
                "https://example.com/docs", "/relative/page", "https://auto.example", "http://www.gfm.example",
            ])
    }

    @Test func imagesBecomeMedia() {
        let result = Self.text("Look: ![A cat](cat.png \"Title\") here.\n\n![](https://example.com/b.jpg)")
        #expect(result.blocks == ["Look: here."])
        #expect(
            result.images == [
                ShortcodeMedia(source: "cat.png", alt: "A cat"),
                ShortcodeMedia(source: "https://example.com/b.jpg", alt: nil),
            ])
    }

    /// A removed image leaves no space before the punctuation that followed it, and ".NET" keeps its space.
    @Test func removedImageLeavesNoSpaceBeforePunctuation() {
        let result = Self.text("Look at this ![sunset](photo.jpg). Then this ![x](x.png), then learn .NET today.")
        #expect(result.blocks == ["Look at this. Then this, then learn .NET today."])
    }

    @Test func codeBlocksDroppedByDefault() {
        let markdown = "Before\n\n```swift\nlet x = 1\n```\n\n    indented code\n\nAfter `inline` code"
        #expect(Self.text(markdown).blocks == ["Before", "After inline code"])
        #expect(
            Self.text(markdown, keepCode: true).blocks == ["Before", "let x = 1", "indented code", "After inline code"])
    }

    @Test func htmlBlocksBecomeText() {
        let result = Self.text(
            "<div class=\"note\">\n<p>Hello &amp; <b>bold</b> <a href=\"https://x.example\">link</a></p>\n"
                + "<img src=\"/i.png\" alt=\"I\">\n<script>alert(1)</script>\n</div>\n\n<!-- comment -->\n\nEnd")
        #expect(result.blocks == ["Hello & bold link", "End"])
        #expect(result.links == ["https://x.example"])
        #expect(result.images == [ShortcodeMedia(source: "/i.png", alt: "I")])
    }

    @Test func inlineHTML() {
        let result = Self.text("Line one<br>line two <span>kept</span> <img src=\"a.gif\" alt=\"A\"> end")
        #expect(result.blocks == ["Line one\nline two kept end"])
        #expect(result.images == [ShortcodeMedia(source: "a.gif", alt: "A")])
    }

    @Test func gfmTableAndStrikethrough() {
        let result = Self.text("| Name | Value |\n| --- | --- |\n| a | ~~old~~ new |\n| b | 2 |")
        #expect(result.blocks == ["Name | Value\na | old new\nb | 2"])
    }

    @Test func alertMarkerRemoved() {
        let result = Self.text("> [!NOTE]\n> Read this.\n\n> [!tip] Also.")
        #expect(result.blocks == ["Read this.", "Also."])
        #expect(result.firstParagraph == "Read this.")
    }

    @Test func blockQuoteAndRule() {
        #expect(Self.text("> Quoted\n> text\n\n---\n\nAfter").blocks == ["Quoted text", "After"])
    }

    @Test func deepNestingDoesNotOverflow() {
        let quotes = String(repeating: ">", count: 50_000) + " deep"
        #expect(Self.text(quotes).blocks == ["deep"])
        let emphasis = String(repeating: "*a ", count: 30_000) + String(repeating: "b* ", count: 30_000)
        #expect(!Self.text(emphasis).blocks.isEmpty)
        let lists = (0..<2_000).map { String(repeating: "  ", count: $0) + "- item" }.joined(separator: "\n")
        #expect(Self.text(lists).blocks.first?.hasPrefix("• item") == true)
    }

    @Test func deepHTMLDoesNotOverflow() {
        func nested(_ depth: Int) -> String {
            String(repeating: "<div>", count: depth) + "deep" + String(repeating: "</div>", count: depth)
        }
        #expect(HTMLText(html: nested(200), keepCode: false).blocks == ["deep"])
        // libxml2 stops at its nesting limit (256 levels), so the text below it is lost, but the parse ends.
        #expect(HTMLText(html: "before" + nested(100_000), keepCode: false).blocks == ["before"])
    }
}
