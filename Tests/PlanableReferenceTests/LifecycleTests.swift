import Foundation
import Testing
import Timestamps

@testable import PlanableReference

@Suite struct LifecycleTests {
    private func settings(_ type: String, autoSchedule: Bool = false, levels: [JSONValue] = []) -> JSONValue {
        var settings: [(String, JSONValue)] = [
            ("type", .string(type)), ("autoSchedule", .bool(autoSchedule)), ("autoLock", false),
        ]
        if !levels.isEmpty { settings.append(("approvalLevels", .array(levels))) }
        return .object(settings)
    }

    /// Creates a workspace whose only page is the seed's LinkedIn page moved into it, and returns both ids.
    private func workspace(_ server: TestServer, _ settings: JSONValue) throws -> (workspace: String, page: String) {
        let created = try server.send(
            "POST", "/workspaces", body: ["name": "Lifecycle", "timezone": "UTC", "approvalSettings": settings])
        let id = try #require(created.data["id"]?.stringValue)
        let page = try server.pageID("Northwind LinkedIn")
        _ = try server.server.store.withLock { store in
            try store.database.run("UPDATE pages SET workspace_id = ? WHERE id = ?", [id, page])
        }
        return (id, page)
    }

    private func scheduledPost(
        _ server: TestServer, workspace: String, page: String, in seconds: Double, publish: Bool = true
    )
        throws -> String
    {
        let reply = try server.send(
            "POST", "/posts",
            body: [
                "workspaceId": .string(workspace), "pageId": .string(page), "text": "Scheduled",
                "scheduledAt": .string(Timestamp.format(server.clock.now() + seconds)),
                "publishAtScheduledDate": .bool(publish),
            ])
        guard reply.status == 201, let id = reply.json["posts"]?.arrayValue?.first?["id"]?.stringValue else {
            throw TestFailure("POST /posts answered \(reply.status): \(reply.text)")
        }
        return id
    }

    private func post(_ server: TestServer, _ id: String) throws -> JSONValue {
        try server.send("GET", "/posts/\(id)").data
    }

    @Test func noneApprovalPublishesAtScheduledTime() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let (workspace, page) = try workspace(server, settings("NONE"))
        let id = try scheduledPost(server, workspace: workspace, page: page, in: 600)
        var current = try post(server, id)
        #expect(current["status"] == "scheduled")
        #expect(current["scheduledSet"] == .bool(true))
        #expect(current["approval"]?["status"] == "NOT_APPLICABLE")

        server.clock.advance(by: 600)
        current = try post(server, id)
        #expect(current["status"] == "publishing")
        let busy = try server.send("PATCH", "/posts/\(id)", body: ["text": "Too late"])
        #expect(busy.status == 400)
        #expect(busy.errorCode == "PUBLISHING_IN_PROGRESS")

        server.clock.advance(by: 5)
        current = try post(server, id)
        #expect(current["status"] == "published")
        #expect(current["published"] == .bool(true))
        #expect(current["scheduledSet"] == .bool(false))
        #expect(current["publishedPostLink"]?.stringValue?.hasPrefix("https://www.linkedin.com/") == true)
        let immutable = try server.send("PATCH", "/posts/\(id)", body: ["text": "Changed"])
        #expect(immutable.status == 400)
        #expect(immutable.errorCode == "POST_ALREADY_PUBLISHED")
        #expect(try post(server, id)["plainText"] == "Scheduled")
    }

    @Test func draftWithoutPublishFlagStaysDraft() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let (workspace, page) = try workspace(server, settings("NONE"))
        let id = try scheduledPost(server, workspace: workspace, page: page, in: 60, publish: false)
        server.clock.advance(by: 3600)
        let current = try post(server, id)
        #expect(current["status"] == "draft")
        #expect(current["scheduledSet"] == .bool(false))
        #expect(current["scheduledAt"]?.stringValue != nil)
    }

    @Test func optionalApprovalDoesNotBlockPublication() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let page = try server.pageID("Northwind Facebook")
        let id = try scheduledPost(server, workspace: workspace, page: page, in: 60)
        #expect(try post(server, id)["approval"]?["status"] == "NEVER_SENT")
        let members = try server.send("GET", "/members?workspaceId=\(workspace)").data.arrayValue ?? []
        let approver = try #require(members.first { $0["isApprover"] == .bool(true) }?["id"]?.stringValue)
        let requested = try server.send(
            "POST", "/posts/\(id)/request-approval", body: ["approverIds": [.string(approver)]])
        #expect(requested.status == 200)
        #expect(requested.data["notifiedUserIds"] == .array([.string(approver)]))
        #expect(try post(server, id)["approval"]?["status"] == "PENDING")
        server.clock.advance(by: 70)
        let current = try post(server, id)
        #expect(current["status"] == "published")
        #expect(current["approved"] == .bool(false))
    }

    @Test func requiredApprovalHoldsPublicationUntilApproved() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Contoso Bakery")
        let page = try server.pageID("Contoso Facebook")
        let id = try scheduledPost(server, workspace: workspace, page: page, in: 60)
        server.clock.advance(by: 120)
        var current = try post(server, id)
        #expect(current["status"] == "scheduled")
        #expect(current["approval"]?["type"] == "REQUIRED")
        #expect(current["approval"]?["currentLevelId"] == "approval")
        let approved = try server.send("POST", "/reference/posts/\(id)/approve", body: [:], token: nil)
        #expect(approved.status == 200)
        #expect(approved.data["approval"]?["status"] == "FULLY_APPROVED")
        #expect(approved.data["approvedBy"]?.arrayValue?.count == 1)
        server.clock.advance(by: 5)
        current = try post(server, id)
        #expect(current["status"] == "published")
        #expect(current["approved"] == .bool(true))
    }

    @Test func multipleApprovalGoesLevelByLevel() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let levels: [JSONValue] = [
            ["id": "legal", "label": "Legal", "approversIds": []],
            ["id": "client", "label": "Client", "approversIds": []],
        ]
        let (workspace, page) = try workspace(server, settings("MULTIPLE", levels: levels))
        let id = try scheduledPost(server, workspace: workspace, page: page, in: 60)
        var approval = try post(server, id)["approval"] ?? .null
        #expect(approval["totalLevels"] == .integer(2))
        #expect(approval["currentLevelId"] == "legal")
        try server.send("POST", "/reference/posts/\(id)/approve", body: [:], token: nil)
        approval = try post(server, id)["approval"] ?? .null
        #expect(approval["status"] == "PARTIALLY_APPROVED")
        #expect(approval["completedLevels"] == .integer(1))
        #expect(approval["currentLevelId"] == "client")
        server.clock.advance(by: 120)
        #expect(try post(server, id)["status"] == "scheduled")
        try server.send("POST", "/reference/posts/\(id)/approve", body: ["levelId": "client"], token: nil)
        approval = try post(server, id)["approval"] ?? .null
        #expect(approval["status"] == "FULLY_APPROVED")
        #expect(approval["currentLevelId"] == nil)
        server.clock.advance(by: 5)
        #expect(try post(server, id)["status"] == "published")
    }

    /// Returns the demo seed with two more workspaces of the same members: Northwind Legal (MULTIPLE, level legal
    /// approved by Jordan Lee and level client by Casey Morgan) and Northwind Drafts (NONE).
    private func approvalSeed() -> ReferenceSeed {
        var seed = ReferenceSeed.demo(token: TestServer.token)
        let company = seed.companies[0].name
        let everyone = seed.companies[0].members.map(\.email)
        seed.companies[0].workspaces += [
            ReferenceSeed.Workspace(
                name: "Northwind Legal", timezone: "UTC", approvalType: "MULTIPLE",
                approvalLevels: [
                    .init(id: "legal", label: "Legal", approverEmails: ["jordan@northwind.example"]),
                    .init(id: "client", label: "Client", approverEmails: ["casey@contoso.example"]),
                ],
                memberEmails: everyone,
                pages: [.init(name: "Legal LinkedIn", platform: "linkedin", workspaceName: "Northwind Legal")],
                companyName: company),
            ReferenceSeed.Workspace(
                name: "Northwind Drafts", timezone: "UTC", approvalType: "NONE", memberEmails: everyone,
                approverEmails: ["jordan@northwind.example"],
                pages: [.init(name: "Drafts X", platform: "x", workspaceName: "Northwind Drafts")],
                companyName: company),
        ]
        return seed
    }

    /// Reads the ids of the workspace's members from GET /members, keyed by member name.
    private func memberIDs(_ server: TestServer, workspace: String) throws -> [String: String] {
        let id = try server.workspaceID(workspace)
        let members = try server.send("GET", "/members?workspaceId=\(id)").data.arrayValue ?? []
        var ids: [String: String] = [:]
        for member in members {
            if let name = member["name"]?.stringValue, let memberID = member["id"]?.stringValue { ids[name] = memberID }
        }
        return ids
    }

    private func approvers(_ post: JSONValue) -> [String] {
        (post["approvedBy"]?.arrayValue ?? []).compactMap { $0["userId"]?.stringValue }
    }

    @Test func approveDefaultsToLevelApprover() throws {
        let server = try TestServer(seed: approvalSeed())
        defer { server.removeFiles() }
        let ids = try memberIDs(server, workspace: "Northwind Legal")
        let jordan = try #require(ids["Jordan Lee"])
        let casey = try #require(ids["Casey Morgan"])

        let first = try server.createPost(workspace: "Northwind Legal", page: "Legal LinkedIn")
        let firstID = try #require(first["id"]?.stringValue)
        let client = try server.send(
            "POST", "/reference/posts/\(firstID)/approve", body: ["levelId": "client"], token: nil)
        #expect(client.status == 200, "\(client.text)")
        #expect(approvers(client.data) == [casey])
        #expect(client.data["approval"]?["status"] == "PARTIALLY_APPROVED")

        let second = try server.createPost(workspace: "Northwind Legal", page: "Legal LinkedIn")
        let secondID = try #require(second["id"]?.stringValue)
        let current = try server.send("POST", "/reference/posts/\(secondID)/approve", body: [:], token: nil)
        #expect(current.status == 200, "\(current.text)")
        #expect(approvers(current.data) == [jordan])
        #expect(current.data["approval"]?["currentLevelId"] == "client")
    }

    @Test func approveRejectsApproverOfOtherLevel() throws {
        let server = try TestServer(seed: approvalSeed())
        defer { server.removeFiles() }
        let ids = try memberIDs(server, workspace: "Northwind Legal")
        let jordan = try #require(ids["Jordan Lee"])
        let casey = try #require(ids["Casey Morgan"])
        let post = try server.createPost(workspace: "Northwind Legal", page: "Legal LinkedIn")
        let id = try #require(post["id"]?.stringValue)

        let reply = try server.send(
            "POST", "/reference/posts/\(id)/approve", body: ["levelId": "client", "approverId": .string(jordan)],
            token: nil)
        #expect(reply.status == 400)
        #expect(reply.errorCode == "VALIDATION_ERROR")
        let message = reply.json["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("Jordan Lee (\(jordan))"), "\(message)")
        #expect(message.contains("level client"), "\(message)")
        #expect(message.contains("only Casey Morgan (\(casey)) may"), "\(message)")
        #expect(approvers(try self.post(server, id)).isEmpty)
    }

    @Test func approveRejectsMemberWhoIsNotApprover() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let ids = try memberIDs(server, workspace: "Contoso Bakery")
        let avery = try #require(ids["Avery Quinn"])
        let casey = try #require(ids["Casey Morgan"])
        let post = try server.createPost(workspace: "Contoso Bakery", page: "Contoso Facebook")
        let id = try #require(post["id"]?.stringValue)

        let reply = try server.send(
            "POST", "/reference/posts/\(id)/approve", body: ["approverId": .string(avery)], token: nil)
        #expect(reply.status == 400)
        let message = reply.json["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("Avery Quinn (\(avery))"), "\(message)")
        #expect(message.contains("level approval"), "\(message)")
        #expect(message.contains("Casey Morgan (\(casey))"), "\(message)")
        let current = try self.post(server, id)
        #expect(current["approval"]?["status"] == "NEVER_SENT")
        #expect(current["approved"] == .bool(false))

        let approved = try server.send(
            "POST", "/reference/posts/\(id)/approve", body: ["approverId": .string(casey)], token: nil)
        #expect(approved.status == 200)
        #expect(approved.data["approval"]?["status"] == "FULLY_APPROVED")
        #expect(approvers(approved.data) == [casey])
    }

    @Test func approveRejectedInNoneWorkspace() throws {
        let server = try TestServer(seed: approvalSeed())
        defer { server.removeFiles() }
        let post = try server.createPost(workspace: "Northwind Drafts", page: "Drafts X")
        let id = try #require(post["id"]?.stringValue)
        let reply = try server.send("POST", "/reference/posts/\(id)/approve", body: [:], token: nil)
        #expect(reply.status == 400)
        #expect(reply.json["error"]?["message"]?.stringValue?.contains("approval type NONE") == true)
        #expect(approvers(try self.post(server, id)).isEmpty)
    }

    @Test func rejectionClearsApprovals() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let post = try server.createPost(
            workspace: "Contoso Bakery", page: "Contoso Facebook", extra: [("approved", true)])
        let id = try #require(post["id"]?.stringValue)
        #expect(post["approval"]?["status"] == "FULLY_APPROVED")
        let rejected = try server.send("POST", "/reference/posts/\(id)/reject", body: [:], token: nil)
        #expect(rejected.data["approval"]?["status"] == "NEVER_SENT")
        #expect(rejected.data["approved"] == .bool(false))
    }

    @Test func autoScheduleOnApprovalPublishes() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let (workspace, page) = try workspace(server, settings("REQUIRED", autoSchedule: true))
        let id = try scheduledPost(server, workspace: workspace, page: page, in: 300, publish: false)
        #expect(try post(server, id)["scheduledSet"] == .bool(false))
        try server.send("POST", "/reference/posts/\(id)/approve", body: [:], token: nil)
        #expect(try post(server, id)["scheduledSet"] == .bool(true))
        server.clock.advance(by: 310)
        #expect(try post(server, id)["status"] == "published")
    }

    @Test func publishNowAndDisconnectedPageFails() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let good = try server.createPost(workspace: "Northwind Coffee", page: "Northwind X")
        let goodID = try #require(good["id"]?.stringValue)
        let publishing = try server.send("POST", "/reference/posts/\(goodID)/publish", body: [:], token: nil)
        #expect(publishing.data["status"] == "publishing")
        server.clock.advance(by: 3)
        #expect(try post(server, goodID)["status"] == "published")

        let pageID = try server.pageID("Northwind Threads")
        let bad = try server.createPost(workspace: "Northwind Coffee", page: "Northwind Threads")
        let badID = try #require(bad["id"]?.stringValue)
        #expect(try server.send("POST", "/reference/pages/\(pageID)/disconnect", body: [:], token: nil).status == 204)
        try server.send("POST", "/reference/posts/\(badID)/publish", body: [:], token: nil)
        server.clock.advance(by: 3)
        let failed = try post(server, badID)
        #expect(failed["status"] == "failed")
        #expect(failed["published"] == .bool(false))
        let retried = try server.send("PATCH", "/posts/\(badID)", body: ["text": "Retry"])
        #expect(retried.data["status"] == "draft")

        let required = try server.createPost(workspace: "Contoso Bakery", page: "Contoso Facebook")
        let requiredID = try #require(required["id"]?.stringValue)
        #expect(try server.send("POST", "/reference/posts/\(requiredID)/publish", body: [:], token: nil).status == 400)
    }

    /// Instagram, Pinterest, TikTok and YouTube publish nothing without the media they need, so such a post fails
    /// and keeps the reason.
    @Test func postWithoutNeededMediaFails() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let cases: [(page: String, media: [JSONValue], published: Bool)] = [
            ("Northwind Instagram", [], false),
            ("Northwind Instagram", ["https://cdn.example.com/a.jpg"], true),
            ("Northwind Pinterest", ["https://cdn.example.com/a.mp4"], false),
            ("Northwind TikTok", ["https://cdn.example.com/a.jpg"], false),
            ("Northwind YouTube", ["https://cdn.example.com/a.mp4"], true),
            ("Northwind Facebook", [], true),
        ]
        for entry in cases {
            let created = try server.createPost(
                workspace: "Northwind Coffee", page: entry.page, extra: [("media", .array(entry.media))])
            let id = try #require(created["id"]?.stringValue)
            try server.send("POST", "/reference/posts/\(id)/publish", body: [:], token: nil)
            server.clock.advance(by: 3)
            let status = try post(server, id)["status"]
            #expect(status == (entry.published ? "published" : "failed"), "\(entry.page) \(entry.media)")
            let failure = try server.server.store.withLock { try $0.post(id: id)?.failure }
            if entry.published {
                #expect(failure == nil, "\(entry.page)")
            } else {
                #expect(failure?.contains("whose download succeeded") == true, "\(failure ?? "no reason")")
            }
        }
    }

    /// A page reconnected after a post was due to publish does not change the outcome of that publication, even
    /// when no request read the post in between.
    @Test func reconnectAfterDueTimeKeepsFailure() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let pageID = try server.pageID("Northwind Threads")
        let created = try server.createPost(workspace: "Northwind Coffee", page: "Northwind Threads")
        let id = try #require(created["id"]?.stringValue)
        #expect(try server.send("POST", "/reference/pages/\(pageID)/disconnect", body: [:], token: nil).status == 204)
        try server.send("POST", "/reference/posts/\(id)/publish", body: [:], token: nil)
        server.clock.advance(by: 3)
        #expect(try server.send("POST", "/reference/pages/\(pageID)/connect", body: [:], token: nil).status == 204)
        #expect(try post(server, id)["status"] == "failed")
    }

    @Test func archivingRemovesSchedule() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let (workspace, page) = try workspace(server, settings("NONE"))
        let id = try scheduledPost(server, workspace: workspace, page: page, in: 60)
        let archived = try server.send("PATCH", "/posts/\(id)", body: ["archived": true])
        #expect(archived.data["archived"] == .bool(true))
        #expect(archived.data["scheduledSet"] == .bool(false))
        server.clock.advance(by: 120)
        #expect(try post(server, id)["status"] == "draft")
    }

    @Test func scheduleInPastIsRejected() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let (workspace, page) = try workspace(server, settings("NONE"))
        #expect(throws: TestFailure.self) { try scheduledPost(server, workspace: workspace, page: page, in: -60) }
    }

    /// A PATCH that sets only the date, or only the flag, reaches a past schedule too, and is rejected the same.
    @Test func patchToPastScheduleIsRejected() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let (workspace, page) = try workspace(server, settings("NONE"))
        let publishing = try scheduledPost(server, workspace: workspace, page: page, in: 600)
        let past = Timestamp.format(server.clock.now() - 3600)
        let moved = try server.send("PATCH", "/posts/\(publishing)", body: ["scheduledAt": .string(past)])
        #expect(moved.status == 400, "\(moved.text)")
        #expect(moved.text.contains("in the past"), "\(moved.text)")
        #expect(try post(server, publishing)["status"] == "scheduled")

        let dated = try scheduledPost(server, workspace: workspace, page: page, in: 60, publish: false)
        server.clock.advance(by: 120)
        let flagged = try server.send("PATCH", "/posts/\(dated)", body: ["publishAtScheduledDate": true])
        #expect(flagged.status == 400, "\(flagged.text)")
        #expect(try post(server, dated)["status"] == "draft")
        // A change that leaves the past date alone is taken.
        let text = try server.send("PATCH", "/posts/\(dated)", body: ["text": "Edited"])
        #expect(text.status == 200, "\(text.text)")
        let unflagged = try server.send("PATCH", "/posts/\(dated)", body: ["publishAtScheduledDate": false])
        #expect(unflagged.status == 200, "\(unflagged.text)")
    }

    @Test func metricsOnlyForPublishedPostsAndGrow() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let created = try server.createPost(workspace: "Northwind Coffee", page: "Northwind LinkedIn")
        let id = try #require(created["id"]?.stringValue)
        let unpublished = try server.send("GET", "/posts/\(id)/metrics")
        #expect(unpublished.status == 400)
        #expect(try server.send("POST", "/posts/\(id)/sync").status == 400)
        try server.send("POST", "/reference/posts/\(id)/publish", body: [:], token: nil)
        server.clock.advance(by: 10)
        #expect(try server.send("GET", "/posts/\(id)/metrics").status == 404)
        server.clock.advance(by: 3600)
        let first = try server.send("GET", "/posts/\(id)/metrics")
        #expect(first.status == 200)
        #expect(first.data["pageType"] == "linkedin")
        #expect(try server.send("GET", "/posts/\(id)/metrics").data == first.data)
        let sync = try server.send("POST", "/posts/\(id)/sync")
        #expect(sync.data["started"] == .bool(true))
        #expect(try server.send("POST", "/posts/\(id)/sync").data["started"] == .bool(false))
        #expect(try server.send("GET", "/posts/\(id)/sync-status").data["syncInProgress"] == .bool(true))
        server.clock.advance(by: 86400)
        let later = try server.send("GET", "/posts/\(id)/metrics")
        #expect(try server.send("GET", "/posts/\(id)/sync-status").data["syncInProgress"] == .bool(false))
        let before = first.data["impressions"]?.intValue ?? 0
        let after = later.data["impressions"]?.intValue ?? 0
        #expect(after >= before)
        #expect(after > 0)
    }

    /// Page snapshots agree with themselves and with the posts: a day's change of followers is the followers
    /// gained less those lost, and the post count is the posts published that day.
    @Test func pageMetricsAgree() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let facebook = try server.pageID("Northwind Facebook")
        let created = try server.createPost(workspace: "Northwind Coffee", page: "Northwind Facebook")
        let id = try #require(created["id"]?.stringValue)
        try server.send("POST", "/reference/posts/\(id)/publish", body: [:], token: nil)
        server.clock.advance(by: 10)
        let today = SyntheticMetrics.dayNumber(server.clock.now())
        let range =
            "startDate=\(Timestamp.format(Double(today - 5) * 86400))&endDate=\(Timestamp.format(server.clock.now()))"

        let days = try server.send("GET", "/pages/\(facebook)/metrics?\(range)").data.arrayValue ?? []
        #expect(days.count == 6)
        for (previous, current) in zip(days, days.dropFirst()) {
            let before = previous["facebook"]?["followers"]?.intValue ?? 0
            let after = current["facebook"]?["followers"]?.intValue ?? 0
            let gained = current["facebook"]?["gainedFollowers"]?.intValue ?? 0
            let lost = current["facebook"]?["unFollows"]?.intValue ?? 0
            #expect(after - before == gained - lost, "\(current)")
        }
        #expect(days.dropLast().allSatisfy { $0["facebook"]?["posts"] == .integer(0) })
        #expect(days.last?["facebook"]?["posts"] == .integer(1))

        let youtube = try server.pageID("Northwind YouTube")
        let videoDays = try server.send("GET", "/pages/\(youtube)/metrics?\(range)").data.arrayValue ?? []
        for (previous, current) in zip(videoDays, videoDays.dropFirst()) {
            let change =
                (current["youtube"]?["subscribers"]?.intValue ?? 0)
                - (previous["youtube"]?["subscribers"]?.intValue ?? 0)
            let gained = current["youtube"]?["subscribersGained"]?.intValue ?? 0
            let lost = current["youtube"]?["subscribersLost"]?.intValue ?? 0
            #expect(change == gained - lost, "\(current)")
        }

        let instagram = try server.pageID("Northwind Instagram")
        let other = try server.send("GET", "/pages/\(instagram)/metrics?\(range)").data.arrayValue ?? []
        #expect(other.allSatisfy { $0["instagram"]?["posts"] == .integer(0) }, "no post was published there")
    }

    /// Withdrawing approval with PATCH in a workspace that requires it unschedules the post, as a rejection does, so
    /// that no post shows `scheduled` while it can never publish.
    @Test func unapprovedPostIsNoLongerScheduled() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let (workspace, page) = try workspace(server, settings("REQUIRED", autoSchedule: true))
        let id = try scheduledPost(server, workspace: workspace, page: page, in: 3600, publish: false)
        try server.send("PATCH", "/posts/\(id)", body: ["approved": true])
        #expect(try post(server, id)["status"] == "scheduled")
        let withdrawn = try server.send("PATCH", "/posts/\(id)", body: ["approved": false])
        #expect(withdrawn.status == 200, "\(withdrawn.text)")
        var current = try post(server, id)
        #expect(current["status"] == "draft")
        #expect(current["scheduledSet"] == .bool(false))
        server.clock.advance(by: 7200)
        current = try post(server, id)
        #expect(current["status"] == "draft")
    }

    /// In a workspace without approval, approving again records no second approval.
    @Test func repeatedApprovalInNoneWorkspaceIsRecordedOnce() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let (workspace, page) = try workspace(server, settings("NONE"))
        let id = try scheduledPost(server, workspace: workspace, page: page, in: 3600, publish: false)
        for _ in 0..<3 { try server.send("PATCH", "/posts/\(id)", body: ["approved": true]) }
        #expect(try post(server, id)["approvedBy"]?.arrayValue?.count == 1)
    }

    /// The publish control refuses an archived post, which the API's own scheduling never publishes.
    @Test func archivedPostIsNotPublishedByControl() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let (workspace, page) = try workspace(server, settings("NONE"))
        let id = try scheduledPost(server, workspace: workspace, page: page, in: 3600)
        try server.send("PATCH", "/posts/\(id)", body: ["archived": true])
        let reply = try server.send("POST", "/reference/posts/\(id)/publish", body: [:], token: nil)
        #expect(reply.status == 400)
        #expect(reply.text.contains("is archived"), "\(reply.text)")
        #expect(try post(server, id)["status"] != "publishing")
    }
}
