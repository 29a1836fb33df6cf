/// The JSON shape of a post, shared by every operation that returns one.
struct PostRenderer {
    let workspace: WorkspaceRecord
    let pages: [String: PageRecord]
    let labels: [String: (name: String?, color: String)]
    let commentCounts: [String: Int]
    /// The processing status of the media of stories, and the URL of those that finished, by media id. A story's
    /// media is imported in the background.
    let storyMedia: [String: (status: String, url: String?)]

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
        var storyMedia: [String: (status: String, url: String?)] = [:]
        let counts = posts.isEmpty || fresh ? [:] : try store.commentCounts()
        for id in posts.filter({ $0.classification == "story" }).flatMap(\.mediaIDs) {
            if let row = try store.database.queryFirst("SELECT url, status FROM media WHERE id = ?", [id]) {
                let status = row.string("status") ?? "processing"
                storyMedia[id] = (status, status == "success" ? row.string("url") : nil)
            }
        }
        self.commentCounts = counts
        self.storyMedia = storyMedia
    }

    /// Writes the post as one JSON object, straight to bytes. A list of posts is the server's most frequent
    /// response, and building it as a `JSONValue` tree first took most of its time.
    func write(_ post: PostRecord, into json: inout JSONStream) {
        json.beginObject()
        json.key("id")
        json.string(post.id)
        json.key("workspaceId")
        json.string(post.workspaceID)
        json.key("pageId")
        json.string(post.pageID)
        json.key("type")
        json.string(pages[post.pageID]?.platform ?? "unknown")
        json.key("classification")
        json.string(post.classification)
        json.key("plainText")
        json.string(post.text)
        json.key("createdAt")
        json.timestamp(post.createdAt)
        if let position = post.gridPosition {
            json.key("gridPosition")
            json.integer(position)
        }
        json.key("campaignId")
        json.string(post.campaignID)
        json.key("media")
        json.beginArray()
        for url in media(post) { json.string(url) }
        json.endArray()
        if post.classification == "story" {
            // The document of POST /stories directs clients to poll mediaStatus by fetching the story again.
            let mediaID = post.mediaIDs.first
            json.key("mediaId")
            json.string(mediaID)
            json.key("mediaStatus")
            json.string(mediaID.flatMap { storyMedia[$0]?.status })
        }
        json.key("scheduledAt")
        json.timestamp(post.scheduledAt)
        json.key("status")
        json.string(post.status)
        json.key("approved")
        json.bool(post.isFullyApproved(in: workspace))
        json.key("approvedBy")
        json.value(.array(post.approvals))
        json.key("approval")
        writeApproval(post, into: &json)
        json.key("published")
        json.bool(post.state == "published")
        json.key("scheduledSet")
        json.bool(post.scheduledSet)
        json.key("teamOnly")
        json.bool(post.teamOnly)
        json.key("archived")
        json.bool(post.archived)
        json.key("modifiedAt")
        json.timestamp(post.modifiedAt)
        if let mediaType = post.mediaType {
            json.key("mediaType")
            json.string(mediaType)
        }
        if let thumbnail = post.extras["videoThumbnail"]?["imageUrl"] {
            json.key("videoThumbnailUrl")
            json.value(thumbnail)
        }
        json.key("labels")
        json.beginArray()
        for id in post.labels {
            guard let label = labels[id] else { continue }
            json.beginObject()
            json.key("uuid")
            json.string(id)
            json.key("text")
            json.string(label.name ?? "")
            json.key("color")
            json.string(label.color)
            json.endObject()
        }
        json.endArray()
        json.key("commentsCounter")
        json.integer(commentCounts[post.id] ?? 0)
        json.key("notesCounter")
        json.integer(post.extras["internalNote"] == nil ? 0 : 1)
        if let share = post.shareLink {
            json.key("publicShareLink")
            json.string(share)
        }
        if let link = post.publishedLink {
            json.key("publishedPostLink")
            json.string(link)
        }
        if let groupID = post.groupID {
            json.key("groupId")
            json.string(groupID)
            json.key("groupPageIds")
            json.beginArray()
            for id in post.groupPageIDs ?? [] { json.string(id) }
            json.endArray()
            json.key("groupSync")
            json.bool(true)
        }
        if let pinterest = post.pinterest, pages[post.pageID]?.platform == "pinterest" {
            let board = pinterest["boardId"]?.stringValue ?? ""
            json.key("pinterest")
            json.beginObject()
            json.key("boardId")
            json.string(board)
            json.key("boardName")
            json.string("Board \(board)")
            json.key("title")
            json.value(pinterest["title"] ?? .null)
            json.key("link")
            json.value(pinterest["link"] ?? .null)
            json.key("description")
            json.value(pinterest["description"] ?? .null)
            json.endObject()
        }
        json.endObject()
    }

    /// `{"data": post}`.
    func serialized(data post: PostRecord) -> [UInt8] {
        var json = JSONStream(capacity: 1024)
        json.beginObject()
        json.key("data")
        write(post, into: &json)
        json.endObject()
        return json.bytes
    }

    /// `{"NAME": [post, ...]}` or, with `pagination`, `{"NAME": [...], "pagination": ...}`.
    func serialized(_ posts: [PostRecord], under name: StaticString, pagination: JSONValue? = nil) -> [UInt8] {
        var json = JSONStream(capacity: 1024 * (posts.count + 1))
        json.beginObject()
        json.key(name)
        json.beginArray()
        for post in posts { write(post, into: &json) }
        json.endArray()
        if let pagination {
            json.key("pagination")
            json.value(pagination)
        }
        json.endObject()
        return json.bytes
    }

    /// A story's media comes from the library once processed; a post's media was imported before it was saved.
    func media(_ post: PostRecord) -> [String] {
        guard post.classification == "story" else { return post.media }
        return post.mediaIDs.compactMap { storyMedia[$0]?.url }
    }

    func writeApproval(_ post: PostRecord, into json: inout JSONStream) {
        let levels = workspace.effectiveLevels
        json.beginObject()
        guard !levels.isEmpty else {
            json.key("status")
            json.string("NOT_APPLICABLE")
            json.key("approved")
            json.bool(!post.approvals.isEmpty)
            json.key("type")
            json.string("NONE")
            json.key("completedLevels")
            json.integer(0)
            json.key("totalLevels")
            json.integer(0)
            json.key("levels")
            json.beginArray()
            json.endArray()
            json.endObject()
            return
        }
        let approvedIDs = post.approvedLevelIDs
        let completed = levels.filter { approvedIDs.contains($0.id) }.count
        let status: String
        if completed == levels.count {
            status = "FULLY_APPROVED"
        } else if completed > 0 {
            status = "PARTIALLY_APPROVED"
        } else {
            status = post.approvalRequested ? "PENDING" : "NEVER_SENT"
        }
        json.key("status")
        json.string(status)
        json.key("approved")
        json.bool(completed == levels.count)
        json.key("type")
        json.string(workspace.approvalType)
        json.key("completedLevels")
        json.integer(completed)
        json.key("totalLevels")
        json.integer(levels.count)
        if let current = levels.first(where: { !approvedIDs.contains($0.id) }) {
            json.key("currentLevelId")
            json.string(current.id)
        }
        json.key("levels")
        json.beginArray()
        for level in levels {
            json.beginObject()
            json.key("id")
            json.string(level.id)
            json.key("label")
            json.string(level.label)
            json.key("approved")
            json.bool(approvedIDs.contains(level.id))
            json.key("approvedBy")
            json.value(.array(post.approvals.filter { ($0["levelId"]?.stringValue ?? "approval") == level.id }))
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }
}
