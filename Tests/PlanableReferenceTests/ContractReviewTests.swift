import Foundation
import HTTPClient
import Testing
import Timestamps

@testable import PlanableReference

/// Behaviour that a review against the published document found missing. It covers competitor profile URLs as the
/// platforms write them, own-page analytics that agree across operations and level approvers who join a new
/// workspace. It also covers offline media typed by file name, one share link per story group, and validation
/// messages that name every allowed value.
@Suite struct ContractReviewTests {
    private func track(_ server: TestServer, page: String, _ body: JSONValue) throws -> TestServer.Reply {
        try server.send("POST", "/pages/\(page)/competitors", body: body)
    }

    /// The document describes JSON bodies only, so a body sent with another media type, or with none, is a 400
    /// that names the header, and JSON with parameters or a `+json` type is read.
    @Test func bodyNeedsJSONContentType() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        for (contentType, status) in [
            ("text/plain", 400), (nil, 400), ("application/json; charset=utf-8", 201),
            ("application/vnd.api+json", 201),
        ] {
            let body = Array(
                #"{"workspaceId": "\#(workspace)", "text": "\#(contentType ?? "none")", "color": "fog"}"#.utf8)
            var headers = [("Authorization", "Bearer \(TestServer.token)")]
            if let contentType { headers.append(("Content-Type", contentType)) }
            let response = try server.client.send(
                HTTPRequest(method: "POST", url: server.server.baseURL + "/labels", headers: headers, body: body))
            #expect(
                response.status == status, "\(contentType ?? "none"): \(String(decoding: response.body, as: UTF8.self))"
            )
            if status == 400 {
                #expect(String(decoding: response.body, as: UTF8.self).contains("Content-Type: application/json"))
            }
        }
    }

    @Test func competitorProfileURLsAreRead() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let instagram = try server.pageID("Northwind Instagram")
        let facebook = try server.pageID("Northwind Facebook")
        let shared = try track(server, page: instagram, ["url": "https://www.instagram.com/dunkin/?hl=en"])
        #expect(shared.status == 201, "\(shared.text)")
        #expect(shared.data["handle"] == "dunkin")
        let reels = try track(server, page: instagram, ["url": "https://www.instagram.com/starbucks/reels/"])
        #expect(reels.data["handle"] == "starbucks", "\(reels.text)")
        let numeric = try track(
            server, page: facebook, ["url": "https://www.facebook.com/profile.php?id=100064758844406"])
        #expect(numeric.status == 201, "\(numeric.text)")
        #expect(numeric.data["handle"] == "100064758844406")

        // A profile of another platform, a post instead of a profile, or a blank handle is invalid input.
        let otherPlatform = try track(server, page: facebook, ["url": "https://www.tiktok.com/@dunkin"])
        #expect(otherPlatform.status == 400, "\(otherPlatform.text)")
        #expect(otherPlatform.text.contains("is not a facebook profile URL"), "\(otherPlatform.text)")
        let post = try track(server, page: instagram, ["url": "https://www.instagram.com/p/C1a2b3c4d5/"])
        #expect(post.status == 400, "\(post.text)")
        let youtube = try server.pageID("Northwind YouTube")
        #expect(try track(server, page: youtube, ["url": "https://www.youtube.com/watch?v=abc"]).status == 400)
        #expect(try track(server, page: youtube, ["url": "https://www.youtube.com/@northwind"]).status == 201)
        #expect(try track(server, page: facebook, ["url": "https://www.facebook.com/groups/123"]).status == 400)
        #expect(try track(server, page: instagram, ["handle": "   "]).status == 400)
        // A handle that no platform allows is not found there.
        #expect(try track(server, page: instagram, ["handle": "no such/handle"]).status == 404)
        #expect(try server.send("GET", "/pages/\(instagram)/competitors").data.arrayValue?.count == 2)
    }

    /// A competitor added again within the cooling window comes back with its id and sync state, because the
    /// document describes the re-add as restoring its history. After the window it starts over.
    @Test func readdedCompetitorIsRestored() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let instagram = try server.pageID("Northwind Instagram")
        let first = try track(server, page: instagram, ["handle": "alpha"])
        #expect(first.status == 201, "\(first.text)")
        server.clock.advance(by: 7200)
        let synced = try #require(try server.send("GET", "/pages/\(instagram)/competitors").data.arrayValue?.first)
        #expect(synced["syncStatus"] == "synced", "\(synced)")
        let scraped = try #require(synced["scrapedPageId"]?.stringValue)

        #expect(try server.send("DELETE", "/pages/\(instagram)/competitors/\(scraped)").status == 204)
        #expect(try server.send("GET", "/pages/\(instagram)/competitors").data.arrayValue?.isEmpty == true)
        #expect(try server.send("DELETE", "/pages/\(instagram)/competitors/\(scraped)").status == 404)
        server.clock.advance(by: 86_400)
        let again = try track(server, page: instagram, ["handle": "alpha"])
        #expect(again.status == 201, "\(again.text)")
        #expect(again.data == synced, "\(again.text)")

        #expect(try server.send("DELETE", "/pages/\(instagram)/competitors/\(scraped)").status == 204)
        server.clock.advance(by: 31 * 86_400)
        let late = try track(server, page: instagram, ["handle": "alpha"])
        #expect(late.data["trackedCompetitorId"] != synced["trackedCompetitorId"], "\(late.text)")
        #expect(late.data["syncStatus"] == "syncing", "\(late.text)")
    }

    /// The operation documents no 400 response, so a page type without competitor analytics returns 404.
    @Test func untrackOnUnsupportedPageIsNotFound() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let x = try server.pageID("Northwind X")
        let reply = try server.send("DELETE", "/pages/\(x)/competitors/abc")
        #expect(reply.status == 404, "\(reply.text)")
    }

    /// The own row of the competitor views is the page's platform-reported data: the followers and engagement of its
    /// page metrics and the posts it published.
    @Test func ownRowMatchesPageMetrics() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let facebook = try server.pageID("Northwind Facebook")
        let created = try server.createPost(workspace: "Northwind Coffee", page: "Northwind Facebook")
        let id = try #require(created["id"]?.stringValue)
        try server.send("POST", "/reference/posts/\(id)/publish", body: [:], token: nil)
        server.clock.advance(by: 10)
        let now = server.clock.now()
        let today = SyntheticMetrics.dayNumber(now)
        let range = "startDate=\(Timestamp.format(Double(today - 6) * 86400))&endDate=\(Timestamp.format(now))"
        let days = try server.send("GET", "/pages/\(facebook)/metrics?\(range)").data.arrayValue ?? []
        #expect(days.count == 7)

        let comparison = try server.send("GET", "/pages/\(facebook)/competitors/comparison?\(range)").data
        let own = try #require(comparison.arrayValue?.first { $0["isOwn"] == .bool(true) })
        #expect(own["followers"] == days.last?["facebook"]?["followers"])
        #expect(own["posts"] == .integer(1))
        let engagement = days.reduce(0) { $0 + ($1["facebook"]?["engagement"]?.intValue ?? 0) }
        #expect(own["totalEngagement"] == .integer(engagement))

        let trends = try server.send("GET", "/pages/\(facebook)/competitors/metrics?\(range)").data
        let points = try #require(trends.arrayValue?.first { $0["isOwn"] == .bool(true) }?["points"]?.arrayValue)
        #expect(points.map { $0["followers"] } == days.map { $0["facebook"]?["followers"] })
        #expect(points.map { $0["engagement"] } == days.map { $0["facebook"]?["engagement"] })

        // Instagram reports no follower count among its required numbers, and its gained and lost followers still
        // agree with the count that its competitor trend shows.
        let instagram = try server.pageID("Northwind Instagram")
        let instagramDays = try server.send("GET", "/pages/\(instagram)/metrics?\(range)").data.arrayValue ?? []
        let instagramTrend = try server.send("GET", "/pages/\(instagram)/competitors/metrics?\(range)").data
        let followers = try #require(
            instagramTrend.arrayValue?.first { $0["isOwn"] == .bool(true) }?["points"]?.arrayValue?.map {
                $0["followers"]?.intValue ?? 0
            })
        for (index, day) in instagramDays.enumerated().dropFirst() {
            let gained = day["instagram"]?["gainedFollowers"]?.intValue ?? 0
            let lost = day["instagram"]?["unFollows"]?.intValue ?? 0
            #expect(gained - lost == followers[index] - followers[index - 1], "\(day)")
        }
        // A window counts whole days, so a post published earlier on its first day counts, as its engagement does.
        server.clock.advance(by: 7 * 86400 + 60)
        let week = try server.send("GET", "/pages/\(facebook)/competitors/comparison?range=7d").data
        #expect(week.arrayValue?.first { $0["isOwn"] == .bool(true) }?["posts"] == .integer(1), "\(week)")
        // The page has no post over all of its history besides the one published.
        let all = try server.send("GET", "/pages/\(facebook)/competitors/comparison?range=all").data
        #expect(all.arrayValue?.first { $0["isOwn"] == .bool(true) }?["posts"] == .integer(1))
    }

    /// The document sets no longest window, so an early start date reads the history the server keeps.
    @Test func longWindowIsRead() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let instagram = try server.pageID("Northwind Instagram")
        let reply = try server.send(
            "GET", "/pages/\(instagram)/competitors/comparison?startDate=2020-01-01T00:00:00Z")
        #expect(reply.status == 200, "\(reply.text)")
        let trend = try server.send("GET", "/pages/\(instagram)/competitors/metrics?startDate=2020-01-01T00:00:00Z")
        let points = trend.data.arrayValue?.first?["points"]?.arrayValue?.count ?? 0
        #expect(points == AnalyticsWindow.historyDays + 1)
        // The history counts back from today, as page metrics count it, so a window that ended before has no day.
        let old = try server.send(
            "GET", "/pages/\(instagram)/competitors/metrics?startDate=2021-01-01T00:00:00Z&endDate=2023-01-01T00:00:00Z"
        )
        #expect(old.data.arrayValue?.first?["points"]?.arrayValue?.isEmpty == true, "\(old.text)")
    }

    @Test func levelApproversJoinNewWorkspace() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let coffee = try server.workspaceID("Northwind Coffee")
        let memberIDs = (try server.send("GET", "/members?workspaceId=\(coffee)").data.arrayValue ?? []).compactMap {
            $0["id"]?.stringValue
        }
        #expect(memberIDs.count > 1)
        let created = try server.send(
            "POST", "/workspaces",
            body: [
                "name": "Multi", "timezone": "UTC",
                "approvalSettings": [
                    "type": "MULTIPLE", "autoSchedule": false, "autoLock": false,
                    "approvalLevels": [
                        ["id": "a", "label": "A", "approversIds": .array(memberIDs.map { .string($0) })]
                    ],
                ],
            ])
        #expect(created.status == 201, "\(created.text)")
        let workspace = try #require(created.data["id"]?.stringValue)
        let members = try server.send("GET", "/members?workspaceId=\(workspace)").data.arrayValue ?? []
        #expect(Set(members.compactMap { $0["id"]?.stringValue }) == Set(memberIDs))
        #expect(members.allSatisfy { $0["approvalLevelIds"] == ["a"] }, "\(members)")
    }

    @Test func offlineMediaIsTypedByFileName() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let urls = ["p.png", "w.webp", "v.webm", "v.mov", "report.pdf", "image", "thumb.php"].map {
            "https://cdn.example/\($0)"
        }
        let accepted = try server.send(
            "POST", "/media", body: ["workspaceId": .string(workspace), "mediaUrls": .array(urls.map { .string($0) })])
        #expect(accepted.status == 202)
        _ = server.server.services.pendingImports.wait(timeout: .now() + 20)
        var found: [String] = []
        for item in accepted.data.arrayValue ?? [] {
            let media = try server.send("GET", "/media/\(item["id"]?.stringValue ?? "")").data
            found.append(
                "\(media["status"]?.stringValue ?? "") \(media["type"]?.stringValue ?? "") "
                    + "\(media["mimeType"]?.stringValue ?? "-")")
        }
        #expect(
            found == [
                "success image image/png", "success image image/webp", "success video video/webm",
                "success video video/quicktime", "error image application/octet-stream", "success image image/jpeg",
                "success image image/jpeg",
            ], "\(found)")
    }

    @Test func storyFramesShareOneLink() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let page = try server.pageID("Northwind Instagram")
        let story = try server.send(
            "POST", "/stories",
            body: [
                "workspaceId": .string(workspace), "pageId": .string(page),
                "media": ["https://cdn.example/a.png", "https://cdn.example/b.png"],
            ])
        let frames = (story.json["group"]?["postIds"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(frames.count == 2)
        let first = try server.send("POST", "/posts/\(frames[0])/share").data["publicShareLink"]
        let second = try server.send("POST", "/posts/\(frames[1])/share").data["publicShareLink"]
        #expect(first != nil)
        #expect(first == second)
        #expect(try server.send("DELETE", "/posts/\(frames[1])/share").status == 204)
        let renewed = try server.send("POST", "/posts/\(frames[0])/share").data["publicShareLink"]
        #expect(renewed != first)
    }

    @Test func constantFormsAreNamedTogether() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let post = try server.createPost(workspace: "Northwind Coffee", page: "Northwind Facebook")
        let id = try #require(post["id"]?.stringValue)
        let comment = try server.send("POST", "/posts/\(id)/comments", body: ["text": "Nice"])
        let commentID = try #require(comment.data["id"]?.stringValue, "\(comment.text)")
        let reply = try server.send(
            "POST", "/posts/\(id)/comments/\(commentID)/reactions",
            body: ["emoji": ":+1:", "emojiId": "+1", "emojiSkin": 7, "emojiNative": "x"])
        #expect(reply.status == 400)
        #expect(reply.text.contains("body.emojiSkin must be one of 0, 1, 2, 3, 4, 5, 6"), "\(reply.text)")
    }

    /// A PATCH body counts only the fields that PATCH /posts/{id} changes: an unknown key, or a field that only a
    /// create takes, changes nothing and is refused, and a failed post stays failed.
    @Test func patchNeedsAFieldItChanges() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let post = try server.createPost(
            workspace: "Northwind Coffee", page: "Northwind Facebook", extra: [("firstComment", "First")])
        let id = try #require(post["id"]?.stringValue)
        let unknown = try server.send("PATCH", "/posts/\(id)", body: ["scheduled_at": "2030-01-01T00:00:00Z"])
        #expect(unknown.status == 400)
        #expect(unknown.text.contains("scheduled_at is not one"), "\(unknown.text)")
        #expect(try server.send("PATCH", "/posts/\(id)", body: ["firstComment": "Second"]).status == 400)
        let edited = try server.send("PATCH", "/posts/\(id)", body: ["text": "Edited", "firstComment": "Second"])
        #expect(edited.status == 200, "\(edited.text)")
        #expect(try server.send("GET", "/posts/\(id)").data["plainText"] == "Edited")
        let stored = try server.server.store.withLock { try $0.post(id: id) }
        #expect(stored?.extras["firstComment"] == "First", "\(String(describing: stored?.extras))")
    }

    /// POST /posts takes no `archived`, so a new post is never archived.
    @Test func createIgnoresArchived() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let post = try server.createPost(
            workspace: "Northwind Coffee", page: "Northwind Facebook", extra: [("archived", true)])
        #expect(post["archived"] == .bool(false))
    }

    /// Page metrics read the 400 days of history that the competitor views read, and the page's sync status counts
    /// the last whole day's snapshot as a sync.
    @Test func pageMetricsKeepHistoryWindow() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let facebook = try server.pageID("Northwind Facebook")
        let now = server.clock.now()
        let today = SyntheticMetrics.dayNumber(now)
        let range = "startDate=2020-01-01T00:00:00Z&endDate=\(Timestamp.format(now))"
        let long = try server.send("GET", "/pages/\(facebook)/metrics?\(range)")
        #expect(long.status == 200, "\(long.text)")
        // The window contains the last 400 days and today, so the page of 90 at offset 400 contains today only.
        let last = try server.send(
            "GET", "/pages/\(facebook)/metrics?\(range)&offset=\(AnalyticsWindow.historyDays)&limit=90")
        #expect(last.data.arrayValue?.count == 1, "\(last.text)")
        #expect(last.data.arrayValue?.first?["partial"] == .bool(true))
        let old = try server.send(
            "GET", "/pages/\(facebook)/metrics?startDate=2000-01-01T00:00:00Z&endDate=2000-02-01T00:00:00Z")
        #expect(old.data.arrayValue?.isEmpty == true, "\(old.text)")
        // The page was added today with its history, which counts as its first sync. A day later, the daily
        // snapshot of the day before counts.
        var status = try server.send("GET", "/pages/\(facebook)/sync-status").data
        let first = try #require(status["lastSyncedAt"]?.stringValue.flatMap(Timestamp.parse), "\(status)")
        #expect(first >= Double(today) * 86400, "\(status)")
        #expect(first <= now, "\(status)")
        server.clock.advance(by: 86400)
        status = try server.send("GET", "/pages/\(facebook)/sync-status").data
        #expect(status["lastSyncedAt"] == .string(Timestamp.format(Double(today + 1) * 86400 - 1)), "\(status)")
    }

    /// A token that could never be used is refused: one limited to no workspace, and one that expired already.
    @Test func unusableTokensAreRejected() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let empty = try server.send("POST", "/reference/tokens", body: ["workspaceIds": []], token: nil)
        #expect(empty.status == 400)
        #expect(empty.text.contains("workspaceIds is empty"), "\(empty.text)")
        let expired = try server.send(
            "POST", "/reference/tokens", body: ["expiresAt": "2020-01-01T00:00:00Z"], token: nil)
        #expect(expired.status == 400)
        #expect(expired.text.contains("would never work"), "\(expired.text)")
    }

    /// A label name of white space only is refused, as such a campaign name is. A name with text around its spaces
    /// is kept as sent.
    @Test func blankLabelNameIsRefused() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        for name in ["   ", "\t\n "] {
            let blank = try server.send(
                "POST", "/labels", body: ["workspaceId": .string(workspace), "text": .string(name), "color": "fog"])
            #expect(blank.status == 400, "\(blank.text)")
            #expect(blank.text.contains("body.text must contain more than white space"), "\(blank.text)")
        }
        let spaced = try server.send(
            "POST", "/labels", body: ["workspaceId": .string(workspace), "text": " Q4 launch ", "color": "fog"])
        #expect(spaced.status == 201, "\(spaced.text)")
        #expect(spaced.data["name"] == " Q4 launch ")
        let campaign = try server.send("POST", "/campaigns", body: ["workspaceId": .string(workspace), "name": " \t"])
        #expect(campaign.status == 400, "\(campaign.text)")
    }
}
