import Foundation
import Testing
import Timestamps

@testable import PlanableReference

@Suite struct PostsTests {
    @Test func createsGroupedPosts() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let pageIDs = [try server.pageID("Northwind LinkedIn"), try server.pageID("Northwind X")]
        let reply = try server.send(
            "POST", "/posts",
            body: [
                "workspaceId": .string(workspace), "pageIds": .array(pageIDs.map { .string($0) }), "text": "Grouped",
            ])
        #expect(reply.status == 201)
        let posts = reply.json["posts"]?.arrayValue ?? []
        #expect(posts.count == 2)
        #expect(posts.map { $0["pageId"]?.stringValue } == pageIDs)
        #expect(posts.map { $0["type"]?.stringValue } == ["linkedin", "x"])
        let groupID = posts.first?["groupId"]?.stringValue
        #expect(groupID != nil)
        #expect(posts.allSatisfy { $0["groupId"]?.stringValue == groupID })
        #expect(posts.allSatisfy { $0["groupPageIds"] == .array(pageIDs.map { .string($0) }) })
        #expect(posts.allSatisfy { $0["status"] == "draft" && $0["published"] == .bool(false) })
        #expect(posts.first?["approval"]?["status"] == "NEVER_SENT")
        #expect(posts.first?["approval"]?["type"] == "OPTIONAL")
    }

    @Test func singlePostHasNoGroup() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let post = try server.createPost(workspace: "Northwind Coffee", page: "Northwind Facebook")
        #expect(post["groupId"] == nil)
        #expect(post["groupPageIds"] == nil)
        #expect(post["classification"] == "post")
    }

    @Test func rejectsPageOutsideWorkspace() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let reply = try server.send(
            "POST", "/posts",
            body: [
                "workspaceId": .string(try server.workspaceID("Northwind Coffee")),
                "pageId": .string(try server.pageID("Contoso Facebook")),
            ])
        #expect(reply.status == 404)
        #expect(reply.errorCode == "NOT_FOUND")
        let unknownWorkspace = try server.send("POST", "/posts", body: ["workspaceId": "nope", "pageId": "nope"])
        #expect(unknownWorkspace.status == 404)
        let both = try server.send(
            "POST", "/posts",
            body: ["workspaceId": .string(try server.workspaceID("Northwind Coffee")), "pageId": "a", "pageIds": ["a"]])
        #expect(both.status == 400)
    }

    /// An escaped NUL once ended the path early, so GET /posts/%00 listed the posts instead of looking one up.
    @Test func escapedNulInPostIDIsNotFound() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let reply = try server.send("GET", "/posts/%00")
        #expect(reply.status == 404)
        #expect(reply.errorCode == "NOT_FOUND")
        #expect(reply.text.contains("%00"))
    }

    @Test func listsNewestFirstWithPagination() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        var ids: [String] = []
        for index in 0..<3 {
            let post = try server.createPost(
                workspace: "Northwind Coffee", page: "Northwind LinkedIn", extra: [("text", .string("post \(index)"))])
            ids.append(post["id"]?.stringValue ?? "")
            server.clock.advance(by: 1)
        }
        let workspace = try server.workspaceID("Northwind Coffee")
        let first = try server.send("GET", "/posts?workspaceId=\(workspace)&limit=2")
        #expect(first.status == 200)
        #expect(first.data.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[2], ids[1]])
        #expect(first.json["pagination"]?["hasMore"] == .bool(true))
        let second = try server.send("GET", "/posts?workspaceId=\(workspace)&limit=2&offset=2")
        #expect(second.data.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[0]])
        #expect(second.json["pagination"]?["hasMore"] == .bool(false))
        let missing = try server.send("GET", "/posts")
        #expect(missing.status == 400)
        let badLimit = try server.send("GET", "/posts?workspaceId=\(workspace)&limit=ten")
        #expect(badLimit.status == 400)
    }

    /// An offset near Int.max once overflowed `offset + limit` and stopped the server. A limit of 0 reported more
    /// posts, so a client that pages on by the limit would ask for them without end.
    @Test func paginationAtExtremes() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        _ = try server.createPost(workspace: "Northwind Coffee", page: "Northwind LinkedIn")
        let workspace = try server.workspaceID("Northwind Coffee")
        for path in ["/posts?workspaceId=\(workspace)&", "/pages?", "/media?workspaceId=\(workspace)&"] {
            let far = try server.send("GET", path + "offset=9223372036854775800&limit=100")
            #expect(far.status == 200, "\(path): \(far.text)")
            #expect(far.data.arrayValue?.isEmpty == true, "\(path)")
            #expect(far.json["pagination"]?["hasMore"] == .bool(false), "\(path)")
            let empty = try server.send("GET", path + "limit=0")
            #expect(empty.status == 200, "\(path): \(empty.text)")
            #expect(empty.json["pagination"]?["hasMore"] == .bool(false), "\(path)")
        }
        #expect(try server.send("GET", "/workspaces").status == 200, "the server still answers")
    }

    @Test func updatesAndDeletesPost() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let post = try server.createPost(workspace: "Northwind Coffee", page: "Northwind LinkedIn")
        let id = try #require(post["id"]?.stringValue)
        let updated = try server.send("PATCH", "/posts/\(id)", body: ["text": "Changed", "teamOnly": true])
        #expect(updated.status == 200)
        #expect(updated.data["plainText"] == "Changed")
        #expect(updated.data["teamOnly"] == .bool(true))
        #expect(try server.send("GET", "/posts/\(id)").data["plainText"] == "Changed")
        let empty = try server.send("PATCH", "/posts/\(id)", body: ["notify": false])
        #expect(empty.status == 400)
        let tooLong = try server.send(
            "PATCH", "/posts/\(id)", body: ["text": .string(String(repeating: "a", count: 25_001))])
        #expect(tooLong.status == 400)
        #expect(try server.send("DELETE", "/posts/\(id)").status == 204)
        #expect(try server.send("GET", "/posts/\(id)").status == 404)
        #expect(try server.send("PATCH", "/posts/\(id)", body: ["text": "x"]).status == 404)
        #expect(try server.send("DELETE", "/posts/\(id)").status == 404)
    }

    /// A null clears a schedule or campaign, while a PATCH that leaves a field out keeps it.
    @Test func nullClearsScheduleAndCampaign() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let campaign = try server.send(
            "POST", "/campaigns", body: ["workspaceId": .string(workspace), "name": "Spring launch"])
        let campaignID = try #require(campaign.data["id"]?.stringValue, "\(campaign.text)")
        let scheduledAt = Timestamp.format(server.clock.now() + 3600)
        let post = try server.createPost(
            workspace: "Northwind Coffee", page: "Northwind LinkedIn",
            extra: [
                ("scheduledAt", .string(scheduledAt)), ("publishAtScheduledDate", true),
                ("campaignId", .string(campaignID)),
            ])
        let id = try #require(post["id"]?.stringValue)
        #expect(post["status"] == "scheduled")

        let textOnly = try server.send("PATCH", "/posts/\(id)", body: ["text": "Changed"])
        #expect(textOnly.status == 200, "\(textOnly.text)")
        #expect(textOnly.data["scheduledAt"]?.stringValue == scheduledAt)
        #expect(textOnly.data["campaignId"]?.stringValue == campaignID)

        // A post that publishes at its date cannot lose the date alone, and the error message names the way out.
        let dateOnly = try server.send("PATCH", "/posts/\(id)", body: ["scheduledAt": .null])
        #expect(dateOnly.status == 400, "\(dateOnly.text)")
        #expect(dateOnly.text.contains("send publishAtScheduledDate: false to remove the date"), "\(dateOnly.text)")
        let cleared = try server.send(
            "PATCH", "/posts/\(id)",
            body: ["scheduledAt": .null, "publishAtScheduledDate": false, "campaignId": .null])
        #expect(cleared.status == 200, "\(cleared.text)")
        let read = try server.send("GET", "/posts/\(id)").data
        #expect(read["scheduledAt"] == JSONValue.null)
        #expect(read["campaignId"] == JSONValue.null)
        #expect(read["status"] == "draft")
        #expect(read["scheduledSet"] == .bool(false))
    }

    @Test func countsPostsPerWorkspace() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        _ = try server.createPost(workspace: "Northwind Coffee", page: "Northwind LinkedIn")
        _ = try server.createPost(workspace: "Northwind Coffee", page: "Northwind X")
        _ = try server.createPost(workspace: "Contoso Bakery", page: "Contoso Facebook")
        let reply = try server.send("GET", "/posts/count")
        #expect(reply.data["total"] == .integer(3))
        #expect(reply.data["workspaces"]?.arrayValue?.compactMap { $0["count"]?.intValue } == [2, 1])
    }

    @Test func cachedListsFollowEveryChange() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let post = try server.createPost(workspace: "Northwind Coffee", page: "Northwind LinkedIn")
        let id = try #require(post["id"]?.stringValue)
        let path = "/posts?workspaceId=\(try server.workspaceID("Northwind Coffee"))"
        #expect(try server.send("GET", path).data.arrayValue?.first?["plainText"] == "Hello")
        #expect(try server.send("GET", path).data.arrayValue?.first?["plainText"] == "Hello")
        _ = try server.server.store.withLock { store in
            try store.database.run("UPDATE posts SET text = 'Changed below the API' WHERE id = ?", [id])
        }
        #expect(try server.send("GET", path).data.arrayValue?.first?["plainText"] == "Changed below the API")
        try server.send(
            "PATCH", "/posts/\(id)",
            body: [
                "scheduledAt": .string(Timestamp.format(server.clock.now() + 60)), "publishAtScheduledDate": true,
            ])
        #expect(try server.send("GET", path).data.arrayValue?.first?["status"] == "scheduled")
        server.clock.advance(by: 61)
        #expect(try server.send("GET", path).data.arrayValue?.first?["status"] == "publishing")
    }

    @Test func thumbnailWithoutVideoKeepsPost() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let page = try server.pageID("Northwind YouTube")
        let thumbnail: JSONValue = ["imageUrl": "https://cdn.example/cover.jpg"]
        let noVideo = try server.send(
            "POST", "/posts",
            body: [
                "workspaceId": .string(workspace), "pageId": .string(page),
                "media": ["https://cdn.example/still.jpg", "https://cdn.example/loop.gif"], "videoThumbnail": thumbnail,
            ])
        #expect(noVideo.status == 400)
        #expect(noVideo.errorCode == "VALIDATION_ERROR")
        let listed = try server.send("GET", "/posts?workspaceId=\(workspace)&pageId=\(page)").data.arrayValue ?? []
        #expect(listed.count == 1)
        #expect(listed.first?["mediaType"] == "mixed")
        #expect(listed.first?["videoThumbnailUrl"] == nil)
        let id = try #require(listed.first?["id"]?.stringValue)
        #expect(noVideo.json["error"]?["message"]?.stringValue?.contains(id) == true)

        let withVideo = try server.send(
            "POST", "/posts",
            body: [
                "workspaceId": .string(workspace), "pageId": .string(page), "media": ["https://cdn.example/clip.mp4"],
                "videoThumbnail": thumbnail,
            ])
        #expect(withVideo.status == 201)
        #expect(withVideo.json["posts"]?.arrayValue?.first?["videoThumbnailUrl"] == "https://cdn.example/cover.jpg")
    }

    @Test func patchThumbnailFollowsVideo() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let post = try server.createPost(workspace: "Northwind Coffee", page: "Northwind YouTube")
        let id = try #require(post["id"]?.stringValue)
        let thumbnail: JSONValue = ["imageUrl": "https://cdn.example/cover.jpg"]

        let noVideo = try server.send("PATCH", "/posts/\(id)", body: ["videoThumbnail": thumbnail])
        #expect(noVideo.status == 400)
        #expect(noVideo.errorCode == "VALIDATION_ERROR")
        #expect(try server.send("GET", "/posts/\(id)").data["videoThumbnailUrl"] == nil)

        let offset = try server.send(
            "PATCH", "/posts/\(id)",
            body: ["media": ["https://cdn.example/clip.mp4"], "videoThumbnail": ["offsetSeconds": 2]])
        #expect(offset.status == 200)
        let image = try server.send("PATCH", "/posts/\(id)", body: ["videoThumbnail": thumbnail])
        #expect(image.status == 200)
        #expect(image.data["videoThumbnailUrl"] == "https://cdn.example/cover.jpg")

        let imageOnly = try server.send("PATCH", "/posts/\(id)", body: ["media": ["https://cdn.example/still.jpg"]])
        #expect(imageOnly.status == 200)
        #expect(imageOnly.data["videoThumbnailUrl"] == nil)
    }
}
