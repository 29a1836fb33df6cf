import Foundation
import HTTPClient
import PlanableAPI
import PlanableReference
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
        let approvedPost = try #require(try state(workspace).posts(source: "posts", identity: "d1.md").first)
        let draft = try #require(try state(workspace).posts(source: "posts", identity: "d2.md").first)
        try admin(workspace, "/reference/posts/\(approvedPost.postId)/approve")
        try schedule(workspace, postId: approvedPost.postId)
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
        #expect(keptItem.message?.contains(approvedPost.postId) == true, "\(keptItem.message ?? "")")
        #expect(sync.items.first { $0.identity == "d2.md" }?.decision == .delete)
        #expect(sync.deleted == 1)
        #expect(sync.removed == 1)
        let remaining = try postIds(workspace)
        #expect(remaining.contains(approvedPost.postId))
        #expect(!remaining.contains(draft.postId))
        #expect(try state(workspace).item(source: "posts", identity: "d1.md")?.status == "removed")
        #expect(try state(workspace).posts(source: "posts", identity: "d1.md").map(\.postId) == [approvedPost.postId])

        // The kept post is reported once, not at every later run.
        let again = try workspace.run(.apply)
        #expect(again.items.isEmpty, "\(again.items.map { "\($0.identity) \($0.decision)" })")
        #expect(again.requests.write == 0)
        #expect(try postIds(workspace).contains(approvedPost.postId))
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

    /// In a group with an approved post, every post of the item stays, so that the file, if restored, finds its
    /// whole group again instead of a page without its post.
    @Test func groupIsKeptWhole() throws {
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
        #expect(item.decision == .removed)
        #expect(item.message?.contains("not all are drafts") == true, "\(item.message ?? "")")
        #expect(item.message?.contains(approved.postId) == true, "\(item.message ?? "")")
        #expect(sync.requests.write == 0)
        let remaining = try postIds(workspace)
        #expect(remaining.contains(approved.postId))
        #expect(remaining.contains(draft.postId))
        #expect(try state(workspace).item(source: "posts", identity: "g.md")?.status == "removed")

        // The restored file finds both posts: nothing is blocked, and no post is created again.
        try workspace.writePost("g.md", title: "Grouped", body: "Body.")
        let restored = try workspace.run(.apply)
        #expect(restored.blocked == 0, "\(restored.items.map { "\($0.identity) \($0.decision) \($0.message ?? "")" })")
        #expect(restored.created == 0)
        #expect(try postIds(workspace).isSuperset(of: posts.map(\.postId)))
    }

    /// A schedule that a rule sent does not keep a removed item's post, since no person acted on it, while a
    /// schedule that a person changed in Planable does.
    @Test func scheduleSentByRuleDoesNotKeepPost() throws {
        let rules = """
            delete_drafts: true
            rules:
              - name: scheduled
                schedule: {time: "09:30", publish: true}
            """
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: rules)
        defer { workspace.remove() }
        try workspace.writePost("ruled.md", title: "Ruled", body: "Body.", frontMatter: "date: 2030-06-03\n")
        try workspace.writePost("moved.md", title: "Moved", body: "Body.", frontMatter: "date: 2030-06-04\n")
        try writeStayingFile(workspace)
        #expect(try workspace.run(.apply).created == 3)
        let ruled = try #require(try state(workspace).posts(source: "posts", identity: "ruled.md").first)
        let moved = try #require(try state(workspace).posts(source: "posts", identity: "moved.md").first)
        try schedule(workspace, postId: moved.postId)
        try removeFile(workspace, "ruled.md")
        try removeFile(workspace, "moved.md")

        let sync = try workspace.run(.apply)
        #expect(sync.items.first { $0.identity == "ruled.md" }?.decision == .delete)
        let movedItem = try #require(sync.items.first { $0.identity == "moved.md" })
        #expect(movedItem.decision == .removed)
        #expect(movedItem.message?.contains("scheduled") == true, "\(movedItem.message ?? "")")
        let remaining = try postIds(workspace)
        #expect(!remaining.contains(ruled.postId))
        #expect(remaining.contains(moved.postId))
    }

    /// A schedule keeps a post only when it differs from the one sent, compared as instants. A post for which no
    /// schedule was sent keeps it, since a person set it.
    @Test func scheduleIsComparedWithSentOne() throws {
        let json = """
            {"id": "p1", "workspaceId": "w", "pageId": "pg", "plainText": "T", "createdAt": "2026-01-01T00:00:00Z",
             "media": [], "scheduledAt": "2030-06-03T13:30:00.000Z", "status": "scheduled", "approved": false,
             "published": false, "scheduledSet": true, "archived": false}
            """
        let post = try JSONDecoder().decode(Post.self, from: Data(json.utf8))
        #expect(SyncEngine.reasonsNotDraft(post, sentSchedule: "2030-06-03T15:30:00+02:00").isEmpty)
        #expect(SyncEngine.reasonsNotDraft(post, sentSchedule: "2030-06-04T13:30:00Z") == ["scheduled"])
        #expect(SyncEngine.reasonsNotDraft(post, sentSchedule: nil) == ["scheduled"])
    }

    /// A failed read before a deletion fails that item only: the rest of the run goes on, nothing is deleted,
    /// and the next run deletes the draft. The server runs in this process, so that its fault rules apply to the
    /// sync.
    @Test func failedReadFailsOnlyItsItem() throws {
        let token = "pln_" + String(repeating: "5e", count: 16)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-kept-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var options = ReferenceServerOptions(databasePath: root.appendingPathComponent("reference.sqlite").path)
        options.seed = ReferenceSeed.demo(token: token)
        let server = try ReferenceServer(options: options)
        try server.start()
        defer { server.stop() }
        let tokenPath = root.appendingPathComponent("token")
        try token.write(to: tokenPath, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenPath.path)
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"], extraConfiguration: "delete_drafts: true",
            api: "api:\n  url: \(server.baseURL)\n  token_file: \(tokenPath.path)\n")
        defer { workspace.remove() }
        try workspace.writePost("gone.md", title: "Gone", body: "Body.")
        try writeStayingFile(workspace)
        #expect(try workspace.run(.apply).created == 2)
        #expect(try state(workspace).posts(source: "posts", identity: "gone.md").count == 1)
        try removeFile(workspace, "gone.md")
        try workspace.writePost("new.md", title: "New", body: "Body.")
        let faults = server.baseURL.replacingOccurrences(of: "/api/v1", with: "") + "/reference/faults"
        let rule = #"{"operation": "GET /posts/{id}", "kind": "error", "status": 500, "count": 50}"#
        let added = try HTTPClient().send(
            HTTPRequest(
                method: "POST", url: faults, headers: [("Content-Type", "application/json")], body: Array(rule.utf8)))
        #expect((200..<300).contains(added.status), "\(String(decoding: added.body, as: UTF8.self))")

        let sync = try workspace.run(.apply)
        let failed = try #require(sync.items.first { $0.identity == "gone.md" })
        #expect(failed.decision == .failed)
        #expect(failed.failedTemporarily == true)
        #expect(failed.message?.contains("could not be read before their deletion") == true, "\(failed.message ?? "")")
        #expect(sync.items.first { $0.identity == "new.md" }?.decision == .create)
        #expect(sync.requests.write == 1)

        _ = try HTTPClient().send(HTTPRequest(method: "DELETE", url: faults))
        let next = try workspace.run(.apply)
        #expect(next.items.first { $0.identity == "gone.md" }?.decision == .delete)
        #expect(next.deleted == 1)
    }
}
