import Timestamps

/// POST /stories: one story post per media URL, grouped when there are several.
enum StoryHandlers {
    static let storyPlatforms: Set<String> = ["instagram", "facebook"]

    static func create(_ context: APIContext) throws -> APIResponse {
        let workspace = try context.workspace(context.body["workspaceId"]?.stringValue ?? "")
        let pageID = context.body["pageId"]?.stringValue ?? ""
        guard let page = try context.store.page(id: pageID), page.workspaceID == workspace.id else {
            throw APIError.notFound("page \(pageID) not found in workspace \(workspace.id); list pages with GET /pages")
        }
        guard storyPlatforms.contains(page.platform) else {
            throw APIError.validation(
                "page \(page.id) is a \(page.platform) page; stories need an Instagram or Facebook page")
        }
        let urls = ReferenceServer.mediaURLs(context.body["media"])
        guard !urls.isEmpty else { throw APIError.validation("body.media needs at least one media URL") }
        for url in urls {
            let lowered = url.lowercased()
            guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
                throw APIError.validation("media URL \(url) must use http or https")
            }
            // The query and the fragment are no part of the file name.
            let path = lowered.split(separator: "#", omittingEmptySubsequences: false)[0]
                .split(separator: "?", omittingEmptySubsequences: false)[0]
            if path.hasSuffix(".gif") {
                throw APIError.validation("media URL \(url) is a GIF, and stories do not support GIFs")
            }
        }
        var body = context.body.objectValue ?? []
        body.removeAll { $0.0 == "media" }
        let draft = try PostDraft.parse(.object(body), context: context, workspace: workspace, isCreate: true)
        let groupID = urls.count > 1 ? Identifiers.objectID() : nil
        var posts: [PostRecord] = []
        var imports: [(String, String)] = []
        try context.store.database.transaction {
            for (index, url) in urls.enumerated() {
                let mediaID = try context.services.insertProcessing(
                    context.store, workspaceID: workspace.id, url: url, now: context.now)
                imports.append((mediaID, url))
                var post = PostRecord.newDraft(
                    workspace: workspace, pageID: page.id, classification: "story",
                    createdAt: context.now + Double(index) / 1000)
                post.mediaIDs = [mediaID]
                post.storyGroupID = groupID
                if let stickers = context.body["stickers"] { post.extras = ["stickers": stickers] }
                draft.apply(to: &post, workspace: workspace, now: context.now)
                try context.store.insertPost(post)
                posts.append(post)
            }
        }
        for (id, url) in imports { context.services.importLater(id: id, url: url, store: context.lockedStore) }
        let rendered = try posts.map { try render($0, context.store, workspace: workspace) }
        var response: [(String, JSONValue)] = [("data", rendered[0])]
        if let groupID {
            response.append(("posts", .array(rendered)))
            response.append(("group", ["id": .string(groupID), "postIds": .array(posts.map { .string($0.id) })]))
        }
        return .created(.object(response))
    }

    static func render(_ post: PostRecord, _ store: ReferenceStore, workspace: WorkspaceRecord) throws -> JSONValue {
        let mediaRow = try post.mediaIDs.first.flatMap {
            try store.database.queryFirst("SELECT * FROM media WHERE id = ?", [$0])
        }
        let platform = try store.page(id: post.pageID)?.platform ?? "unknown"
        var members: [(String, JSONValue)] = [
            ("id", .string(post.id)), ("workspaceId", .string(post.workspaceID)), ("pageId", .string(post.pageID)),
            ("type", .string(platform)), ("classification", "story"),
            ("media", mediaRow?.string("status") == "success" ? .optional(mediaRow?.string("url")) : .null),
            ("mediaId", .optional(post.mediaIDs.first)), ("mediaStatus", .optional(mediaRow?.string("status"))),
            ("scheduledAt", post.scheduledAt.map { .string(Timestamp.format($0)) } ?? .null),
            ("scheduledSet", .bool(post.scheduledSet)), ("status", .string(post.status)),
            ("approved", .bool(post.isFullyApproved(in: workspace))),
        ]
        let approvals = post.approvals.map { approval -> JSONValue in
            ["userId": approval["userId"] ?? "", "approvedAt": approval["approvedAt"] ?? ""]
        }
        members.append(("approvedBy", .array(approvals)))
        members.append(("createdAt", .string(Timestamp.format(post.createdAt))))
        return .object(members)
    }
}

extension PostRecord {
    /// A new draft with no content, for `workspace` and page `pageID`.
    static func newDraft(
        workspace: WorkspaceRecord, pageID: String, classification: String, createdAt: Double
    ) -> PostRecord {
        PostRecord(
            id: Identifiers.objectID(), workspaceID: workspace.id, pageID: pageID, classification: classification,
            text: "", createdAt: createdAt, modifiedAt: createdAt, gridPosition: nil, campaignID: nil, media: [],
            mediaIDs: [], mediaType: nil, scheduledAt: nil, publishAtScheduledDate: false, state: "draft",
            publishStartedAt: nil, publishedAt: nil, publishedLink: nil, failure: nil, approvals: [],
            approvalRequested: false, teamOnly: workspace.defaultTeamOnly, archived: false, labels: [], groupID: nil,
            groupPageIDs: nil, shareLink: nil, pinterest: nil, extras: .object([]), metricsSyncStartedAt: nil,
            metricsSyncedAt: nil, storyGroupID: nil)
    }
}
