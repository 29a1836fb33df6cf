import Foundation
import Testing
import YAML

@testable import Content

@Suite struct ContentReaderTests {
    @Test(arguments: [
        ("a.md", "---\ntitle: x\ndraft: true\n---\nText", "draft: true in the front matter"),
        ("b.md", "+++\ntitle = \"x\"\ndraft = true\n+++\nText", "draft: true in the front matter"),
        ("c.md", "---\npublished: false\n---\nText", "published: false in the front matter"),
        ("d.md", "---\nheadless: true\n---\nText", "headless: true in the front matter (a Hugo headless bundle)"),
        (
            "e.md", "---\nbuild:\n  render: never\n---\nText",
            "build: render: never in the front matter (Hugo does not render the page)"
        ),
    ])
    func frontMatterSkips(path: String, text: String, reason: String) throws {
        let source = try TemporarySource()
        try source.write(path, text)
        let result = try source.reader().read(relativePath: path)
        #expect(result.skipReason == reason)
    }

    @Test(arguments: ["", "\n", "  \n\t\n"])
    func emptyFileSkipped(text: String) throws {
        let source = try TemporarySource()
        try source.write("new-post.md", text)
        let result = try source.reader().read(relativePath: "new-post.md")
        #expect(result.item == nil)
        #expect(result.skipReason == "the file is empty; it is read again once it has content")
    }

    @Test func publishedTrueAndDraftFalseRead() throws {
        let source = try TemporarySource()
        try source.write("a.md", "---\ntitle: x\ndraft: false\npublished: true\n---\nText")
        #expect(try source.reader().read(relativePath: "a.md").item != nil)
    }

    @Test func underscoreFolderRules() throws {
        let source = try TemporarySource()
        for path in [
            "_drafts/a.md", "_layouts/b.html", "_includes/c.md", "_posts/2020-01-01-d.md", "docs/_index.md", "_e.md",
        ] {
            try source.write(path, "---\ntitle: x\n---\nText")
        }
        let reader = source.reader()
        #expect(
            try reader.read(relativePath: "_drafts/a.md").skipReason
                == "in _drafts, which Jekyll publishes only with --drafts")
        #expect(try reader.read(relativePath: "_layouts/b.html").skipReason?.hasPrefix("under _layouts") == true)
        #expect(try reader.read(relativePath: "_includes/c.md").skipReason?.hasPrefix("under _includes") == true)
        #expect(try reader.read(relativePath: "_posts/2020-01-01-d.md").item != nil)
        #expect(try reader.read(relativePath: "docs/_index.md").skipReason?.hasPrefix("a Hugo section page") == true)
        #expect(try reader.read(relativePath: "_e.md").skipReason?.hasPrefix("the file name starts with _") == true)

        var options = ContentReaderOptions()
        options.readUnderscoreFolders = true
        options.skipSectionIndexes = false
        let permissive = source.reader(options)
        #expect(try permissive.read(relativePath: "_includes/c.md").item != nil)
        let section = try #require(try permissive.read(relativePath: "docs/_index.md").item)
        #expect(section.slug == "docs")
        #expect(try permissive.read(relativePath: "_drafts/a.md").skipReason != nil)
    }

    @Test func identityFromIdOrPath() throws {
        let source = try TemporarySource()
        try source.write("posts/with-id.md", "---\nid: post-42\n---\nText")
        try source.write("posts/plain.md", "---\ntitle: x\n---\nText")
        let reader = source.reader()
        #expect(try reader.read(relativePath: "posts/with-id.md").item?.identity == "post-42")
        #expect(try reader.read(relativePath: "./posts/plain.md").item?.identity == "posts/plain.md")
        #expect(try reader.read(relativePath: "posts\\plain.md").item?.relativePath == "posts/plain.md")
    }

    @Test func slugRules() throws {
        let source = try TemporarySource()
        try source.write("blog/my-bundle/index.md", "---\ntitle: x\n---\nText")
        try source.write("blog/2021-02-03-dated.markdown", "---\ntitle: x\n---\nText")
        try source.write("blog/explicit.md", "---\nslug: chosen\n---\nText")
        let reader = source.reader()
        #expect(try reader.read(relativePath: "blog/my-bundle/index.md").item?.slug == "my-bundle")
        #expect(try reader.read(relativePath: "blog/2021-02-03-dated.markdown").item?.slug == "dated")
        let explicit = try #require(try reader.read(relativePath: "blog/explicit.md").item)
        #expect(explicit.slug == "chosen")
        #expect(explicit.title == "chosen")
    }

    @Test func summaryRules() throws {
        let source = try TemporarySource()
        try source.write("fm.md", "---\ndescription: The *description*.\n---\nFirst.\n\nSecond.")
        try source.write("sep.md", "---\nexcerpt_separator: <!--cut-->\n---\nOne.\n\nTwo.\n<!--cut-->\nThree.")
        try source.write("more.md", "---\ntitle: x\n---\nOne **bold**.\n\nTwo.\n\n<!--more-->\n\nThree.")
        try source.write("first.md", "---\ntitle: x\n---\n# Heading\n\nFirst paragraph\nwrapped.\n\nSecond.")
        let reader = source.reader()
        #expect(try reader.read(relativePath: "fm.md").item?.summary == "The description.")
        #expect(try reader.read(relativePath: "sep.md").item?.summary == "One.\n\nTwo.")
        #expect(try reader.read(relativePath: "more.md").item?.summary == "One bold.\n\nTwo.")
        #expect(try reader.read(relativePath: "first.md").item?.summary == "First paragraph wrapped.")
    }

    @Test func tagsAndUrl() throws {
        let source = try TemporarySource()
        try source.write("a.md", "---\ntags: ruby jekyll\ncategory: release\npermalink: /blog/a/\n---\nText")
        try source.write("b.md", "---\ntags: \"one, two words\"\nurl: https://example.com/b\n---\nText")
        let reader = source.reader()
        let first = try #require(try reader.read(relativePath: "a.md").item)
        #expect(first.tags == ["ruby", "jekyll"])
        #expect(first.categories == ["release"])
        #expect(first.url == "/blog/a/")
        let second = try #require(try reader.read(relativePath: "b.md").item)
        #expect(second.tags == ["one", "two words"])
        #expect(second.url == "https://example.com/b")
    }

    @Test func overridesAreCarried() throws {
        let source = try TemporarySource()
        try source.write(
            "a.md",
            "---\nplanable:\n  pages: [Main, Second]\n  labels: [launch]\n  schedule: \"2024-05-01 10:00\"\n"
                + "  skip: true\n  id: abc\n---\nText")
        let item = try #require(try source.reader().read(relativePath: "a.md").item)
        #expect(item.overrides?["pages"] == .list([.string("Main"), .string("Second")]))
        #expect(item.overrides?["schedule"] == .string("2024-05-01 10:00"))
        #expect(item.overrides?["skip"] == .bool(true))
        #expect(item.overrides?["id"] == .string("abc"))
        #expect(item.identity == "a.md")
    }

    @Test func contentHashIsStableAndTracksContent() throws {
        let source = try TemporarySource()
        let original = "---\ntitle: x\ntags: [a, b]\n---\nText.\n\n```\ncode\n```\n"
        try source.write("a.md", original)
        let first = try #require(try source.reader().read(relativePath: "a.md").item).contentHash
        #expect(first.count == 64)
        #expect(try source.reader().read(relativePath: "a.md").item?.contentHash == first)

        try source.write("a.md", original.replacingOccurrences(of: "code", with: "other code"))
        #expect(try source.reader().read(relativePath: "a.md").item?.contentHash == first)
        var keep = ContentReaderOptions()
        keep.keepCodeBlocks = true
        #expect(try source.reader(keep).read(relativePath: "a.md").item?.contentHash != first)

        try source.write("a.md", "---\ntags: [a, b]\ntitle: x\n---\n*Text*.\n\n```\nother code\n```\n")
        #expect(try source.reader().read(relativePath: "a.md").item?.contentHash == first)

        try source.write("a.md", original.replacingOccurrences(of: "Text.", with: "Text!"))
        #expect(try source.reader().read(relativePath: "a.md").item?.contentHash != first)
        try source.write("a.md", original.replacingOccurrences(of: "[a, b]", with: "[a, c]"))
        #expect(try source.reader().read(relativePath: "a.md").item?.contentHash != first)
    }

    @Test func plainHTMLFile() throws {
        let source = try TemporarySource()
        try source.write(
            "page.html",
            """
            <!DOCTYPE html>
            <html><head><title>The  Page</title>
            <meta name="description" content="A short description.">
            <meta property="article:published_time" content="2022-04-05T06:07:08Z">
            <style>body { color: red }</style></head>
            <body><h1>Heading</h1><p>First &amp; <em>only</em> paragraph with <a href="/x">a link</a>.</p>
            <ul><li>one</li><li>two</li></ul><script>var x = 1;</script>
            <pre>code here</pre><img src="pic.jpg" alt="Pic"></body></html>
            """)
        let item = try #require(try source.reader().read(relativePath: "page.html").item)
        #expect(item.format == .none)
        #expect(item.title == "The Page")
        #expect(item.summary == "A short description.")
        #expect(item.text == "Heading\n\nFirst & only paragraph with a link.\n\n• one\n• two")
        #expect(item.links == ["/x"])
        #expect(item.media.map(\.reference) == ["pic.jpg"])
        #expect(item.date == Date(timeIntervalSince1970: 1_649_138_828))
    }

    @Test func htmlWithFrontMatterAndLiquid() throws {
        let source = try TemporarySource()
        try source.write("about.html", "---\ntitle: About\n---\n<p>Hi {{ site.name }} {% if x %}there{% endif %}</p>")
        let item = try #require(try source.reader().read(relativePath: "about.html").item)
        #expect(item.title == "About")
        #expect(item.text == "Hi there")
    }

    @Test func bodyStartingWithTagIsNotJSON() throws {
        let source = try TemporarySource()
        try source.write("liquid.md", "{% include header.html %}\nText one.")
        try source.write("hugo.md", "{{< note >}}Text two.{{< /note >}}")
        let reader = source.reader()
        let liquid = try #require(try reader.read(relativePath: "liquid.md").item)
        #expect(liquid.format == .none)
        #expect(liquid.text == "Text one.")
        #expect(try reader.read(relativePath: "hugo.md").item?.text == "Text two.")
    }

    @Test func autoSyntaxPerFile() throws {
        let source = try TemporarySource()
        try source.write("plain.md", "---\ntitle: x\n---\nUse `{{ .Title }}` here.")
        try source.write("liquid.md", "---\ntitle: x\n---\n{% if a %}Shown{% endif %} {{ page.title }}")
        try source.write("_posts/2020-01-01-post.md", "---\ntitle: x\n---\nHi {{ page.title }}")
        let reader = source.reader()
        #expect(try reader.read(relativePath: "plain.md").item?.text == "Use {{ .Title }} here.")
        #expect(try reader.read(relativePath: "liquid.md").item?.text == "Shown")
        #expect(try reader.read(relativePath: "_posts/2020-01-01-post.md").item?.text == "Hi")
    }

    @Test func siteConfigurationSetsSyntax() throws {
        let jekyll = try TemporarySource()
        try jekyll.write("_config.yml", "title: site")
        try jekyll.write("about.md", "---\ntitle: x\n---\nAbout {{ site.title }}")
        #expect(try jekyll.reader().read(relativePath: "about.md").item?.text == "About")

        let hugo = try TemporarySource()
        try hugo.write("hugo.toml", "title = 'site'")
        try hugo.write("content/a.md", "---\ntitle: x\n---\nKeep {% this %} and {{ .That }}")
        let reader = ContentReader(root: hugo.root + "/content")
        #expect(try reader.read(relativePath: "a.md").item?.text == "Keep {% this %} and {{ .That }}")
    }

    @Test func htmlTitleFallsBackToHeading() throws {
        let source = try TemporarySource()
        try source.write("a.html", "<html><body><h2>Second level</h2><p>Text</p></body></html>")
        let item = try #require(try source.reader().read(relativePath: "a.html").item)
        #expect(item.title == "Second level")
        #expect(item.text == "Second level\n\nText")
    }
}
