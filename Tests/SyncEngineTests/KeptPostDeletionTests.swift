import Foundation
import HTTPClient
import Testing

@testable import SyncEngine

/// With `delete_drafts: true`, a removed item's posts are deleted only while Planable still shows them as drafts:
/// a post that is approved, scheduled, being published or published stays, and the report names it once.
@Suite(.serialized) struct KeptPostDeletionTests {
    func makeWorkspace(pages: [String] = ["Northwind LinkedIn"]) throws -> TestWorkspace {
        try TestWorkspace(pages: pages, extraConfiguration: "delete_drafts: true")
    }

    func state(_ workspace: TestWorkspace) throws -> StateStore {
        try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
    }

    /// Sends an admin action of the reference server, such as `/reference/posts/ID/approve`, as a person in
    /// Planable's app would act between two syncs.
    func admin(_ workspace: TestWorkspace, _ path: String, _ body: String = "{}") throws {
        let readBack = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        let url = readBack.server.baseURL.replacingOccurrences(of: "/api/v1", with: "") + path
        let response = try HTTPClient().send(
            HTTPRequest(
                method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Array(body.utf8)))
        #expect((200..<300).contains(response.status), "\(path): \(String(decoding: response.body, as: UTF8.self))")
    }

    func schedule(_ workspace: TestWorkspace, postId: String) throws {
        let readBack = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        _ = try readBack.json(
            "PATCH", "/posts/\(postId)",
            body: ["scheduledAt": "2027-03-01T10:00:00Z", "publishAtScheduledDate": true])
    }

    func postIds(_ workspace: TestWorkspace) throws -> Set<String> {
        Set(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().map(\.id))
    }

    /// Writes a file that no test removes, because a folder left empty deletes nothing without `allow_empty`.
    func writeStayingFile(_ workspace: TestWorkspace) throws {
        try workspace.writePost("stays.md", title: "Stays", body: "Body.")
    }

    func removeFile(_ workspace: TestWorkspace, _ name: String) throws {
        try FileManager.default.removeItem(at: workspace.contentFolder.appendingPathComponent(name))
    }

    /// A post approved and scheduled in Planable after the last status poll is not deleted
    /// with its file, while a plain draft removed in the same pass is.
    @Test func approvedScheduledPostIsKept() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        for number in 1...3 {
            try workspace.writePost("d\(number).md", title: "DD \(number)", body: "Body \(number).")
        }
        #expect(try workspace.run(.apply).created == 3)
        let kept = try #require(try state(workspace).posts(source: "posts", identity: "d1.md").first)
        let draft = try #require(try state(workspace).posts(source: "posts", identity: "d2.md").first)
        try admin(workspace, "/reference/posts/\(kept.postId)/approve")
        try schedule(workspace, postId: kept.postId)
        try removeFile(workspace, "d1.md")
        try removeFile(workspace, "d2.md")

        let plan = try workspace.run(.plan)
        let plannedKeep = try #require(plan.items.first { $0.identity == "d1.md" })
        #expect(plannedKeep.decision == .removed)
        #expect(plannedKeep.message?.contains("approved") == true, "\(plannedKeep.message ?? "")")
        #expect(plannedKeep.message?.contains("scheduled") == true, "\(plannedKeep.message ?? "")")
        #expect(plan.items.first { $0.identity == "d2.md" }?.decision == .delete)
        #expect(plan.deleted == 1)

        let sync = try workspace.run(.apply)
        let keptItem = try #require(sync.items.first { $0.identity == "d1.md" })
        #expect(keptItem.decision == .removed)
        #expect(keptItem.message?.contains("approved") == true, "\(keptItem.message ?? "")")
        #expect(keptItem.message?.contains("scheduled") == true, "\(keptItem.message ?? "")")
        #expect(keptItem.message?.contains(kept.postId) == true, "\(keptItem.message ?? "")")
        #expect(sync.items.first { $0.identity == "d2.md" }?.decision == .delete)
        #expect(sync.deleted == 1)
        #expect(sync.removed == 1)
        let remaining = try postIds(workspace)
        #expect(remaining.contains(kept.postId))
        #expect(!remaining.contains(draft.postId))
        #expect(try state(workspace).item(source: "posts", identity: "d1.md")?.status == "removed")
        #expect(try state(workspace).posts(source: "posts", identity: "d1.md").map(\.postId) == [kept.postId])

        // The kept post is reported once, not at every later run.
        let again = try workspace.run(.apply)
        #expect(again.items.isEmpty, "\(again.items.map { "\($0.identity) \($0.decision)" })")
        #expect(again.requests.write == 0)
        #expect(try postIds(workspace).contains(kept.postId))
    }

    /// An approval alone, given after the last status poll, keeps the post: the deletion reads the post first
    /// instead of trusting the state.
    @Test func approvalSinceLastPollKeepsPost() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Approved", body: "Body.")
        try writeStayingFile(workspace)
        #expect(try workspace.run(.apply).created == 2)
        let post = try #require(try state(workspace).posts(source: "posts", identity: "a.md").first)
        #expect(post.approvalStatus != "FULLY_APPROVED")
        try admin(workspace, "/reference/posts/\(post.postId)/approve")
        try removeFile(workspace, "a.md")

        let sync = try workspace.run(.apply)
        let item = try #require(sync.items.first { $0.identity != "stays.md" })
        #expect(item.decision == .removed)
        #expect(item.message?.contains("approved") == true, "\(item.message ?? "")")
        #expect(sync.deleted == 0)
        #expect(sync.requests.write == 0)
        #expect(try postIds(workspace).contains(post.postId))
    }

    /// A published post stays, as before, although the state recorded it as a draft.
    @Test func publishedPostIsKept() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try workspace.writePost("p.md", title: "Published", body: "Body.")
        try writeStayingFile(workspace)
        #expect(try workspace.run(.apply).created == 2)
        let post = try #require(try state(workspace).posts(source: "posts", identity: "p.md").first)
        try admin(workspace, "/reference/posts/\(post.postId)/publish")
        try removeFile(workspace, "p.md")

        let sync = try workspace.run(.apply)
        let item = try #require(sync.items.first { $0.identity != "stays.md" })
        #expect(item.decision == .removed)
        #expect(sync.requests.write == 0)
        #expect(try postIds(workspace).contains(post.postId))
    }

    /// In a group, the drafts are deleted and the approved post stays, and the report says so.
    @Test func groupKeepsApprovedPost() throws {
        let workspace = try makeWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook"])
        defer { workspace.remove() }
        try workspace.writePost("g.md", title: "Grouped", body: "Body.")
        try writeStayingFile(workspace)
        #expect(try workspace.run(.apply).created == 2)
        let posts = try state(workspace).posts(source: "posts", identity: "g.md")
        #expect(posts.count == 2)
        #expect(Set(posts.compactMap(\.groupId)).count == 1)
        let approved = try #require(posts.first)
        let draft = try #require(posts.last)
        try admin(workspace, "/reference/posts/\(approved.postId)/approve")
        try removeFile(workspace, "g.md")

        let sync = try workspace.run(.apply)
        let item = try #require(sync.items.first { $0.identity != "stays.md" })
        #expect(item.decision == .delete)
        #expect(item.message?.contains("deleting 1 draft post") == true, "\(item.message ?? "")")
        #expect(item.message?.contains("keeping 1 post") == true, "\(item.message ?? "")")
        #expect(item.message?.contains(approved.postId) == true, "\(item.message ?? "")")
        let remaining = try postIds(workspace)
        #expect(remaining.contains(approved.postId))
        #expect(!remaining.contains(draft.postId))
        #expect(try state(workspace).posts(source: "posts", identity: "g.md").map(\.postId) == [approved.postId])
        #expect(try state(workspace).item(source: "posts", identity: "g.md")?.status == "removed")
    }
}
