import Foundation
import Logging
import PlanableAPI
import Timestamps

/// The checks that compare a group's drafts in Planable with the state before an update: whether a person edited
/// the text, and which schedule or campaign that the source dropped the update may clear.
extension SyncEngine {
    /// The fields that an update of one group clears, and a warning for each field that the source dropped but that
    /// a person changed in Planable, which the update leaves as it is.
    struct ClearingPlan {
        var fields: ClearedFields = []
        var warnings: [String] = []
    }

    /// Reads the drafts of a group that the checks before an update compare, each once, and returns them by post id.
    ///
    /// A draft is read when its text is checked for edits made in Planable, or when the source dropped a schedule
    /// or campaign that the state records as sent for the group. A draft that no longer exists is left out.
    func currentDrafts(_ covered: [PostRecord], payload: PostPayload) throws -> [String: Post] {
        let comparesSentFields = !Self.droppedFields(covered, payload: payload).isEmpty
        // An approval given since the last status poll blocks the edit too, so every draft is read for it.
        let checksApproval = !configuration.updatesApprovedPosts
        var drafts: [String: Post] = [:]
        for post in covered where !post.published {
            let checksText = !configuration.overwritesPlanableEdits && post.planableTextHash != nil
            guard checksText || comparesSentFields || checksApproval else { continue }
            do {
                drafts[post.postId] = try client.getPost(id: post.postId)
            } catch let error as PlanableAPIError where error.status == 404 {
                continue
            }
        }
        return drafts
    }

    /// Returns the fields that `payload` leaves unset although the state records a value sent for a post of the
    /// group.
    static func droppedFields(_ covered: [PostRecord], payload: PostPayload) -> ClearedFields {
        var fields: ClearedFields = []
        if payload.scheduledAt == nil && covered.contains(where: { $0.sent.scheduledAt != nil }) {
            fields.insert(.schedule)
        }
        if payload.campaign == nil && covered.contains(where: { $0.sent.campaignId != nil }) {
            fields.insert(.campaign)
        }
        return fields
    }

    /// Returns the blocked outcome of an update whose drafts someone edited in Planable since the last sync, or nil
    /// when none was edited or `overwrite_planable_edits` is set. A plan reads the posts as a sync would.
    ///
    /// - Parameter previous: the item's record before this run. The warning is logged when the item becomes
    ///   blocked for this reason, not again at each later read of an item that stays blocked.
    func planableEditOutcome(
        _ covered: [PostRecord], drafts: [String: Post], group: PlannedGroup, item: SourceItem, mode: RunMode,
        previous: ItemRecord
    ) -> GroupOutcome? {
        guard !configuration.overwritesPlanableEdits else { return nil }
        let edited = postsEditedInPlanable(covered, drafts: drafts, sending: group.payload.text)
        guard !edited.isEmpty else { return nil }
        let pages = edited.map { post in group.pages.first { $0.id == post.pageId }?.name ?? post.pageId }
        return blockedOutcome(
            edited, covered: covered, item: item, mode: mode, previous: previous,
            marker: "was edited in Planable since", warning: "post edited in Planable since the last sync; not updating"
        ) { verb in
            "\(item.location): the text on \(pages.joined(separator: ", ")) was edited in Planable since the last "
                + "sync, so the source's change \(verb); copy the edit into the source, or set "
                + "overwrite_planable_edits: true for one sync to replace it"
        }
    }

    /// Returns the blocked outcome of an update that would change posts a reviewer approved in Planable, or nil when
    /// none is approved or `update_approved` is set. The approval comes from the drafts read before the update.
    ///
    /// Planable's document does not say whether an edit resets an approval, so an edit sent to an approved post
    /// that publishes at its date could publish text that no reviewer saw.
    func approvedEditOutcome(
        _ covered: [PostRecord], drafts: [String: Post], group: PlannedGroup, item: SourceItem, mode: RunMode,
        previous: ItemRecord
    ) -> GroupOutcome? {
        guard !configuration.updatesApprovedPosts, !group.predatesScheduleDate(covered) else { return nil }
        // Without `update_approved`, `currentDrafts` read every draft, so one missing from `drafts` is gone from
        // Planable and approves nothing. A post being published takes the path for publishing posts.
        let approved = covered.filter { post in
            guard !post.published, let current = drafts[post.postId] else { return false }
            return !current.published && current.status != "publishing" && Self.isApproved(current.approval?.status)
        }
        guard !approved.isEmpty else { return nil }
        let pages = Self.pageNames(of: approved, in: group)
        let subject = approved.count == 1 ? "post on \(pages) was" : "posts on \(pages) were"
        return blockedOutcome(
            approved, covered: covered, item: item, mode: mode, previous: previous, marker: "approved in Planable",
            warning: "post approved in Planable; not updating"
        ) { verb in
            "\(item.location): the \(subject) approved in Planable, so the source's change \(verb) and the approved "
                + "text stays; to send it, set update_approved: true for one sync and ask the reviewer to approve the "
                + "new text"
        }
    }

    /// Returns the blocked outcome of an update that `posts` hold back, with the message that `message` builds
    /// from its verb. The warning is logged in a sync when the item becomes blocked for this reason, that is when
    /// its last message does not contain `marker`, and not again at each later read of an item that stays blocked.
    private func blockedOutcome(
        _ posts: [PostRecord], covered: [PostRecord], item: SourceItem, mode: RunMode, previous: ItemRecord,
        marker: String, warning: String, message: (_ verb: String) -> String
    ) -> GroupOutcome {
        let alreadyReported = previous.status == "blocked" && previous.lastError?.contains(marker) == true
        if mode == .apply && !alreadyReported {
            logger.warning(
                warning,
                [
                    "item.source": item.source, "item.id": item.identity,
                    "post.ids": posts.map(\.postId).joined(separator: ","),
                ])
        }
        return GroupOutcome(
            decision: .blocked, message: message(mode == .apply ? "was not sent" : "would not be sent"),
            postIds: covered.map(\.postId))
    }

    /// Returns the drafts among `posts` whose text in Planable differs from the text Planable returned after this
    /// program's last create or update, as after a client's edit in Planable. A post whose state predates the
    /// record of that text, or that no longer exists, is not counted.
    ///
    /// A draft that shows `text`, the text this update sends, is not counted either, nor one that shows the text of
    /// the last update whose response was never recorded. Such an update reached Planable while the process was
    /// killed or the state could not be written. This update then sends the current text and records it.
    ///
    /// NOTE: only the last unrecorded update's text is kept, and it is compared with the text Planable returns, so
    /// two killed updates in a row, or an API that rewrites the text it stores, still look like a person's edit.
    private func postsEditedInPlanable(
        _ posts: [PostRecord], drafts: [String: Post], sending text: String
    )
        -> [PostRecord]
    {
        posts.filter { post in
            guard !post.published, let recorded = post.planableTextHash, let current = drafts[post.postId] else {
                return false
            }
            if current.plainText == text { return false }
            let currentHash = StateStore.textHash(current.plainText)
            return currentHash != recorded && currentHash != post.sentTextHash
        }
    }

    /// Decides, for each schedule or campaign that the source dropped, whether the update clears it.
    ///
    /// The update clears a field when each draft that still has a value in Planable has the one that this program
    /// sent last. When a draft's value differs, a person changed it in Planable, so the update leaves the field on
    /// the whole group, because one PATCH updates every draft of the group, and the plan carries a warning that
    /// names the pages. A draft without a value needs no clearing.
    func clearingPlan(_ covered: [PostRecord], drafts: [String: Post], group: PlannedGroup) -> ClearingPlan {
        var plan = ClearingPlan()
        let dropped = Self.droppedFields(covered, payload: group.payload)
        for (field, name) in [(ClearedFields.schedule, "schedule"), (.campaign, "campaign")]
        where dropped.contains(field) {
            var sentValueFound = false
            var changedPages: [String] = []
            for post in covered {
                guard let current = drafts[post.postId], !current.published else { continue }
                let matches: Bool
                if field == .schedule {
                    guard let scheduledAt = current.scheduledAt else { continue }
                    matches = Self.isSameTime(post.sent.scheduledAt, scheduledAt)
                } else {
                    guard let campaignId = current.campaignId else { continue }
                    matches = post.sent.campaignId == campaignId
                }
                if matches {
                    sentValueFound = true
                } else {
                    changedPages.append(group.pages.first { $0.id == post.pageId }?.name ?? post.pageId)
                }
            }
            if !changedPages.isEmpty {
                plan.warnings.append(
                    "the \(name) on \(changedPages.joined(separator: ", ")) was changed in Planable since the last "
                        + "sync, so the update leaves it, although the source no longer sets one")
            } else if sentValueFound {
                plan.fields.insert(field)
            }
        }
        return plan
    }

    /// Tells whether a `scheduledAt` that this program sent names the same instant as Planable's, which may write
    /// the time in another form, such as without milliseconds.
    static func isSameTime(_ sent: String?, _ current: String) -> Bool {
        guard let sent else { return false }
        guard let sentDate = Timestamp.date(sent), let currentDate = Timestamp.date(current) else {
            return sent == current
        }
        return abs(sentDate.timeIntervalSince(currentDate)) < 0.000_5
    }
}
