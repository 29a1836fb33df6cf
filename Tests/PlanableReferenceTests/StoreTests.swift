import Foundation
import SQLite
import Testing
@testable import PlanableReference

@Suite struct StoreTests {
    @Test func postColumnsKeepTheirPositions() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let columns = try server.server.store.withLock { store in
            try store.database.query("PRAGMA table_info(posts)").compactMap { $0.string("name") }
        }
        #expect(Array(columns.prefix(ReferenceStore.postColumns.count)) == ReferenceStore.postColumns)
    }

    @Test func schemaVersionIsRecorded() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let version = try server.server.store.withLock { try $0.database.userVersion }
        #expect(version == StoreSchema.migrations.count)
    }

    @Test func pageBeyondEndKeepsTotal() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        _ = try server.createPost(workspace: "Northwind Coffee", page: "Northwind LinkedIn")
        let workspace = try server.workspaceID("Northwind Coffee")
        let reply = try server.send("GET", "/posts?workspaceId=\(workspace)&offset=5&limit=2")
        #expect(reply.data == .array([]))
        #expect(reply.json["pagination"]?["hasMore"] == .bool(false))
    }

    /// The store keeps workspaces, pages and comment counts between requests, so each change must show in the
    /// next response that contains it.
    @Test func cachedRecordsFollowChanges() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let post = try server.createPost(workspace: "Northwind Coffee", page: "Northwind LinkedIn")
        let postID = try #require(post["id"]?.stringValue)
        let workspace = try server.workspaceID("Northwind Coffee")
        let listing = "/posts?workspaceId=\(workspace)"
        func commentCount() throws -> JSONValue? {
            let posts = try server.send("GET", listing).data.arrayValue ?? []
            return posts.first { $0["id"]?.stringValue == postID }?["commentsCounter"]
        }
        #expect(try commentCount() == .integer(0))
        let comment = try server.send("POST", "/posts/\(postID)/comments", body: ["text": "Looks good"])
        #expect(comment.status == 201)
        #expect(try commentCount() == .integer(1))
        let commentID = try #require(comment.data["id"]?.stringValue)
        #expect(try server.send("DELETE", "/posts/\(postID)/comments/\(commentID)").status == 204)
        #expect(try commentCount() == .integer(0))

        let page = try server.pageID("Northwind LinkedIn")
        #expect(try server.send("GET", "/pages/\(page)/sync-status").data["syncInProgress"] == .bool(false))
        #expect(try server.send("POST", "/pages/\(page)/sync").status == 200)
        #expect(try server.send("GET", "/pages/\(page)/sync-status").data["syncInProgress"] == .bool(true))

        #expect(try server.send("DELETE", "/workspaces/\(workspace)").status == 204)
        #expect(try server.send("GET", listing).status != 200)
    }
}
