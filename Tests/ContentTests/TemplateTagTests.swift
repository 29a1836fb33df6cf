import Testing

@testable import Content

@Suite struct TemplateTagTests {
    static let both = TemplateTagStripper(liquid: true, hugo: true, codeShortcodes: ["highlight", "code-toggle"])
    static let hugo = TemplateTagStripper(liquid: false, hugo: true, codeShortcodes: ["highlight"])

    @Test(arguments: [
        ("before {% include note.html %} after", "before  after"),
        ("a {%- if page.x -%}b{%- endif -%} c", "a b c"),
        ("value {{ page.title | upcase }} end", "value  end"),
        ("link ({{ \"/docs/\" | relative_url }})", "link (/docs/)"),
        ("x {{< new-in 0.120.0 />}} y", "x  y"),
        ("x {{% include \"a.md\" %}} y", "x  y"),
        ("{{< details summary=\"More\" >}}inner text{{< /details >}}", "inner text"),
        (
            "keep {% raw %}{{ page.title }} and {% tag %}{% endraw %} literal",
            "keep {{ page.title }} and {% tag %} literal"
        ),
        ("a {% comment %}hidden {{ x }}{% endcomment %}b", "a b"),
        ("a {% capture note %}stored{% endcapture %}b {{ note }}", "a b "),
        ("escaped {{</* figure src=\"x\" */>}} call", "escaped {{< figure src=\"x\" >}} call"),
        ("unclosed {% tag and {{ text", "unclosed {% tag and {{ text"),
        ("[ref]: {% post_url 2013-05-06-jekyll-1-0-0-released %}", "[ref]: /2013/05/06/jekyll-1-0-0-released.html"),
        ("[a]({% link _docs/install.md %})", "[a](/_docs/install.md)"),
        ("see {{< ref \"about.md\" >}} now", "see /about/ now"),
        ("[t]({{< relref \"/Blog/Post-One/index.md#part\" >}})", "[t](/blog/post-one/#part)"),
        ("{{% ref path=\"docs/_index.md\" lang=\"en\" %}}", "/docs/"),
        ("{{< ref \"#usage\" >}}", "#usage"),
        ("{{< ref \"news/v1.2-release\" >}}", "/news/v1.2-release/"),
        ("{{< ref \"news/Big Launch.md\" >}}", "/news/big-launch/"),
        ("Watch:\n\n{{< youtube 0RKpf3rK57I >}}\n", "Watch:\n\nhttps://www.youtube.com/watch?v=0RKpf3rK57I\n"),
        ("{{< youtube id=\"w7Ft2ymGmfc\" autoplay=true >}}", "https://www.youtube.com/watch?v=w7Ft2ymGmfc"),
        ("{{< vimeo 55073825 >}}", "https://vimeo.com/55073825"),
        ("{{< instagram CxOWiQNP2MO >}}", "https://www.instagram.com/p/CxOWiQNP2MO/"),
        (
            "{{< x user=\"SanDiegoZoo\" id=\"1453110110599868418\" >}}",
            "https://x.com/SanDiegoZoo/status/1453110110599868418"
        ),
        ("{{< tweet SanDiegoZoo 1453110110599868418 >}}", "https://x.com/SanDiegoZoo/status/1453110110599868418"),
        ("{{< tweet 877500564405444608 >}}", "https://x.com/i/status/877500564405444608"),
        ("{{< gist spf13 7896402 >}}", "https://gist.github.com/spf13/7896402"),
        ("{{< youtube id=\"{{ .Get 0 }}\" >}}", ""),
    ])
    func strips(input: String, expected: String) {
        #expect(Self.both.strip(input).text == expected)
    }

    @Test func highlightBecomesFencedCode() {
        let input = "Intro\n{% highlight ruby linenos %}\nputs 1\n```\n{% endhighlight %}\nOutro"
        let output = Self.both.strip(input).text
        #expect(output == "Intro\n````ruby\nputs 1\n```\n````\n\nOutro")
    }

    @Test func codeShortcodeBecomesFencedCode() {
        let input = "Set:\n\n{{< code-toggle file=hugo >}}\n[params]\nx = 1\n{{< /code-toggle >}}\n\nDone."
        let output = Self.both.strip(input).text
        #expect(output == "Set:\n\n```\n[params]\nx = 1\n```\n\n\nDone.")
    }

    @Test func hugoModeKeepsGoTemplates() {
        let output = Self.hugo.strip("Use `{{ .Title }}` and {% not liquid %} {{< ref \"x\" >}}.").text
        #expect(output == "Use `{{ .Title }}` and {% not liquid %} /x/.")
    }

    @Test func figureShortcodeGivesMedia() {
        let result = Self.both.strip("{{< figure src=\"/images/a.png\" alt=\"An A\" >}} {{< img src='b.jpg' >}}")
        #expect(
            result.media == [
                ShortcodeMedia(source: "/images/a.png", alt: "An A"), ShortcodeMedia(source: "b.jpg", alt: nil),
            ])
    }

    @Test func unterminatedRawKeepsRest() {
        #expect(Self.both.strip("a {% raw %}{{ b }} c").text == "a {{ b }} c")
    }

    @Test func hostileInputStaysLinear() {
        // Hundreds of thousands of unclosed openers: each closing sequence is searched for once, not per opener.
        let hostile = String(repeating: "{% {{ {{< {{% x ", count: 100_000)
        let output = Self.both.strip(hostile).text
        #expect(output.utf8.count == hostile.utf8.count)
        let unclosedCode = String(repeating: "{{< highlight go >}} x ", count: 50_000)
        #expect(Self.both.strip(unclosedCode).text == String(repeating: " x ", count: 50_000))
        let nested = String(repeating: "{% raw %}", count: 50_000)
        #expect(Self.both.strip(nested).text.hasPrefix("{% raw %}"))
    }

    /// A `post_url` tag as a reference link's target leaves the link text alone in the plain text, not the
    /// Markdown of the link and a stray definition.
    @Test func postURLKeepsReferenceLink() throws {
        let body = "See [the launch post][launch].\n\n[launch]: {% post_url 2013-05-06-jekyll-1-0-0-released %}\n"
        let stripped = Self.both.strip(body).text
        let plain = MarkdownText(markdown: stripped, keepCode: false).blocks.joined(separator: "\n")
        #expect(plain.contains("See the launch post."), "\(plain)")
        #expect(!plain.contains("["), "\(plain)")
    }
}
