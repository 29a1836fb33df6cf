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

    /// A front matter `url` or `permalink` that starts with `/` is made absolute with the site's base URL, and a
    /// Jekyll permalink pattern is no URL.
    @Test func pageURLTakesSiteBaseURL() throws {
        let hugo = try TemporarySource()
        try hugo.write("hugo.toml", "baseURL = 'https://coffee.example/'\n")
        try hugo.write("content/a.md", "---\ntitle: A\nurl: /custom/path/\n---\nText")
        try hugo.write("content/b.md", "---\ntitle: B\nurl: https://elsewhere.example/b/\n---\nText")
        let hugoReader = ContentReader(root: hugo.root + "/content")
        #expect(try hugoReader.read(relativePath: "a.md").item?.url == "https://coffee.example/custom/path/")
        #expect(try hugoReader.read(relativePath: "b.md").item?.url == "https://elsewhere.example/b/")

        let jekyll = try TemporarySource()
        try jekyll.write("_config.yml", "url: https://blog.example\nbaseurl: /news\n")
        try jekyll.write("_posts/2024-05-01-sale.md", "---\ntitle: Sale\npermalink: /sale/\n---\nText")
        try jekyll.write("_posts/2024-05-02-pattern.md", "---\ntitle: P\npermalink: /:year/:title/\n---\nText")
        let jekyllReader = ContentReader(root: jekyll.root + "/_posts")
        #expect(
            try jekyllReader.read(relativePath: "2024-05-01-sale.md").item?.url == "https://blog.example/news/sale/")
        #expect(try jekyllReader.read(relativePath: "2024-05-02-pattern.md").item?.url == nil)

        let bare = try TemporarySource()
        try bare.write("a.md", "---\ntitle: A\nurl: /custom/path/\n---\nText")
        #expect(try bare.reader().read(relativePath: "a.md").item?.url == "/custom/path/")
    }

    /// `/img/a.png` in a Hugo site is served from `static/` or `assets/`, and `/assets/b.png` in a Jekyll site from
    /// the site's root, which is the parent when the source is its `_posts` folder.
    @Test func siteRelativeMediaFollowsTheSiteLayout() throws {
        let hugo = try TemporarySource()
        try hugo.write("hugo.toml", "title = 'Bakery'\n")
        try hugo.write("content/posts/loaf.md", "---\ntitle: Loaf\n---\n![loaf](/img/loaf.png) ![tart](/tart.png)")
        try hugo.write("static/img/loaf.png", "png")
        try hugo.write("assets/tart.png", "png")
        let roots = [
            (hugo.root, "content/posts/loaf.md"), (hugo.root + "/content", "posts/loaf.md"),
            (hugo.root + "/content/posts", "loaf.md"),
        ]
        for (root, path) in roots {
            let item = try #require(try ContentReader(root: root).read(relativePath: path).item)
            let byReference = Dictionary(uniqueKeysWithValues: item.media.map { ($0.reference, $0) })
            #expect(byReference["/img/loaf.png"]?.resolvedPath == hugo.root + "/static/img/loaf.png", "\(root)")
            #expect(byReference["/tart.png"]?.resolvedPath == hugo.root + "/assets/tart.png", "\(root)")
            #expect(item.media.count == 2, "\(root)")
            #expect(item.media.allSatisfy { $0.fileExists }, "\(root)")
        }

        let split = try TemporarySource()
        try split.write("config/_default/hugo.toml", "title = 'Bakery'\n")
        try split.write("content/loaf.md", "---\ntitle: Loaf\n---\n![loaf](/img/loaf.png)")
        try split.write("static/img/loaf.png", "png")
        let loaf = try #require(try ContentReader(root: split.root + "/content").read(relativePath: "loaf.md").item)
        #expect(loaf.media.first?.resolvedPath == split.root + "/static/img/loaf.png")

        let jekyll = try TemporarySource()
        try jekyll.write("_config.yml", "title: Bakery\n")
        try jekyll.write("_posts/2024-05-01-bread.md", "---\ntitle: Bread\nimage: /assets/bread.png\n---\nText")
        try jekyll.write("assets/bread.png", "png")
        let post = try #require(
            try ContentReader(root: jekyll.root + "/_posts").read(relativePath: "2024-05-01-bread.md").item)
        #expect(post.media.first?.resolvedPath == jekyll.root + "/assets/bread.png")
        #expect(post.media.first?.fileExists == true)

        let plain = try TemporarySource()
        try plain.write("notes/a.md", "---\nimage: /b.png\n---\nText")
        try plain.write("b.png", "png")
        let note = try #require(try ContentReader(root: plain.root + "/notes").read(relativePath: "a.md").item)
        #expect(note.media.first?.fileExists == false, "a folder without a site configuration has no site root")
        let searchNote = note.media.first?.searchNote ?? ""
        #expect(searchNote.contains("no Hugo or Jekyll site configuration"), "\(searchNote)")
        #expect(searchNote.contains("\(plain.root)/notes, \(plain.root),"), "\(searchNote)")
        #expect(searchNote.contains("so no static/ or assets/ folder was searched"), "\(searchNote)")
    }

    /// Hugo's templates read a relative front matter image, such as `images: [images/usage.png]`, from the site's
    /// root, so one not found beside the page is looked up in `static/`. A relative image in the body is not.
    @Test func relativeFrontMatterImageFromStatic() throws {
        let hugo = try TemporarySource()
        try hugo.write("hugo.toml", "title = 'Docs'\n")
        try hugo.write(
            "content/start/usage.md", "---\ntitle: Usage\nimages: [images/usage.png]\n---\n![x](images/body.png)")
        try hugo.write("static/images/usage.png", "png")
        try hugo.write("static/images/body.png", "png")
        let item = try #require(
            try ContentReader(root: hugo.root + "/content").read(relativePath: "start/usage.md").item)
        let byReference = Dictionary(uniqueKeysWithValues: item.media.map { ($0.reference, $0) })
        let usage = try #require(byReference["images/usage.png"])
        #expect(usage.kind == .siteRelative)
        #expect(usage.resolvedPath == hugo.root + "/static/images/usage.png")
        #expect(usage.fileExists)
        let body = try #require(byReference["images/body.png"])
        #expect(body.kind == .relativePath)
        #expect(!body.fileExists)

        // Not found anywhere, the image's error lists the static folder among the places searched.
        try FileManager.default.removeItem(atPath: hugo.root + "/static/images/usage.png")
        let missing = try #require(
            try ContentReader(root: hugo.root + "/content").read(relativePath: "start/usage.md").item)
        let searched = missing.media.first { $0.reference == "images/usage.png" }?.searchedPaths ?? []
        #expect(searched.first == hugo.root + "/content/start/images/usage.png", "\(searched)")
        #expect(searched.contains(hugo.root + "/static/images/usage.png"), "\(searched)")
    }

    /// A file's `siteFolder` is its folder below the Hugo site's content folder, wherever the source folder
    /// starts: at the site, at `content`, at a section or at a nested section.
    @Test func siteFolderIsBelowHugoContent() throws {
        let site = try TemporarySource()
        try site.write("hugo.toml", "baseURL = 'https://coffee.example/'\n")
        let page = "---\ntitle: Opening\n---\n![photo](photo.png)"
        try site.write("content/posts/opening/index.md", page)
        try site.write("content/posts/2025/march/beans/index.md", page)
        try site.write("content/about.md", page)
        let cases: [(root: String, path: String, folder: String)] = [
            ("", "content/posts/opening/index.md", "posts/opening"),
            ("/content", "posts/opening/index.md", "posts/opening"),
            ("/content", "about.md", ""),
            ("/content/posts", "opening/index.md", "posts/opening"),
            ("/content/posts", "2025/march/beans/index.md", "posts/2025/march/beans"),
            ("/content/posts/2025", "march/beans/index.md", "posts/2025/march/beans"),
        ]
        for (root, path, folder) in cases {
            let item = try #require(try ContentReader(root: site.root + root).read(relativePath: path).item)
            #expect(item.siteFolder == folder, "source \(root), file \(path)")
        }
    }

    /// A branch bundle's `_index.md`, read when section pages are not skipped, publishes at its own folder.
    @Test func siteFolderOfBranchBundle() throws {
        let site = try TemporarySource()
        try site.write("hugo.toml", "title = 'Bakery'\n")
        try site.write("content/posts/news/_index.md", "---\ntitle: News\n---\n![banner](banner.png)")
        var options = ContentReaderOptions()
        options.skipSectionIndexes = false
        let reader = ContentReader(root: site.root + "/content/posts", options: options)
        let item = try #require(try reader.read(relativePath: "news/_index.md").item)
        #expect(item.siteFolder == "posts/news")
    }

    /// A site's `contentDir`, in any of Hugo's configuration formats and places, moves the content folder.
    @Test func siteFolderFollowsContentDir() throws {
        let configurations = [
            ("hugo.toml", "contentDir = 'pages'\n"),
            ("config.yaml", "---\ntitle: Bakery\ncontentdir: pages\n"),
            ("hugo.json", "{\"title\": \"Bakery\", \"contentDir\": \"pages\"}"),
            ("config/_default/hugo.toml", "ContentDir = \"pages\"\n"),
        ]
        for (name, text) in configurations {
            let site = try TemporarySource()
            try site.write(name, text)
            // Without a `content` folder, a config.* file two folders up marks a site only beside `layouts`.
            try site.write("layouts/_default/single.html", "{{ .Content }}")
            try site.write("pages/posts/opening/index.md", "---\ntitle: Opening\n---\nText")
            let reader = ContentReader(root: site.root + "/pages/posts")
            let item = try #require(try reader.read(relativePath: "opening/index.md").item)
            #expect(item.siteFolder == "posts/opening", "\(name)")
        }
    }

    /// Hugo reads only the first root configuration file that exists, so a stale `config.toml` beside
    /// `hugo.toml` does not move the content folder.
    @Test func hugoFileHidesConfigFile() throws {
        let site = try TemporarySource()
        try site.write("hugo.toml", "title = 'Bakery'\n")
        try site.write("config.toml", "contentDir = 'old'\n")
        try site.write("content/posts/opening/index.md", "---\ntitle: Opening\n---\nText")
        let reader = ContentReader(root: site.root + "/content/posts")
        let item = try #require(try reader.read(relativePath: "opening/index.md").item)
        #expect(item.siteFolder == "posts/opening")
    }

    /// Outside a Hugo site's content folder, in a Jekyll site, or without a site configuration, a file has no
    /// `siteFolder`.
    @Test func siteFolderNeedsHugoContent() throws {
        let hugo = try TemporarySource()
        try hugo.write("hugo.toml", "title = 'Bakery'\n")
        try hugo.write("notes/opening/index.md", "---\ntitle: Opening\n---\nText")
        let outside = try #require(try ContentReader(root: hugo.root).read(relativePath: "notes/opening/index.md").item)
        #expect(outside.siteFolder == nil)

        let jekyll = try TemporarySource()
        try jekyll.write("_config.yml", "title: Bakery\n")
        try jekyll.write("_posts/2025-01-02-opening.md", "---\ntitle: Opening\n---\n![photo](photo.png)")
        let post = try #require(
            try ContentReader(root: jekyll.root + "/_posts").read(relativePath: "2025-01-02-opening.md").item)
        #expect(post.siteFolder == nil)

        let plain = try TemporarySource()
        try plain.write("content/posts/opening/index.md", "---\ntitle: Opening\n---\nText")
        let page = try #require(
            try ContentReader(root: plain.root + "/content/posts").read(relativePath: "opening/index.md").item)
        #expect(page.siteFolder == nil)
    }

    /// The site configuration is looked for in the source folder and up to three folders above it, no further.
    @Test func siteSearchStopsThreeLevelsUp() throws {
        let site = try TemporarySource()
        try site.write("hugo.toml", "title = 'Bakery'\n")
        try site.write("static/img/loaf.png", "png")
        try site.write("a/b/c/loaf.md", "---\ntitle: Loaf\n---\n![loaf](/img/loaf.png)")
        try site.write("a/b/c/d/loaf.md", "---\ntitle: Loaf\n---\n![loaf](/img/loaf.png)")

        let near = try #require(try ContentReader(root: site.root + "/a/b/c").read(relativePath: "loaf.md").item)
        #expect(near.media.first?.resolvedPath == site.root + "/static/img/loaf.png")
        #expect(near.media.first?.searchNote == nil)
        let far = try #require(try ContentReader(root: site.root + "/a/b/c/d").read(relativePath: "loaf.md").item)
        #expect(far.media.first?.fileExists == false)
        #expect(far.media.first?.searchNote?.contains("\(site.root)/a, so no static/") == true)
    }

    /// Above the source's parent, a config.* file marks a Hugo site only beside a folder that Hugo sites have.
    @Test func genericConfigFarUpNeedsHugoFolders() throws {
        let tool = try TemporarySource()
        try tool.write("config.json", "{}")
        try tool.write("static/img/loaf.png", "png")
        try tool.write("a/b/loaf.md", "---\ntitle: Loaf\n---\n![loaf](/img/loaf.png)")
        #expect(ContentReader.detectSite(tool.root + "/a/b") == nil)

        try tool.write("content/.keep", "")
        let site = try #require(ContentReader.detectSite(tool.root + "/a/b"))
        #expect(site.folder == tool.root)
        #expect(site.syntax == .hugo)
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
        var expected = ContentMedia(
            reference: "images/f.png", kind: .relativePath, resolvedPath: source.root + "/images/f.png",
            fileExists: false, alt: "Figure")
        expected.searchedPaths = [source.root + "/images/f.png"]
        expected.isFromBody = true
        #expect(item.media == [expected])
        #expect(item.text == "Text")
    }
}
