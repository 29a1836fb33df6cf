import Foundation

@testable import PlanableReference

/// Objects for the contract test, created through the API and the reference controls.
struct ContractFixture {
    struct Call {
        var key: String
        var path: String
        var body: JSONValue?
        var status: Int
        var token: String?
        /// Whether the call names a Northwind Coffee object, so a token limited to Contoso Bakery gets 403.
        var workspaceScoped = true
    }

    let coffee: String
    let bakery: String
    let linkedin: String
    let instagram: String
    let xPage: String
    let draft: String
    let published: String
    let victim: String
    let comment: String
    let otherComment: String
    let campaign: String
    let media: String
    let keyword: String
    let scraped: String
    let member: String
    let readToken: String
    let bakeryToken: String
    let spareWorkspace: String

    init(_ server: TestServer) throws {
        coffee = try server.workspaceID("Northwind Coffee")
        bakery = try server.workspaceID("Contoso Bakery")
        linkedin = try server.pageID("Northwind LinkedIn")
        instagram = try server.pageID("Northwind Instagram")
        xPage = try server.pageID("Northwind X")
        func id(_ reply: TestServer.Reply, _ path: [String]) throws -> String {
            var value = reply.json
            for part in path { value = value[part] ?? (value.arrayValue?.first?[part] ?? .null) }
            guard let text = value.stringValue else { throw TestFailure("no \(path) in \(reply.text)") }
            return text
        }
        draft = try id(
            try server.send(
                "POST", "/posts", body: ["workspaceId": .string(coffee), "pageId": .string(linkedin), "text": "Draft"]),
            ["posts", "id"])
        victim = try id(
            try server.send(
                "POST", "/posts", body: ["workspaceId": .string(coffee), "pageId": .string(linkedin), "text": "Victim"]),
            ["posts", "id"])
        published = try id(
            try server.send(
                "POST", "/posts", body: ["workspaceId": .string(coffee), "pageId": .string(linkedin), "text": "Live"]),
            ["posts", "id"])
        try server.send("POST", "/reference/posts/\(published)/publish", body: [:], token: nil)
        server.clock.advance(by: 2 * 3600)
        comment = try id(
            try server.send("POST", "/posts/\(draft)/comments", body: ["text": "Looks good"]), ["data", "id"])
        campaign = try id(
            try server.send("POST", "/campaigns", body: ["workspaceId": .string(coffee), "name": "Spring"]),
            ["data", "id"])
        media = try id(
            try server.send(
                "POST", "/media", body: ["workspaceId": .string(coffee), "mediaUrls": ["http://127.0.0.1:9/a.png"]]),
            ["data", "id"])
        keyword = try id(
            try server.send("POST", "/keywords", body: ["workspaceId": .string(coffee), "keyword": "espresso"]),
            ["data", "keywordId"])
        scraped = try id(
            try server.send("POST", "/pages/\(instagram)/competitors", body: ["handle": "@rivalroasters"]),
            ["data", "scrapedPageId"])
        let members = try server.send("GET", "/members?workspaceId=\(coffee)").data.arrayValue ?? []
        member = members.first?["id"]?.stringValue ?? ""
        let other = members.last?["id"]?.stringValue ?? ""
        readToken = try id(try server.send("POST", "/reference/tokens", body: ["scope": "read"], token: nil), ["token"])
        bakeryToken = try id(
            try server.send(
                "POST", "/reference/tokens", body: ["scope": "write", "workspaceIds": [.string(bakery)]], token: nil),
            ["token"])
        let otherToken = try id(
            try server.send(
                "POST", "/reference/tokens", body: ["scope": "write", "memberId": .string(other)], token: nil),
            ["token"])
        otherComment = try id(
            try server.send("POST", "/posts/\(draft)/comments", body: ["text": "Mine"], token: otherToken),
            ["data", "id"])
        spareWorkspace = try id(
            try server.send(
                "POST", "/workspaces",
                body: [
                    "name": "Spare", "timezone": "UTC",
                    "approvalSettings": ["type": "NONE", "autoSchedule": false, "autoLock": false],
                ]),
            ["data", "id"])
    }

    func successCalls() -> [Call] {
        let range = "startDate=2026-05-01T00:00:00Z&endDate=2026-05-28T00:00:00Z"
        let reaction: JSONValue = ["emoji": "thumbsup", "emojiId": "+1", "emojiSkin": 1, "emojiNative": "👍"]
        return [
            Call(key: "GET /ping", path: "/ping", status: 200, workspaceScoped: false),
            Call(key: "GET /workspaces", path: "/workspaces", status: 200, workspaceScoped: false),
            Call(
                key: "POST /workspaces", path: "/workspaces",
                body: [
                    "name": "Tea", "timezone": "Asia/Tokyo",
                    "approvalSettings": ["type": "OPTIONAL", "autoSchedule": true, "autoLock": false],
                ], status: 201),
            Call(key: "GET /members", path: "/members?workspaceId=\(coffee)", status: 200),
            Call(key: "GET /pages", path: "/pages?workspaceId=\(coffee)", status: 200),
            Call(key: "GET /posts", path: "/posts?workspaceId=\(coffee)", status: 200),
            Call(
                key: "POST /posts", path: "/posts",
                body: [
                    "workspaceId": .string(coffee), "pageIds": [.string(linkedin), .string(instagram)], "text": "Both",
                ], status: 201),
            Call(key: "GET /posts/{id}", path: "/posts/\(draft)", status: 200),
            Call(
                key: "PATCH /posts/{id}", path: "/posts/\(draft)",
                body: ["text": "Edited", "campaignId": .string(campaign)], status: 200),
            Call(key: "GET /posts/count", path: "/posts/count", status: 200, workspaceScoped: false),
            Call(key: "GET /posts/{id}/metrics", path: "/posts/\(published)/metrics", status: 200),
            Call(key: "POST /posts/{id}/sync", path: "/posts/\(published)/sync", status: 200),
            Call(key: "GET /posts/{id}/sync-status", path: "/posts/\(published)/sync-status", status: 200),
            Call(key: "POST /posts/{id}/share", path: "/posts/\(draft)/share", status: 200),
            Call(
                key: "PATCH /posts/reorder", path: "/posts/reorder",
                body: ["workspaceId": .string(coffee), "postIds": [.string(draft)]], status: 200),
            Call(
                key: "POST /posts/{id}/request-approval", path: "/posts/\(draft)/request-approval",
                body: ["approverIds": [.string(member)], "note": "Please"], status: 200),
            Call(key: "GET /posts/{id}/comments", path: "/posts/\(draft)/comments", status: 200),
            Call(
                key: "POST /posts/{id}/comments", path: "/posts/\(draft)/comments",
                body: ["text": "Reply", "replyToCommentId": .string(comment)], status: 201),
            Call(
                key: "PATCH /posts/{id}/comments/{commentId}", path: "/posts/\(draft)/comments/\(comment)",
                body: ["text": "Edited"], status: 200),
            Call(
                key: "POST /posts/{id}/comments/{commentId}/reactions",
                path: "/posts/\(draft)/comments/\(comment)/reactions", body: reaction, status: 200),
            Call(
                key: "POST /stories", path: "/stories",
                body: [
                    "workspaceId": .string(coffee), "pageId": .string(instagram),
                    "media": ["http://127.0.0.1:9/a.png", "http://127.0.0.1:9/b.png"],
                ], status: 201),
            Call(key: "GET /campaigns", path: "/campaigns?workspaceId=\(coffee)", status: 200),
            Call(
                key: "POST /campaigns", path: "/campaigns",
                body: [
                    "workspaceId": .string(coffee), "name": "Summer", "icon": "sun",
                    "links": [["url": "https://example.com"]],
                ], status: 201),
            Call(key: "GET /campaigns/{id}", path: "/campaigns/\(campaign)", status: 200),
            Call(
                key: "PATCH /campaigns/{id}", path: "/campaigns/\(campaign)",
                body: ["status": "active", "startedAt": "2026-05-01T00:00:00Z"], status: 200),
            Call(key: "GET /labels", path: "/labels?workspaceId=\(coffee)", status: 200),
            Call(
                key: "POST /labels", path: "/labels",
                body: ["workspaceId": .string(coffee), "text": "Promo", "color": "fog"], status: 201),
            Call(key: "GET /media", path: "/media?workspaceId=\(coffee)", status: 200),
            Call(
                key: "POST /media", path: "/media",
                body: ["workspaceId": .string(coffee), "mediaUrls": ["http://127.0.0.1:9/c.mp4"]], status: 202),
            Call(key: "GET /media/{id}", path: "/media/\(media)", status: 200),
            Call(key: "GET /pages/{id}/metrics", path: "/pages/\(linkedin)/metrics?\(range)", status: 200),
            Call(key: "POST /pages/{id}/sync", path: "/pages/\(linkedin)/sync", status: 200),
            Call(key: "GET /pages/{id}/sync-status", path: "/pages/\(linkedin)/sync-status", status: 200),
            Call(key: "GET /pages/{id}/competitors", path: "/pages/\(instagram)/competitors", status: 200),
            Call(
                key: "POST /pages/{id}/competitors", path: "/pages/\(instagram)/competitors",
                body: ["url": "https://www.instagram.com/beanbrothers/"], status: 201),
            Call(
                key: "POST /pages/{id}/competitors", path: "/pages/\(instagram)/competitors",
                body: ["handle": "beanbrothers"], status: 200),
            Call(
                key: "GET /pages/{id}/competitors/comparison",
                path: "/pages/\(instagram)/competitors/comparison?range=7d", status: 200),
            Call(
                key: "GET /pages/{id}/competitors/metrics",
                path: "/pages/\(instagram)/competitors/metrics?range=30d&scrapedPageIds=\(scraped)", status: 200),
            Call(
                key: "GET /pages/{id}/competitors/top-posts",
                path: "/pages/\(instagram)/competitors/top-posts?sortBy=likes&limit=5", status: 200),
            Call(key: "GET /keywords", path: "/keywords?workspaceId=\(coffee)", status: 200),
            Call(
                key: "POST /keywords", path: "/keywords",
                body: ["workspaceId": .string(coffee), "keyword": "latte", "type": "brand"], status: 201),
            Call(
                key: "POST /keywords", path: "/keywords",
                body: ["workspaceId": .string(coffee), "keyword": "espresso"], status: 200),
            Call(
                key: "GET /keywords/{keywordId}/mentions",
                path: "/keywords/\(keyword)/mentions?workspaceId=\(coffee)&range=14d&sortBy=recency", status: 200),
            Call(
                key: "GET /keywords/{keywordId}/metrics/summary",
                path: "/keywords/\(keyword)/metrics/summary?workspaceId=\(coffee)", status: 200),
            Call(
                key: "GET /keywords/{keywordId}/metrics",
                path: "/keywords/\(keyword)/metrics?workspaceId=\(coffee)&range=30d", status: 200),
            Call(
                key: "GET /keywords/{keywordId}/sync-status",
                path: "/keywords/\(keyword)/sync-status?workspaceId=\(coffee)", status: 200),
        ]
    }

    func failureCalls() -> [Call] {
        let unknown = "ffffffffffffffffffffffff"
        return [
            Call(key: "POST /workspaces", path: "/workspaces", body: [:], status: 400),
            Call(key: "GET /members", path: "/members", status: 400),
            Call(key: "GET /members", path: "/members?workspaceId=\(unknown)", status: 404),
            Call(key: "GET /pages", path: "/pages?limit=many", status: 400),
            Call(key: "GET /posts", path: "/posts", status: 400),
            Call(key: "POST /posts", path: "/posts", body: ["workspaceId": .string(coffee)], status: 400),
            Call(
                key: "POST /posts", path: "/posts", body: ["workspaceId": .string(unknown), "pageId": "x"], status: 404),
            Call(key: "GET /posts/{id}", path: "/posts/\(unknown)", status: 404),
            Call(key: "PATCH /posts/{id}", path: "/posts/\(draft)", body: [:], status: 400),
            Call(key: "PATCH /posts/{id}", path: "/posts/\(published)", body: ["text": "Late"], status: 400),
            Call(key: "PATCH /posts/{id}", path: "/posts/\(unknown)", body: ["text": "x"], status: 404),
            Call(key: "GET /posts/{id}/metrics", path: "/posts/\(draft)/metrics", status: 400),
            Call(key: "GET /posts/{id}/metrics", path: "/posts/\(unknown)/metrics", status: 404),
            Call(key: "POST /posts/{id}/sync", path: "/posts/\(draft)/sync", status: 400),
            Call(key: "POST /posts/{id}/sync", path: "/posts/\(unknown)/sync", status: 404),
            Call(key: "GET /posts/{id}/sync-status", path: "/posts/\(unknown)/sync-status", status: 404),
            Call(key: "POST /posts/{id}/share", path: "/posts/\(unknown)/share", status: 404),
            Call(key: "DELETE /posts/{id}/share", path: "/posts/\(unknown)/share", status: 404),
            Call(
                key: "PATCH /posts/reorder", path: "/posts/reorder", body: ["workspaceId": .string(coffee)], status: 400
            ),
            Call(
                key: "PATCH /posts/reorder", path: "/posts/reorder",
                body: ["workspaceId": .string(coffee), "postIds": [.string(unknown)]], status: 404),
            Call(
                key: "POST /posts/{id}/request-approval", path: "/posts/\(draft)/request-approval",
                body: ["approverIds": []], status: 400),
            Call(
                key: "POST /posts/{id}/request-approval", path: "/posts/\(unknown)/request-approval",
                body: ["approverIds": [.string(member)]], status: 404),
            Call(key: "GET /posts/{id}/comments", path: "/posts/\(unknown)/comments", status: 404),
            Call(key: "POST /posts/{id}/comments", path: "/posts/\(draft)/comments", body: [:], status: 400),
            Call(
                key: "POST /posts/{id}/comments", path: "/posts/\(unknown)/comments", body: ["text": "x"], status: 404),
            Call(
                key: "PATCH /posts/{id}/comments/{commentId}", path: "/posts/\(draft)/comments/\(comment)", body: [:],
                status: 400),
            Call(
                key: "PATCH /posts/{id}/comments/{commentId}", path: "/posts/\(draft)/comments/\(otherComment)",
                body: ["text": "x"], status: 403),
            Call(
                key: "PATCH /posts/{id}/comments/{commentId}", path: "/posts/\(draft)/comments/\(unknown)",
                body: ["text": "x"], status: 404),
            Call(
                key: "DELETE /posts/{id}/comments/{commentId}", path: "/posts/\(draft)/comments/\(otherComment)",
                status: 403),
            Call(
                key: "DELETE /posts/{id}/comments/{commentId}", path: "/posts/\(draft)/comments/\(unknown)", status: 404
            ),
            Call(
                key: "POST /posts/{id}/comments/{commentId}/reactions",
                path: "/posts/\(draft)/comments/\(comment)/reactions", body: ["emoji": "x"], status: 400),
            Call(
                key: "POST /posts/{id}/comments/{commentId}/reactions",
                path: "/posts/\(draft)/comments/\(unknown)/reactions",
                body: ["emoji": "x", "emojiId": "x", "emojiSkin": 0, "emojiNative": "x"], status: 404),
            Call(key: "POST /stories", path: "/stories", body: [:], status: 400),
            Call(
                key: "POST /stories", path: "/stories",
                body: [
                    "workspaceId": .string(coffee), "pageId": .string(unknown), "media": "http://127.0.0.1:9/a.png",
                ], status: 404),
            Call(key: "GET /campaigns", path: "/campaigns", status: 400),
            Call(key: "POST /campaigns", path: "/campaigns", body: ["workspaceId": .string(coffee)], status: 400),
            Call(key: "GET /campaigns/{id}", path: "/campaigns/\(unknown)", status: 404),
            Call(key: "PATCH /campaigns/{id}", path: "/campaigns/\(campaign)", body: ["name": ""], status: 400),
            Call(key: "PATCH /campaigns/{id}", path: "/campaigns/\(unknown)", body: ["name": "x"], status: 404),
            Call(key: "GET /labels", path: "/labels", status: 400),
            Call(
                key: "POST /labels", path: "/labels",
                body: ["workspaceId": .string(coffee), "text": "x", "color": "purple"], status: 400),
            Call(key: "GET /media", path: "/media", status: 400),
            Call(
                key: "POST /media", path: "/media", body: ["workspaceId": .string(coffee), "mediaUrls": []], status: 400
            ),
            Call(key: "GET /media/{id}", path: "/media/\(unknown)", status: 404),
            Call(key: "POST /pages/{id}/sync", path: "/pages/\(xPage)/sync", status: 400),
            Call(key: "POST /pages/{id}/sync", path: "/pages/\(unknown)/sync", status: 404),
            Call(key: "GET /pages/{id}/sync-status", path: "/pages/\(unknown)/sync-status", status: 404),
            Call(key: "GET /pages/{id}/metrics", path: "/pages/\(linkedin)/metrics", status: 400),
            Call(
                key: "GET /pages/{id}/metrics",
                path: "/pages/\(unknown)/metrics?startDate=2026-05-01T00:00:00Z&endDate=2026-05-02T00:00:00Z",
                status: 404),
            Call(key: "GET /pages/{id}/competitors", path: "/pages/\(xPage)/competitors", status: 400),
            Call(key: "GET /pages/{id}/competitors", path: "/pages/\(unknown)/competitors", status: 404),
            Call(key: "POST /pages/{id}/competitors", path: "/pages/\(instagram)/competitors", body: [:], status: 400),
            Call(
                key: "POST /pages/{id}/competitors", path: "/pages/\(instagram)/competitors",
                body: ["handle": "no such profile!"], status: 404),
            Call(
                key: "POST /pages/{id}/competitors", path: "/pages/\(instagram)/competitors", body: ["handle": "a"],
                status: 403, token: readToken),
            Call(
                key: "GET /pages/{id}/competitors/comparison", path: "/pages/\(xPage)/competitors/comparison",
                status: 400),
            Call(
                key: "GET /pages/{id}/competitors/comparison", path: "/pages/\(unknown)/competitors/comparison",
                status: 404),
            Call(key: "GET /pages/{id}/competitors/metrics", path: "/pages/\(xPage)/competitors/metrics", status: 400),
            Call(
                key: "GET /pages/{id}/competitors/metrics", path: "/pages/\(unknown)/competitors/metrics", status: 404),
            Call(
                key: "GET /pages/{id}/competitors/top-posts", path: "/pages/\(instagram)/competitors/top-posts",
                status: 400),
            Call(
                key: "GET /pages/{id}/competitors/top-posts",
                path: "/pages/\(unknown)/competitors/top-posts?sortBy=views", status: 404),
            Call(key: "POST /keywords", path: "/keywords", body: ["workspaceId": .string(coffee)], status: 400),
            Call(
                key: "GET /keywords/{keywordId}/mentions", path: "/keywords/\(unknown)/mentions?workspaceId=\(coffee)",
                status: 404),
            Call(
                key: "GET /keywords/{keywordId}/metrics/summary",
                path: "/keywords/\(unknown)/metrics/summary?workspaceId=\(coffee)", status: 404),
            Call(
                key: "GET /keywords/{keywordId}/metrics", path: "/keywords/\(unknown)/metrics?workspaceId=\(coffee)",
                status: 404),
            Call(
                key: "GET /keywords/{keywordId}/sync-status",
                path: "/keywords/\(unknown)/sync-status?workspaceId=\(coffee)", status: 404),
            Call(key: "DELETE /keywords/{keywordId}", path: "/keywords/\(unknown)?workspaceId=\(coffee)", status: 404),
            Call(key: "DELETE /workspaces/{id}", path: "/workspaces/\(unknown)", status: 404),
            Call(key: "DELETE /posts/{id}", path: "/posts/\(unknown)", status: 404),
            Call(key: "DELETE /campaigns/{id}", path: "/campaigns/\(unknown)", status: 404),
            Call(
                key: "DELETE /pages/{id}/competitors/{scrapedPageId}",
                path: "/pages/\(instagram)/competitors/\(unknown)", status: 404),
        ]
    }

    func deletionCalls() -> [Call] {
        [
            Call(key: "DELETE /posts/{id}/share", path: "/posts/\(draft)/share", status: 204),
            Call(
                key: "DELETE /posts/{id}/comments/{commentId}", path: "/posts/\(draft)/comments/\(comment)", status: 204
            ),
            Call(key: "DELETE /posts/{id}", path: "/posts/\(victim)", status: 204),
            Call(key: "DELETE /campaigns/{id}", path: "/campaigns/\(campaign)", status: 204),
            Call(
                key: "DELETE /pages/{id}/competitors/{scrapedPageId}",
                path: "/pages/\(instagram)/competitors/\(scraped)", status: 204),
            Call(key: "DELETE /keywords/{keywordId}", path: "/keywords/\(keyword)?workspaceId=\(coffee)", status: 204),
            Call(key: "DELETE /workspaces/{id}", path: "/workspaces/\(spareWorkspace)", status: 204),
        ]
    }
}
