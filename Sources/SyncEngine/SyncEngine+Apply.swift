import Foundation
import Logging
import Networks
import PlanableAPI

extension SyncEngine {
    struct GroupOutcome {
        var decision: ItemDecision
        var message: String?
        var postIds: [String]
        /// For an update, the fields that it clears because the source dropped them.
        var cleared: ClearedFields = []
        /// Warnings for the group's post that do not stop the item, such as a schedule that the update leaves.
        var warnings: [String] = []
        /// Whether a blocked group stays so whatever a later run does, because its posts are published.
        var isSettled = false
        /// Whether the next run maps the item again although its source is unchanged, because a post of the group
        /// missed this run's edit while it was being published.
        var mapsAgain = false
    }

    /// The most creates tried for one group when answers are lost and reading back finds nothing.
    static let maximumCreateAttempts = 3

    /// Decides and, in apply mode, sends what one planned group needs: a create, a PATCH, or nothing.
    func apply(
        _ group: PlannedGroup, item: SourceItem, existing: [PostRecord], record: inout ItemRecord,
        context: WorkspaceContext, mode: RunMode
    ) throws -> GroupOutcome {
        let pageIds = Set(group.pages.map(\.id))
        // A post that a person deleted in Planable keeps its record with the status `deleted`, and its page goes
        // without a post from then on, while the rest of the group keeps getting edits.
        let covered = existing.filter { pageIds.contains($0.pageId) && $0.status != "deleted" }
        let deleted = existing.filter { pageIds.contains($0.pageId) && $0.status == "deleted" }
        let deletedPageIds = Set(deleted.map(\.pageId)).subtracting(covered.map(\.pageId))
        let hash = group.payload.hash
        // A post carries the group's payload as it is now, or as it was before its schedule date passed. A draft
        // still asked to publish at that past date is not counted, so that an update withdraws the request and a
        // late approval does not publish the post at once.
        func carriesPayload(_ post: PostRecord) -> Bool {
            if post.payloadHash == hash { return true }
            guard let askedToPublish = group.hashesBeforeDate[post.payloadHash] else { return false }
            return !askedToPublish || post.published
        }

        if mode == .plan {
            _ = try names?.ids(labels: group.payload.labels, campaign: group.payload.campaign, item: item, mode: .plan)
        }
        if covered.isEmpty && !deleted.isEmpty {
            // Every post of the group was deleted in Planable. An edit creates the group again, with a note, and an
            // unchanged item is left without posts.
            if deleted.allSatisfy({ carriesPayload($0) }) {
                return GroupOutcome(decision: .unchanged, postIds: [])
            }
            let note = Self.recreatedNote(deleted.map(\.postId), item: item, mode: mode)
            guard mode == .apply else { return GroupOutcome(decision: .create, message: note, postIds: []) }
            var outcome = try create(group, item: item, context: context)
            outcome.message = outcome.message.map { $0 + "; " + note } ?? note
            return outcome
        }
        if covered.isEmpty {
            guard mode == .apply else {
                // A sync reads an interrupted create back before anything else, and may find its post.
                let interrupted = interruptedCreates.contains("\(item.source)\u{0}\(item.identity)")
                let message =
                    interrupted
                    ? "\(item.location): an earlier create got no answer; the sync first looks for its post and links "
                        + "it when found, else creates one" : nil
                return GroupOutcome(decision: .create, message: message, postIds: [])
            }
            return try create(group, item: item, context: context)
        }
        let coveredIds = covered.map(\.postId)
        let forget = ForgetCommandLine.item(
            source: item.source, identity: item.identity, configurationPath: configuration.path)
        // A page of the group has no post when it was added to the configuration. It also has none when its post was
        // deleted in Planable and an earlier version, whose PATCH dropped a deleted post's record, synced the item
        // since. The message names such pages.
        let coveredPageIds = Set(covered.map(\.pageId)).union(deletedPageIds)
        let pagesWithoutPost = group.pages.filter { !coveredPageIds.contains($0.id) }.map { "\"\($0.name)\"" }
        var cause = ""
        if pagesWithoutPost.count == 1 {
            cause =
                " (page \(pagesWithoutPost[0]) has no post: it was added to the configuration, or its post "
                + "was deleted in Planable)"
        } else if pagesWithoutPost.count > 1 {
            cause =
                " (pages \(pagesWithoutPost.joined(separator: ", ")) have no post: they were added to the "
                + "configuration, or their posts were deleted in Planable)"
        } else {
            // Templates, rules or network limits gave some pages a text of their own, or the same text again. The
            // posts' groups are named the same way for each group of the item, which the report then names once.
            let createdGroups = Dictionary(grouping: existing.filter { $0.status != "deleted" }, by: \.groupKey)
                .values.map { posts in
                    posts.map { context.quotedPageName(id: $0.pageId) ?? "page \($0.pageId)" }.sorted()
                        .joined(separator: ", ")
                }
                .sorted()
            cause =
                createdGroups.count == 1
                ? " as one group on \(createdGroups[0])"
                : " in \(createdGroups.count) groups, "
                    + createdGroups.map { "(\($0))" }.dropLast().joined(separator: ", ") + " and ("
                    + (createdGroups.last ?? "") + ")"
        }
        // A new grouping would publish the item a second time where it is published, so the advice then leaves
        // the missing posts to a person. `forget` drops every post of the item, so every group's posts count.
        // The state learns of a publication only at a status poll, so the posts are read before the advice to delete
        // them is first given. Later runs rely on the polls, so that an item that stays blocked costs no reads.
        var readPublished: [PostRecord]?
        func regrouped() throws -> GroupOutcome {
            var published = existing.filter { $0.published && $0.status != "deleted" }
            let adviceGiven = record.lastError?.contains("pages now group differently") == true
            if published.isEmpty && !adviceGiven {
                if readPublished == nil {
                    readPublished = existing.filter { post in
                        guard post.status != "deleted" else { return false }
                        do {
                            return try client.getPost(id: post.postId).published
                        } catch let error as PlanableAPIError where error.status == 404 {
                            return false
                        } catch {
                            // The state's status stands in for the post's.
                            logger.warning(
                                "reading a post before advising to delete it failed; using its recorded status",
                                [
                                    "item.source": item.source, "item.id": item.identity, "post.id": post.postId,
                                    "error": "\(error)",
                                ])
                            return false
                        }
                    }
                    if mode == .apply, let found = readPublished, !found.isEmpty {
                        try state.recordPublished(postIds: found.map(\.postId))
                    }
                }
                published = readPublished ?? []
            }
            let publishedPages = published.map { post in
                context.quotedPageName(id: post.pageId) ?? "page \(post.pageId)"
            }
            let wayOut =
                publishedPages.isEmpty
                ? "delete them in Planable, then run `\(forget)` to create the new grouping"
                : "the item is already published on \(publishedPages.joined(separator: ", ")), and a new grouping "
                    + "would publish it there again, so add a post for a page that needs one in Planable by hand"
            return GroupOutcome(
                decision: .blocked,
                message: "\(item.location): its pages now group differently than when its posts were created\(cause); "
                    + "the existing posts are kept unchanged; \(wayOut)",
                postIds: coveredIds)
        }
        // A page of the group without a post, such as one added to the configuration, is reported even when the
        // text did not change, because it would otherwise never get a post.
        guard covered.count + deletedPageIds.count == group.pages.count else { return try regrouped() }
        if covered.allSatisfy({ carriesPayload($0) }) {
            return GroupOutcome(decision: .unchanged, postIds: coveredIds)
        }
        // A PATCH updates every post of the existing group, so a group that also contains a page removed from the
        // configuration is not updated.
        guard Set(covered.map(\.groupKey)) == [group.key] else { return try regrouped() }
        if let unsendable = try unsendableChangeOutcome(group, covered: covered, item: item, mode: mode) {
            return unsendable
        }
        if let unsendable = try unsendableAdditionOutcome(group, covered: covered, item: item, mode: mode) {
            return unsendable
        }
        // The drafts are read once here, for a plan as for a sync, and before the retries of `update` that would
        // read again.
        let drafts = try currentDrafts(covered, payload: group.payload)
        // A post published since the last status poll reads as published here. Its old text is then no edit made
        // in Planable, and the group is decided again with the post known as published.
        let newlyPublished = Set(covered.filter { !$0.published && drafts[$0.postId]?.published == true }.map(\.postId))
        if !newlyPublished.isEmpty {
            if mode == .apply { try state.recordPublished(postIds: newlyPublished.sorted()) }
            let known = existing.map { post in
                var post = post
                if newlyPublished.contains(post.postId) { post.published = true }
                return post
            }
            return try apply(group, item: item, existing: known, record: &record, context: context, mode: mode)
        }
        if let blocked = planableEditOutcome(
            covered, drafts: drafts, group: group, item: item, mode: mode, previous: record)
        {
            return blocked
        }
        if let held = approvedEditOutcome(
            covered, drafts: drafts, group: group, item: item, mode: mode, previous: record)
        {
            return held
        }
        let clearing = clearingPlan(covered, drafts: drafts, group: group)
        let publishing = Set(
            covered.filter { !$0.published && drafts[$0.postId]?.status == "publishing" }.map(\.postId))
        if !publishing.isEmpty {
            // Posts publishing at the date whose passing alone changed the payload have no edit to miss.
            if group.predatesScheduleDate(covered) { return GroupOutcome(decision: .unchanged, postIds: coveredIds) }
            let draftsCarryPayload = covered.filter { !$0.published && !publishing.contains($0.postId) }
                .allSatisfy { carriesPayload($0) }
            return try updateBesidePublishing(
                publishing, covered: covered, group: group, item: item, context: context, clearing: clearing,
                draftsCarryPayload: draftsCarryPayload, record: &record, mode: mode)
        }
        let unpublished = covered.filter { !$0.published }
        if !unpublished.isEmpty && unpublished.count < covered.count {
            if unpublished.allSatisfy({ carriesPayload($0) }) {
                // The drafts have the payload already, as after an edit that a post missed while it was being
                // published, so no PATCH is needed. The published posts keep the old text, which is reported once.
                let published = covered.filter(\.published)
                let pageNames = Self.pageNames(of: published, in: group)
                if mode == .apply {
                    try state.recordUpdated(
                        postIds: published.map(\.postId), payloadHash: hash,
                        updatableHash: group.payload.updatableHash, sent: unpublished[0].sent)
                }
                return GroupOutcome(
                    decision: .unchanged,
                    message: "\(item.location): the drafts have the new text; the posts published on \(pageNames) "
                        + "keep the old text",
                    postIds: coveredIds)
            }
            // Part of the group is published. A PATCH to one of its drafts updates every draft of the group, so the
            // pages still to publish get the new text, and the published ones keep theirs.
            let message = partlyPublishedMessage(item, group, covered, mode: mode)
            guard mode == .apply else {
                return GroupOutcome(
                    decision: .update, message: message, postIds: coveredIds, cleared: clearing.fields,
                    warnings: clearing.warnings)
            }
            return try update(
                Self.draftsFirst(covered), to: group, item: item, context: context, clearing: clearing,
                record: &record)
        }
        if covered.contains(where: \.published) {
            let message = Self.publishedEditMessage(item, record: record)
            if !record.publishedEditReported {
                logger.warning(
                    Self.publishedEditLog(item, record: record),
                    ["item.source": item.source, "item.id": item.identity, "post.id": coveredIds[0]])
                if mode == .apply { record.publishedEditReported = true }
            }
            return GroupOutcome(decision: .blocked, message: message, postIds: coveredIds, isSettled: true)
        }
        // The update names the pages whose posts a person deleted, which it leaves without one.
        let deletedPages = group.pages.filter { deletedPageIds.contains($0.id) }.map { "\"\($0.name)\"" }
        let deletedWarnings =
            deletedPages.isEmpty
            ? []
            : [
                "the post of page \(deletedPages.joined(separator: ", ")) was deleted in Planable, so the update leaves "
                    + "that page without one"
            ]
        guard mode == .apply else {
            // A plan names the approved posts that the edit would change, while a person can still hold it back.
            let message =
                covered.contains(where: Self.isApprovedDraft)
                ? "\(item.location): would update posts that are approved; the edit may need their approval again"
                : nil
            return GroupOutcome(
                decision: .update, message: message, postIds: coveredIds, cleared: clearing.fields,
                warnings: clearing.warnings + deletedWarnings)
        }
        var outcome = try update(
            covered, to: group, item: item, context: context, clearing: clearing, record: &record)
        outcome.warnings += deletedWarnings
        return outcome
    }

    private func create(_ group: PlannedGroup, item: SourceItem, context: WorkspaceContext) throws -> GroupOutcome {
        let pageIds = group.pages.map(\.id)
        let hash = group.payload.hash
        let named = try names?.ids(
            labels: group.payload.labels, campaign: group.payload.campaign, item: item, mode: .apply)
        let request = group.payload.createRequest(
            workspaceId: context.workspace.id, pageIds: pageIds, notify: configuration.notify,
            labelIds: named?.labels ?? [], campaignId: named?.campaign)
        let sent = SentFields(
            scheduledAt: request.scheduledAt, campaignId: request.campaignId, linkedinPdfTitle: request.linkedinPdfTitle
        )
        let (updatableHash, digest) = (group.payload.updatableHash, group.payload.createOnlyDigest)
        let record = ItemRecord(
            source: item.source, identity: item.identity, title: item.title, location: item.location,
            contentHash: item.contentHash, bodyHash: item.bodyHash, status: "pending", fileSize: item.fileSize,
            fileModificationTime: item.fileModificationTime,
            publishedEditReported: false)

        for attempt in 1...Self.maximumCreateAttempts {
            // The intent is committed right before each send, after any wait for the rate limit or a 429's reset,
            // so its time is the send's, from which a later run counts the in-flight window. A process killed
            // during such a wait leaves no intent, since nothing was sent. An attempt that the server certainly
            // did not carry out, such as a 429, drops its intent again.
            var intentId: Int64?
            let posts: [Post]
            do {
                posts = try client.createPost(request) { attemptStep in
                    switch attemptStep {
                    case .willSend:
                        intentId = try state.recordIntent(
                            source: item.source, identity: item.identity, groupKey: group.key,
                            workspaceId: context.workspace.id, pageIds: pageIds, text: group.payload.text,
                            payloadHash: hash, updatableHash: updatableHash, createOnlyDigest: digest, at: Date())
                    case .notPerformed:
                        if let id = intentId { try state.dropIntent(id: id) }
                        intentId = nil
                    }
                }
            } catch let error as PlanableAPIError where error.outcomeIsUnknown {
                guard let intentId, let intent = try state.pendingIntents().first(where: { $0.id == intentId })
                else { throw error }
                logger.warning(
                    "create's outcome is unknown; reading back",
                    ["item.source": item.source, "item.id": item.identity, "error": error.description])
                // When this read-back fails, the intent stays, and the next run reads back before it creates anything.
                let outcomes = try Reconciler(client: client, state: state, logger: logger)
                    .resolve([intent], workspaceId: context.workspace.id, serverAnswered: error.status != nil)
                switch outcomes[intentId] ?? .notFound {
                case .found(let posts):
                    try state.recordCreated(
                        intentId: intentId, item: record, groupKey: group.key, posts: posts, payloadHash: hash,
                        sent: sent, updatableHash: updatableHash, createOnlyDigest: digest)
                    return GroupOutcome(decision: .create, postIds: posts.map(\.id))
                case .notFound:
                    // A server that sent a response has finished with the request, so it created nothing. Without
                    // a response, the server may still create the post after the wait. The intent then stays, and
                    // the next run reads it back and reports a duplicate group if one appeared.
                    if error.status != nil { try state.dropIntent(id: intentId) }
                    if attempt == Self.maximumCreateAttempts { throw error }
                    continue
                }
            } catch {
                // The server created nothing, or the request was never sent, as when the API refused the connection.
                if let intentId { try state.dropIntent(id: intentId) }
                throw error
            }
            guard let intentId else { preconditionFailure("createPost reports .willSend before it sends") }
            // The posts exist from here on. When recording them fails, as on a full disk, the intent stays, so the
            // next run reads the posts back instead of creating them again.
            try state.recordCreated(
                intentId: intentId, item: record, groupKey: group.key, posts: posts.map(PostSnapshot.init),
                payloadHash: hash, sent: sent, updatableHash: updatableHash, createOnlyDigest: digest)
            logger.info(
                posts.count > 1 ? "created grouped draft" : "created draft",
                [
                    "item.source": item.source, "item.id": item.identity,
                    "post.group_id": posts.first?.groupId ?? "",
                    "post.ids": posts.map(\.id).joined(separator: ","),
                ])
            return GroupOutcome(decision: .create, postIds: posts.map(\.id))
        }
        preconditionFailure("the create loop returns or throws")
    }

    /// Sends the PATCH that brings a group's posts to `group`. When the post it went to turns out to be published
    /// or deleted, it tries the rest of the group, and creates the group again when none of its posts is left.
    ///
    /// - Parameter clearing: the fields that the PATCH clears, which `apply` decided from the drafts it read.
    private func update(
        _ covered: [PostRecord], to group: PlannedGroup, item: SourceItem, context: WorkspaceContext,
        clearing: ClearingPlan, record: inout ItemRecord
    )
        throws -> GroupOutcome
    {
        let ids = covered.map(\.postId)
        let updated: Post
        let sent: SentFields
        // A grouped post keeps its pages in sync, so one PATCH to any of its posts updates the whole group.
        do {
            let named = try names?.ids(
                labels: group.payload.labels, campaign: group.payload.campaign, item: item, mode: .apply)
            var request = group.payload.updateRequest(
                notify: configuration.notify, labelIds: named?.labels ?? [], campaignId: named?.campaign,
                clearing: clearing.fields)
            // Left out, the field keeps the title and PDF mode that an earlier create or update set on the LinkedIn
            // post. Planable's OpenAPI document specifies an empty string in a PATCH to turn PDF mode off, which is
            // sent only where this program sent a title, so that PDF mode that a person turned on stays.
            let postsOnLinkedIn = group.pages.contains { Network(platform: $0.platform) == .linkedin }
            let sentTitle = covered.contains { $0.sent.linkedinPdfTitle != nil }
            if request.linkedinPdfTitle == nil && postsOnLinkedIn && sentTitle { request.linkedinPdfTitle = "" }
            sent = SentFields(
                scheduledAt: request.scheduledAt?.value, campaignId: request.campaignId?.value,
                linkedinPdfTitle: request.linkedinPdfTitle)
            if let text = request.text { try state.recordUpdateSending(text, postIds: ids) }
            updated = try client.updatePost(id: ids[0], request)
        } catch let error as PlanableAPIError where error.code == .postAlreadyPublished {
            try state.recordPublished(postIds: [ids[0]])
            var marked = covered
            marked[0].published = true
            if marked.contains(where: { !$0.published }) {
                // The status follower had not seen the publication yet. The group's other posts may still be
                // drafts, which a PATCH to one of them updates.
                return try update(
                    Self.draftsFirst(marked), to: group, item: item, context: context, clearing: clearing,
                    record: &record)
            }
            // A post that published while this run read it, at the schedule date that made its payload change, was
            // not edited: its payload changed only because the date passed.
            if group.predatesScheduleDate(marked) {
                return GroupOutcome(decision: .unchanged, postIds: ids)
            }
            // The caller stores the flag with the item's record, so the next runs stay quiet.
            if !record.publishedEditReported {
                logger.warning(
                    Self.publishedEditLog(item, record: record),
                    ["item.source": item.source, "item.id": item.identity, "post.id": ids[0]])
                record.publishedEditReported = true
            }
            return GroupOutcome(
                decision: .blocked, message: Self.publishedEditMessage(item, record: record), postIds: ids,
                isSettled: true)
        } catch let error as PlanableAPIError
            where error.code == .publishingInProgress
            && group.predatesScheduleDate(covered)
        {
            // The post is publishing at the date whose passing alone changed the payload, so there is no edit to
            // send, and the status poll records the publication.
            // NOTE: tests reach this branch only when a run overlaps the reference server's 2-second publication.
            return GroupOutcome(decision: .unchanged, postIds: ids)
        } catch let error as PlanableAPIError where error.code == .publishingInProgress {
            // The post is being published, which an edit that read no post first, as with
            // `overwrite_planable_edits`, did not see. It keeps its recorded payload, and the rest of the group gets
            // the edit, as when the edit reads it first.
            return try updateBesidePublishing(
                [ids[0]], covered: covered, group: group, item: item, context: context, clearing: clearing,
                draftsCarryPayload: false, record: &record, mode: .apply)
        } catch let error as PlanableAPIError where error.status == 404 {
            try state.recordPostGone(postId: ids[0])
            guard covered.count > 1 else {
                // Every post of the group was deleted in Planable, so the group is created again.
                logger.warning(
                    "post no longer exists; creating it again",
                    ["item.source": item.source, "item.id": item.identity, "post.id": ids[0]])
                // The report gives the reason, because a client may have deleted the post on purpose.
                let deleted = try state.posts(source: item.source, identity: item.identity)
                    .filter { $0.groupKey == group.key && $0.status == "deleted" }.map(\.postId)
                var outcome = try create(group, item: item, context: context)
                let note = Self.recreatedNote(deleted.isEmpty ? [ids[0]] : deleted, item: item, mode: .apply)
                outcome.message = outcome.message.map { $0 + "; " + note } ?? note
                return outcome
            }
            // Its siblings may still exist, and a new group would duplicate them, so they are updated instead and
            // the deleted post's page goes without, in later runs too.
            logger.warning(
                "post no longer exists; updating the rest of its group",
                ["item.source": item.source, "item.id": item.identity, "post.id": ids[0]])
            return try update(
                Array(covered.dropFirst()), to: group, item: item, context: context, clearing: clearing,
                record: &record)
        }
        try state.recordUpdated(
            postIds: ids, payloadHash: group.payload.hash, updatableHash: group.payload.updatableHash, sent: sent)
        try state.recordPlanableText(updated.plainText, postIds: ids)
        var message =
            covered.contains(where: \.published) ? partlyPublishedMessage(item, group, covered, mode: .apply) : nil
        if let message {
            // The daemon prints no report, so this warning is the only place where its log names the published posts
            // that kept the old text.
            logger.warning(
                "updated only the drafts of a group; its published posts keep the old text",
                [
                    "item.source": item.source, "item.id": item.identity,
                    "post.ids": covered.filter(\.published).map(\.postId).joined(separator: ","), "note": message,
                ])
        }
        // An edit can change text that a reviewer approved. The API document does not say whether Planable
        // resets an approval on a PATCH, so the edit is reported for a person to check. The state records the
        // approvals that the last status poll saw, and the PATCH response shows one given since.
        var approved = covered.filter(Self.isApprovedDraft).map(\.postId)
        if Self.isApproved(updated.approval?.status) && !updated.published && !approved.contains(updated.id) {
            approved.append(updated.id)
        }
        if !approved.isEmpty {
            logger.warning(
                "updated a post that was already approved",
                [
                    "item.source": item.source, "item.id": item.identity,
                    "post.ids": approved.joined(separator: ","),
                ])
            let note =
                "\(item.location): updated posts that were approved before the edit; Planable may keep the approval "
                + "for the new text, so ask the reviewer to check it in Planable before the posts publish"
            message = message.map { $0 + "; " + note } ?? note
        }
        // A PATCH makes a failed post a draft again. The response contains the status of the post it went to, which
        // the group's other posts share until the follower polls them, so a poll logs no change from an empty status.
        let failed = covered.filter { $0.status == "failed" }.map(\.postId)
        if !failed.isEmpty {
            try state.withDatabase { database in
                for id in failed {
                    _ = try database.run("UPDATE posts SET status = ? WHERE post_id = ?", [updated.status, id])
                }
            }
        }
        // A PATCH changes the drafts of the group only, so the published posts among `covered` are left out.
        let updatedIds = covered.filter { !$0.published }.map(\.postId)
        logger.info(
            updatedIds.count > 1 ? "updated grouped draft" : "updated draft",
            ["item.source": item.source, "item.id": item.identity, "post.ids": updatedIds.joined(separator: ",")])
        return GroupOutcome(
            decision: .update, message: message, postIds: ids, cleared: clearing.fields, warnings: clearing.warnings)
    }

    /// Tells whether `post` is not published and a reviewer approved it, fully or in part.
    static func isApprovedDraft(_ post: PostRecord) -> Bool {
        !post.published && isApproved(post.approvalStatus)
    }

    /// Tells whether `status` records a reviewer's approval, full or partial.
    static func isApproved(_ status: String?) -> Bool {
        status == "FULLY_APPROVED" || status == "PARTIALLY_APPROVED"
    }

    /// Returns the report's note for a group whose posts, `postIds`, were all deleted in Planable and that an edit
    /// of `item` creates again, with the way to keep the item out of Planable for good.
    static func recreatedNote(_ postIds: [String], item: SourceItem, mode: RunMode) -> String {
        let verb = mode == .apply ? "created" : "would create"
        // A feed's entries are someone else's, so a rule skips one. A file's front matter can skip it.
        let keepOut =
            item.isFeedEntry
            ? "add a rule with skip: true that matches fields: {id: \(item.identity)}"
            : "remove the file or set planable: {skip: true} in its front matter"
        if postIds.count == 1 {
            return "its post \(postIds[0]) was deleted in Planable, so the edit \(verb) it again; if it was deleted on "
                + "purpose, delete the new post too and \(keepOut)"
        }
        return "its posts \(postIds.joined(separator: ", ")) were deleted in Planable, so the edit \(verb) them "
            + "again; if they were deleted on purpose, delete the new posts too and \(keepOut)"
    }

    /// Returns the message of an item whose post changed after it was published. A file's change can go out in a
    /// new file, while a feed entry's publisher is someone else, so its message names no way out. A change that
    /// the configuration made, such as a new template, gets its own message without that way out, because a new
    /// file would post the item again.
    static func publishedEditMessage(_ item: SourceItem, record: ItemRecord) -> String {
        guard sourceCausedEdit(item, record: record) else {
            return "\(item.location): the configuration now makes its post differ, as a changed template or rule "
                + "does, but the post is published and published posts cannot be edited, so it keeps its published "
                + "text"
        }
        let wayOut =
            item.isFeedEntry
            ? "the entry's later edits are not sent either" : "to post the change, put it in a new file"
        return "\(item.location) changed after its post was published; published posts cannot be edited, so the "
            + "post keeps its published text, and \(wayOut)"
    }

    /// Returns the log line of an item whose post changed after it was published, with the same cause as
    /// `publishedEditMessage`.
    static func publishedEditLog(_ item: SourceItem, record: ItemRecord) -> String {
        sourceCausedEdit(item, record: record)
            ? "source changed after publication; not updating"
            : "configuration changed a published post; not updating"
    }

    /// Tells whether the item's source, not the configuration, changed its published post. That is so when the
    /// source differs from what `record` stored, when the record has no content hash, and when an earlier run
    /// already reported a source edit. That run stored the new hash, so a file only touched since keeps the cause.
    private static func sourceCausedEdit(_ item: SourceItem, record: ItemRecord) -> Bool {
        let sourceChanged = record.contentHash.map { $0 != item.contentHash } ?? true
        let reportedEarlier =
            record.publishedEditReported && record.lastError?.contains("changed after its post was published") == true
        return sourceChanged || reportedEarlier
    }

    /// Returns the unchanged outcome of a group whose source changed only fields that no PATCH takes (the first
    /// comment, internal note and YouTube title), or nil when anything else changed or the state lacks the hashes.
    /// No PATCH is sent, and in apply mode the posts record the new payload, so that later runs stay quiet. The
    /// message names the fields that now differ from what the create sent, and is nil when none do.
    private func unsendableChangeOutcome(
        _ group: PlannedGroup, covered: [PostRecord], item: SourceItem, mode: RunMode
    ) throws -> GroupOutcome? {
        let updatableHash = group.payload.updatableHash
        guard covered.allSatisfy({ $0.updatableHash == updatableHash }) else { return nil }
        // Posts that this program linked to the item instead of creating them have no digest, and what their
        // fields hold is unknown.
        let digests = covered.map(\.createOnlyDigest)
        let fields: [String]
        if let digest = digests.first ?? nil, digests.allSatisfy({ $0 == digest }) {
            fields = group.payload.createOnlyFieldsDiffering(from: digest)
        } else {
            fields = ["first comment", "internal note", "YouTube title"]
        }
        if mode == .apply {
            try state.recordPayloadHash(
                postIds: covered.map(\.postId), payloadHash: group.payload.hash, updatableHash: updatableHash)
        }
        guard !fields.isEmpty else { return GroupOutcome(decision: .unchanged, postIds: covered.map(\.postId)) }
        let names = Self.listed(fields, conjunction: digests.contains(nil) ? "or" : "and")
        let pronoun = fields.count == 1 ? "it" : "them"
        let message =
            "\(item.location): the source changed the \(names), which an update cannot change, so no update is "
            + "sent and the posts keep what they were created with; to change \(pronoun), edit the posts in Planable"
        if mode == .apply {
            logger.warning(
                "source changed fields that an update cannot send; posts left as they are",
                ["item.source": item.source, "item.id": item.identity, "fields": names])
        }
        return GroupOutcome(decision: .unchanged, message: message, postIds: covered.map(\.postId))
    }

    /// Joins `names` for a message: "a", "a and b", "a, b and c".
    static func listed(_ names: [String], conjunction: String = "and") -> String {
        guard let last = names.last, names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " \(conjunction) " + last
    }

    /// Returns the unchanged outcome of a group whose source only added fields that an update cannot send, such
    /// as the first comment of a new rule, or nil when anything else changed. A PATCH would change nothing, so
    /// none is sent, and in apply mode the posts record the new payload, so that later runs stay quiet.
    ///
    /// This covers posts recorded before the state kept `PostRecord.updatableHash`; `unsendableChangeOutcome`
    /// covers the others.
    private func unsendableAdditionOutcome(
        _ group: PlannedGroup, covered: [PostRecord], item: SourceItem, mode: RunMode
    ) throws -> GroupOutcome? {
        let earlier = group.payload.hashesWithoutCreateOnlyFields
        guard let first = covered.first, let fields = earlier[first.payloadHash],
            covered.allSatisfy({ earlier[$0.payloadHash] == fields })
        else { return nil }
        let names = fields.joined(separator: " and ")
        let (verb, pronoun) = fields.count == 1 ? ("is", "it") : ("are", "them")
        let message =
            "\(item.location): the \(names) that the source now sets \(verb) not sent, because an update cannot add "
            + "\(pronoun) to existing posts; they keep none"
        if mode == .apply {
            try state.recordPayloadHash(
                postIds: covered.map(\.postId), payloadHash: group.payload.hash,
                updatableHash: group.payload.updatableHash)
            logger.warning(
                "source added fields that an update cannot send; posts left as they are",
                ["item.source": item.source, "item.id": item.identity, "fields": names])
        }
        return GroupOutcome(decision: .unchanged, message: message, postIds: covered.map(\.postId))
    }

    /// Orders a group's posts with the drafts first, so that a PATCH goes to a post that can still change.
    static func draftsFirst(_ posts: [PostRecord]) -> [PostRecord] {
        posts.filter { !$0.published } + posts.filter(\.published)
    }

    /// Updates the drafts of a group some of whose posts, `publishing`, are being published and so take no edit:
    /// a PATCH to such a post fails with PUBLISHING_IN_PROGRESS, and one to a draft of the group leaves it out.
    /// Those posts keep the payload that the state records for them. The item is mapped again at the next run that
    /// reads its source, which reports each post as published with the old text, or updates it when its publication
    /// failed.
    ///
    /// - Parameter draftsCarryPayload: whether the other drafts already have the payload, so that no PATCH is sent.
    /// - Throws: `PostsPublishingError` when no draft is left to update, which a later run settles.
    private func updateBesidePublishing(
        _ publishing: Set<String>, covered: [PostRecord], group: PlannedGroup, item: SourceItem,
        context: WorkspaceContext, clearing: ClearingPlan, draftsCarryPayload: Bool, record: inout ItemRecord,
        mode: RunMode
    ) throws -> GroupOutcome {
        let publishingPosts = covered.filter { publishing.contains($0.postId) }
        let pageNames = Self.pageNames(of: publishingPosts, in: group)
        let isSingle = publishingPosts.count == 1
        let (posts, were, keep, they) =
            isSingle ? ("post", "was", "keeps", "it") : ("posts", "were", "keep", "they")
        let rest = covered.filter { !publishing.contains($0.postId) }
        guard rest.contains(where: { !$0.published }) else {
            throw PostsPublishingError(
                message:
                    "the \(posts) on \(pageNames) \(isSingle ? "is" : "are") being published, so the "
                    + "edit was not sent; a later run that maps the item again reports whether \(they) published with "
                    + "the old text")
        }
        let note =
            "the \(posts) on \(pageNames) \(were) being published and \(keep) the old text; a later run that maps the "
            + "item again reports whether \(they) published"

        if draftsCarryPayload {
            // An earlier run updated the drafts while these posts were being published, and they still are.
            var waiting = GroupOutcome(
                decision: .unchanged, message: "\(item.location): the drafts have the new text; \(note)",
                postIds: covered.map(\.postId))
            waiting.mapsAgain = true
            return waiting
        }
        guard mode == .apply else {
            return GroupOutcome(
                decision: .update, message: "\(item.location): would update the drafts; \(note)",
                postIds: covered.map(\.postId), cleared: clearing.fields, warnings: clearing.warnings)
        }

        var outcome = try update(
            Self.draftsFirst(rest), to: group, item: item, context: context, clearing: clearing, record: &record)
        logger.warning(
            "updated the drafts of a group whose other posts are being published; those keep the old text",
            [
                "item.source": item.source, "item.id": item.identity,
                "post.ids": publishingPosts.map(\.postId).joined(separator: ","),
            ])
        outcome.message = outcome.message.map { $0 + "; " + note } ?? "\(item.location): updated the drafts; \(note)"
        outcome.postIds = covered.map(\.postId)
        outcome.mapsAgain = true
        return outcome
    }

    /// Returns the names of the pages of `posts`, in the group's page order, joined by commas.
    static func pageNames(of posts: [PostRecord], in group: PlannedGroup) -> String {
        group.pages.filter { page in posts.contains { $0.pageId == page.id } }.map(\.name).joined(separator: ", ")
    }

    /// Describes an update that reached only the drafts of a group, naming the pages whose posts are published.
    private func partlyPublishedMessage(
        _ item: SourceItem, _ group: PlannedGroup, _ covered: [PostRecord], mode: RunMode
    ) -> String {
        let pageNames = Self.pageNames(of: covered.filter(\.published), in: group)
        let verb = mode == .apply ? "updated the drafts" : "would update the drafts"
        return "\(item.location): \(verb); the posts already published on \(pageNames) keep the old text"
    }

    /// Resolves the intents a killed or failed run left, before anything new is created.
    ///
    /// - Parameter checkRecorded: whether to look up every duplicate group that earlier runs recorded, drop those
    ///   whose posts are all gone, and report the rest. Full runs do, and a daemon's partial passes do not.
    /// - Returns: a message for each duplicate post group, which a person has to delete.
    func reconcileIntents(workspaceId: String, checkRecorded: Bool) throws -> [String] {
        let intents = try state.pendingIntents().filter { $0.workspaceId == workspaceId }
        var duplicateGroupMessages: [String] = []
        var outcomes: [Int64: Reconciler.Outcome] = [:]
        if !intents.isEmpty {
            logger.info("resolving interrupted creates", ["intents": String(intents.count)])
            outcomes = try Reconciler(client: client, state: state, logger: logger)
                .resolve(intents, workspaceId: workspaceId)
        }
        for intent in intents {
            guard case .found(let posts) = outcomes[intent.id] ?? .notFound else {
                // NOTE: a create that the server carries out only after this read-back gave up becomes a second
                // group that no later run reports, because the intent that would match it is gone. That takes a
                // server slower than the in-flight window.
                try state.dropIntent(id: intent.id)
                continue
            }
            // A post deleted in Planable keeps its record, and an edit then creates its group again under the same
            // key, so only a post that still exists makes the found group a duplicate.
            let itemHasGroup = try state.posts(source: intent.source, identity: intent.identity)
                .contains { $0.groupKey == intent.groupKey && $0.status != "deleted" }
            if itemHasGroup {
                // The item got its posts from a later attempt of the same create, so this group is a duplicate
                // that only a person can safely remove.
                let duplicate = DuplicateGroup(
                    groupId: posts.first?.groupId ?? posts.first?.id ?? "", postIds: posts.map(\.id),
                    workspaceId: workspaceId, source: intent.source, identity: intent.identity,
                    foundAt: StateStore.timestamp())
                logger.warning(
                    "duplicate post group from a create without a response",
                    ["item.source": intent.source, "item.id": intent.identity, "post.group_id": duplicate.groupId])
                try state.recordDuplicateGroup(duplicate)
                if !checkRecorded { duplicateGroupMessages.append(duplicate.message) }
                try state.dropIntent(id: intent.id)
                continue
            }
            let record =
                try state.item(source: intent.source, identity: intent.identity)
                ?? ItemRecord(
                    source: intent.source, identity: intent.identity, title: "", status: "pending",
                    publishedEditReported: false)
            // NOTE: The intent does not record the schedule and campaign that the create sent, so the values that
            // the posts show now are taken for them. A person's change made before this read-back counts as sent.
            try state.recordCreated(
                intentId: intent.id, item: record, groupKey: intent.groupKey, posts: posts,
                payloadHash: intent.payloadHash,
                sent: SentFields(scheduledAt: posts.first?.scheduledAt, campaignId: posts.first?.campaignId),
                updatableHash: intent.updatableHash, createOnlyDigest: intent.createOnlyDigest)
        }
        guard checkRecorded else { return duplicateGroupMessages }
        return try remainingDuplicateGroups(workspaceId: workspaceId).map(\.message)
    }

    /// Looks up the posts of each recorded duplicate group of the workspace, drops the records of groups whose
    /// posts are all gone, and returns the others.
    private func remainingDuplicateGroups(workspaceId: String) throws -> [DuplicateGroup] {
        var remaining: [DuplicateGroup] = []
        for group in try state.duplicateGroups() where group.workspaceId == workspaceId {
            var exists = false
            for postId in group.postIds where !exists {
                do {
                    _ = try client.getPost(id: postId)
                    exists = true
                } catch let error as PlanableAPIError where error.status == 404 {
                    continue
                } catch {
                    // A lookup that fails otherwise, such as on a 503 or a 403, must not hold back the run's items,
                    // so the group stays recorded and reported, and the next full run looks again.
                    logger.warning(
                        "could not look up a duplicate post group; keeping it",
                        ["post.group_id": group.groupId, "post.id": postId, "error": "\(error)"])
                    exists = true
                }
            }
            if exists {
                remaining.append(group)
            } else {
                logger.info(
                    "duplicate post group deleted",
                    ["item.source": group.source, "item.id": group.identity, "post.group_id": group.groupId])
                try state.dropDuplicateGroup(groupId: group.groupId)
            }
        }
        return remaining
    }
}

/// An edit not sent because every post of its group that is not published is being published, which a later run
/// settles once the publication ends.
struct PostsPublishingError: Error, CustomStringConvertible {
    var message: String

    var description: String { message }
}
