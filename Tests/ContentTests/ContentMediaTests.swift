import Foundation
import Testing

@testable import Content

@Suite struct ContentMediaTests {
    @Test func frontMatterForms() throws {
        let source = try TemporarySource()
        try source.write(
            "posts/a.md",
            """
            ---
            image: cover.png
            images: [https://cdn.example/one.jpg, "/static-one.png"]
            cover:
              image: /covers/c.jpg
              alt: The cover
            featured_image: {src: "feat.webp", caption: Featured}
            thumbnail:
              - url: //cdn.example/thumb.png
            ---
            Text ![Inline](inline.gif) and ![dup](cover.png) and ![data](data:image/png;base64,AAAA).
            """)
        let item = try #require(try source.reader().read(relativePath: "posts/a.md").item)
        #expect(
            item.media.map(\.reference) == [
                "cover.png", "https://cdn.example/one.jpg", "/static-one.png", "/covers/c.jpg", "feat.webp",
                "//cdn.example/thumb.png", "inline.gif",
            ])
        #expect(
            item.media.map(\.kind) == [
                .relativePath, .absoluteURL, .siteRelative, .siteRelative, .relativePath, .absoluteURL, .relativePath,
            ])
        #expect(item.media[3].alt == "The cover")
        #expect(item.media[4].alt == "Featured")
        #expect(item.media[6].alt == "Inline")
        #expect(item.media[1].resolvedPath == nil)
    }

    @Test func localPathsResolve() throws {
        let source = try TemporarySource()
        try source.write(
            "posts/bundle/index.md",
            "---\nimage: photo.jpg\n---\n![x](../shared.png) ![y](/logo.png) ![z](root-only.png) ![w](missing%20file.png?v=2)"
        )
        try source.write("posts/bundle/photo.jpg", "jpg")
        try source.write("posts/shared.png", "png")
        try source.write("static/logo.png", "png")
        try source.write("root-only.png", "png")
        var options = ContentReaderOptions()
        options.staticFolders = ["static"]
        let item = try #require(try source.reader(options).read(relativePath: "posts/bundle/index.md").item)
        let byReference = Dictionary(uniqueKeysWithValues: item.media.map { ($0.reference, $0) })
        #expect(byReference["photo.jpg"]?.resolvedPath == source.root + "/posts/bundle/photo.jpg")
        #expect(byReference["photo.jpg"]?.fileExists == true)
        #expect(byReference["../shared.png"]?.resolvedPath == source.root + "/posts/shared.png")
        #expect(byReference["/logo.png"]?.kind == .siteRelative)
        #expect(byReference["/logo.png"]?.resolvedPath == source.root + "/static/logo.png")
        #expect(byReference["root-only.png"]?.resolvedPath == source.root + "/root-only.png")
        #expect(byReference["missing%20file.png?v=2"]?.resolvedPath == source.root + "/posts/bundle/missing file.png")
        #expect(byReference["missing%20file.png?v=2"]?.fileExists == false)
    }

    @Test func relativePathCannotClimbAboveRoot() throws {
        let source = try TemporarySource()
        try source.write("a.md", "---\nimage: ../../etc/passwd\n---\nText")
        let item = try #require(try source.reader().read(relativePath: "a.md").item)
        #expect(item.media.first?.resolvedPath == source.root + "/etc/passwd")
    }

    @Test func shortcodeMedia() throws {
        let source = try TemporarySource()
        try source.write("a.md", "---\ntitle: x\n---\n{{< figure src=\"images/f.png\" alt=\"Figure\" >}}\n\nText")
        let item = try #require(try source.reader().read(relativePath: "a.md").item)
        #expect(
            item.media == [
                ContentMedia(
                    reference: "images/f.png", kind: .relativePath, resolvedPath: source.root + "/images/f.png",
                    fileExists: false, alt: "Figure")
            ])
        #expect(item.text == "Text")
    }
}
