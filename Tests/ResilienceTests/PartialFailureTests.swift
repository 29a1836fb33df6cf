import Foundation
import PlanableAPI
import SQLite
import TestSupport
import Testing

/// A grouped post whose pages end differently, and a published post whose source changes.
@Suite(.serialized) struct PartialFailureTests {
    private func writes(_ result: ProductProcess.Result) -> Int? {
        let summary = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return (summary?["requests"] as? [String: Int])?["write"]
    }

    private func advanceClock(_ fixture: ReferenceFixture, seconds: Int) throws {
        try fixture.control("POST", "/clock", "{\"advanceSeconds\": \(seconds)}")
    }

    /// One page of a group fails to publish (its page was disconnected) while the others publish: the state records
    /// each page's outcome, the item stays synced, and nothing is created again.
    @Test func groupPageFailureIsRecordedPerPage() throws {
        let fixture = try ReferenceFixture(name: "partial")
        try fixture.writeConfiguration()
        try fixture.writeContent("launch.md", "---\ntitle: Launch day\n---\n\nWe open today.\n")
        let first = try fixture.sync(["--format", "json"])
        #expect(first.status == 0, "\(first.stderr.suffix(800))")

        let posts = try fixture.posts()
        #expect(posts.count == 3)
        #expect(Set(posts.compactMap(\.groupId)).count == 1)
        let failing = try #require(posts.first)
        try fixture.control("POST", "/pages/\(failing.pageId)/disconnect")
        for post in posts { try fixture.control("POST", "/posts/\(post.id)/publish") }
        try advanceClock(fixture, seconds: 60)

        let second = try fixture.sync(["--format", "json"])
        #expect(second.status == 0, "\(second.stderr.suffix(800))")
        #expect(writes(second) == 0)
        // The failure needs a person, so it is a warning that names the post and what to do.
        let warnings = second.stderr.split(separator: "\n").filter { $0.contains("post failed to publish") }
        #expect(warnings.count == 1, "\(second.stderr.suffix(1200))")
        #expect(warnings.first?.contains(failing.id) == true, "\(warnings)")
        #expect(warnings.first?.contains("check the page's connection") == true, "\(warnings)")
        // The page's name shows a person which connection to check.
        let client = PlanableClient(baseURL: fixture.server.baseURL, token: fixture.token, limiter: nil)
        let workspace = try #require(try client.listWorkspaces().first { $0.name == ReferenceFixture.workspaceName })
        let page = try #require(try client.listPages(workspaceId: workspace.id).first { $0.id == failing.pageId })
        #expect(warnings.first?.contains("page.name=\"\(page.name)\"") == true, "\(warnings)")

        let database = try SQLiteDatabase(path: fixture.statePath, readOnly: true)
        let rows = try database.query("SELECT post_id, status, published FROM posts ORDER BY post_id")
        #expect(rows.count == 3)
        for row in rows {
            let id = row.string("post_id") ?? ""
            if id == failing.id {
                #expect(row.string("status") == "failed", "post \(id): \(row.string("status") ?? "nil")")
                #expect(row.bool("published") == false)
            } else {
                #expect(row.bool("published") == true, "post \(id): \(row.string("status") ?? "nil")")
            }
        }
        let item = try database.queryFirst("SELECT status FROM items WHERE identity = 'launch.md'")
        #expect(item?.string("status") == "synced")

        let status = try ProductProcess.run(
            ["status", "--config", fixture.configPath], environment: fixture.environment)
        #expect(status.stdout.contains("1 post failed to publish"), "\(status.stdout)")
        #expect(try fixture.posts().count == 3, "a post was created again")
        let third = try fixture.sync(["--format", "json"])
        #expect(!third.stderr.contains("post failed to publish"), "the warning came again: \(third.stderr.suffix(800))")
    }

    /// A published post whose source changes is reported once, sends no PATCH, and stays that way on later runs.
    /// Creates that the API rejects with 503 fail their items for now. The run exits with 75, which a timer or
    /// systemd treats as temporary, and the next run creates them.
    @Test func serverErrorsExitAsTemporary() throws {
        let fixture = try ReferenceFixture(name: "outage")
        try fixture.writeConfiguration()
        try fixture.writeItems(2)
        try fixture.addFault(operation: "POST /posts", "\"kind\": \"error\", \"status\": 503, \"count\": 50")
        let outage = try fixture.sync(["--format", "json"])
        #expect(outage.status == 75, "\(outage.stderr.suffix(800))")
        let summary = try JSONSerialization.jsonObject(with: Data(outage.stdout.utf8)) as? [String: Any]
        #expect(summary?["failed"] as? Int == 2)

        try fixture.clearFaults()
        let after = try fixture.sync(["--format", "json"])
        #expect(after.status == 0, "\(after.stderr.suffix(800))")
        #expect(try fixture.posts().count == 2 * 3)
    }

    @Test func publishedEditReportedOnceNeverRetried() throws {
        let fixture = try ReferenceFixture(name: "published")
        try fixture.writeConfiguration()
        try fixture.writeContent("news.md", "---\ntitle: Newsletter\n---\n\nFirst version.\n")
        #expect(try fixture.sync().status == 0)
        for post in try fixture.posts() { try fixture.control("POST", "/posts/\(post.id)/publish") }
        try advanceClock(fixture, seconds: 60)
        #expect(try fixture.sync().status == 0)

        try fixture.writeContent("news.md", "---\ntitle: Newsletter\n---\n\nSecond version, after publication.\n")
        var warnings = 0
        for run in 0..<3 {
            let result = try fixture.sync(["--format", "json"])
            #expect(writes(result) == 0, "run \(run) sent a write")
            let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            // The run that reads the edit reports it, and later runs count the item as unchanged.
            #expect(summary?["blocked"] as? Int == (run == 0 ? 1 : 0), "run \(run): \(result.stdout.prefix(400))")
            #expect(summary?["unchanged"] as? Int == (run == 0 ? 0 : 1), "run \(run): \(result.stdout.prefix(400))")
            warnings += result.stderr.components(separatedBy: "source changed after publication").count - 1
        }
        #expect(warnings == 1, "the edit was logged \(warnings) times over three runs")
        #expect(try fixture.posts().count == 3)

        // `status` keeps the reason, and the item does not count as blocked.
        let status = try ProductProcess.run(
            ["status", "--config", fixture.configPath], environment: fixture.environment)
        #expect(status.stdout.contains("changed after its post was published"), "\(status.stdout)")
        #expect(status.stdout.contains("to post the change, put it in a new file"), "\(status.stdout)")
        #expect(status.stdout.hasPrefix("synced"), "\(status.stdout)")
    }

    /// A post published in Planable before the status follower saw it makes the PATCH fail with
    /// POST_ALREADY_PUBLISHED; that warning is logged once too.
    @Test func unseenPublicationReportedOnce() throws {
        let fixture = try ReferenceFixture(name: "published-unseen")
        try fixture.writeConfiguration()
        try fixture.writeContent("news.md", "---\ntitle: Newsletter\n---\n\nFirst version.\n")
        #expect(try fixture.sync().status == 0)
        for post in try fixture.posts() { try fixture.control("POST", "/posts/\(post.id)/publish") }
        try advanceClock(fixture, seconds: 60)

        try fixture.writeContent("news.md", "---\ntitle: Newsletter\n---\n\nSecond version, after publication.\n")
        var warnings = 0
        for _ in 0..<3 {
            let result = try fixture.sync(["--format", "json"])
            warnings += result.stderr.components(separatedBy: "source changed after publication").count - 1
        }
        #expect(warnings == 1, "the edit was logged \(warnings) times over three runs")
    }

    /// An edit to an item whose group is partly published updates the drafts, so the pages still to publish get
    /// the new text, and the published post keeps its own. The published post is the one the engine sends its
    /// PATCH to, that of the first page id. When the status follower has not seen the publication, that PATCH
    /// fails with POST_ALREADY_PUBLISHED, and the engine sends it to a draft of the group instead.
    @Test(arguments: [true, false])
    func partlyPublishedGroupUpdatesDrafts(followerSawPublication: Bool) throws {
        let fixture = try ReferenceFixture(name: "partly-published")
        try fixture.writeConfiguration()
        try fixture.writeContent("offer.md", "---\ntitle: Offer\n---\n\nFirst offer.\n")
        #expect(try fixture.sync().status == 0)
        let published = try #require(try fixture.posts().min { $0.pageId < $1.pageId })
        try fixture.control("POST", "/posts/\(published.id)/publish")
        try advanceClock(fixture, seconds: 60)
        if followerSawPublication { #expect(try fixture.sync().status == 0) }

        try fixture.writeContent("offer.md", "---\ntitle: Offer\n---\n\nSecond offer.\n")
        let edited = try fixture.sync(["--format", "json"])
        #expect(edited.status == 0, "\(edited.stderr.suffix(800))")
        // The drafts' read before the update shows the publication that no poll saw yet, so no PATCH goes to the
        // published post.
        #expect(writes(edited) == 1, "\(edited.stdout.prefix(400))")
        let summary = try JSONSerialization.jsonObject(with: Data(edited.stdout.utf8)) as? [String: Any]
        #expect(summary?["updated"] as? Int == 1, "\(edited.stdout.prefix(400))")
        for post in try fixture.posts() {
            let expected = post.id == published.id ? "First offer." : "Second offer."
            #expect(post.plainText.contains(expected), "post \(post.id): \(post.plainText)")
        }

        // The published post's old text is no edit made in Planable, so the next edit updates the drafts too.
        try fixture.writeContent("offer.md", "---\ntitle: Offer\n---\n\nThird offer.\n")
        let third = try fixture.sync(["--format", "json"])
        let thirdSummary = try JSONSerialization.jsonObject(with: Data(third.stdout.utf8)) as? [String: Any]
        #expect(thirdSummary?["updated"] as? Int == 1, "\(third.stdout.prefix(600))")
        #expect(thirdSummary?["blocked"] as? Int == 0, "\(third.stdout.prefix(600))")
        #expect(!third.stdout.contains("edited in Planable"), "\(third.stdout.prefix(600))")
    }

    /// A post deleted in Planable while its group's other posts remain: the edit updates those, and nothing is
    /// created again, which would duplicate them.
    @Test func deletedPostNotRecreated() throws {
        let fixture = try ReferenceFixture(name: "deleted-one")
        try fixture.writeConfiguration()
        try fixture.writeContent("menu.md", "---\ntitle: Menu\n---\n\nFirst menu.\n")
        #expect(try fixture.sync().status == 0)
        let posts = try fixture.posts()
        #expect(posts.count == 3)
        // The engine sends its PATCH to the post of the first page id, so that one is deleted.
        let deleted = try #require(posts.min { $0.pageId < $1.pageId })
        try PlanableClient(baseURL: fixture.server.baseURL, token: fixture.token, limiter: nil).deletePost(
            id: deleted.id)

        try fixture.writeContent("menu.md", "---\ntitle: Menu\n---\n\nSecond menu.\n")
        let edited = try fixture.sync(["--format", "json"])
        #expect(edited.status == 0, "\(edited.stderr.suffix(800))")
        #expect(edited.stderr.contains("updating the rest of its group"), "\(edited.stderr.suffix(800))")
        let after = try fixture.posts()
        #expect(after.count == 2, "posts: \(after.map(\.plainText))")
        #expect(after.allSatisfy { $0.plainText.contains("Second menu.") }, "\(after.map(\.plainText))")
        #expect(Set(after.map(\.id)) == Set(posts.map(\.id)).subtracting([deleted.id]))

        // Later edits update the remaining posts too, and the deleted post's page stays without one.
        try fixture.writeContent("menu.md", "---\ntitle: Menu\n---\n\nThird menu.\n")
        let third = try fixture.sync(["--format", "json"])
        #expect(third.status == 0, "\(third.stderr.suffix(800))")
        let summary = try JSONSerialization.jsonObject(with: Data(third.stdout.utf8)) as? [String: Any]
        #expect(summary?["updated"] as? Int == 1, "\(third.stdout.prefix(800))")
        #expect(summary?["blocked"] as? Int == 0, "\(third.stdout.prefix(800))")
        let final = try fixture.posts()
        #expect(final.count == 2, "posts: \(final.map(\.plainText))")
        #expect(final.allSatisfy { $0.plainText.contains("Third menu.") }, "\(final.map(\.plainText))")
    }

    /// A post that a status poll found deleted in Planable: the next edit updates the rest of its group without a
    /// request to the deleted post, and the log names the deletion.
    @Test func polledDeletionLeavesPageWithoutPost() throws {
        let fixture = try ReferenceFixture(name: "deleted-polled")
        try fixture.writeConfiguration()
        try fixture.writeContent("menu.md", "---\ntitle: Menu\n---\n\nFirst menu.\n")
        #expect(try fixture.sync().status == 0)
        let posts = try fixture.posts()
        let deleted = try #require(posts.max { $0.pageId < $1.pageId })
        try PlanableClient(baseURL: fixture.server.baseURL, token: fixture.token, limiter: nil).deletePost(
            id: deleted.id)
        let polled = try fixture.sync()
        #expect(
            polled.stderr.contains("post.id=\(deleted.id)") && polled.stderr.contains("new=deleted"),
            "\(polled.stderr.suffix(800))")

        try fixture.writeContent("menu.md", "---\ntitle: Menu\n---\n\nSecond menu.\n")
        let edited = try fixture.sync(["--format", "json"])
        let summary = try JSONSerialization.jsonObject(with: Data(edited.stdout.utf8)) as? [String: Any]
        #expect(summary?["updated"] as? Int == 1, "\(edited.stdout.prefix(800))")
        #expect(summary?["created"] as? Int == 0, "\(edited.stdout.prefix(800))")
        // The update's warning, which the log has too, names the page that goes without a post.
        #expect(edited.stderr.contains("was deleted in Planable, so the update leaves that page without one"))
        let after = try fixture.posts()
        #expect(after.count == 2)
        #expect(after.allSatisfy { $0.plainText.contains("Second menu.") }, "\(after.map(\.plainText))")
    }

    /// An edit creates again a group whose posts were all deleted in Planable. When that create gets no response
    /// and its read-back fails, the next run links the group it finds. The item's only other posts under that
    /// group key are the deleted ones, so the group is no duplicate.
    @Test func recreatedGroupWithLostAnswerIsLinked() throws {
        let fixture = try ReferenceFixture(name: "deleted-recreated-lost")
        try fixture.writeConfiguration()
        try fixture.writeContent("menu.md", "---\ntitle: Menu\n---\n\nFirst menu.\n")
        #expect(try fixture.sync().status == 0)
        let client = PlanableClient(baseURL: fixture.server.baseURL, token: fixture.token, limiter: nil)
        for post in try fixture.posts() { try client.deletePost(id: post.id) }
        #expect(try fixture.sync().status == 0, "the status poll that records the deletions failed")

        try fixture.writeContent("menu.md", "---\ntitle: Menu\n---\n\nSecond menu.\n")
        try fixture.addFault(operation: "POST /posts", "\"kind\": \"commit-without-answer\", \"count\": 1")
        try fixture.addFault(operation: "GET /posts", "\"kind\": \"error\", \"count\": 50")
        let lost = try fixture.sync()
        #expect(lost.status != 0, "the read-back did not fail: \(lost.stderr.suffix(800))")
        try fixture.clearFaults()

        let resolved = try fixture.sync(["--format", "json"])
        #expect(resolved.status == 0, "\(resolved.stdout.prefix(800)) \(resolved.stderr.suffix(800))")
        #expect(!resolved.stderr.contains("duplicate post group"), "\(resolved.stderr.suffix(800))")
        let posts = try fixture.posts()
        #expect(posts.count == 3, "posts: \(posts.map(\.plainText))")
        #expect(posts.allSatisfy { $0.plainText.contains("Second menu.") }, "\(posts.map(\.plainText))")
    }

    /// A create the API rejects with 400 is reported with the API's message and sent once per run, never retried
    /// within it, while the other items sync.
    @Test func validationErrorIsNotRetried() throws {
        let fixture = try ReferenceFixture(name: "validation", offlineMedia: false)
        let images = try ImageServer()
        try fixture.writeConfiguration()
        try fixture.writeItems(3)
        // The check passes (a HEAD request to the URL returns a small PNG), but the reference server refuses loopback media.
        try fixture.writeContent("photo.md", "---\ntitle: Photo\nimage: \(images.url)\n---\n\nWith a picture.\n")
        try fixture.control("POST", "/stats/reset")
        let result = try fixture.sync(["--format", "json"])
        #expect(result.status == 65, "\(result.stderr.suffix(800))")
        let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(summary?["created"] as? Int == 3)
        let items = summary?["items"] as? [[String: Any]] ?? []
        let photo = items.first { ($0["identity"] as? String) == "photo.md" }
        #expect(photo?["decision"] as? String == "failed")
        let message = photo?["message"] as? String ?? ""
        #expect(message.contains("400"), "\(message)")
        #expect(message.contains(images.url), "\(message)")
        // Three creates for the good items and one for the photo: the 400 was not retried.
        #expect(writes(result) == 4, "\(summary?["requests"] ?? "")")
        #expect(!result.stderr.contains("retrying"), "\(result.stderr.suffix(800))")
    }
}
