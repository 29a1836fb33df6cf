import Foundation
import Testing

@testable import PlanableReference

@Suite struct PlatformLinksTests {
    /// ObjectIds made by one process in one second: the same time and process bytes, counters 1 and 2.
    private let sameSecondIDs = ["6650f2a1" + "3c9e5d7a41" + "000001", "6650f2a1" + "3c9e5d7a41" + "000002"]

    @Test(arguments: PlatformLinks.platforms)
    func linksDifferForSameSecondIDs(platform: String) {
        let links = sameSecondIDs.map {
            PlatformLinks.publishedLink(platform: platform, pageName: "Northwind Page", postID: $0)
        }
        #expect(links[0] != links[1], "\(platform) gave \(links[0]) to both posts")
    }

    @Test(arguments: PlatformLinks.platforms)
    func linksAreStableAndPlausible(platform: String) throws {
        let id = sameSecondIDs[0]
        let link = PlatformLinks.publishedLink(platform: platform, pageName: "Northwind Page", postID: id)
        #expect(link == PlatformLinks.publishedLink(platform: platform, pageName: "Northwind Page", postID: id))
        let patterns = [
            "linkedin": #"^https://www\.linkedin\.com/feed/update/urn:li:activity:[1-9][0-9]{18}$"#,
            "facebook": #"^https://www\.facebook\.com/northwind-page/posts/[1-9][0-9]{18}$"#,
            "instagram": #"^https://www\.instagram\.com/p/[A-Za-z0-9_-]{11}$"#,
            "x": #"^https://x\.com/northwind_page/status/[1-9][0-9]{18}$"#,
            "pinterest": #"^https://www\.pinterest\.com/pin/[1-9][0-9]{18}$"#,
            "youtube": #"^https://www\.youtube\.com/watch\?v=[A-Za-z0-9_-]{11}$"#,
            "tiktok": #"^https://www\.tiktok\.com/@northwind_page/video/[1-9][0-9]{18}$"#,
            "threads": #"^https://www\.threads\.net/@northwind_page/post/[A-Za-z0-9_-]{11}$"#,
            "googlebusiness": #"^https://business\.google\.com/posts/[1-9][0-9]{18}$"#,
        ]
        let pattern = try #require(patterns[platform])
        #expect(link.range(of: pattern, options: .regularExpression) != nil, "\(link) does not match \(pattern)")
    }

    /// A published post's link names the page by the handle of the page's own link.
    @Test(arguments: ["facebook", "x", "tiktok", "threads"])
    func postLinksUseProfileHandle(platform: String) throws {
        let profile = PlatformLinks.profileLink(platform: platform, name: "Northwind Page")
        let post = PlatformLinks.publishedLink(platform: platform, pageName: "Northwind Page", postID: sameSecondIDs[0])
        #expect(post.hasPrefix(profile + "/"), "\(post) is not under \(profile)")
    }

    /// A page stored with an older form of its handle keeps it in its posts' links.
    @Test func postLinksKeepStoredHandle() {
        let post = PlatformLinks.publishedLink(
            platform: "tiktok", pageName: "Northwind Page", postID: sameSecondIDs[0],
            profileLink: "https://www.tiktok.com/@northwind-page")
        #expect(post.hasPrefix("https://www.tiktok.com/@northwind-page/video/"), "\(post)")
        let custom = PlatformLinks.publishedLink(
            platform: "x", pageName: "Northwind Page", postID: sameSecondIDs[0], profileLink: "https://example.org/x")
        #expect(custom.hasPrefix("https://x.com/northwind_page/status/"), "\(custom)")
    }

    /// Posts created back to back through the API get ObjectIds that usually share their first 18 digits, and
    /// each published post still gets its own link.
    @Test func publishedPostsGetDistinctLinks() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        var ids: [String] = []
        for page in ["Northwind Instagram", "Northwind Instagram", "Northwind LinkedIn", "Northwind LinkedIn"] {
            // Instagram publishes no post without an image or a video.
            let post = try server.createPost(
                workspace: "Northwind Coffee", page: page, extra: [("media", ["https://cdn.example.com/a.jpg"])])
            ids.append(try #require(post["id"]?.stringValue))
        }
        for id in ids {
            let published = try server.send("POST", "/reference/posts/\(id)/publish", body: [:], token: nil)
            #expect(published.status == 200, "\(published.text)")
        }
        server.clock.advance(by: 5)
        var links: [String] = []
        for id in ids {
            let post = try server.send("GET", "/posts/\(id)").data
            #expect(post["status"] == "published")
            links.append(try #require(post["publishedPostLink"]?.stringValue))
        }
        #expect(Set(links).count == links.count, "links: \(links)")
    }
}
