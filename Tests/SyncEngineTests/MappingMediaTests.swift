import Foundation
import Glibc
import HTTPClient
import Logging
import Testing

@testable import SyncEngine

/// Media checks end to end: front matter URLs on a loopback media server, probed by the engine before a post
/// refers to them, with the embedded server (so only loopback URLs are ever probed).
///
/// The runs are plans: the checks are the engine's and happen before any request, and a plan leaves the
/// embedded server's own media import (which has its own policy for loopback URLs) out of the picture.
@Suite struct MappingMediaTests {
    /// A port on 127.0.0.1 that nothing listens on: bound, read back, then closed.
    static func closedPort() throws -> UInt16 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Writes one post per `(file name, image URL)` and plans them.
    private func plan(_ images: [(String, String)], in workspace: TestWorkspace) throws -> RunReport {
        for (name, url) in images {
            try workspace.writePost(
                name, title: "Post \(name)", body: "Body of \(name).", frontMatter: "image: \"\(url)\"\n")
        }
        return try workspace.run(.plan)
    }

    @Test func goodMediaAreAttachedAndBadOnesFailOnlyTheirItem() throws {
        let server = try MediaTestServer()
        defer { server.stop() }
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook"])
        defer { workspace.remove() }
        let unreachable = "http://127.0.0.1:\(try Self.closedPort())/gone.png"
        let report = try plan(
            [
                ("png.md", server.baseURL + "/photo.png"), ("video.md", server.baseURL + "/clip.mp4"),
                ("no-head.md", server.baseURL + "/no-head.jpg"), ("redirect.md", server.baseURL + "/redirect-in.png"),
                ("html.md", server.baseURL + "/page.html"), ("huge.md", server.baseURL + "/huge.mp4"),
                ("huge-ranged.md", server.baseURL + "/huge-ranged.mp4"),
                ("missing.md", server.baseURL + "/missing.png"),
                ("unreachable.md", unreachable),
            ], in: workspace)

        #expect(report.created == 4)
        #expect(report.failed == 5)
        func item(_ name: String) throws -> ReportedItem { try #require(report.items.first { $0.identity == name }) }
        #expect(try item("png.md").posts.first?.media == [server.baseURL + "/photo.png"])
        #expect(try item("video.md").posts.first?.media == [server.baseURL + "/clip.mp4"])
        #expect(try item("no-head.md").posts.first?.media == [server.baseURL + "/no-head.jpg"])
        #expect(try item("redirect.md").posts.first?.media == [server.baseURL + "/redirect-in.png"])

        let html = try item("html.md")
        #expect(html.decision == .failed)
        #expect(html.message?.contains("html.md") == true)
        #expect(html.message?.contains(server.baseURL + "/page.html") == true)
        #expect(html.message?.contains("text/html") == true)
        for name in ["huge.md", "huge-ranged.md"] {
            let huge = try item(name)
            #expect(huge.decision == .failed)
            #expect(huge.message?.contains("101.0 MB (105,906,176 bytes)") == true, "\(huge.message ?? "")")
            #expect(huge.message?.contains("at most 100 MB (104,857,600 bytes)") == true, "\(huge.message ?? "")")
            #expect(huge.message?.contains("100 MB") == true)
        }
        #expect(try item("missing.md").message?.contains("HTTP 404") == true)
        let gone = try item("unreachable.md")
        #expect(gone.message?.contains(unreachable) == true)
        #expect(gone.message?.contains("unreachable") == true)

        // The HEAD-refusing server was asked again with a one-byte ranged GET, and nothing was downloaded whole.
        #expect(server.requests(for: "/no-head.jpg").map(\.method) == ["HEAD", "GET"])
        #expect(server.requests(for: "/no-head.jpg").last?.range == "bytes=0-0")
        #expect(server.requests(for: "/huge.mp4").map(\.method) == ["HEAD"])
        #expect(server.requests(for: "/huge-ranged.mp4").map(\.method) == ["HEAD", "GET"])
        #expect(report.requests.write == 0)
    }

    @Test func eachMediumIsCheckedOnceAcrossItemsAndRuns() throws {
        let server = try MediaTestServer()
        defer { server.stop() }
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        let url = server.baseURL + "/photo.png"
        let first = try plan([("a.md", url), ("b.md", url), ("c.md", url)], in: workspace)
        #expect(first.created == 3)
        #expect(server.requests(for: "/photo.png").count == 1)

        try workspace.writePost("d.md", title: "Post d", body: "Another.", frontMatter: "image: \"\(url)\"\n")
        let second = try workspace.run(.plan)
        #expect(second.created == 4)
        #expect(server.requests(for: "/photo.png").count == 1, "the state's cache answered for the known URL")
    }

    @Test func aFailedMediumIsRememberedWithItsMessage() throws {
        let server = try MediaTestServer()
        defer { server.stop() }
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        let url = server.baseURL + "/page.html"
        let first = try plan([("a.md", url)], in: workspace)
        #expect(first.failed == 1)
        try workspace.writePost("a.md", title: "Post a, edited", body: "Edited.", frontMatter: "image: \"\(url)\"\n")
        let second = try workspace.run(.plan)
        #expect(second.failed == 1)
        #expect(second.items.first?.message?.contains(url) == true)
        // The remembered failure gives the time of its check and of the next one.
        #expect(second.items.first?.message?.contains("; checked again from ") == true, "\(second.items)")
        #expect(server.requests(for: "/page.html").count == 1)
    }

    /// The first failed check's message already gives the time when the URL is checked again. After those nine
    /// minutes, the next run probes it instead of repeating the stored failure, so an image uploaded late is found.
    @Test func failedMediumRecheckedAfterNineMinutes() throws {
        let server = try MediaTestServer()
        defer { server.stop() }
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        let url = server.baseURL + "/missing.png"
        let first = try plan([("a.md", url)], in: workspace)
        #expect(first.failed == 1)
        let message = try #require(first.items.first?.message)
        #expect(message.contains("returned HTTP 404; fix the URL or make it public (checked at "), "\(message)")
        #expect(message.contains("; checked again from "), "\(message)")
        #expect(try workspace.run(.plan).failed == 1)
        #expect(server.requests(for: "/missing.png").count == 2, "HEAD, then the ranged GET, once: \(server.requests)")

        let state = try StateStore(path: try Configuration.load(path: workspace.configPath).statePath)
        let tenMinutesAgo = StateStore.timestamp(Date().addingTimeInterval(-600))
        try state.withDatabase { database in
            _ = try database.run("UPDATE media_checks SET checked_at = ? WHERE url = ?", [tenMinutesAgo, url])
        }
        #expect(try workspace.run(.plan).failed == 1)
        #expect(server.requests(for: "/missing.png").count == 4, "\(server.requests)")
    }

    /// A picture in the body that Planable cannot post, such as an SVG logo, is left out with a warning, as in a
    /// feed's HTML, while the same file named by a front matter field fails its item.
    @Test func unpostableBodyPictureIsLeftOut() throws {
        let server = try MediaTestServer()
        defer { server.stop() }
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"], sourceSettings: "media_base_url: \(server.baseURL)/")
        defer { workspace.remove() }
        try workspace.writeFile("images/logo.svg", bytes: Array("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8))
        try workspace.writeFile("images/photo.png", bytes: MediaTestServer.pngBytes)
        try workspace.writePost(
            "body.md", title: "Sponsor", body: "<img src=\"/images/logo.svg\">\n\n![Photo](/images/photo.png)")
        try workspace.writePost(
            "front.md", title: "Front matter logo", body: "Text.", frontMatter: "image: /images/logo.svg\n")

        let report = try workspace.run(.plan)
        let body = try #require(report.items.first { $0.identity == "body.md" })
        #expect(body.decision == .create, "\(body.message ?? "")")
        #expect(body.posts.first?.media == [server.baseURL + "/images/photo.png"])
        let warnings = body.posts.first?.warnings ?? []
        #expect(
            warnings.contains { $0.contains("medium /images/logo.svg left out: its extension is .svg") }, "\(warnings)")
        let front = try #require(report.items.first { $0.identity == "front.md" })
        #expect(front.decision == .failed)
        #expect(front.message?.contains("/images/logo.svg is not an image or video file") == true, "\(front)")
    }

    /// A network that needs a picture fails an item whose only picture was left out, and the failure names it.
    @Test func leftOutPictureExplainsMissingMedia() throws {
        let server = try MediaTestServer()
        defer { server.stop() }
        let workspace = try TestWorkspace(
            pages: ["Northwind Instagram"], sourceSettings: "media_base_url: \(server.baseURL)/")
        defer { workspace.remove() }
        try workspace.writeFile("images/logo.svg", bytes: Array("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8))
        try workspace.writePost("sponsor.md", title: "Sponsor", body: "<img src=\"/images/logo.svg\">\n\nThanks.")

        let report = try workspace.run(.plan)
        let item = try #require(report.items.first { $0.identity == "sponsor.md" })
        #expect(item.decision == .failed)
        let message = item.message ?? ""
        #expect(message.contains("post has no image or video"), "\(message)")
        #expect(message.contains("medium /images/logo.svg left out: its extension is .svg"), "\(message)")
    }

    @Test func localImagesMapToThePublicBaseURL() throws {
        let server = try MediaTestServer()
        defer { server.stop() }
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"], sourceSettings: "media_base_url: \(server.baseURL)/")
        defer { workspace.remove() }
        try workspace.writeFile("images/logo.png", bytes: MediaTestServer.pngBytes)
        try workspace.writePost(
            "site.md", title: "Site path", body: "![Logo](/images/logo.png)\n\nText after the logo.")
        try workspace.writePost(
            "front.md", title: "Front matter path", body: "Text.", frontMatter: "image: images/logo.png\n")
        try workspace.writePost("absent.md", title: "Missing file", body: "![Gone](/images/absent.png)")
        try workspace.writePost("posts/relative.md", title: "Missing relative file", body: "![Gone](pics/gone.png)")

        let report = try workspace.run(.plan)
        let expected = server.baseURL + "/images/logo.png"
        for name in ["site.md", "front.md"] {
            let item = try #require(report.items.first { $0.identity == name })
            #expect(item.decision == .create, "\(item.message ?? "")")
            #expect(item.posts.first?.media == [expected])
        }
        let absent = try #require(report.items.first { $0.identity == "absent.md" })
        #expect(absent.decision == .failed)
        #expect(absent.message?.contains("/images/absent.png") == true)
        // A relative path is looked for beside the file and under the source folder, and the error names both.
        let relative = try #require(report.items.first { $0.identity == "posts/relative.md" })
        let message = relative.message ?? ""
        #expect(message.contains("content/posts/pics/gone.png does not exist"), "\(message)")
        #expect(message.contains("also looked for \(workspace.contentFolder.path)/pics/gone.png"), "\(message)")
        // The file is checked on disk; the public URL is only named, never fetched by the check.
        #expect(server.requests.isEmpty)
    }

    /// A local file whose URL under `media_base_url` is missing on the server fails with a message that explains how
    /// the URL was built and what to check.
    @Test func missingPublishedFileNamesMediaBaseURL() throws {
        let server = try MediaTestServer()
        defer { server.stop() }
        let base = server.baseURL + "/site"
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], sourceSettings: "media_base_url: \(base)/")
        defer { workspace.remove() }
        try workspace.writeFile("images/cover.png", bytes: MediaTestServer.pngBytes)
        try workspace.writePost("cover.md", title: "Cover", body: "![Cover](/images/cover.png)")

        let item = try #require(try workspace.run(.apply).items.first { $0.identity == "cover.md" })
        let message = item.message ?? ""
        #expect(item.decision == .failed, "\(message)")
        #expect(message.contains("\(base)/images/cover.png cannot be imported"), "\(message)")
        let origin = "media_base_url \(base)/ followed by the file's site path /images/cover.png"
        #expect(message.contains(origin), "\(message)")
        #expect(message.contains("check that media_base_url is the address"), "\(message)")
    }

    /// A source at `content/posts` of a Hugo site finds `/images/...` in the site's `static/`. Without a site
    /// configuration, the error names the folders searched for one and that `static/` was not searched.
    @Test func hugoPostsFolderFindsStaticImages() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"], sourceSettings: "media_base_url: https://coffee.northwind.example/")
        defer { workspace.remove() }
        let site = workspace.contentFolder
        try workspace.writeFile("static/images/cafe.png", bytes: MediaTestServer.pngBytes)
        try workspace.writePost("content/posts/cafe.md", title: "Cafe", body: "![Cafe](/images/cafe.png)")
        let configuration = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
            .replacingOccurrences(of: "path: content", with: "path: content/content/posts")
        try configuration.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)

        let missing = try #require(try workspace.run(.plan).items.first)
        let message = missing.message ?? ""
        #expect(missing.decision == .failed)
        #expect(message.contains("\(site.path)/content/posts/images/cafe.png does not exist"), "\(message)")
        #expect(message.contains("no Hugo or Jekyll site configuration"), "\(message)")
        #expect(message.contains("so no static/ or assets/ folder was searched"), "\(message)")

        try "baseURL = 'https://coffee.northwind.example/'\n".write(
            to: site.appendingPathComponent("hugo.toml"), atomically: true, encoding: .utf8)
        let found = try #require(try workspace.run(.plan).items.first)
        #expect(found.decision == .create, "\(found.message ?? "")")
        #expect(found.posts.first?.media == ["https://coffee.northwind.example/images/cafe.png"])
    }

    @Test func relativeLocalImagesKeepTheirFolder() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"], sourceSettings: "media_base_url: https://coffee.northwind.example/")
        defer { workspace.remove() }
        try workspace.writeFile("news/opening/photo.png", bytes: MediaTestServer.pngBytes)
        try workspace.writePost("news/opening/index.md", title: "Opening", body: "![Photo](photo.png)")
        let report = try workspace.run(.plan)
        let media = try #require(report.items.first?.posts.first?.media)
        // A page bundle's image is published below the page's folder, as Hugo does.
        #expect(media == ["https://coffee.northwind.example/news/opening/photo.png"])
    }

    /// Points the workspace's source at `path` below its content folder.
    private func setSourcePath(_ path: String, in workspace: TestWorkspace) throws {
        let configuration = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
            .replacingOccurrences(of: "path: content", with: "path: content/\(path)")
        try configuration.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
    }

    /// A source at a Hugo section maps a page bundle's image below the section, where Hugo publishes it, and
    /// still maps `/images/...` to the site's root, where `static/` is published.
    @Test func sectionBundleImagesKeepSection() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"], sourceSettings: "media_base_url: https://coffee.example/")
        defer { workspace.remove() }
        try workspace.writeRaw("hugo.toml", "baseURL = 'https://coffee.example/'\n")
        try workspace.writeFile("static/images/cafe.png", bytes: MediaTestServer.pngBytes)
        try workspace.writeFile("content/posts/opening/photo.png", bytes: MediaTestServer.pngBytes)
        try workspace.writePost(
            "content/posts/opening/index.md", title: "Opening",
            body: "![Photo](photo.png)\n\n![Cafe](/images/cafe.png)")
        try workspace.writeFile("content/posts/2025/beans/bag.png", bytes: MediaTestServer.pngBytes)
        try workspace.writePost("content/posts/2025/beans/index.md", title: "Beans", body: "![Bag](bag.png)")
        try setSourcePath("content/posts", in: workspace)

        let report = try workspace.run(.plan)
        let opening = try #require(report.items.first { $0.identity == "opening/index.md" })
        #expect(opening.decision == .create, "\(opening.message ?? "")")
        #expect(
            opening.posts.first?.media == [
                "https://coffee.example/posts/opening/photo.png", "https://coffee.example/images/cafe.png",
            ])
        let beans = try #require(report.items.first { $0.identity == "2025/beans/index.md" })
        #expect(beans.posts.first?.media == ["https://coffee.example/posts/2025/beans/bag.png"])
    }

    /// A source at the Hugo site's content folder maps a bundle's image as before, and so does a source at the
    /// site's own folder, whose files' paths start with `content/`.
    @Test func hugoContentRootBundleImages() throws {
        for sourcePath in ["content", ""] {
            let workspace = try TestWorkspace(
                pages: ["Northwind LinkedIn"], sourceSettings: "media_base_url: https://coffee.example/")
            defer { workspace.remove() }
            try workspace.writeRaw("hugo.toml", "baseURL = 'https://coffee.example/'\n")
            try workspace.writeFile("content/posts/opening/photo.png", bytes: MediaTestServer.pngBytes)
            try workspace.writePost("content/posts/opening/index.md", title: "Opening", body: "![Photo](photo.png)")
            if !sourcePath.isEmpty { try setSourcePath(sourcePath, in: workspace) }

            let item = try #require(try workspace.run(.plan).items.first)
            #expect(item.decision == .create, "source \(sourcePath): \(item.message ?? "")")
            #expect(
                item.posts.first?.media == ["https://coffee.example/posts/opening/photo.png"], "source \(sourcePath)")
        }
    }

    /// Without a site configuration the content folder is unknown, so a bundle's image maps below the source
    /// folder, as it always has.
    @Test func sectionWithoutSiteMapsBelowSource() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"], sourceSettings: "media_base_url: https://coffee.example/")
        defer { workspace.remove() }
        try workspace.writeFile("content/posts/opening/photo.png", bytes: MediaTestServer.pngBytes)
        try workspace.writePost("content/posts/opening/index.md", title: "Opening", body: "![Photo](photo.png)")
        try setSourcePath("content/posts", in: workspace)

        let item = try #require(try workspace.run(.plan).items.first)
        #expect(item.decision == .create, "\(item.message ?? "")")
        #expect(item.posts.first?.media == ["https://coffee.example/opening/photo.png"])
    }

    /// A Jekyll site's `_posts` source and a collection's source map a relative image below the source folder,
    /// unchanged by the Hugo content folder rule.
    @Test func jekyllRelativeImagesMapBelowSource() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"], sourceSettings: "media_base_url: https://coffee.example/")
        defer { workspace.remove() }
        try workspace.writeRaw("_config.yml", "title: Northwind\ncollections:\n  recipes:\n    output: true\n")
        try workspace.writeFile("_posts/photo.png", bytes: MediaTestServer.pngBytes)
        try workspace.writePost("_posts/2025-01-02-opening.md", title: "Opening", body: "![Photo](photo.png)")
        try workspace.writeFile("_recipes/cake/photo.png", bytes: MediaTestServer.pngBytes)
        try workspace.writePost("_recipes/cake/index.md", title: "Cake", body: "![Photo](photo.png)")

        try setSourcePath("_posts", in: workspace)
        let post = try #require(try workspace.run(.plan).items.first)
        #expect(post.decision == .create, "\(post.message ?? "")")
        #expect(post.posts.first?.media == ["https://coffee.example/photo.png"])

        let configuration = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
            .replacingOccurrences(of: "path: content/_posts", with: "path: content/_recipes")
        try configuration.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let recipe = try #require(try workspace.run(.plan).items.first { $0.identity == "cake/index.md" })
        #expect(recipe.decision == .create, "\(recipe.message ?? "")")
        #expect(recipe.posts.first?.media == ["https://coffee.example/cake/photo.png"])
    }

    @Test func localImagesWithoutABaseURLAreLeftOutWithAWarning() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writeFile("images/logo.png", bytes: MediaTestServer.pngBytes)
        try workspace.writePost("site.md", title: "Site path", body: "![Logo](/images/logo.png)")
        let report = try workspace.run(.plan)
        let post = try #require(report.items.first?.posts.first)
        #expect(post.media.isEmpty)
        #expect(post.warnings.contains { $0.contains("media_base_url") })
    }

    /// A URL that is not probed is judged by its extension: a page's or an audio file's extension fails its item,
    /// and a URL without one is taken for an image.
    @Test func unprobedPageURLFailsItsItem() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost(
            "page.md", title: "Page", body: "Linked.", frontMatter: "image: https://cdn.example/post.html\n")
        try workspace.writePost(
            "song.md", title: "Song", body: "Linked.", frontMatter: "image: https://cdn.example/a.mp3\n")
        try workspace.writePost(
            "cdn.md", title: "CDN", body: "Linked.", frontMatter: "image: https://cdn.example/i/42\n")
        let report = try workspace.run(.plan)
        let page = try #require(report.items.first { $0.identity == "page.md" })
        #expect(page.decision == .failed)
        #expect(page.message?.contains("names an HTML page, not an image or video") == true, "\(page.message ?? "")")
        let song = try #require(report.items.first { $0.identity == "song.md" })
        #expect(song.decision == .failed)
        #expect(
            song.message?.contains("https://cdn.example/a.mp3 is not an image or video (by its extension .mp3)")
                == true, "\(song.message ?? "")")
        let cdn = try #require(report.items.first { $0.identity == "cdn.md" })
        #expect(cdn.posts.first?.media == ["https://cdn.example/i/42"])
    }

    /// Planable's API takes image and video URLs only, so a PDF fails its item before any request. That holds
    /// whether it is judged by its extension, its served type or a local file's name, and the message names the
    /// way to a LinkedIn PDF carousel.
    @Test func pdfFailsItsItem() throws {
        let server = try MediaTestServer()
        defer { server.stop() }
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"],
            extraConfiguration: "rules:\n  - name: decks\n    linkedin_document_title: \"{{title}} (slides)\"",
            sourceSettings: "media_base_url: https://coffee.example/")
        defer { workspace.remove() }
        try workspace.writePost(
            "url.md", title: "URL", body: "Deck.", frontMatter: "image: https://cdn.example/deck.pdf\n")
        try workspace.writePost(
            "served.md", title: "Served", body: "Deck.", frontMatter: "image: \(server.baseURL)/deck\n")
        try workspace.writeFile("slides.pdf", bytes: Array("%PDF-1.4\n".utf8))
        try workspace.writePost("local.md", title: "Local", body: "Deck.", frontMatter: "image: slides.pdf\n")
        let report = try workspace.run(.plan)
        for name in ["url.md", "served.md", "local.md"] {
            let item = try #require(report.items.first { $0.identity == name })
            #expect(item.decision == .failed, "\(name): \(item.message ?? "")")
            #expect(
                item.message?.contains("for a LinkedIn PDF carousel, give its pages as images") == true,
                "\(name): \(item.message ?? "")")
        }
    }

    @Test func theEmbeddedServerKeepsMediaChecksOnLoopback() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        let runtime = try Runtime(
            configuration: try Configuration.load(path: workspace.configPath),
            logger: Logger(label: "test", destination: .none),
            exclusive: false)
        #expect(runtime.engine().mediaChecker.reach == .loopbackOnly)
    }

    @Test func onlyLoopbackHostsCountAsLoopback() {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "[::1]", "::1"] {
            #expect(MediaChecker.isLoopback(host), "\(host)")
        }
        for host in ["192.0.2.1", "example.com", "localhost.example", "10.0.0.1", "::ffff:192.0.2.1", "0.0.0.0"] {
            #expect(!MediaChecker.isLoopback(host), "\(host)")
        }
    }

    @Test func redirectsOffLoopbackAreRefusedBeforeTheyAreFollowed() throws {
        let local = try MediaChecker.redirectTarget(
            from: "http://127.0.0.1:9/a.png", location: "/b.png", original: "http://127.0.0.1:9/a.png",
            reach: .loopbackOnly)
        #expect(local == "http://127.0.0.1:9/b.png")
        #expect(throws: MediaChecker.Failure.self) {
            try MediaChecker.redirectTarget(
                from: "http://127.0.0.1:9/a.png", location: "http://192.0.2.1/b.png",
                original: "http://127.0.0.1:9/a.png",
                reach: .loopbackOnly)
        }
        #expect(throws: MediaChecker.Failure.self) {
            try MediaChecker.redirectTarget(
                from: "http://127.0.0.1:9/a.png", location: "file:///etc/passwd", original: "http://127.0.0.1:9/a.png",
                reach: .everyHost)
        }
        let remote = try MediaChecker.redirectTarget(
            from: "https://example.com/a.png", location: "https://cdn.example.com/b.png",
            original: "https://example.com/a.png",
            reach: .everyHost)
        #expect(remote == "https://cdn.example.com/b.png")
    }
}
