import Foundation
import HTTPServer
import Testing

@testable import PlanableReference

@Suite struct MediaTests {
    /// A 640 by 480 PNG header: signature and IHDR chunk, enough for type and size detection.
    static let png: [UInt8] =
        [
            0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0x02, 0x80, 0, 0,
            0x01, 0xE0, 8, 6, 0, 0, 0,
        ]
        + [UInt8](repeating: 0, count: 2000)

    private func mediaServer() throws -> HTTPServer {
        let server = HTTPServer(host: "127.0.0.1", port: 0) { request in
            switch request.path {
            case "/photo.png":
                return .respond(
                    HTTPServerResponse(status: 200, headers: [("Content-Type", "image/png")], body: Self.png))
            case "/notes.txt":
                return .respond(HTTPServerResponse(status: 200, body: Array("plain text".utf8)))
            case "/gif-named.png":
                return .respond(HTTPServerResponse(status: 200, body: Array("GIF89a".utf8) + [0x10, 0, 0x20, 0, 0, 0]))
            case "/missing-page.png":
                return .respond(HTTPServerResponse(status: 404, body: Array(repeating: 0x20, count: 335)))
            case "/moved.png":
                return .respond(HTTPServerResponse(status: 302, headers: [("Location", "/photo.png")]))
            case "/away.png":
                return .respond(HTTPServerResponse(status: 302, headers: [("Location", "https://cdn.example/a.png")]))
            case "/circle.png":
                return .respond(HTTPServerResponse(status: 302, headers: [("Location", "/circle.png")]))
            default:
                return .respond(HTTPServerResponse(status: 404))
            }
        }
        try server.start()
        return server
    }

    private func waitForImports(_ server: TestServer) {
        _ = server.server.services.pendingImports.wait(timeout: .now() + 20)
    }

    @Test func uploadsFromURLThroughProcessing() throws {
        let media = try mediaServer()
        defer { media.stop() }
        let server = try TestServer(allowLoopbackMedia: true)
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let base = "http://127.0.0.1:\(media.port)"
        let accepted = try server.send(
            "POST", "/media",
            body: [
                "workspaceId": .string(workspace),
                "mediaUrls": [
                    .string("\(base)/photo.png"), .string("\(base)/missing.png"), .string("\(base)/notes.txt"),
                ],
            ])
        #expect(accepted.status == 202)
        let items = accepted.data.arrayValue ?? []
        #expect(items.allSatisfy { $0["status"] == "processing" })
        waitForImports(server)
        let ids = items.compactMap { $0["id"]?.stringValue }
        let photo = try server.send("GET", "/media/\(ids[0])").data
        #expect(photo["status"] == "success")
        #expect(photo["type"] == "image")
        #expect(photo["mimeType"] == "image/png")
        #expect(photo["width"] == .integer(640))
        #expect(photo["height"] == .integer(480))
        #expect(photo["size"] == .integer(Self.png.count))
        #expect(photo["url"] == .string("\(base)/photo.png"))
        #expect(try server.send("GET", "/media/\(ids[1])").data["status"] == "error")
        #expect(try server.send("GET", "/media/\(ids[2])").data["status"] == "error")
        let listed = try server.send("GET", "/media?workspaceId=\(workspace)").data.arrayValue ?? []
        #expect(listed.count == 3)
        #expect(try server.send("GET", "/media/unknown").status == 404)
    }

    @Test func refusesLoopbackByDefault() throws {
        let media = try mediaServer()
        defer { media.stop() }
        // Downloads are on as in production; the only URL is a loopback literal, refused before connecting.
        let server = try TestServer(offlineMedia: false)
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let accepted = try server.send(
            "POST", "/media",
            body: [
                "workspaceId": .string(workspace), "mediaUrls": [.string("http://127.0.0.1:\(media.port)/photo.png")],
            ])
        let id = try #require(accepted.data.arrayValue?.first?["id"]?.stringValue)
        waitForImports(server)
        #expect(try server.send("GET", "/media/\(id)").data["status"] == "error")
        let failure = try server.server.store.withLock {
            try $0.database.queryFirst("SELECT failure FROM media WHERE id = ?", [id])
        }
        #expect(failure?.string("failure")?.contains("loopback") == true)
    }

    @Test func postMediaIsDownloadedBeforeCreation() throws {
        let media = try mediaServer()
        defer { media.stop() }
        let server = try TestServer(allowLoopbackMedia: true)
        defer { server.removeFiles() }
        let url = "http://127.0.0.1:\(media.port)/photo.png"
        let post = try server.createPost(
            workspace: "Northwind Coffee", page: "Northwind Instagram", extra: [("media", [.string(url)])])
        #expect(post["media"] == .array([.string(url)]))
        #expect(post["mediaType"] == "image")
        let workspace = try server.workspaceID("Northwind Coffee")
        let broken = try server.send(
            "POST", "/posts",
            body: [
                "workspaceId": .string(workspace), "pageId": .string(try server.pageID("Northwind Instagram")),
                "media": [.string("http://127.0.0.1:\(media.port)/missing.png")],
            ])
        #expect(broken.status == 400)
        #expect(broken.json["error"]?["message"]?.stringValue?.contains("missing.png") == true)
    }

    @Test(arguments: [false, true])
    func rejectsFileOverLimitWithoutReadingPastIt(declareLength: Bool) throws {
        let limit = MediaDownloader.defaultMaximumBytes
        let stream = try StreamingServer(totalBytes: limit + 1024 * 1024, declareLength: declareLength)
        defer { stream.stop() }
        let downloader = MediaDownloader(allowLoopback: true)
        var failure: MediaDownloadError?
        do {
            _ = try downloader.download("http://127.0.0.1:\(stream.port)/huge.png")
        } catch let error as MediaDownloadError {
            failure = error
        }
        let error = try #require(failure)
        #expect(error.message.contains("larger than the limit"))
        #expect(error.bytesReceived <= limit)
        if declareLength { #expect(error.bytesReceived == 0) }
    }

    @Test func acceptsFileAtLimit() throws {
        let stream = try StreamingServer(totalBytes: 3 * 1024 * 1024, declareLength: false)
        defer { stream.stop() }
        let downloaded = try MediaDownloader(maximumBytes: 3 * 1024 * 1024, allowLoopback: true)
            .download("http://127.0.0.1:\(stream.port)/exact.png")
        #expect(downloaded.size == 3 * 1024 * 1024)
        #expect(downloaded.prefix.count == MediaDownloader.prefixBytes)
    }

    @Test(
        arguments: [
            ([127, 0, 0, 1], "loopback"), ([10, 1, 2, 3], "private"), ([172, 16, 0, 1], "private"),
            ([192, 168, 1, 1], "private"), ([169, 254, 169, 254], "link-local"), ([100, 64, 0, 1], "carrier-grade"),
            ([0, 0, 0, 0], "unspecified"), ([224, 0, 0, 1], "multicast"),
        ] as [([UInt8], String)])
    func refusesNonPublicIPv4(address: [UInt8], reason: String) {
        guard case .refused(let message) = AddressPolicy(allowLoopback: false).check(ipv4: address) else {
            Issue.record("\(address) was allowed")
            return
        }
        #expect(message.contains(reason))
    }

    @Test func classifiesIPv6AndPublicAddresses() {
        let policy = AddressPolicy(allowLoopback: false)
        var loopback = [UInt8](repeating: 0, count: 16)
        loopback[15] = 1
        #expect(policy.check(ipv6: loopback) == .refused("loopback address"))
        #expect(AddressPolicy(allowLoopback: true).check(ipv6: loopback) == .allowed)
        #expect(
            policy.check(ipv6: [0xFE, 0x80] + [UInt8](repeating: 0, count: 13) + [1]) == .refused("link-local address"))
        #expect(
            policy.check(ipv6: [0xFD, 0x00] + [UInt8](repeating: 0, count: 14)) == .refused("unique local address"))
        let mapped: [UInt8] = [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF, 10, 0, 0, 1]
        #expect(policy.check(ipv6: mapped) == .refused("private address"))
        #expect(policy.check(ipv4: [93, 184, 216, 34]) == .allowed)
        #expect(policy.check(ipv6: [0x26, 0x06, 0x28, 0x00] + [UInt8](repeating: 1, count: 12)) == .allowed)
        #expect(AddressPolicy(allowLoopback: true).check(ipv4: [10, 0, 0, 1]) == .refused("private address"))
    }

    @Test func detectsTypesByContent() {
        #expect(MediaInspector.inspect(Self.png)?.mimeType == "image/png")
        let gif = Array("GIF89a".utf8) + [0x10, 0x00, 0x20, 0x00]
        #expect(MediaInspector.inspect(gif) == .init(type: "gif", mimeType: "image/gif", width: 16, height: 32))
        let jpeg: [UInt8] = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, 0x01, 0x00, 0x02, 0x00, 3, 0, 0, 0,
        ]
        #expect(MediaInspector.inspect(jpeg) == .init(type: "image", mimeType: "image/jpeg", width: 512, height: 256))
        let mp4: [UInt8] = [0, 0, 0, 0x18] + Array("ftypisom".utf8) + [0, 0, 0, 0]
        #expect(MediaInspector.inspect(mp4)?.type == "video")
        #expect(MediaInspector.inspect(Array("hello world!".utf8)) == nil)
    }

    @Test func loopbackOnlyModeNeverLooksUpNames() throws {
        let downloader = MediaDownloader(allowLoopback: false, allowPublic: false)
        #expect(MediaDownloader.hasLoopbackLiteralHost("http://127.0.0.1:8080/a.png"))
        #expect(MediaDownloader.hasLoopbackLiteralHost("http://[::1]:8080/a.png"))
        #expect(MediaDownloader.hasLoopbackLiteralHost("http://localhost/a.png"))
        #expect(!MediaDownloader.hasLoopbackLiteralHost("http://127.0.0.1.example/a.png"))
        #expect {
            try downloader.download("https://cdn.example/a.png")
        } throws: { error in
            (error as? MediaDownloadError)?.message.contains("loopback addresses only") == true
        }
    }

    /// Without public hosts, a redirect is followed to loopback only, and a redirect to a host name is refused
    /// before libcurl would look the name up.
    @Test func loopbackOnlyModeFollowsLoopbackRedirects() throws {
        let media = try mediaServer()
        defer { media.stop() }
        let downloader = MediaDownloader(allowLoopback: true, allowPublic: false)
        let base = "http://127.0.0.1:\(media.port)"
        let moved = try downloader.download("\(base)/moved.png")
        #expect(moved.size == Self.png.count)
        #expect(moved.effectiveURL == "\(base)/photo.png")
        #expect {
            try downloader.download("\(base)/away.png")
        } throws: { error in
            (error as? MediaDownloadError)?.message.contains("redirects to https://cdn.example/a.png") == true
        }
        #expect {
            try downloader.download("\(base)/circle.png")
        } throws: { error in
            (error as? MediaDownloadError)?.message.contains("redirected more than 5 times") == true
        }
    }

    @Test func offlineMediaIsRecordedByName() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let post = try server.createPost(
            workspace: "Northwind Coffee", page: "Northwind YouTube",
            extra: [("media", ["https://cdn.example/clip.mp4"])])
        #expect(post["media"] == .array(["https://cdn.example/clip.mp4"]))
        #expect(post["mediaType"] == "video")
    }

    /// A story's GIF whose URL does not show it is found by the download, and its media fails, so the story cannot
    /// publish a GIF. A fragment does not hide the extension either.
    @Test func storyGIFFoundByDownloadFails() throws {
        let media = try mediaServer()
        defer { media.stop() }
        let server = try TestServer(allowLoopbackMedia: true)
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let page = try server.pageID("Northwind Instagram")
        let url = "http://127.0.0.1:\(media.port)/gif-named.png"
        let story = try server.send(
            "POST", "/stories",
            body: ["workspaceId": .string(workspace), "pageId": .string(page), "media": .string(url)])
        #expect(story.status == 201)
        waitForImports(server)
        let mediaID = try #require(story.data["mediaId"]?.stringValue)
        let row = try server.send("GET", "/media/\(mediaID)").data
        #expect(row["status"] == "error")
        let id = try #require(story.data["id"]?.stringValue)
        try server.send("POST", "/reference/posts/\(id)/publish", body: [:], token: nil)
        server.clock.advance(by: 3)
        #expect(try server.send("GET", "/posts/\(id)").data["status"] == "failed")

        let fragment = try server.send(
            "POST", "/stories",
            body: ["workspaceId": .string(workspace), "pageId": .string(page), "media": "https://cdn.example/a.gif#x"])
        #expect(fragment.status == 400)

        // The same file for a post is a GIF that posts take.
        let post = try server.createPost(
            workspace: "Northwind Coffee", page: "Northwind Facebook", extra: [("media", [.string(url)])])
        #expect(post["mediaType"] == "gif")
    }

    /// A failed download records no size, whatever error page it received.
    @Test func failedDownloadHasNoSize() throws {
        let media = try mediaServer()
        defer { media.stop() }
        let server = try TestServer(allowLoopbackMedia: true)
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let accepted = try server.send(
            "POST", "/media",
            body: [
                "workspaceId": .string(workspace),
                "mediaUrls": [.string("http://127.0.0.1:\(media.port)/missing-page.png")],
            ])
        waitForImports(server)
        let id = try #require(accepted.data.arrayValue?.first?["id"]?.stringValue)
        let row = try server.send("GET", "/media/\(id)").data
        #expect(row["status"] == "error")
        #expect(row["size"] == .integer(0))
    }

    /// A download that a stop cut short starts again with the next server on the same database, so the media does
    /// not stay in `processing`.
    @Test func interruptedDownloadResumes() throws {
        let media = try mediaServer()
        defer { media.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "media-resume-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = "http://127.0.0.1:\(media.port)/photo.png"
        let id: String
        do {
            let first = try TestServer(allowLoopbackMedia: true, directory: directory)
            let workspace = try first.workspaceID("Northwind Coffee")
            // The row as a stop leaves it: inserted, with its download never finished.
            id = try first.server.store.withLock { store in
                try first.server.services.insertProcessing(store, workspaceID: workspace, url: url, now: 1_780_000_000)
            }
            #expect(try first.send("GET", "/media/\(id)").data["status"] == "processing")
            first.server.stop()
        }
        let second = try TestServer(allowLoopbackMedia: true, directory: directory)
        waitForImports(second)
        let row = try second.send("GET", "/media/\(id)").data
        #expect(row["status"] == "success")
        #expect(row["size"] == .integer(Self.png.count))
    }

    @Test func storiesImportMediaInBackground() throws {
        let media = try mediaServer()
        defer { media.stop() }
        let server = try TestServer(allowLoopbackMedia: true)
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let page = try server.pageID("Northwind Instagram")
        let url = "http://127.0.0.1:\(media.port)/photo.png"
        let single = try server.send(
            "POST", "/stories",
            body: ["workspaceId": .string(workspace), "pageId": .string(page), "media": .string(url)])
        #expect(single.status == 201)
        #expect(single.data["classification"] == "story")
        #expect(single.json["group"] == nil)
        let multi = try server.send(
            "POST", "/stories",
            body: ["workspaceId": .string(workspace), "pageId": .string(page), "media": [.string(url), .string(url)]])
        #expect(multi.json["posts"]?.arrayValue?.count == 2)
        #expect(multi.json["group"]?["postIds"]?.arrayValue?.count == 2)
        waitForImports(server)
        let id = try #require(single.data["id"]?.stringValue)
        #expect(try server.send("GET", "/posts/\(id)").data["media"] == .array([.string(url)]))
        let gif = try server.send(
            "POST", "/stories",
            body: ["workspaceId": .string(workspace), "pageId": .string(page), "media": "https://cdn.example/a.gif"])
        #expect(gif.status == 400)
        let linkedin = try server.send(
            "POST", "/stories",
            body: [
                "workspaceId": .string(workspace), "pageId": .string(try server.pageID("Northwind LinkedIn")),
                "media": .string(url),
            ])
        #expect(linkedin.status == 400)
    }

    /// A thumbnail taken at a video's offset shows as the video's URL with a media fragment for that time, on
    /// create and after an update that replaces an image thumbnail.
    @Test func frameThumbnailHasURL() throws {
        let media = try mediaServer()
        defer { media.stop() }
        let server = try TestServer(allowLoopbackMedia: true)
        defer { server.removeFiles() }
        let post = try server.createPost(
            workspace: "Northwind Coffee", page: "Northwind YouTube",
            extra: [("media", ["https://cdn.example/clip.mp4"]), ("videoThumbnail", ["offsetSeconds": 1.5])])
        #expect(post["videoThumbnailUrl"] == "https://cdn.example/clip.mp4#t=1.5", "\(post)")
        let id = try #require(post["id"]?.stringValue)

        let image = try server.send(
            "PATCH", "/posts/\(id)",
            body: ["videoThumbnail": ["imageUrl": .string("http://127.0.0.1:\(media.port)/photo.png")]])
        #expect(image.status == 200, "\(image.text)")
        let frame = try server.send("PATCH", "/posts/\(id)", body: ["videoThumbnail": ["offsetSeconds": 2]])
        #expect(frame.status == 200, "\(frame.text)")
        #expect(frame.data["videoThumbnailUrl"] == "https://cdn.example/clip.mp4#t=2", "\(frame.text)")
        #expect(try server.send("GET", "/posts/\(id)").data["videoThumbnailUrl"] == "https://cdn.example/clip.mp4#t=2")
    }

    /// A thumbnail's image URL is downloaded like media: a URL that fails, or that is not a static image, is 400.
    @Test func thumbnailImageIsDownloaded() throws {
        let media = try mediaServer()
        defer { media.stop() }
        let server = try TestServer(allowLoopbackMedia: true)
        defer { server.removeFiles() }
        let base = "http://127.0.0.1:\(media.port)"
        let post = try server.createPost(
            workspace: "Northwind Coffee", page: "Northwind YouTube",
            extra: [("media", ["https://cdn.example/clip.mp4"])])
        let id = try #require(post["id"]?.stringValue)

        let missing = try server.send(
            "PATCH", "/posts/\(id)", body: ["videoThumbnail": ["imageUrl": .string("\(base)/missing.png")]])
        #expect(missing.status == 400, "\(missing.text)")
        #expect(missing.text.contains("body.videoThumbnail.imageUrl \(base)/missing.png cannot be imported"))
        let text = try server.send(
            "PATCH", "/posts/\(id)", body: ["videoThumbnail": ["imageUrl": .string("\(base)/notes.txt")]])
        #expect(text.status == 400, "\(text.text)")
        let video = try server.send(
            "PATCH", "/posts/\(id)", body: ["videoThumbnail": ["imageUrl": "https://cdn.example/other.mp4"]])
        #expect(video.status == 400, "\(video.text)")
        #expect(video.text.contains("not a static image"), "\(video.text)")
        #expect(try server.send("GET", "/posts/\(id)").data["videoThumbnailUrl"] == nil)

        let image = try server.send(
            "PATCH", "/posts/\(id)", body: ["videoThumbnail": ["imageUrl": .string("\(base)/photo.png")]])
        #expect(image.status == 200, "\(image.text)")
        #expect(image.data["videoThumbnailUrl"] == .string("\(base)/photo.png"))

        let created = try server.send(
            "POST", "/posts",
            body: [
                "workspaceId": .string(try server.workspaceID("Northwind Coffee")),
                "pageId": .string(try server.pageID("Northwind YouTube")), "media": ["https://cdn.example/clip.mp4"],
                "videoThumbnail": ["imageUrl": .string("\(base)/missing.png")],
            ])
        #expect(created.status == 400, "\(created.text)")
        #expect(created.text.contains("cannot be imported"), "\(created.text)")

        // Without a video the thumbnail is dropped, as the document describes, so its image does not matter.
        let withoutVideo = try server.send(
            "POST", "/posts",
            body: [
                "workspaceId": .string(try server.workspaceID("Northwind Coffee")),
                "pageId": .string(try server.pageID("Northwind LinkedIn")),
                "videoThumbnail": ["imageUrl": .string("\(base)/missing.png")],
            ])
        #expect(withoutVideo.status == 400, "\(withoutVideo.text)")
        #expect(withoutVideo.text.contains("without the thumbnail"), "\(withoutVideo.text)")
    }

    /// The document of POST /stories directs clients to fetch the story again to poll its media's status, so
    /// GET /posts/{id} and GET /posts show a story's mediaId and mediaStatus, including a failed download's.
    @Test func storyFetchedAgainShowsMediaStatus() throws {
        let media = try mediaServer()
        defer { media.stop() }
        let server = try TestServer(allowLoopbackMedia: true)
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let page = try server.pageID("Northwind Instagram")
        var stories: [(id: String, mediaID: String)] = []
        for name in ["missing.png", "photo.png"] {
            let url = "http://127.0.0.1:\(media.port)/\(name)"
            let story = try server.send(
                "POST", "/stories",
                body: ["workspaceId": .string(workspace), "pageId": .string(page), "media": .string(url)])
            #expect(story.status == 201, "\(story.text)")
            #expect(story.data["mediaStatus"] == "processing")
            try stories.append(
                (#require(story.data["id"]?.stringValue), #require(story.data["mediaId"]?.stringValue)))
        }
        waitForImports(server)
        let failed = try server.send("GET", "/posts/\(stories[0].id)").data
        #expect(failed["mediaId"] == .string(stories[0].mediaID))
        #expect(failed["mediaStatus"] == "error", "\(failed)")
        #expect(failed["media"] == .array([]))
        let done = try server.send("GET", "/posts/\(stories[1].id)").data
        #expect(done["mediaStatus"] == "success", "\(done)")
        #expect(done["media"] == .array([.string("http://127.0.0.1:\(media.port)/photo.png")]))
        let listed = try server.send("GET", "/posts?workspaceId=\(workspace)&pageId=\(page)").data.arrayValue ?? []
        let statuses = Dictionary(
            uniqueKeysWithValues: listed.compactMap { post in
                post["id"]?.stringValue.map { ($0, post["mediaStatus"]) }
            })
        #expect(statuses[stories[0].id] == "error")
        #expect(statuses[stories[1].id] == "success")
        // A post that is no story has neither field.
        let post = try server.createPost(workspace: "Northwind Coffee", page: "Northwind Facebook")
        #expect(post["mediaStatus"] == nil)
        #expect(post["mediaId"] == nil)
    }

    /// An empty array clears a story's media, as it clears any post's; more than one URL is 400.
    @Test func storyPatchClearsMedia() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let story = try server.send(
            "POST", "/stories",
            body: [
                "workspaceId": .string(try server.workspaceID("Northwind Coffee")),
                "pageId": .string(try server.pageID("Northwind Instagram")), "media": "https://cdn.example/frame.jpg",
            ])
        let id = try #require(story.data["id"]?.stringValue)
        let two = try server.send(
            "PATCH", "/posts/\(id)", body: ["media": ["https://cdn.example/a.jpg", "https://cdn.example/b.jpg"]])
        #expect(two.status == 400)
        #expect(two.text.contains("not 2 URLs"), "\(two.text)")
        let cleared = try server.send("PATCH", "/posts/\(id)", body: ["media": []])
        #expect(cleared.status == 200, "\(cleared.text)")
        #expect(cleared.data["media"] == .array([]))
        #expect(cleared.data["mediaId"] == .null)
        #expect(cleared.data["mediaStatus"] == .null)
    }

    @Test func storyPatchRejectsGIF() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let story = try server.send(
            "POST", "/stories",
            body: [
                "workspaceId": .string(try server.workspaceID("Northwind Coffee")),
                "pageId": .string(try server.pageID("Northwind Instagram")), "media": "https://cdn.example/frame.jpg",
            ])
        let id = try #require(story.data["id"]?.stringValue)
        let gif = try server.send("PATCH", "/posts/\(id)", body: ["media": ["https://cdn.example/loop.gif"]])
        #expect(gif.status == 400)
        #expect(gif.errorCode == "VALIDATION_ERROR")
        let after = try server.send("GET", "/posts/\(id)")
        #expect(after.data["media"] != .array(["https://cdn.example/loop.gif"]))
        let image = try server.send("PATCH", "/posts/\(id)", body: ["media": ["https://cdn.example/other.png"]])
        #expect(image.status == 200)
        #expect(image.data["media"] == .array(["https://cdn.example/other.png"]))
    }
}
