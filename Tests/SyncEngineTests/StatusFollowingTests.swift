import Foundation
import HTTPClient
import Logging
import PlanableAPI
import PlanableReference
import Testing

@testable import SyncEngine

/// Follows posts through approval and publication on a reference server whose clock the test moves.
@Suite(.serialized) struct StatusFollowingTests {
    let root: URL
    let server: ReferenceServer
    let clock = ReferenceClock(frozenAt: 1_800_000_000)
    let token = "pln_" + String(repeating: "5a", count: 16)

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-status-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        var options = ReferenceServerOptions(databasePath: root.appendingPathComponent("reference.sqlite").path)
        options.seed = ReferenceSeed.demo(token: token)
        options.clock = clock
        options.publishingSeconds = 5
        server = try ReferenceServer(options: options)
        try server.start()
        setenv("PLANABLE_STATUS_TEST_TOKEN", token, 1)
    }

    func runtime(budget: Int, extra: String = "") throws -> Runtime {
        let text = """
            \(extra)
            state: state/planable-sync.sqlite
            api:
              url: \(server.baseURL)
              token_env: PLANABLE_STATUS_TEST_TOKEN
            workspace: Northwind Coffee
            pages: [Northwind LinkedIn, Northwind Facebook]
            template: "{{title}}"
            status_read_budget: \(budget)
            sources:
              - name: posts
                type: directory
                path: content
            """
        let path = root.appendingPathComponent("planable-sync.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try Configuration.load(path: path)
        return try Runtime(
            configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: true)
    }

    func admin(_ path: String, _ body: String = "{}") throws {
        let url = server.baseURL.replacingOccurrences(of: "/api/v1", with: "") + path
        let response = try HTTPClient().send(
            HTTPRequest(
                method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Array(body.utf8)))
        #expect((200..<300).contains(response.status), "\(path): \(String(decoding: response.body, as: UTF8.self))")
    }

    func transitions(_ state: StateStore, postId: String) throws -> [String] {
        try state.withDatabase { database in
            try database.query("SELECT field, new_value FROM transitions WHERE post_id = ? ORDER BY id", [postId])
                .map { "\($0.string("field") ?? "")=\($0.string("new_value") ?? "")" }
        }
    }

    @Test func approvalAndPublicationAreRecorded() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        for index in 0..<8 {
            try "---\ntitle: Status \(index)\n---\n\nBody.\n"
                .write(to: root.appendingPathComponent("content/s\(index).md"), atomically: true, encoding: .utf8)
        }
        let runtime = try runtime(budget: 3)
        let engine = runtime.engine()
        let report = try engine.run(mode: .apply)
        #expect(report.created == 8)
        let posts = try runtime.state.allPosts()
        #expect(posts.count == 16)
        let approved = try #require(posts.first { $0.identity == "s0.md" })
        let published = try #require(posts.first { $0.identity == "s1.md" })
        let context = try engine.resolveContext()
        let follower = StatusFollower(
            client: runtime.client, state: runtime.state, logger: engine.logger, readBudget: 3)

        try admin("/reference/posts/\(approved.postId)/approve")
        try admin("/reference/posts/\(published.postId)/publish")
        server.resetRequestCounts()
        let firstChanges = try follower.refresh(workspaceId: context.workspace.id)
        #expect(firstChanges.count >= 2)
        #expect((server.requestCounts()["GET"] ?? 0) <= 3, "the refresh read more than its budget")
        #expect(try transitions(runtime.state, postId: approved.postId).contains { $0.hasPrefix("approval=") })
        #expect(try transitions(runtime.state, postId: published.postId).contains("status=publishing"))

        try admin("/reference/clock", "{\"advanceSeconds\": 10}")
        server.resetRequestCounts()
        _ = try follower.refresh(workspaceId: context.workspace.id)
        #expect((server.requestCounts()["GET"] ?? 0) <= 3)
        let recorded = try transitions(runtime.state, postId: published.postId)
        #expect(recorded.contains("published=true"), "transitions: \(recorded)")
        let record = try #require(try runtime.state.allPosts().first { $0.postId == published.postId })
        #expect(record.published)
        #expect(record.publishedLink?.hasPrefix("https://") == true)

        // Only one post of the group is published. An edit updates the other, a draft, and names the page it left.
        try "---\ntitle: Status 1, edited\n---\n\nBody.\n"
            .write(to: root.appendingPathComponent("content/s1.md"), atomically: true, encoding: .utf8)
        let afterEdit = try engine.run(mode: .apply, refreshStatus: false)
        let partly = try #require(afterEdit.items.first { $0.identity == "s1.md" })
        #expect(partly.decision == .update)
        #expect(partly.message?.contains("already published on") == true, "\(partly.message ?? "")")
        #expect(afterEdit.requests.write == 1)

        // An edit of the approved post is blocked, so the approved text stays, and the report names the setting
        // that sends it.
        let approvedRecord = try runtime.state.allPosts().first { $0.postId == approved.postId }
        let approval = try #require(approvedRecord?.approvalStatus)
        #expect(approval.hasSuffix("APPROVED"), "\(approval)")
        try "---\ntitle: Status 0, edited\n---\n\nBody.\n"
            .write(to: root.appendingPathComponent("content/s0.md"), atomically: true, encoding: .utf8)
        let plannedEdit = try engine.run(mode: .plan, refreshStatus: false)
        let planned = try #require(plannedEdit.items.first { $0.identity == "s0.md" })
        #expect(planned.decision == .blocked, "\(planned)")
        #expect(
            planned.message?.contains("was approved in Planable, so the source's change would not be sent") == true,
            "\(planned.message ?? "")")
        let approvedEdit = try engine.run(mode: .apply, refreshStatus: false)
        let edited = try #require(approvedEdit.items.first { $0.identity == "s0.md" })
        #expect(edited.decision == .blocked)
        #expect(
            edited.message?.hasSuffix(
                "set update_approved: true for one sync and ask the reviewer to approve the new text") == true,
            "\(edited.message ?? "")")
        #expect(approvedEdit.requests.write == 0)
        let kept = try runtime.client.getPost(id: approved.postId)
        #expect(kept.plainText == "Status 0", "\(kept.plainText)")
    }

    /// An approval given after the last status poll shows in the read before the update, which blocks the edit.
    /// With `update_approved`, it shows in the PATCH response, so the edit is reported.
    @Test(arguments: [false, true]) func approvalSinceLastPollIsReported(updatesApproved: Bool) throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let file = root.appendingPathComponent("content/fresh.md")
        try "---\ntitle: Fresh\n---\n\nBody.\n".write(to: file, atomically: true, encoding: .utf8)
        let runtime = try runtime(budget: 10, extra: updatesApproved ? "update_approved: true" : "")
        let engine = runtime.engine()
        #expect(try engine.run(mode: .apply, refreshStatus: false).created == 1)
        let post = try #require(try runtime.state.allPosts().first)
        try admin("/reference/posts/\(post.postId)/approve")

        try "---\ntitle: Fresh, edited\n---\n\nBody.\n".write(to: file, atomically: true, encoding: .utf8)
        let edited = try engine.run(mode: .apply, refreshStatus: false)
        let item = try #require(edited.items.first { $0.identity == "fresh.md" })
        if updatesApproved {
            #expect(item.decision == .update)
            #expect(item.message?.contains("approved before the edit") == true, "\(item.message ?? "")")
        } else {
            #expect(item.decision == .blocked)
            #expect(
                item.message?.contains("approved in Planable, so the source's change was not sent") == true,
                "\(item.message ?? "")")
        }
    }

    @Test func publishedEditKeepsFollowing() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let file = root.appendingPathComponent("content/live.md")
        try "---\ntitle: Live\n---\n\nBody.\n".write(to: file, atomically: true, encoding: .utf8)
        let runtime = try runtime(budget: 10)
        let engine = runtime.engine()
        let created = try engine.run(mode: .apply, refreshStatus: false)
        #expect(created.created == 1)
        let posts = try runtime.state.allPosts()
        #expect(posts.count == 2)
        for post in posts { try admin("/reference/posts/\(post.postId)/publish") }
        try admin("/reference/clock", "{\"advanceSeconds\": 10}")

        // The edit finds the post published, which sets `published` before any poll saw the post.
        try "---\ntitle: Live, edited\n---\n\nBody.\n".write(to: file, atomically: true, encoding: .utf8)
        let edited = try engine.run(mode: .apply, refreshStatus: false)
        #expect(edited.items.first { $0.identity == "live.md" }?.decision == .blocked)
        for post in try runtime.state.allPosts() {
            #expect(post.published)
            #expect(post.status != "published", "the edit pass already recorded the final status")
        }

        let pass = try engine.run(mode: .apply)
        #expect(pass.statusChanges > 0)
        for post in try runtime.state.allPosts() {
            #expect(post.status == "published", "post \(post.postId) has status \(post.status ?? "none")")
            #expect(post.publishedLink?.hasPrefix("https://") == true, "post \(post.postId) has no published link")
            #expect(try transitions(runtime.state, postId: post.postId).contains("status=published"))
        }

        // A post with a final status is not polled again.
        let workspaceId = try engine.resolveContext().workspace.id
        server.resetRequestCounts()
        _ = try StatusFollower(client: runtime.client, state: runtime.state, logger: engine.logger, readBudget: 10)
            .refresh(workspaceId: workspaceId)
        #expect((server.requestCounts()["GET"] ?? 0) == 0, "the follower polled posts whose status is final")

        // Nor is a published post with its link under a status word that the follower does not know.
        try runtime.state.withDatabase { database in _ = try database.run("UPDATE posts SET status = 'live'") }
        _ = try StatusFollower(client: runtime.client, state: runtime.state, logger: engine.logger, readBudget: 10)
            .refresh(workspaceId: workspaceId)
        #expect((server.requestCounts()["GET"] ?? 0) == 0, "the follower polled published posts with links")
    }

    /// An edit that finds one post of its group being published updates the other post and reports that the
    /// publishing one keeps the old text. That post keeps its recorded payload, so the run after the publication
    /// reports it as published with the old text. An edit whose only draft is being published is not sent, and the
    /// item fails until a later run.
    @Test func editBesidePublishingPost() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let file = root.appendingPathComponent("content/event.md")
        try "---\ntitle: Five teas\n---\n\nBody.\n".write(to: file, atomically: true, encoding: .utf8)
        let runtime = try runtime(budget: 10)
        let engine = runtime.engine()
        #expect(try engine.run(mode: .apply, refreshStatus: false).created == 1)
        let client = runtime.client
        let pages = try client.listPages(workspaceId: try engine.resolveContext().workspace.id)
        let linkedInPage = try #require(pages.first { $0.name == "Northwind LinkedIn" })
        let posts = try runtime.state.allPosts()
        let linkedIn = try #require(posts.first { $0.pageId == linkedInPage.id })
        let facebook = try #require(posts.first { $0.pageId != linkedInPage.id })
        try admin("/reference/posts/\(linkedIn.postId)/publish")
        #expect(try client.getPost(id: linkedIn.postId).status == "publishing")

        try "---\ntitle: Six teas\n---\n\nBody.\n".write(to: file, atomically: true, encoding: .utf8)
        let edited = try engine.run(mode: .apply, refreshStatus: false)
        let item = try #require(edited.items.first { $0.identity == "event.md" })
        #expect(item.decision == .update, "\(item)")
        #expect(item.message?.contains("Northwind LinkedIn was being published and keeps the old text") == true)
        #expect(try client.getPost(id: facebook.postId).plainText == "Six teas")
        #expect(try client.getPost(id: linkedIn.postId).plainText == "Five teas")

        // While the post is still being published, a rerun maps the item again and sends nothing.
        let rerun = try engine.run(mode: .apply, refreshStatus: false)
        #expect(rerun.requests.write == 0)
        let mappedAgain = try #require(rerun.items.first { $0.identity == "event.md" })
        #expect(mappedAgain.decision == .unchanged, "\(mappedAgain)")
        #expect(mappedAgain.message?.contains("was being published and keeps the old text") == true)

        try admin("/reference/clock", "{\"advanceSeconds\": 10}")
        let after = try engine.run(mode: .apply)
        #expect(after.requests.write == 0, "the drafts already had the new text")
        let settled = try #require(after.items.first { $0.identity == "event.md" })
        #expect(settled.message?.contains("published on Northwind LinkedIn keep the old text") == true, "\(settled)")
        let quiet = try engine.run(mode: .apply)
        #expect(quiet.requests.write == 0)
        #expect(quiet.items.first { $0.identity == "event.md" } == nil, "the settled item was mapped again")

        // Both posts of a second group are being published, so its edit waits.
        let other = root.appendingPathComponent("content/tour.md")
        try "---\ntitle: Tour\n---\n\nBody.\n".write(to: other, atomically: true, encoding: .utf8)
        #expect(try engine.run(mode: .apply, refreshStatus: false).created == 1)
        for post in try runtime.state.allPosts() where post.identity == "tour.md" {
            try admin("/reference/posts/\(post.postId)/publish")
        }
        try "---\ntitle: Tour, edited\n---\n\nBody.\n".write(to: other, atomically: true, encoding: .utf8)
        let waiting = try engine.run(mode: .apply, refreshStatus: false)
        let notSent = try #require(waiting.items.first { $0.identity == "tour.md" })
        #expect(notSent.decision == .failed, "\(notSent)")
        #expect(notSent.failedTemporarily == true)
        #expect(notSent.message?.contains("are being published, so the edit was not sent") == true, "\(notSent)")
        // The message names the item's file once.
        #expect(notSent.message?.hasPrefix("posts: tour.md: the posts on ") == true, "\(notSent)")
    }

    /// With `overwrite_planable_edits`, an edit reads no post first. When its PATCH meets a post being published,
    /// the rest of the group gets the edit, and the item is mapped again until the publication ends.
    @Test func overwritingEditBesidePublishingPost() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let file = root.appendingPathComponent("content/event.md")
        try "---\ntitle: Five teas\n---\n\nBody.\n".write(to: file, atomically: true, encoding: .utf8)
        let runtime = try runtime(budget: 10, extra: "overwrite_planable_edits: true")
        let engine = runtime.engine()
        #expect(try engine.run(mode: .apply, refreshStatus: false).created == 1)
        // The PATCH goes to the group's first post by page id, which is the one being published.
        let posts = try runtime.state.posts(source: "posts", identity: "event.md")
        let publishing = try #require(posts.first)
        let other = try #require(posts.last)
        try admin("/reference/posts/\(publishing.postId)/publish")

        try "---\ntitle: Six teas\n---\n\nBody.\n".write(to: file, atomically: true, encoding: .utf8)
        let edited = try engine.run(mode: .apply, refreshStatus: false)
        let item = try #require(edited.items.first { $0.identity == "event.md" })
        #expect(item.decision == .update, "\(item)")
        #expect(item.message?.contains("was being published and keeps the old text") == true, "\(item)")
        let client = runtime.client
        #expect(try client.getPost(id: other.postId).plainText == "Six teas")
        #expect(try client.getPost(id: publishing.postId).plainText == "Five teas")
        let recorded = try runtime.state.posts(source: "posts", identity: "event.md")
        #expect(recorded.first { $0.postId == publishing.postId }?.payloadHash == publishing.payloadHash)
    }

    /// A post approved at the last status poll and deleted in Planable since blocks no edit, because the read
    /// before the update finds it gone.
    @Test func deletedApprovedPostHoldsNothingBack() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let file = root.appendingPathComponent("content/gone.md")
        try "---\ntitle: Gone\n---\n\nBody.\n".write(to: file, atomically: true, encoding: .utf8)
        let runtime = try runtime(budget: 10)
        let engine = runtime.engine()
        #expect(try engine.run(mode: .apply, refreshStatus: false).created == 1)
        let posts = try runtime.state.allPosts()
        for post in posts { try admin("/reference/posts/\(post.postId)/approve") }
        let workspaceId = try engine.resolveContext().workspace.id
        _ = try StatusFollower(client: runtime.client, state: runtime.state, logger: engine.logger, readBudget: 10)
            .refresh(workspaceId: workspaceId)
        #expect(try runtime.state.allPosts().allSatisfy { Self.isApproved($0.approvalStatus) })
        for post in posts { try runtime.client.deletePost(id: post.postId) }

        try "---\ntitle: Gone, edited\n---\n\nBody.\n".write(to: file, atomically: true, encoding: .utf8)
        let edited = try engine.run(mode: .apply, refreshStatus: false)
        let item = try #require(edited.items.first { $0.identity == "gone.md" })
        #expect(item.decision != .blocked, "\(item)")
        #expect(item.message?.contains("approved in Planable") != true, "\(item.message ?? "")")
    }

    static func isApproved(_ status: String?) -> Bool {
        status == "FULLY_APPROVED" || status == "PARTIALLY_APPROVED"
    }

    /// With more posts than it reads one by one, the follower lists the workspace. A tracked post missing from the
    /// whole list is read on its own and marked deleted.
    @Test func listedRefreshNoticesDeletedPost() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        for index in 0..<8 {
            try "---\ntitle: Listed \(index)\n---\n\nBody.\n"
                .write(to: root.appendingPathComponent("content/l\(index).md"), atomically: true, encoding: .utf8)
        }
        let runtime = try runtime(budget: 10)
        let engine = runtime.engine()
        _ = try engine.run(mode: .apply, refreshStatus: false)
        let deleted = try #require(try runtime.state.allPosts().first)
        try runtime.client.deletePost(id: deleted.postId)

        let workspaceId = try engine.resolveContext().workspace.id
        let changes = try StatusFollower(
            client: runtime.client, state: runtime.state, logger: engine.logger, readBudget: 10
        ).refresh(workspaceId: workspaceId)
        let deletion = try #require(changes.first { $0.previous.postId == deleted.postId }, "\(changes)")
        #expect(deletion.isDeletion)
        #expect(deletion.field("status")?.new == "deleted")
        #expect(changes.count == 1, "\(changes)")
        let records = try runtime.state.allPosts()
        let deletedRecord = try #require(records.first { $0.postId == deleted.postId })
        #expect(deletedRecord.lastError == "the post no longer exists in Planable")
        #expect(deletedRecord.status == "deleted")
        #expect(records.filter { $0.lastError != nil }.count == 1)

        // A deleted post is settled, so the next refresh does not read it again.
        server.resetRequestCounts()
        _ = try StatusFollower(client: runtime.client, state: runtime.state, logger: engine.logger, readBudget: 10)
            .refresh(workspaceId: workspaceId)
        #expect((server.requestCounts()["GET"] ?? 0) == 1, "\(server.requestCounts())")
    }

    /// A removed item whose posts a person deleted in Planable is kept for 30 days after its removal, whether the
    /// posts went before or after its file, so that the file, back within that time, is not posted again. After
    /// that it is forgotten, so that `status` does not keep it for good. One with a post left in Planable stays
    /// removed.
    @Test func removedItemForgottenAfterGracePeriod() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        // The file that stays keeps the folder from looking empty, which would stop the removals.
        for name in ["before", "after", "half", "back", "stays"] {
            try "---\ntitle: \(name)\n---\n\nBody.\n"
                .write(to: root.appendingPathComponent("content/\(name).md"), atomically: true, encoding: .utf8)
        }
        let runtime = try runtime(budget: 10)
        let engine = runtime.engine()
        _ = try engine.run(mode: .apply, refreshStatus: false)
        let workspaceId = try engine.resolveContext().workspace.id
        func deletePosts(_ identity: String, count: Int = 2) throws {
            let posts = try runtime.state.posts(source: "posts", identity: identity)
            #expect(posts.count == 2)
            for post in posts.prefix(count) { try runtime.client.deletePost(id: post.postId) }
            _ = try StatusFollower(client: runtime.client, state: runtime.state, logger: engine.logger, readBudget: 10)
                .refresh(workspaceId: workspaceId)
        }
        let files = root.appendingPathComponent("content")
        func remove(_ identity: String) throws {
            try FileManager.default.moveItem(
                at: files.appendingPathComponent(identity), to: root.appendingPathComponent(identity))
        }

        try deletePosts("before.md")
        try deletePosts("back.md")
        for identity in ["before.md", "after.md", "half.md", "back.md"] { try remove(identity) }
        let removal = try engine.run(mode: .apply, refreshStatus: false)
        let before = try #require(removal.items.first { $0.identity == "before.md" })
        #expect(
            before.message == "removed from the source; its posts were deleted in Planable, so the state forgets it "
                + "in 30 days unless the file comes back")
        try deletePosts("after.md")
        try deletePosts("half.md", count: 1)
        _ = try engine.run(mode: .apply, refreshStatus: false)
        for identity in ["before.md", "after.md", "half.md", "back.md"] {
            #expect(try runtime.state.item(source: "posts", identity: identity)?.status == "removed", "\(identity)")
        }

        // A file back within the 30 days is not posted again.
        try FileManager.default.moveItem(
            at: root.appendingPathComponent("back.md"), to: files.appendingPathComponent("back.md"))
        let back = try engine.run(mode: .apply, refreshStatus: false)
        #expect(back.created == 0, "\(back.items.map { "\($0.identity) \($0.decision)" })")

        // 30 days after their removal, the items whose posts are all gone are forgotten.
        let monthAgo = StateStore.timestamp(Date().addingTimeInterval(-SyncEngine.deletedPostsGracePeriod - 60))
        try runtime.state.withDatabase { database in
            _ = try database.run("UPDATE items SET updated_at = ? WHERE status = 'removed'", [monthAgo])
        }
        _ = try engine.run(mode: .apply, refreshStatus: false)
        for identity in ["before.md", "after.md"] {
            #expect(try runtime.state.item(source: "posts", identity: identity) == nil, "\(identity) was kept")
            #expect(try runtime.state.posts(source: "posts", identity: identity).isEmpty)
        }
        #expect(try runtime.state.item(source: "posts", identity: "half.md")?.status == "removed")
        #expect(try runtime.state.posts(source: "posts", identity: "half.md").count == 2)
    }

    @Test func failedPostIsFollowedAfterEdit() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let file = root.appendingPathComponent("content/offline.md")
        try "---\ntitle: Offline\n---\n\nBody.\n".write(to: file, atomically: true, encoding: .utf8)
        let runtime = try runtime(budget: 10)
        let engine = runtime.engine()
        _ = try engine.run(mode: .apply, refreshStatus: false)
        let posts = try runtime.state.allPosts()
        #expect(posts.count == 2)
        for post in posts {
            try admin("/reference/pages/\(post.pageId)/disconnect")
            try admin("/reference/posts/\(post.postId)/publish")
        }
        try admin("/reference/clock", "{\"advanceSeconds\": 10}")
        let workspaceId = try engine.resolveContext().workspace.id
        let follower = StatusFollower(
            client: runtime.client, state: runtime.state, logger: engine.logger, readBudget: 10)
        _ = try follower.refresh(workspaceId: workspaceId)
        for post in try runtime.state.allPosts() {
            #expect(post.status == "failed", "post \(post.postId) has status \(post.status ?? "none")")
        }

        // Changing a failed post makes it a draft again, which the follower records.
        try "---\ntitle: Offline, edited\n---\n\nBody.\n".write(to: file, atomically: true, encoding: .utf8)
        let edited = try engine.run(mode: .apply, refreshStatus: false)
        #expect(edited.updated == 1)
        _ = try follower.refresh(workspaceId: workspaceId)
        for post in try runtime.state.allPosts() {
            #expect(post.status == "draft", "post \(post.postId) has status \(post.status ?? "none")")
        }
    }
}

extension StatusFollowingTests {
    /// A post that failed to publish stays followed, so that publishing it again in Planable, as the failure's
    /// message advises, is recorded.
    @Test func failedPostPublishedAgainIsSeen() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        try "---\ntitle: Offline\n---\n\nBody.\n"
            .write(to: root.appendingPathComponent("content/offline.md"), atomically: true, encoding: .utf8)
        let runtime = try runtime(budget: 10)
        let engine = runtime.engine()
        _ = try engine.run(mode: .apply, refreshStatus: false)
        let posts = try runtime.state.allPosts()
        for post in posts {
            try admin("/reference/pages/\(post.pageId)/disconnect")
            try admin("/reference/posts/\(post.postId)/publish")
        }
        try admin("/reference/clock", "{\"advanceSeconds\": 10}")
        let workspaceId = try engine.resolveContext().workspace.id
        let follower = StatusFollower(
            client: runtime.client, state: runtime.state, logger: engine.logger, readBudget: 10)
        _ = try follower.refresh(workspaceId: workspaceId)
        #expect(try runtime.state.allPosts().allSatisfy { $0.status == "failed" })

        for post in posts {
            try admin("/reference/pages/\(post.pageId)/connect")
            try admin("/reference/posts/\(post.postId)/publish")
        }
        try admin("/reference/clock", "{\"advanceSeconds\": 10}")
        let changes = try follower.refresh(workspaceId: workspaceId)
        #expect(changes.count == posts.count, "\(changes)")
        for post in try runtime.state.allPosts() {
            #expect(post.status == "published", "post \(post.postId) has status \(post.status ?? "none")")
            #expect(post.publishedLink != nil)
        }
    }

    /// A read budget of 0 turns status polling off, so the report has no poll, and the state records no read.
    @Test func zeroBudgetReportsNoPoll() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        try "---\ntitle: Unpolled\n---\n\nBody.\n"
            .write(to: root.appendingPathComponent("content/unpolled.md"), atomically: true, encoding: .utf8)
        let runtime = try runtime(budget: 0)
        let first = try runtime.engine().run(mode: .apply)
        #expect(first.created == 1)
        #expect(first.statusPoll == nil, "\(String(describing: first.statusPoll))")
        let second = try runtime.engine().run(mode: .apply)
        #expect(second.statusPoll == nil, "\(String(describing: second.statusPoll))")
        #expect(runtime.state.lastStatusPoll() == nil)
    }

    /// A state from before completed polls were recorded keeps the start of its last poll as the last read.
    @Test func olderStateKeepsLastPollStart() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let path = root.appendingPathComponent("older.sqlite").path
        let started = "2026-11-30T08:00:00.000Z"
        do {
            let state = try StateStore(path: path)
            try state.setSetting(StateStore.statusPollStartedAtSetting, started)
            // The schema before the poll's migration comes back when the columns that later migrations add are
            // dropped.
            try state.withDatabase { database in
                try database.execute("DELETE FROM settings WHERE key = '\(StatusFollower.polledAtSetting)'")
                let pollMigration = try #require(StateStore.migrations.firstIndex { $0.contains("status_polled_at") })
                try database.execute("ALTER TABLE posts DROP COLUMN sent_text_hash")
                try database.execute("ALTER TABLE items DROP COLUMN entry_date")
                try OlderStateSchema.dropLaterColumns(database)
                try database.execute("PRAGMA user_version = \(pollMigration)")
            }
        }
        #expect(try StateStore(path: path).lastStatusPoll() == started)
    }

    /// A poll that started and failed is no read of the statuses, so the state shows none until one completes.
    @Test func failedPollIsNoRead() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        try "---\ntitle: Failed poll\n---\n\nBody.\n"
            .write(to: root.appendingPathComponent("content/failed.md"), atomically: true, encoding: .utf8)
        try admin("/reference/faults", #"{"operation": "GET /posts/{id}", "kind": "error", "count": 1000}"#)
        let runtime = try runtime(budget: 5)
        let first = try runtime.engine().run(mode: .apply)
        #expect(first.created == 1)
        let poll = try #require(first.statusPoll)
        #expect(poll.error != nil, "\(poll)")
        #expect(runtime.state.lastStatusPoll() == nil)
    }
}
