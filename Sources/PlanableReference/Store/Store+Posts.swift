import SQLite

/// A post row. `state` is draft, publishing, published or failed; `scheduled` is derived, see `status`.
struct PostRecord {
    var id: String
    var workspaceID: String
    var pageID: String
    /// `post` or `story`.
    var classification: String
    var text: String
    var createdAt: Double
    var modifiedAt: Double
    var gridPosition: Int?
    var campaignID: String?
    var media: [String]
    var mediaIDs: [String]
    var mediaType: String?
    var scheduledAt: Double?
    var publishAtScheduledDate: Bool
    var state: String
    var publishStartedAt: Double?
    var publishedAt: Double?
    var publishedLink: String?
    var failure: String?
    /// `[{userId, approvedAt, levelId?}]`.
    var approvals: [JSONValue]
    var approvalRequested: Bool
    var teamOnly: Bool
    var archived: Bool
    /// Label ids.
    var labels: [String]
    var groupID: String?
    var groupPageIDs: [String]?
    var shareLink: String?
    var pinterest: JSONValue?
    /// Fields kept but not interpreted: firstComment, internalNote, youtubeTitle, linkedinPdfTitle, ...
    var extras: JSONValue
    var metricsSyncStartedAt: Double?
    var metricsSyncedAt: Double?
    var storyGroupID: String?

    /// Whether the post waits to be published automatically at `scheduledAt`.
    var scheduledSet: Bool {
        scheduledAt != nil && publishAtScheduledDate && !archived && (state == "draft" || state == "failed")
    }

    /// The API status: draft, scheduled, publishing, published or failed.
    var status: String {
        if state == "draft" && scheduledSet { return "scheduled" }
        return state
    }

    /// The level ids that have an approval.
    var approvedLevelIDs: Set<String> {
        Set(approvals.compactMap { $0["levelId"]?.stringValue ?? "approval" })
    }

    func isFullyApproved(in workspace: WorkspaceRecord) -> Bool {
        let levels = workspace.effectiveLevels
        if levels.isEmpty { return !approvals.isEmpty }
        let approved = approvedLevelIDs
        return levels.allSatisfy { approved.contains($0.id) }
    }
}

extension ReferenceStore {
    static let postColumns = [
        "id", "workspace_id", "page_id", "classification", "text", "created_at", "modified_at", "grid_position",
        "campaign_id", "media", "media_ids", "media_type", "scheduled_at", "publish_at_scheduled", "state",
        "publish_started_at", "published_at", "published_link", "failure", "approvals", "approval_requested",
        "team_only", "archived", "labels", "group_id", "group_page_ids", "share_link", "pinterest", "extras",
        "metrics_sync_started_at", "metrics_synced_at", "story_group_id",
    ]

    /// `SELECT *` on posts, whose first columns are `postColumns` in that order, so `postRecord` reads them by
    /// position. Later migrations can only append columns (ALTER TABLE ADD COLUMN), which keeps the positions;
    /// StoreTests checks the order. The short statement is also cheaper to prepare than a list of 32 names.
    static let selectPosts = "SELECT * FROM posts"

    /// Built once: every create and update runs one of them.
    private static let insertPostSQL =
        "INSERT INTO posts (\(postColumns.joined(separator: ", "))) VALUES ("
        + Array(repeating: "?", count: postColumns.count).joined(separator: ", ") + ")"
    private static let updatePostSQL =
        "UPDATE posts SET \(postColumns.dropFirst().map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

    /// A post from a row of `selectPosts`.
    func postRecord(_ row: SQLiteStatementRow) -> PostRecord {
        func flag(_ index: Int) -> Bool { (row.integer(index) ?? 0) != 0 }
        return PostRecord(
            id: row.text(0) ?? "", workspaceID: row.text(1) ?? "", pageID: row.text(2) ?? "",
            classification: row.text(3) ?? "post", text: row.text(4) ?? "", createdAt: row.double(5) ?? 0,
            modifiedAt: row.double(6) ?? 0, gridPosition: row.integer(7), campaignID: row.text(8),
            media: decodeStrings(row.text(9)), mediaIDs: decodeStrings(row.text(10)), mediaType: row.text(11),
            scheduledAt: row.double(12), publishAtScheduledDate: flag(13), state: row.text(14) ?? "draft",
            publishStartedAt: row.double(15), publishedAt: row.double(16), publishedLink: row.text(17),
            failure: row.text(18), approvals: decodeJSON(row.text(19))?.arrayValue ?? [],
            approvalRequested: flag(20), teamOnly: flag(21), archived: flag(22), labels: decodeStrings(row.text(23)),
            groupID: row.text(24), groupPageIDs: row.text(25).map { decodeStrings($0) }, shareLink: row.text(26),
            pinterest: decodeJSON(row.text(27)), extras: decodeJSON(row.text(28)) ?? .object([]),
            metricsSyncStartedAt: row.double(29), metricsSyncedAt: row.double(30), storyGroupID: row.text(31))
    }

    private func postValues(_ post: PostRecord) -> [any SQLiteBindable] {
        [
            post.id, post.workspaceID, post.pageID, post.classification, post.text, post.createdAt, post.modifiedAt,
            post.gridPosition, post.campaignID, encode(post.media), encode(post.mediaIDs), post.mediaType,
            post.scheduledAt, post.publishAtScheduledDate, post.state, post.publishStartedAt, post.publishedAt,
            post.publishedLink, post.failure, encodeJSON(.array(post.approvals)), post.approvalRequested,
            post.teamOnly, post.archived, encode(post.labels), post.groupID, post.groupPageIDs.map { encode($0) },
            post.shareLink, post.pinterest.map { encodeJSON($0) }, encodeJSON(post.extras), post.metricsSyncStartedAt,
            post.metricsSyncedAt, post.storyGroupID,
        ]
    }

    func insertPost(_ post: PostRecord) throws {
        try database.run(Self.insertPostSQL, postValues(post))
        noteLifecycleChange(post)
    }

    func updatePost(_ post: PostRecord) throws {
        var values = Array(postValues(post).dropFirst())
        values.append(post.id)
        try database.run(Self.updatePostSQL, values)
        noteLifecycleChange(post)
    }

    /// Marks the lifecycle for a new look when `post` may publish or is publishing; a post that stops being
    /// scheduled leaves at most an early, harmless look.
    private func noteLifecycleChange(_ post: PostRecord) {
        if post.publishAtScheduledDate || post.state == "publishing" { lifecycleDirty = true }
    }

    func post(id: String) throws -> PostRecord? {
        try database.query("SELECT * FROM posts WHERE id = ?", [id], map: postRecord).first
    }

    /// The posts of a grouped create, in page order of the group.
    func posts(groupID: String) throws -> [PostRecord] {
        try database.query("SELECT * FROM posts WHERE group_id = ? ORDER BY id", [groupID], map: postRecord)
    }

    func deletePost(id: String) throws {
        try database.run("DELETE FROM comments WHERE post_id = ?", [id])
        try database.run("DELETE FROM posts WHERE id = ?", [id])
        lifecycleDirty = true
    }

    /// The WHERE clause and its arguments that select a workspace's posts, optionally of one page or campaign.
    ///
    /// - Parameter campaignID: a campaign id, `no-campaign` for posts without one, or nil for every post.
    static func postFilter(
        workspaceID: String, pageID: String?, campaignID: String?
    ) -> (filter: String, arguments: [any SQLiteBindable]) {
        var filter = "workspace_id = ?"
        var arguments: [any SQLiteBindable] = [workspaceID]
        if let pageID {
            filter += " AND page_id = ?"
            arguments.append(pageID)
        }
        if let campaignID {
            if campaignID == "no-campaign" {
                filter += " AND campaign_id IS NULL"
            } else {
                filter += " AND campaign_id = ?"
                arguments.append(campaignID)
            }
        }
        return (filter, arguments)
    }

    /// Returns a cache key for the posts that `filter` selects with `arguments`, which are the workspace, page and
    /// campaign ids.
    static func postFilterKey(filter: String, arguments: [any SQLiteBindable]) -> String {
        var key = filter
        for case .text(let argument) in arguments.map(\.sqliteValue) {
            key += "\u{0}"
            key += argument
        }
        return key
    }

    /// Returns the number of posts that `filter` selects, kept in `postCountCache` under `key`, the filter's
    /// `postFilterKey`, while no post changes.
    func postCount(filter: String, arguments: [any SQLiteBindable], key countKey: String) throws -> Int {
        // Two statements: a window function (COUNT(*) OVER ()) would read every matching row instead of one page
        // of the (workspace_id, created_at) index.
        let version = database.changes(in: "posts")
        let total: Int
        if let cached = postCountCache[countKey], cached.version == version {
            total = cached.count
        } else {
            total = try database.queryFirst("SELECT COUNT(*) AS n FROM posts WHERE \(filter)", arguments)?.int("n") ?? 0
            if postCountCache.count >= 256 { postCountCache.removeAll(keepingCapacity: true) }
            postCountCache[countKey] = (version, total)
        }
        return total
    }

    /// Returns the URL of the first video among `mediaIDs`, in their order, or nil when none is a video.
    func firstVideoURL(mediaIDs: [String]) throws -> String? {
        guard !mediaIDs.isEmpty else { return nil }
        let marks = Array(repeating: "?", count: mediaIDs.count).joined(separator: ",")
        var urls: [String: String] = [:]
        for row in try database.query(
            "SELECT id, COALESCE(url, source_url) AS url FROM media WHERE type = 'video' AND id IN (\(marks))", mediaIDs
        ) {
            if let id = row.string("id"), let url = row.string("url") { urls[id] = url }
        }
        return mediaIDs.lazy.compactMap { urls[$0] }.first
    }

    /// Returns whether a video is among the media library items `mediaIDs`.
    func containsVideo(mediaIDs: [String]) throws -> Bool {
        guard !mediaIDs.isEmpty else { return false }
        let marks = Array(repeating: "?", count: mediaIDs.count).joined(separator: ",")
        return try database.queryFirst(
            "SELECT 1 AS found FROM media WHERE type = 'video' AND id IN (\(marks)) LIMIT 1", mediaIDs) != nil
    }

    func postCounts(workspaceIDs: [String]) throws -> [String: Int] {
        guard !workspaceIDs.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: workspaceIDs.count).joined(separator: ",")
        let rows = try database.query(
            "SELECT workspace_id, COUNT(*) AS n FROM posts WHERE workspace_id IN (\(marks)) GROUP BY workspace_id",
            workspaceIDs)
        var counts: [String: Int] = [:]
        for row in rows { counts[row.string("workspace_id") ?? ""] = row.int("n") ?? 0 }
        return counts
    }

    /// Returns the number of comments of each post that has any. Every listing of posts shows them, so the store
    /// keeps them until a comment changes.
    func commentCounts() throws -> [String: Int] {
        try commentCountCache.value("", in: database) {
            var counts: [String: Int] = [:]
            for row in try database.query("SELECT post_id, COUNT(*) AS n FROM comments GROUP BY post_id") {
                counts[row.string("post_id") ?? ""] = row.int("n") ?? 0
            }
            return counts
        } ?? [:]
    }

    func commentCount(postID: String) throws -> Int {
        try database.queryFirst("SELECT COUNT(*) AS n FROM comments WHERE post_id = ?", [postID])?.int("n") ?? 0
    }
}
