import Timestamps

/// Share links, grid order, approval requests and post metrics.
enum PostExtraHandlers {
    static func share(_ context: APIContext) throws -> APIResponse {
        let (post, _) = try context.post(context.input.path("id"))
        if let link = post.shareLink { return .ok(["data": ["publicShareLink": .string(link)]]) }
        let link = PlatformLinks.shareLink(groupKey: Identifiers.random())
        let (column, key) = shareGroup(post)
        try context.store.database.run("UPDATE posts SET share_link = ? WHERE \(column) = ?", [link, key])
        return .ok(["data": ["publicShareLink": .string(link)]])
    }

    static func unshare(_ context: APIContext) throws -> APIResponse {
        let (post, _) = try context.post(context.input.path("id"))
        let (column, key) = shareGroup(post)
        try context.store.database.run("UPDATE posts SET share_link = NULL WHERE \(column) = ?", [key])
        return .noContent
    }

    /// Returns the column and value that select the posts sharing `post`'s link. Grouped posts share one link across
    /// the group, and the frames of a multi-frame story across their story group.
    private static func shareGroup(_ post: PostRecord) -> (column: String, key: String) {
        if let groupID = post.groupID { return ("group_id", groupID) }
        if let storyGroupID = post.storyGroupID { return ("story_group_id", storyGroupID) }
        return ("id", post.id)
    }

    static func reorder(_ context: APIContext) throws -> APIResponse {
        let workspace = try context.workspace(context.body["workspaceId"]?.stringValue ?? "")
        let ids = context.body["postIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard Set(ids).count == ids.count else {
            throw APIError.validation("body.postIds lists a post more than once; give each post id once")
        }
        var posts: [PostRecord] = []
        for id in ids {
            guard let post = try context.store.post(id: id), post.workspaceID == workspace.id else {
                throw APIError.notFound("post \(id) not found in workspace \(workspace.id)")
            }
            posts.append(post)
        }
        try context.store.database.transaction {
            for (position, post) in posts.enumerated() {
                try context.store.database.run(
                    "UPDATE posts SET grid_position = ?, modified_at = ? WHERE id = ?",
                    [position, context.now, post.id])
            }
        }
        let items = ids.enumerated().map { position, id -> JSONValue in
            ["id": .string(id), "gridPosition": .integer(position)]
        }
        return .ok(["data": ["posts": .array(items)]])
    }

    static func requestApproval(_ context: APIContext) throws -> APIResponse {
        var (post, workspace) = try context.post(context.input.path("id"))
        if post.state == "published" { throw APIError.alreadyPublished(post.id) }
        if post.state == "publishing" { throw APIError.publishingInProgress(post.id) }
        let levels = workspace.effectiveLevels
        guard !levels.isEmpty else {
            throw APIError.validation(
                "workspace \(workspace.id) has approval type NONE, so posts are not sent for approval")
        }
        let levelID = context.body["levelId"]?.stringValue
        if let levelID, !levels.contains(where: { $0.id == levelID }) {
            throw APIError.validation("workspace \(workspace.id) has no approval level \(levelID)")
        }
        let members = try context.store.members(workspaceID: workspace.id)
        let approverIDs = context.body["approverIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var notified: [String] = []
        for id in approverIDs {
            guard let member = members.first(where: { $0.id == id }) else {
                throw APIError.validation("approver \(id) is not a member of workspace \(workspace.id)")
            }
            if post.teamOnly && member.membership != "team" { continue }
            if !notified.contains(id) { notified.append(id) }
        }
        guard !notified.isEmpty else {
            throw APIError.validation(
                "post \(post.id) is team-only, and every given approver is a client user, who cannot see it; give "
                    + "a team member in approverIds")
        }
        post.approvalRequested = true
        post.modifiedAt = context.now
        try context.store.updatePost(post)
        let target = levelID ?? levels.first { !post.approvedLevelIDs.contains($0.id) }?.id ?? levels[0].id
        return .ok([
            "data": [
                "postId": .string(post.id), "notifiedUserIds": .array(notified.map { .string($0) }),
                "levelId": .string(target),
            ]
        ])
    }

    static func metrics(_ context: APIContext) throws -> APIResponse {
        let (post, _) = try context.post(context.input.path("id"))
        guard post.state == "published", let publishedAt = post.publishedAt else {
            throw APIError.validation("post \(post.id) is not published, so it has no metrics")
        }
        guard let fetchedAt = SyntheticMetrics.latestPostSnapshot(post, now: context.now) else {
            throw APIError.notFound(
                "post \(post.id) has no metrics yet; the first snapshot is taken an hour after publication")
        }
        let page = try context.store.page(id: post.pageID)
        let platform = page?.platform ?? "unknown"
        let values = SyntheticMetrics.post(id: post.id, publishedAt: publishedAt, at: fetchedAt)
        var data: [(String, JSONValue)] = [
            ("postId", .string(post.id)), ("pageId", .string(post.pageID)), ("pageType", .string(platform)),
            ("fetchedAt", .string(Timestamp.format(fetchedAt))), ("impressions", .integer(values.impressions)),
            ("engagement", .integer(values.engagement)), ("reactions", .integer(values.reactions)),
        ]
        if ["facebook", "instagram", "linkedin", "tiktok", "threads", "youtube"].contains(platform) {
            data.append((platform, ["clicks": .integer(values.clicks), "shares": .integer(values.shares)]))
        }
        return .ok(["data": .object(data)])
    }

    static func sync(_ context: APIContext) throws -> APIResponse {
        var (post, _) = try context.post(context.input.path("id"))
        guard post.state == "published" else {
            throw APIError.validation("post \(post.id) is not published, so it has no metrics to sync")
        }
        if let started = post.metricsSyncStartedAt, context.now < started + SyntheticMetrics.syncSeconds {
            return .ok([
                "data": [
                    "postId": .string(post.id), "started": false,
                    "message": .string("a metrics sync is already in progress; poll GET /posts/\(post.id)/sync-status"),
                ]
            ])
        }
        post.metricsSyncStartedAt = context.now
        post.metricsSyncedAt = context.now + SyntheticMetrics.syncSeconds
        try context.store.updatePost(post)
        return .ok(["data": ["postId": .string(post.id), "started": true, "message": "metrics sync queued"]])
    }

    static func syncStatus(_ context: APIContext) throws -> APIResponse {
        let (post, _) = try context.post(context.input.path("id"))
        let inProgress = post.metricsSyncStartedAt.map { context.now < $0 + SyntheticMetrics.syncSeconds } ?? false
        let last = SyntheticMetrics.latestPostSnapshot(post, now: context.now)
        return .ok([
            "data": [
                "postId": .string(post.id), "syncInProgress": .bool(inProgress),
                "lastSyncedAt": last.map { .string(Timestamp.format($0)) } ?? .null,
            ]
        ])
    }
}
