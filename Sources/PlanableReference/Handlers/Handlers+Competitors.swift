import Foundation
import SQLite
import Timestamps

/// Competitor tracking for a page, with synthetic follower, engagement and post data.
enum CompetitorHandlers {
    static let supportedPlatforms: Set<String> = ["instagram", "facebook", "youtube", "tiktok", "linkedin"]
    static let competitorLimit = 5
    /// A new competitor is scraped for this long, in seconds, before its data is synced.
    static let firstSyncSeconds = 60.0

    private static func supportedPage(_ context: APIContext) throws -> PageRecord {
        let (page, _) = try context.page(context.input.path("id"))
        guard supportedPlatforms.contains(page.platform) else {
            throw APIError.validation(
                "page \(page.id) is a \(page.platform) page; competitor analytics covers Instagram, Facebook, YouTube, TikTok and LinkedIn"
            )
        }
        return page
    }

    private static func competitors(_ pageID: String, _ store: ReferenceStore) throws -> [SQLiteRow] {
        try store.database.query(
            "SELECT * FROM competitors WHERE page_id = ? AND removed_at IS NULL ORDER BY rowid", [pageID])
    }

    /// The cooling window in seconds, 30 days, during which a competitor that a page stopped tracking keeps its
    /// history for a re-add.
    static let coolingWindowSeconds = 30.0 * 86_400

    static func list(_ context: APIContext) throws -> APIResponse {
        let page = try supportedPage(context)
        return .ok(["data": .array(try competitors(page.id, context.store).map { render($0, now: context.now) })])
    }

    static func track(_ context: APIContext) throws -> APIResponse {
        let page = try supportedPage(context)
        let fields = [context.body["handle"]?.stringValue, context.body["url"]?.stringValue].compactMap { $0 }
        guard let raw = fields.first(where: { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) else {
            throw APIError.validation("give handle (such as @northwind) or url (the competitor's profile URL)")
        }
        let handle = try normalizedHandle(raw, platform: page.platform)
        guard !handle.isEmpty, handle.count <= 64,
            handle.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
        else { throw APIError.notFound("no \(page.platform) profile \(raw) was found") }
        let existing = try competitors(page.id, context.store)
        if let row = existing.first(where: { ($0.string("handle") ?? "").lowercased() == handle.lowercased() }) {
            return .ok(["data": render(row, now: context.now)])
        }
        guard existing.count < competitorLimit else {
            throw APIError.forbidden(
                "page \(page.id) already tracks \(competitorLimit) competitors; stop tracking one first")
        }
        // Within the cooling window, the competitor comes back with its id, history and sync state.
        let scrapedID = Identifiers.derived("scraped", page.platform, handle.lowercased())
        if let removed = try context.store.database.queryFirst(
            "SELECT id FROM competitors WHERE page_id = ? AND scraped_page_id = ? AND removed_at >= ?",
            [page.id, scrapedID, context.now - coolingWindowSeconds])?.string("id")
        {
            try context.store.database.run("UPDATE competitors SET removed_at = NULL WHERE id = ?", [removed])
            let row = try context.store.database.queryFirst("SELECT * FROM competitors WHERE id = ?", [removed])
            return .created(["data": row.map { render($0, now: context.now) } ?? .null])
        }
        try context.store.database.run(
            "DELETE FROM competitors WHERE page_id = ? AND scraped_page_id = ?", [page.id, scrapedID])
        let id = Identifiers.objectID()
        try context.store.database.run(
            """
            INSERT INTO competitors (id, page_id, scraped_page_id, handle, display_name, platform, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                id, page.id, scrapedID, handle,
                handle.prefix(1).uppercased() + handle.dropFirst(), page.platform, context.now,
            ])
        let row = try context.store.database.queryFirst("SELECT * FROM competitors WHERE id = ?", [id])
        return .created(["data": row.map { render($0, now: context.now) } ?? .null])
    }

    static func untrack(_ context: APIContext) throws -> APIResponse {
        // The operation documents no 400 response, so a page of another type is one that tracks no competitors.
        let (page, _) = try context.page(context.input.path("id"))
        guard supportedPlatforms.contains(page.platform) else {
            throw APIError.notFound("page \(page.id) is a \(page.platform) page, which tracks no competitors")
        }
        let scraped = context.input.path("scrapedPageId")
        let removed = try context.store.database.run(
            """
            UPDATE competitors SET removed_at = ? WHERE page_id = ? AND scraped_page_id = ? AND removed_at IS NULL
            """, [context.now, page.id, scraped])
        guard removed > 0 else { throw APIError.notFound("page \(page.id) does not track competitor \(scraped)") }
        return .noContent
    }

    static func comparison(_ context: APIContext) throws -> APIResponse {
        let page = try supportedPage(context)
        let window = try AnalyticsWindow.read(context)
        var rows: [JSONValue] = [
            comparisonRow(
                key: page.id, isOwn: true, name: page.name, handle: PlatformLinks.slug(page.name),
                platform: page.platform, window: window, figures: try ownFigures(page, window: window, context))
        ]
        for competitor in try competitors(page.id, context.store) {
            let key = competitor.string("scraped_page_id") ?? ""
            rows.append(
                comparisonRow(
                    key: key, isOwn: false, name: competitor.string("display_name") ?? "",
                    handle: competitor.string("handle") ?? "", platform: page.platform, window: window,
                    figures: scrapedFigures(key, window: window)))
        }
        return .ok(["data": .array(rows)])
    }

    static func metrics(_ context: APIContext) throws -> APIResponse {
        let page = try supportedPage(context)
        let window = try AnalyticsWindow.read(context)
        let filter = context.input.queryStrings("scrapedPageIds").map(Set.init)
        var series: [JSONValue] = [
            trend(
                key: page.id, isOwn: true, name: page.name, handle: PlatformLinks.slug(page.name),
                platform: page.platform, window: window, figures: try ownFigures(page, window: window, context))
        ]
        for competitor in try competitors(page.id, context.store) {
            let key = competitor.string("scraped_page_id") ?? ""
            if let filter, !filter.contains(key) { continue }
            series.append(
                trend(
                    key: key, isOwn: false, name: competitor.string("display_name") ?? "",
                    handle: competitor.string("handle") ?? "", platform: page.platform, window: window,
                    figures: scrapedFigures(key, window: window)))
        }
        return .ok(["data": .array(series)])
    }

    static func topPosts(_ context: APIContext) throws -> APIResponse {
        let page = try supportedPage(context)
        let window = try AnalyticsWindow.read(context)
        let filter = context.input.queryStrings("scrapedPageIds").map(Set.init)
        let sortBy = context.input.queryString("sortBy") ?? "engagementRate"
        var posts: [(score: Double, json: JSONValue)] = []
        for competitor in try competitors(page.id, context.store) {
            let key = competitor.string("scraped_page_id") ?? ""
            if let filter, !filter.contains(key) { continue }
            let handle = competitor.string("handle") ?? ""
            for day in window.days where Identifiers.unitNoise("posted:\(key):\(day)") < 0.5 {
                let postKey = "\(key):\(day)"
                let postedAt = Double(day) * 86400 + Identifiers.unitNoise("time:" + postKey) * 86400
                guard postedAt >= window.start && postedAt <= window.end else { continue }
                let likes = Int(Identifiers.unitNoise("likes:" + postKey) * 2000)
                let comments = likes / 12
                let views = likes * 9 + 100
                let rate = (Double(likes + comments) / Double(views) * 10000).rounded() / 100
                let score: Double = sortBy == "likes" ? Double(likes) : sortBy == "views" ? Double(views) : rate
                posts.append(
                    (
                        score,
                        [
                            "scrapedPageId": .string(key), "handle": .string(handle),
                            "url": .string(
                                PlatformLinks.publishedLink(
                                    platform: page.platform, pageName: handle, postID: Identifiers.derived(postKey))),
                            "content": .string("A post by \(handle)"), "mediaType": "image",
                            "postedAt": .string(Timestamp.format(postedAt)), "likes": .integer(likes),
                            "comments": .integer(comments), "shares": .integer(likes / 20), "views": .integer(views),
                            "engagementRate": .number(rate), "hashtags": ["coffee"],
                        ]
                    ))
            }
        }
        posts.sort { $0.score > $1.score }
        let limit = context.input.queryInt("limit") ?? 20
        return .ok(["data": .array(posts.prefix(limit).map(\.json))])
    }

    /// The host of each platform's profile URLs, without `www.` or `m.`.
    static let profileHosts: [String: String] = [
        "instagram.com": "instagram", "facebook.com": "facebook", "fb.com": "facebook", "youtube.com": "youtube",
        "tiktok.com": "tiktok", "linkedin.com": "linkedin",
    ]

    /// Reads the handle from `raw`, a handle such as `@northwind` or a profile URL of a `platform` page such as
    /// `https://www.instagram.com/northwind/?hl=en`. A URL of another platform, or of a post instead of a profile,
    /// is a validation error.
    static func normalizedHandle(_ raw: String, platform: String) throws -> String {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let looksLikeURL =
            text.contains("://") || profileHosts.keys.contains { text.lowercased().hasPrefix($0 + "/") }
            || text.lowercased().hasPrefix("www.")
        guard looksLikeURL else {
            while text.hasPrefix("@") { text.removeFirst() }
            return text
        }
        let host = profileHosts.first { $0.value == platform }?.key ?? "example.com"
        let example = "such as https://www.\(host)/northwind"
        guard let components = URLComponents(string: text.contains("://") ? text : "https://" + text),
            var urlHost = components.host?.lowercased()
        else { throw APIError.validation("url \(raw) is not a URL; give the competitor's profile URL, \(example)") }
        for prefix in ["www.", "m.", "mobile.", "web."] where urlHost.hasPrefix(prefix) {
            urlHost.removeFirst(prefix.count)
        }
        guard profileHosts[urlHost] == platform else {
            throw APIError.validation(
                "url \(raw) is not a \(platform) profile URL, which a \(platform) page needs; give the URL of a "
                    + "\(platform) profile, \(example)")
        }
        let segments = components.path.split(separator: "/").map(String.init)
        let query = components.queryItems ?? []
        var handle: String?
        switch (platform, segments.first?.lowercased()) {
        case ("facebook", "profile.php"?):
            handle = query.first { $0.name == "id" }?.value
        case ("facebook", "pages"?), ("facebook", "people"?):
            handle = segments.last
        case ("youtube", "channel"?), ("youtube", "c"?), ("youtube", "user"?):
            handle = segments.count > 1 ? segments[1] : nil
        case ("linkedin", "company"?), ("linkedin", "in"?), ("linkedin", "school"?), ("linkedin", "showcase"?):
            handle = segments.count > 1 ? segments[1] : nil
        case ("linkedin", _):
            handle = nil
        case ("tiktok", let first?) where !first.hasPrefix("@"):
            handle = nil
        case ("instagram", let first?) where ["p", "reel", "reels", "tv", "stories", "explore"].contains(first):
            handle = nil
        case ("youtube", let first?)
        where ["watch", "shorts", "playlist", "results", "feed", "live", "embed"].contains(first):
            handle = nil
        case ("facebook", let first?)
        where [
            "watch", "groups", "events", "share", "story.php", "permalink.php", "photo", "photo.php", "reel",
            "marketplace",
        ].contains(first):
            handle = nil
        default:
            handle = segments.first
        }
        guard var found = handle, !found.isEmpty else {
            throw APIError.validation(
                "url \(raw) does not name a \(platform) profile; give the profile's own URL, \(example)")
        }
        while found.hasPrefix("@") { found.removeFirst() }
        return found
    }

    /// One account's figures in a window: followers at the end of a day, engagement on a day, and posts.
    private struct Figures {
        var followers: (Int) -> Int
        var engagement: (Int) -> Int
        var posts: Int
    }

    /// Returns the own page's figures as its platform reports them: those of its page metrics, and its published
    /// posts.
    private static func ownFigures(
        _ page: PageRecord, window: AnalyticsWindow, _ context: APIContext
    ) throws -> Figures {
        // Posts count by whole UTC days, as the engagement beside them and the page metrics' daily counts do.
        let days = window.days
        var posts = 0
        if let first = days.first, let last = days.last {
            posts =
                try context.store.database.queryFirst(
                    """
                    SELECT COUNT(*) AS count FROM posts WHERE page_id = ? AND state = 'published' AND published_at >= ?
                    AND published_at < ? AND published_at <= ?
                    """, [page.id, Double(first) * 86400, Double(last + 1) * 86400, context.now])?.int("count") ?? 0
        }
        return Figures(
            followers: { SyntheticMetrics.pageFollowers(pageID: page.id, day: $0) },
            engagement: { SyntheticMetrics.pageEngagement(pageID: page.id, day: $0) }, posts: posts)
    }

    /// Returns a competitor's figures as scraped: synthetic, from its scraped page id.
    private static func scrapedFigures(_ key: String, window: AnalyticsWindow) -> Figures {
        Figures(
            followers: { day in
                let base = 2000 + Identifiers.unitNoise("followers:" + key) * 80_000
                return Int(base + Double(max(0, day - 20_000)) * (1 + Identifiers.unitNoise("growth:" + key) * 30))
            },
            engagement: { Int(Identifiers.unitNoise("engagement:\(key):\($0)") * 900) },
            posts: window.days.filter { Identifiers.unitNoise("posted:\(key):\($0)") < 0.5 }.count)
    }

    private static func comparisonRow(
        key: String, isOwn: Bool, name: String, handle: String, platform: String, window: AnalyticsWindow,
        figures: Figures
    ) -> JSONValue {
        let days = window.days
        let total = days.reduce(0) { $0 + figures.engagement($1) }
        let posts = figures.posts
        return [
            "id": .string(key), "isOwn": .bool(isOwn), "displayName": .string(name), "handle": .string(handle),
            "platform": .string(platform), "profileImageUrl": .null,
            "followers": .integer(figures.followers(days.last ?? 0)), "posts": .integer(posts),
            "totalEngagement": .integer(total),
            "avgEngagement": posts == 0 ? .integer(0) : .number((Double(total) / Double(posts) * 100).rounded() / 100),
        ]
    }

    private static func trend(
        key: String, isOwn: Bool, name: String, handle: String, platform: String, window: AnalyticsWindow,
        figures: Figures
    ) -> JSONValue {
        [
            "id": .string(key), "isOwn": .bool(isOwn), "handle": .string(handle), "displayName": .string(name),
            "platform": .string(platform), "profileImageUrl": .null,
            "points": .array(
                window.days.map { day in
                    [
                        "date": .string(Timestamp.format(Double(day) * 86400)),
                        "followers": .integer(figures.followers(day)),
                        "engagement": .integer(figures.engagement(day)),
                    ]
                }),
        ]
    }

    static func render(_ row: SQLiteRow, now: Double) -> JSONValue {
        let created = row.double("created_at") ?? now
        let synced = now >= created + firstSyncSeconds
        return [
            "trackedCompetitorId": .optional(row.string("id")),
            "scrapedPageId": .optional(row.string("scraped_page_id")),
            "handle": .optional(row.string("handle")), "displayName": .optional(row.string("display_name")),
            "platform": .optional(row.string("platform")),
            "profileImageUrl": .optional(row.string("profile_image_url")),
            "syncStatus": .string(synced ? "synced" : "syncing"),
            "lastSyncedAt": synced ? .string(Timestamp.format(created + firstSyncSeconds)) : .null,
        ]
    }
}
