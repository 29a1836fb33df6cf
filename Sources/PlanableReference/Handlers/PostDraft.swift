import Timestamps

/// The post fields of a POST /posts or PATCH /posts/{id} body, checked against the workspace.
struct PostDraft {
    var text: String?
    /// `.some(nil)` clears the date.
    var scheduledAt: Double??
    var labels: [String]?
    var media: MediaImport?
    var teamOnly: Bool?
    var approved: Bool?
    var approverID: String
    var publishAtScheduledDate: Bool?
    var archived: Bool?
    var campaignID: String??
    var gridPosition: Int?
    var pinterest: JSONValue?
    var extras: [(String, JSONValue)] = []

    static let extraFields = [
        "firstComment", "internalNote", "youtubeTitle", "linkedinPdfTitle", "linkedinVideoTitle", "videoThumbnail",
    ]
    /// The extra fields that only POST /posts takes.
    static let createOnlyFields: Set<String> = ["firstComment", "internalNote", "youtubeTitle"]
    /// The fields of a PATCH /posts/{id} body that change a post; `notify` changes nothing by itself.
    static let updateFields: Set<String> = [
        "text", "scheduledAt", "labels", "media", "teamOnly", "approved", "approvedBy", "linkedinPdfTitle",
        "linkedinVideoTitle", "pinterest", "publishAtScheduledDate", "archived", "campaignId", "videoThumbnail",
    ]

    static func parse(
        _ body: JSONValue, context: APIContext, workspace: WorkspaceRecord, isCreate: Bool
    ) throws -> PostDraft {
        var draft = PostDraft(approverID: context.token.memberID)
        draft.text = body["text"]?.stringValue
        if let value = body["scheduledAt"] {
            if let text = value.stringValue {
                guard let seconds = Timestamp.parse(text) else {
                    throw APIError.validation("body.scheduledAt \(text) is not an RFC 3339 date-time")
                }
                draft.scheduledAt = .some(seconds)
            } else {
                draft.scheduledAt = .some(nil)
            }
        }
        if let names = body["labels"]?.arrayValue?.compactMap(\.stringValue) {
            let labels = try context.store.labels(workspaceID: workspace.id)
            draft.labels = try names.map { name in
                guard let label = labels.first(where: { $0.id == name || $0.name == name }) else {
                    throw APIError.validation(
                        "label \(name) not found in workspace \(workspace.id); create it with POST /labels")
                }
                return label.id
            }
        }
        draft.teamOnly = body["teamOnly"]?.boolValue
        draft.approved = body["approved"]?.boolValue
        if let approver = body["approvedBy"]?.stringValue {
            let members = try context.store.members(workspaceID: workspace.id)
            guard members.contains(where: { $0.id == approver }) else {
                throw APIError.validation("approvedBy \(approver) is not a member of workspace \(workspace.id)")
            }
            draft.approverID = approver
        }
        draft.publishAtScheduledDate = body["publishAtScheduledDate"]?.boolValue
        // Archiving is a change of an existing post; POST /posts takes no `archived`.
        draft.archived = isCreate ? nil : body["archived"]?.boolValue
        if let value = body["campaignId"] {
            if let id = value.stringValue {
                let exists =
                    try context.store.database.queryFirst(
                        "SELECT id FROM campaigns WHERE id = ? AND workspace_id = ?", [id, workspace.id]) != nil
                guard exists else {
                    throw APIError.validation("campaign \(id) not found in workspace \(workspace.id)")
                }
                draft.campaignID = .some(id)
            } else {
                draft.campaignID = .some(nil)
            }
        }
        draft.gridPosition = isCreate ? body["gridPosition"]?.intValue : nil
        draft.pinterest = body["pinterest"]
        // The first comment, the internal note and the YouTube title are set when a post is created: PATCH /posts/{id}
        // takes none of them, so an update leaves them as they are.
        for field in extraFields where isCreate || !createOnlyFields.contains(field) {
            if let value = body[field] { draft.extras.append((field, value)) }
        }
        if isCreate {
            let publish = draft.publishAtScheduledDate ?? false
            let date = draft.scheduledAt ?? nil
            if publish && date == nil {
                throw APIError.validation("publishAtScheduledDate needs a scheduledAt date; set scheduledAt as well")
            }
        }
        if let publish = draft.publishAtScheduledDate, publish, let date = draft.scheduledAt ?? nil, date < context.now
        {
            throw APIError.validation(
                "body.scheduledAt \(Timestamp.format(date)) is in the past; choose a future time to publish at")
        }
        return draft
    }

    /// Copies the given fields onto `post` and applies approval and auto-scheduling rules.
    func apply(to post: inout PostRecord, workspace: WorkspaceRecord, now: Double) {
        if let text { post.text = text }
        if let scheduledAt { post.scheduledAt = scheduledAt }
        if let labels { post.labels = labels }
        if let media {
            post.media = media.urls
            post.mediaIDs = media.ids
            post.mediaType = media.mediaType
            // A thumbnail belongs to the post's video, so it goes with the last video.
            if !media.containsVideo, var stored = post.extras.objectValue {
                stored.removeAll { $0.0 == "videoThumbnail" }
                post.extras = .object(stored)
            }
        }
        if let teamOnly { post.teamOnly = teamOnly }
        if let publishAtScheduledDate { post.publishAtScheduledDate = publishAtScheduledDate }
        if let archived {
            post.archived = archived
            // Archiving removes any active schedule.
            if archived { post.publishAtScheduledDate = false }
        }
        if let campaignID { post.campaignID = campaignID }
        if let gridPosition { post.gridPosition = gridPosition }
        if let pinterest {
            var merged = post.pinterest?.objectValue ?? []
            for (key, value) in pinterest.objectValue ?? [] {
                merged.removeAll { $0.0 == key }
                merged.append((key, value))
            }
            post.pinterest = .object(merged)
        }
        if !extras.isEmpty {
            var merged = post.extras.objectValue ?? []
            for (key, value) in extras {
                merged.removeAll { $0.0 == key }
                merged.append((key, value))
            }
            post.extras = .object(merged)
        }
        if let approved {
            if approved {
                ApprovalRules.approveAll(&post, workspace: workspace, approverID: approverID, now: now)
            } else {
                post.approvals = []
                // Where publication needs approval, a post that loses it is no longer scheduled, as after a rejection.
                if workspace.requiresApproval { post.publishAtScheduledDate = false }
            }
        }
        post.modifiedAt = now
    }
}

/// How approvals are recorded on a post.
enum ApprovalRules {
    /// Records `approverID`'s approval at `levelID`, or at every open level when `levelID` is nil.
    static func approve(
        _ post: inout PostRecord, workspace: WorkspaceRecord, approverID: String, levelID: String?, now: Double
    ) {
        let levels = workspace.effectiveLevels
        let approvedAt = JSONValue.string(Timestamp.format(now))
        if levels.isEmpty {
            // A workspace without approval levels records one approval, as a repeated approval of a level does.
            if post.approvals.isEmpty {
                post.approvals.append(["userId": .string(approverID), "approvedAt": approvedAt])
            }
        } else {
            let open = levels.filter { !post.approvedLevelIDs.contains($0.id) && (levelID == nil || $0.id == levelID) }
            for level in open {
                var entry: [(String, JSONValue)] = [("userId", .string(approverID)), ("approvedAt", approvedAt)]
                if workspace.approvalType == "MULTIPLE" { entry.append(("levelId", .string(level.id))) }
                post.approvals.append(.object(entry))
            }
        }
        // Auto-schedule: a fully approved post with a date is scheduled for publication.
        if workspace.autoSchedule && post.isFullyApproved(in: workspace) && post.scheduledAt != nil && !post.archived {
            post.publishAtScheduledDate = true
        }
        post.modifiedAt = now
    }

    static func approveAll(_ post: inout PostRecord, workspace: WorkspaceRecord, approverID: String, now: Double) {
        approve(&post, workspace: workspace, approverID: approverID, levelID: nil, now: now)
    }
}
