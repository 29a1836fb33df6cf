import Timestamps

/// GET, POST, PATCH and DELETE on /posts, and GET /posts/count.
enum PostHandlers {
    static func list(_ context: APIContext) throws -> APIResponse {
        let workspace = try context.workspace(context.input.queryString("workspaceId") ?? "")
        let pageID = context.input.queryString("pageId")
        if let pageID, try context.store.page(id: pageID)?.workspaceID != workspace.id {
            throw APIError.validation("query parameter pageId \(pageID) is not a page of workspace \(workspace.id)")
        }
        let (offset, limit) = context.pagination(defaultLimit: 20)
        let (rowIDs, total) = try context.store.postRowIDs(
            workspaceID: workspace.id, pageID: pageID, campaignID: context.input.queryString("campaignId"),
            offset: offset, limit: limit)
        let pagination = context.paginationBody(offset: offset, limit: limit, total: total)
        return .ok(
            serialized: try context.store.postListJSON(rowIDs: rowIDs, workspace: workspace, pagination: pagination))
    }

    static func get(_ context: APIContext) throws -> APIResponse {
        let (post, workspace) = try context.post(context.input.path("id"))
        let renderer = try PostRenderer(store: context.store, workspace: workspace, posts: [post])
        return .ok(serialized: renderer.serialized(data: post))
    }

    static func count(_ context: APIContext) throws -> APIResponse {
        let ids = try context.store.accessibleWorkspaceIDs(context.token)
        let counts = try context.store.postCounts(workspaceIDs: ids)
        let items = ids.map { id -> JSONValue in ["workspaceId": .string(id), "count": .integer(counts[id] ?? 0)] }
        return .ok(["data": ["total": .integer(counts.values.reduce(0, +)), "workspaces": .array(items)]])
    }

    static func delete(_ context: APIContext) throws -> APIResponse {
        let (post, _) = try context.post(context.input.path("id"))
        try context.store.database.transaction { try context.store.deletePost(id: post.id) }
        return .noContent
    }

    /// Gives a thumbnail taken at `offsetSeconds` of the post's first video the URL of that frame, which
    /// `videoThumbnailUrl` shows: the video's URL with a media fragment, such as `https://host/v.mp4#t=1.5`.
    static func addFrameURL(to draft: inout PostDraft, mediaIDs: [String], store: ReferenceStore) throws {
        guard let index = draft.extras.firstIndex(where: { $0.0 == "videoThumbnail" }),
            case .object(var fields) = draft.extras[index].1,
            !fields.contains(where: { $0.0 == "imageUrl" }),
            let offset = fields.first(where: { $0.0 == "offsetSeconds" })?.1.doubleValue,
            let video = try store.firstVideoURL(mediaIDs: mediaIDs)
        else { return }
        let base = video.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
        fields.append(("imageUrl", .string("\(base ?? video)#t=\(String(format: "%g", offset))")))
        draft.extras[index].1 = .object(fields)
    }

    static func create(_ context: APIContext) throws -> APIResponse {
        let body = context.body
        let workspace = try context.workspace(body["workspaceId"]?.stringValue ?? "")
        let pageIDs: [String]
        let grouped: Bool
        switch (body["pageId"]?.stringValue, body["pageIds"]?.arrayValue?.compactMap(\.stringValue)) {
        case (let single?, nil):
            pageIDs = [single]
            grouped = false
        case (nil, let many?):
            guard Set(many).count == many.count else {
                throw APIError.validation("body.pageIds lists a page more than once; give each page id once")
            }
            pageIDs = many
            grouped = true
        case (nil, nil):
            throw APIError.validation("the body needs pageId (one page) or pageIds (a group of pages)")
        default:
            throw APIError.validation("the body has both pageId and pageIds; send only one of them")
        }
        let pages = try pageIDs.map { id -> PageRecord in
            guard let page = try context.store.page(id: id), page.workspaceID == workspace.id else {
                throw APIError.notFound("page \(id) not found in workspace \(workspace.id); list pages with GET /pages")
            }
            return page
        }
        var draft = try PostDraft.parse(body, context: context, workspace: workspace, isCreate: true)
        draft.media = try context.services.importMedia(body["media"], workspaceID: workspace.id, context: context)
        // The document describes POST /posts as returning 400 for a thumbnail without a video after it creates
        // the post, so the posts stay, without the thumbnail, for a PATCH that adds the video. The thumbnail's
        // image then does not matter, so it is checked only for a post with a video.
        let thumbnailLacksVideo = body["videoThumbnail"] != nil && draft.media?.containsVideo != true
        if thumbnailLacksVideo {
            draft.extras.removeAll { $0.0 == "videoThumbnail" }
        } else {
            try context.services.checkThumbnail(body, context: context)
            try addFrameURL(to: &draft, mediaIDs: draft.media?.ids ?? [], store: context.store)
        }
        let groupID = grouped ? Identifiers.objectID() : nil
        var created: [PostRecord] = []
        // One INSERT is atomic by itself; a group needs a transaction so that it is stored whole or not at all.
        let insertAll = {
            for (index, page) in pages.enumerated() {
                var post = PostRecord.newDraft(
                    workspace: workspace, pageID: page.id, classification: "post",
                    createdAt: context.now + Double(index) / 1000)
                post.groupID = groupID
                post.groupPageIDs = grouped ? pageIDs : nil
                draft.apply(to: &post, workspace: workspace, now: context.now)
                try context.store.insertPost(post)
                created.append(post)
            }
        }
        if pages.count > 1 {
            try context.store.database.transaction(insertAll)
        } else {
            try insertAll()
        }
        if thumbnailLacksVideo {
            let ids = created.map(\.id).joined(separator: ", ")
            let noun = created.count == 1 ? "post" : "posts"
            return .committedError(
                APIError.validation(
                    "body.videoThumbnail needs a video in body.media; created \(noun) \(ids) without the thumbnail, "
                        + "so add a video and the thumbnail with PATCH /posts/{id}"))
        }
        let renderer = try PostRenderer(store: context.store, workspace: workspace, posts: created, fresh: true)
        return .created(serialized: renderer.serialized(created, under: "posts"))
    }

    static func update(_ context: APIContext) throws -> APIResponse {
        let (existing, workspace) = try context.post(context.input.path("id"))
        try requireMutable(existing)
        let changed = (context.body.objectValue ?? []).filter { PostDraft.updateFields.contains($0.0) }
        guard !changed.isEmpty else {
            let otherKeys = (context.body.objectValue ?? []).map(\.0).filter { $0 != "notify" }
            let verb = otherKeys.count == 1 ? "is" : "are"
            let ignored = otherKeys.isEmpty ? "" : " (\(otherKeys.joined(separator: ", ")) \(verb) not one)"
            throw APIError.validation(
                "the body changes nothing; give at least one of the fields that PATCH /posts/{id} changes\(ignored): "
                    + PostDraft.updateFields.sorted().joined(separator: ", "))
        }
        var draft = try PostDraft.parse(context.body, context: context, workspace: workspace, isCreate: false)
        // The document lets an empty array clear any post's media, and limits a story to a single item.
        if existing.classification == "story", let urls = context.body["media"]?.arrayValue, urls.count > 1 {
            throw APIError.validation(
                "a story takes a single media URL, or an empty array to clear its media, not \(urls.count) URLs")
        }
        draft.media = try context.services.importMedia(
            context.body["media"], workspaceID: workspace.id, context: context)
        // The type is detected from the downloaded bytes (from the file name with offlineMedia), so a GIF is
        // found whatever its URL ends with. Throwing rolls back the media library rows that the import added.
        if existing.classification == "story", draft.media?.mediaType == "gif" {
            throw APIError.validation("a story does not support GIFs; give one image or video URL in body.media")
        }
        if context.body["videoThumbnail"] != nil {
            let containsVideo =
                try draft.media.map(\.containsVideo) ?? context.store.containsVideo(mediaIDs: existing.mediaIDs)
            guard containsVideo else {
                throw APIError.validation(
                    "body.videoThumbnail needs a video in the post's media; add one with body.media first")
            }
            try context.services.checkThumbnail(context.body, context: context)
            try addFrameURL(to: &draft, mediaIDs: draft.media?.ids ?? existing.mediaIDs, store: context.store)
        }
        // A grouped post keeps its pages in sync, as Planable's app does: an edit to one post of the group
        // applies to every post of the group that is not published or publishing.
        var targets = [existing]
        if let groupID = existing.groupID {
            let siblings = try context.store.posts(groupID: groupID).filter {
                $0.id != existing.id && $0.state != "published" && $0.state != "publishing"
            }
            targets += siblings
        }
        var updated: [PostRecord] = []
        for target in targets {
            var post = target
            draft.apply(to: &post, workspace: workspace, now: context.now)
            if post.publishAtScheduledDate && post.scheduledAt == nil && !post.archived {
                // The post may have been set to publish by an earlier request, so the message gives both ways out.
                throw APIError.validation(
                    "publishAtScheduledDate needs a scheduledAt date; set scheduledAt as well, or send "
                        + "publishAtScheduledDate: false to remove the date")
            }
            // A body that sets only one of the two fields can schedule the post in the past too. A past date that
            // the body leaves alone stays, as for a post that waits for its approval to publish.
            if draft.scheduledAt != nil || draft.publishAtScheduledDate != nil, post.publishAtScheduledDate,
                !post.archived, let date = post.scheduledAt, date < context.now
            {
                throw APIError.validation(
                    "post \(post.id) would publish at its scheduledAt \(Timestamp.format(date)), which is in the past; "
                        + "send a future scheduledAt, or publishAtScheduledDate: false")
            }
            if post.state == "failed" {
                post.state = "draft"
                post.failure = nil
            }
            updated.append(post)
        }
        let post = updated[0]
        try context.store.database.transaction {
            for record in updated { try context.store.updatePost(record) }
        }
        let renderer = try PostRenderer(store: context.store, workspace: workspace, posts: [post])
        return .ok(serialized: renderer.serialized(data: post))
    }

    /// Rejects changes to a post that is published or being published.
    static func requireMutable(_ post: PostRecord) throws {
        switch post.state {
        case "published": throw APIError.alreadyPublished(post.id)
        case "publishing": throw APIError.publishingInProgress(post.id)
        default: break
        }
    }
}
