import Timestamps

/// The JSON shape of a post, shared by every operation that returns one.
struct PostRenderer {
    let workspace: WorkspaceRecord
    let pages: [String: PageRecord]
    let labels: [String: (name: String?, color: String)]
    let commentCounts: [String: Int]
    /// The URLs of media that finished processing, by media id, for posts whose media is imported in the background.
    let mediaURLs: [String: String]

    /// Loads what `posts` refer to; `fresh` posts were just created, so they have no comments yet.
    init(store: ReferenceStore, workspace: WorkspaceRecord, posts: [PostRecord], fresh: Bool = false) throws {
        self.workspace = workspace
        var pages: [String: PageRecord] = [:]
        for page in try store.pages(workspaceID: workspace.id) { pages[page.id] = page }
        self.pages = pages
        var labels: [String: (name: String?, color: String)] = [:]
        if posts.contains(where: { !$0.labels.isEmpty }) {
            for label in try store.labels(workspaceID: workspace.id) { labels[label.id] = (label.name, label.color) }
        }
        self.labels = labels
        var counts: [String: Int] = [:]
        var mediaURLs: [String: String] = [:]
        if !posts.isEmpty && !fresh {
            let marks = Array(repeating: "?", count: posts.count).joined(separator: ",")
            let rows = try store.database.query(
                "SELECT post_id, COUNT(*) AS n FROM comments WHERE post_id IN (\(marks)) GROUP BY post_id",
                posts.map(\.id))
            for row in rows { counts[row.string("post_id") ?? ""] = row.int("n") ?? 0 }
        }
        if !posts.isEmpty {
            let storyMedia = posts.filter { $0.classification == "story" }.flatMap(\.mediaIDs)
            for id in storyMedia {
                if let row = try store.database.queryFirst("SELECT url, status FROM media WHERE id = ?", [id]),
                    row.string("status") == "success", let url = row.string("url")
                {
                    mediaURLs[id] = url
                }
            }
        }
        self.commentCounts = counts
        self.mediaURLs = mediaURLs
    }

    func render(_ post: PostRecord) -> JSONValue {
        let fullyApproved = post.isFullyApproved(in: workspace)
        var members: [(String, JSONValue)] = []
        members.reserveCapacity(32)
        members.append(("id", .string(post.id)))
        members.append(("workspaceId", .string(post.workspaceID)))
        members.append(("pageId", .string(post.pageID)))
        members.append(("type", .string(pages[post.pageID]?.platform ?? "unknown")))
        members.append(("classification", .string(post.classification)))
        members.append(("plainText", .string(post.text)))
        members.append(("createdAt", .string(Timestamp.format(post.createdAt))))
        if let position = post.gridPosition { members.append(("gridPosition", .integer(position))) }
        members.append(("campaignId", .optional(post.campaignID)))
        members.append(("media", .array(media(post).map { .string($0) })))
        members.append(("scheduledAt", post.scheduledAt.map { .string(Timestamp.format($0)) } ?? .null))
        members.append(("status", .string(post.status)))
        members.append(("approved", .bool(fullyApproved)))
        members.append(("approvedBy", .array(post.approvals)))
        members.append(("approval", approval(post)))
        members.append(("published", .bool(post.state == "published")))
        members.append(("scheduledSet", .bool(post.scheduledSet)))
        members.append(("teamOnly", .bool(post.teamOnly)))
        members.append(("archived", .bool(post.archived)))
        members.append(("modifiedAt", .string(Timestamp.format(post.modifiedAt))))
        if let mediaType = post.mediaType { members.append(("mediaType", .string(mediaType))) }
        if let thumbnail = post.extras["videoThumbnail"]?["imageUrl"] {
            members.append(("videoThumbnailUrl", thumbnail))
        }
        let labelItems = post.labels.compactMap { id -> JSONValue? in
            guard let label = labels[id] else { return nil }
            return ["uuid": .string(id), "text": .string(label.name ?? ""), "color": .string(label.color)]
        }
        members.append(("labels", .array(labelItems)))
        members.append(("commentsCounter", .integer(commentCounts[post.id] ?? 0)))
        members.append(("notesCounter", .integer(post.extras["internalNote"] == nil ? 0 : 1)))
        if let share = post.shareLink { members.append(("publicShareLink", .string(share))) }
        if let link = post.publishedLink { members.append(("publishedPostLink", .string(link))) }
        if let groupID = post.groupID {
            members.append(("groupId", .string(groupID)))
            members.append(("groupPageIds", .array((post.groupPageIDs ?? []).map { .string($0) })))
            members.append(("groupSync", .bool(true)))
        }
        if let pinterest = post.pinterest, pages[post.pageID]?.platform == "pinterest" {
            let board = pinterest["boardId"]?.stringValue ?? ""
            members.append(
                (
                    "pinterest",
                    [
                        "boardId": .string(board), "boardName": .string("Board \(board)"),
                        "title": pinterest["title"] ?? .null, "link": pinterest["link"] ?? .null,
                        "description": pinterest["description"] ?? .null,
                    ]
                ))
        }
        return .object(members)
    }

    /// A story's media comes from the library once processed; a post's media was imported before it was saved.
    func media(_ post: PostRecord) -> [String] {
        guard post.classification == "story" else { return post.media }
        return post.mediaIDs.compactMap { mediaURLs[$0] }
    }

    func approval(_ post: PostRecord) -> JSONValue {
        let levels = workspace.effectiveLevels
        guard !levels.isEmpty else {
            return [
                "status": "NOT_APPLICABLE", "approved": .bool(!post.approvals.isEmpty), "type": "NONE",
                "completedLevels": 0, "totalLevels": 0, "levels": [],
            ]
        }
        let approvedIDs = post.approvedLevelIDs
        let levelItems = levels.map { level -> JSONValue in
            let approvals = post.approvals.filter { ($0["levelId"]?.stringValue ?? "approval") == level.id }
            return [
                "id": .string(level.id), "label": .string(level.label),
                "approved": .bool(approvedIDs.contains(level.id)),
                "approvedBy": .array(approvals),
            ]
        }
        let completed = levels.filter { approvedIDs.contains($0.id) }.count
        let status: String
        if completed == levels.count {
            status = "FULLY_APPROVED"
        } else if completed > 0 {
            status = "PARTIALLY_APPROVED"
        } else {
            status = post.approvalRequested ? "PENDING" : "NEVER_SENT"
        }
        var members: [(String, JSONValue)] = [
            ("status", .string(status)), ("approved", .bool(completed == levels.count)),
            ("type", .string(workspace.approvalType)), ("completedLevels", .integer(completed)),
            ("totalLevels", .integer(levels.count)),
        ]
        if let current = levels.first(where: { !approvedIDs.contains($0.id) }) {
            members.append(("currentLevelId", .string(current.id)))
        }
        members.append(("levels", .array(levelItems)))
        return .object(members)
    }
}
