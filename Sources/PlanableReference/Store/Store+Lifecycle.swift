/// The publication lifecycle, driven by the server clock.
///
/// A draft with `scheduledAt` and `publishAtScheduledDate` becomes due at `scheduledAt`, once it is fully approved
/// where the workspace requires approval. A due post is `publishing` for `publishingSeconds`, then `published`
/// (or `failed` when its page is disconnected). The store applies these steps lazily, before each request.
extension ReferenceStore {
    func advanceLifecycle(now: Double) throws {
        guard lifecycleDirty || now >= nextLifecycleEvent else { return }
        var workspaces: [String: WorkspaceRecord] = [:]
        func workspace(_ id: String) throws -> WorkspaceRecord? {
            if let cached = workspaces[id] { return cached }
            let loaded = try self.workspace(id: id)
            workspaces[id] = loaded
            return loaded
        }

        let due = try database.query(
            Self.selectPosts + """
                 WHERE state = 'draft' AND publish_at_scheduled = 1 AND archived = 0
                AND scheduled_at IS NOT NULL AND scheduled_at <= ?
                """, [now], map: postRecord)
        for var post in due {
            guard let owner = try workspace(post.workspaceID) else { continue }
            if owner.requiresApproval && !post.isFullyApproved(in: owner) { continue }
            post.state = "publishing"
            post.publishStartedAt = max(post.scheduledAt ?? now, post.modifiedAt)
            try updatePost(post)
        }

        let publishing = try database.query(Self.selectPosts + " WHERE state = 'publishing'", map: postRecord)
        var nextEvent = Double.infinity
        for post in publishing {
            let finishesAt = (post.publishStartedAt ?? now) + publishingSeconds
            if finishesAt <= now {
                try finishPublication(post, at: finishesAt)
            } else {
                nextEvent = min(nextEvent, finishesAt)
            }
        }
        let upcoming = try database.queryFirst(
            """
            SELECT MIN(scheduled_at) AS next FROM posts WHERE state = 'draft' AND publish_at_scheduled = 1
            AND archived = 0 AND scheduled_at > ?
            """, [now])
        if let next = upcoming?.double("next") { nextEvent = min(nextEvent, next) }
        nextLifecycleEvent = nextEvent
        lifecycleDirty = false
    }

    /// Starts publishing `post` now, as Planable's "Publish now" button does.
    func startPublication(_ post: PostRecord, now: Double) throws {
        var post = post
        post.state = "publishing"
        post.publishStartedAt = now
        post.modifiedAt = now
        try updatePost(post)
    }

    private func finishPublication(_ post: PostRecord, at finishedAt: Double) throws {
        var post = post
        let page = try page(id: post.pageID)
        if let page, page.connected, let problem = try missingMedia(post, platform: page.platform) {
            post.state = "failed"
            post.failure = problem
            post.publishAtScheduledDate = false
        } else if let page, page.connected {
            post.state = "published"
            post.publishedAt = finishedAt
            post.publishedLink = PlatformLinks.publishedLink(
                platform: page.platform, pageName: page.name, postID: post.id, profileLink: page.link)
            post.failure = nil
            post.publishAtScheduledDate = false
        } else {
            post.state = "failed"
            post.failure = "page \(post.pageID) is disconnected; reconnect it and schedule the post again"
            post.publishAtScheduledDate = false
        }
        post.modifiedAt = finishedAt
        try updatePost(post)
    }

    /// Returns why `post` cannot be published on `platform` for want of media, or nil when it has what the
    /// platform needs. Instagram posts and every story need an image or a video (a GIF, for posts only), Pinterest
    /// pins an image, and
    /// TikTok and YouTube posts a video. Only media whose download succeeded count, since a failed or unfinished
    /// download has nothing to publish.
    private func missingMedia(_ post: PostRecord, platform: String) throws -> String? {
        let needed: (types: Set<String>, noun: String, needer: String)
        switch (post.classification, platform) {
        case ("story", _): needed = (["image", "video"], "image or video", "a story")
        case (_, "instagram"): needed = (["image", "video", "gif"], "image or video", "Instagram")
        case (_, "pinterest"): needed = (["image", "gif"], "image", "Pinterest")
        case (_, "tiktok"): needed = (["video"], "video", "TikTok")
        case (_, "youtube"): needed = (["video"], "video", "YouTube")
        default: return nil
        }
        if !post.mediaIDs.isEmpty {
            let marks = Array(repeating: "?", count: post.mediaIDs.count).joined(separator: ",")
            let ready = try database.query(
                "SELECT type FROM media WHERE status = 'success' AND id IN (\(marks))", post.mediaIDs
            ).compactMap { $0.string("type") }
            if ready.contains(where: needed.types.contains) { return nil }
        }
        return "post \(post.id) has no \(needed.noun) whose download succeeded, which \(needed.needer) needs; add "
            + "one with PATCH /posts/\(post.id) and schedule the post again"
    }
}
