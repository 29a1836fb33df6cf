import Foundation
import HTTPClient
import Logging
import PlanableAPI
import Synchronization
import Timestamps

extension SyncEngine {
    /// The time, 30 days, during which an item that a pass removed is matched with a new file of its text.
    static let earlierRemovalWindow: TimeInterval = 30 * 86_400

    /// Pairs items that are new to the state with removed items of equal content: a renamed or moved file keeps
    /// its posts instead of getting new ones. An item that an earlier pass removed in the last 30 days counts too,
    /// while it still has a draft in Planable. So a file moved out of the folder and back to another path, as in two
    /// steps of a reorganization, finds its posts again.
    ///
    /// In apply mode the state rows move to the new identity; in plan mode the item only carries the old one.
    func matchRenames(_ scan: inout SourceScan, source: String, mode: RunMode) throws {
        var removed: [String: String] = [:]
        for identity in scan.removedIdentities {
            if let record = try state.item(source: source, identity: identity), let hash = record.bodyHash,
                record.status != "removed"
            {
                removed[hash] = identity
            }
        }
        // One query, which finds nothing in most passes, so that the scanned items' texts are hashed only when an
        // earlier removal may match them. The removals come oldest first, so of two with one text the later wins.
        // A removal whose own file is back is the file's, not another's.
        let scannedIdentities = Set(scan.items.map(\.identity))
        let earlierRemovals =
            scan.items.isEmpty
            ? []
            : try state.removedItemHashes(source: source, since: Date() - Self.earlierRemovalWindow)
                .filter { removed[$0.bodyHash] == nil && !scannedIdentities.contains($0.identity) }
        if !earlierRemovals.isEmpty {
            // The loop below checks that the item is new to the state; this only spares reading posts.
            let scannedHashes = Set(scan.items.flatMap { [$0.bodyHash, $0.earlierBodyHash] })
            var earlier: [String: String] = [:]
            for (identity, hash) in earlierRemovals where scannedHashes.contains(hash) {
                // Only a removal with a draft left in Planable is matched: one whose drafts were deleted or whose
                // posts were published leaves the file's return to be posted as new.
                let hasDraft = try state.posts(source: source, identity: identity).contains {
                    $0.status != "deleted" && !$0.published
                }
                if hasDraft { earlier[hash] = identity }
            }
            removed.merge(earlier) { current, _ in current }
        }
        guard !removed.isEmpty else { return }
        var renamed = Set<String>()
        for index in scan.items.indices {
            let item = scan.items[index]
            guard let hash = [item.bodyHash, item.earlierBodyHash].first(where: { removed[$0] != nil }),
                let oldIdentity = removed[hash], oldIdentity != item.identity,
                try state.item(source: source, identity: item.identity) == nil
            else { continue }
            removed[hash] = nil
            renamed.insert(oldIdentity)
            logger.info(
                "item renamed; keeping its posts",
                ["item.source": source, "item.id": item.identity, "item.previous_id": oldIdentity])
            if mode == .apply {
                try state.renameItem(source: source, from: oldIdentity, to: item.identity)
            } else {
                scan.items[index].previousIdentity = oldIdentity
            }
        }
        scan.removedIdentities.removeAll { renamed.contains($0) }
    }

    /// Moves the records and posts of each item whose identity changed, such as a feed entry whose link changed, to
    /// its new identity, so that the item updates its posts instead of creating new ones.
    ///
    /// In apply mode the state rows move; in plan mode the items only carry their previous identity.
    ///
    /// - Returns: the report message of each moved item that is not routine, by identity.
    func moveChangedIdentities(_ scan: inout SourceScan, source: String, mode: RunMode) throws -> [String: String] {
        var messages: [String: String] = [:]
        var moved: [IdentityChange] = []
        for change in scan.identityChanges {
            if mode == .apply {
                // A row under the new identity would be lost in the move, so such an item keeps both.
                guard try state.hasItem(source: source, identity: change.previousIdentity),
                    try !state.hasItem(source: source, identity: change.identity)
                else {
                    // Mapped under the new identity, the item would find no post and create one, so it waits.
                    scan.items.removeAll { $0.identity == change.identity }
                    logger.warning(
                        "item identity changed, but the state has records under both identities, so the item was "
                            + "left out of this pass; run `planable-sync status` to see both, and when the new "
                            + "identity has no post, `planable-sync forget SOURCE/NEW_ID` lets the next pass move "
                            + "the earlier records to it",
                        [
                            "item.source": source, "item.id": change.identity,
                            "item.previous_id": Self.redactedIdentity(change.previousIdentity),
                        ])
                    continue
                }
                try state.renameItem(source: source, from: change.previousIdentity, to: change.identity)
            } else if let index = scan.items.firstIndex(where: { $0.identity == change.identity }) {
                scan.items[index].previousIdentity = change.previousIdentity
            }
            moved.append(change)
            logger.info(
                mode == .apply ? "item identity changed; moved its records and posts" : "item identity changed",
                [
                    "item.source": source, "item.id": change.identity,
                    "item.previous_id": Self.redactedIdentity(change.previousIdentity), "evidence": change.evidence,
                ])
            guard !change.isRoutine else { continue }
            let action =
                mode == .apply
                ? "its records and posts moved to the new key, so later edits reach its draft"
                : "a sync moves its records and posts to the new key, so later edits reach its draft"
            messages[change.identity] =
                "its key changed from \(Self.redactedIdentity(change.previousIdentity)), matched by "
                + "\(change.evidence); \(action)"
        }
        let reported = moved.filter { !$0.isRoutine }
        if let example = reported.first {
            logger.warning(
                mode == .apply
                    ? "items of the source changed their keys; moved their records and posts to the new keys"
                    : "items of the source changed their keys; a sync moves their records and posts to the new keys",
                [
                    "item.source": source, "items": String(reported.count), "example.id": example.identity,
                    "example.previous_id": Self.redactedIdentity(example.previousIdentity),
                ])
        }
        return messages
    }

    /// Returns a feed entry's identity with the password of its link redacted, as `link:http://client:***@host/p`.
    /// Earlier versions resolved relative links against a feed URL with its password, so the keys that they stored
    /// may carry it.
    static func redactedIdentity(_ identity: String) -> String {
        guard identity.hasPrefix("link:") else { return URLCredentials.redactingPassword(in: identity) }
        return "link:" + URLCredentials.redactingPassword(in: String(identity.dropFirst("link:".count)))
    }

    /// Cancels the removals of a directory source's scan when they, with the removals of the last hour, would
    /// delete the drafts of more than its `max_removed_share` of its items. It adds an error instead, so the pass
    /// removes nothing and exits with 75.
    ///
    /// Applies only with `delete_drafts` and to a source with at least `minimumItemsForRemovalGuard` items, since a
    /// small folder often loses most of its files on purpose. Renamed files are matched before, so moving files
    /// within the folder does not count. Of the items still in the folder, only those with posts count toward the
    /// share, because files that failed would otherwise dilute it and let a mass removal of the others through.
    func holdMassRemoval(_ scan: inout SourceScan, source: String) throws {
        guard configuration.deleteDrafts, !scan.removedIdentities.isEmpty,
            let settings = configuration.sources.first(where: { $0.name == source }),
            case .directory(let path, _, _) = settings.kind
        else { return }
        let items = try state.items(source: source)
        let withPosts = try state.identitiesWithPosts(source: source)
        let allActive = items.filter { $0.status != "removed" }
        let active = Set(allActive.filter { withPosts.contains($0.identity) }.map(\.identity))
        // Items removed within the window count too, so that files deleted one at a time, each seen by its own
        // pass of the daemon, meet the same limit as files deleted at once. Those include the items without a post,
        // which the state forgot and counts by the recorded time of their removal.
        let windowStart = Date().addingTimeInterval(-Self.removalGuardWindow)
        let recentlyRemoved =
            items.filter { item in
                item.status == "removed" && (StateStore.date(item.updatedAt).map { $0 > windowStart } ?? false)
            }.count + (try state.forgottenRemovals(source: source, since: windowStart))
        let removed = scan.removedIdentities.filter(active.contains).count + recentlyRemoved
        let total = active.count + recentlyRemoved
        // The size that makes the guard apply counts every item, so that leaving out the failed ones from the share
        // never turns the guard off.
        guard allActive.count + recentlyRemoved >= Self.minimumItemsForRemovalGuard,
            Double(removed) > settings.maximumRemovedShare * Double(total)
        else { return }
        let percent = Int((Double(removed) / Double(total) * 100).rounded())
        let limit = Int((settings.maximumRemovedShare * 100).rounded())
        let message =
            "source \"\(source)\": \(removed) of \(total) items (\(percent)%) are gone from folder \(path) "
            + "within an hour, more than the source's max_removed_share of \(limit)%, so no draft was deleted. If "
            + "the files were deleted on purpose, raise the source's max_removed_share (a share from 0 to 1) until "
            + "the deletion is done, since the removals of the last hour count. Otherwise restore them"
        scan.removedIdentities = []
        scan.errors.append(
            SourceError(source: source, identity: nil, message: message, isDataError: false, location: path))
    }

    /// The minimum number of items a directory source needs before `holdMassRemoval` applies.
    static let minimumItemsForRemovalGuard = 10

    /// How far back, in seconds, `holdMassRemoval` counts items that earlier passes removed.
    static let removalGuardWindow: Double = 3600

    /// Stores the scan's errors as the source's read failures within the scan's scope, so `status` lists each file
    /// or feed that could not be read until a later scan reads it or finds it gone.
    ///
    /// - Returns: the indices in `scan.errors` of the failures that the state already contained with the same
    ///   message and that this process logged before. A failure stored by another process, such as the daemon
    ///   before a restart, is logged once more, so that the log after a restart shows an ongoing problem.
    func recordReadFailures(_ scan: SourceScan, source: String) throws -> Set<Int> {
        let failures = scan.errors.map { error in
            ReadFailure(
                source: source, location: error.location ?? error.identity ?? "", entry: error.entry ?? "",
                message: error.message)
        }
        var known: Set<Int> = []
        if !failures.isEmpty {
            let stored = Set(try state.readFailures(source: source).map { [$0.location, $0.entry, $0.message] })
            let keys = failures.map { [state.path, source, $0.location, $0.entry, $0.message] }
            Self.readFailuresLogged.withLock { logged in
                known = Set(
                    failures.indices.filter { index in
                        let failure = failures[index]
                        return stored.contains([failure.location, failure.entry, failure.message])
                            && logged.contains(keys[index])
                    })
                logged.formUnion(keys)
            }
        }
        try state.replaceReadFailures(source: source, scope: scan.readFailureScope, with: failures)
        return known
    }

    /// The read failures that this process logged, by state path, source, location, entry and message.
    private static let readFailuresLogged = Mutex<Set<[String]>>([])

    /// How long the state keeps a removed item whose posts were deleted in Planable, so that its file, back within
    /// that time, is not posted again, because a client may have deleted the posts on purpose.
    static let deletedPostsGracePeriod: TimeInterval = 30 * 24 * 3600

    /// Handles an item whose source file or entry is gone: its drafts are deleted when the configuration says
    /// so, and otherwise left alone. Returns the report line, or nil when there is nothing new to say.
    ///
    /// An item left with no post and no pending create, because it never had a post or because this pass deleted
    /// all of its drafts, is forgotten. Its records are deleted from the state instead of kept as removed, because
    /// nothing in Planable belongs to it. So is an item kept as removed without a post by an earlier version. An
    /// item whose posts a status poll found deleted in Planable is forgotten `deletedPostsGracePeriod` after its
    /// removal, so that `status` does not keep it for good.
    func handleRemoved(source: String, identity: String, mode: RunMode) throws -> ReportedItem? {
        guard var record = try state.item(source: source, identity: identity) else { return nil }
        let allPosts = try state.posts(source: source, identity: identity)
        // A post that a status poll found deleted in Planable keeps its record, so that the item's file, should it
        // come back, is not posted again at once.
        let posts = allPosts.filter { $0.status != "deleted" }
        guard record.status != "removed" else {
            let removedAt = StateStore.date(record.updatedAt) ?? Date()
            let forgettable =
                allPosts.isEmpty || Date().timeIntervalSince(removedAt) >= Self.deletedPostsGracePeriod
            if mode == .apply, posts.isEmpty, forgettable, try !hasPendingCreate(source: source, identity: identity) {
                // Earlier versions kept the rows of items whose drafts `delete_drafts` deleted. Such a removal
                // counts toward `holdMassRemoval` from the time its row records.
                try forgetRemovedItem(source: source, identity: identity, removedAt: removedAt)
            }
            return nil
        }
        let hasPendingCreate = try hasPendingCreate(source: source, identity: identity)
        var reported = ReportedItem(
            source: source, identity: identity, title: record.title, decision: .removed,
            message: "removed from the source; its posts are left in Planable", posts: [])
        if allPosts.isEmpty && !hasPendingCreate {
            reported.message =
                mode == .apply
                ? "removed from the source; it has no post, so the state no longer keeps it"
                : "removed from the source; it has no post, so a sync removes it from the state"
            if mode == .apply {
                try forgetRemovedItem(source: source, identity: identity, removedAt: Date())
                logger.info(
                    "item removed from the source",
                    ["item.source": source, "item.id": identity, "outcome": reported.message ?? ""])
            }
            return reported
        }
        if posts.isEmpty && !hasPendingCreate {
            reported.message =
                "removed from the source; its posts were deleted in Planable, so the state forgets it in 30 days "
                + "unless the file comes back"
            if mode == .apply {
                record.status = "removed"
                try state.saveItem(record)
                logger.info(
                    "item removed from the source",
                    ["item.source": source, "item.id": identity, "outcome": reported.message ?? ""])
            }
            return reported
        }
        var deletedEveryPost = false
        if configuration.deleteDrafts {
            // The state may be older than a person's action in Planable, such as an approval since the last status
            // poll, so each post is read before it is deleted, as an update reads a draft before it sends an edit.
            let sorted: DeletionSort
            do {
                sorted = try sortForDeletion(posts)
            } catch let error as PlanableAPIError {
                if case .cancelled = error { throw error }
                // The item stays recorded as present, so the next run reads its posts again.
                reported.decision = .failed
                reported.failedTemporarily = error.isRetryable ? true : nil
                reported.message =
                    "removed from the source, but its posts could not be read before their deletion: \(error); "
                    + "the next run tries again"
                logger.warning(
                    "removed item's posts could not be read before their deletion",
                    ["item.source": source, "item.id": identity, "error": error.description])
                return reported
            }
            // A restored file finds every post of its item, so one post that is not a draft keeps them all. Only the
            // records of drafts that Planable no longer has are deleted then.
            let keepsAll = !sorted.kept.isEmpty
            let deleting = keepsAll ? sorted.drafts.filter { sorted.alreadyDeleted.contains($0.postId) } : sorted.drafts
            if keepsAll {
                reported.message =
                    "removed from the source; its posts are left in Planable, since not all are drafts: "
                    + describeKept(sorted.kept)
            } else if !deleting.isEmpty {
                reported.decision = .delete
                let count = deleting.count
                reported.message = "removed from the source; deleting \(count) draft post\(count == 1 ? "" : "s")"
            } else {
                reported.message = "removed from the source; it has no post to delete"
            }
            if mode == .apply {
                for (post, reason) in sorted.kept {
                    logger.info(
                        "kept post of removed item, since it is not a draft",
                        ["item.source": source, "item.id": identity, "post.id": post.postId, "reason": reason])
                }
                for post in deleting {
                    if !sorted.alreadyDeleted.contains(post.postId) {
                        do {
                            try client.deletePost(id: post.postId)
                        } catch let error as PlanableAPIError where error.status == 404 {
                            // Already gone in Planable.
                        }
                    }
                    try state.deletePostRecords(postIds: [post.postId])
                    logger.info(
                        "deleted draft of removed item",
                        ["item.source": source, "item.id": identity, "post.id": post.postId])
                }
            }
            deletedEveryPost = !keepsAll && !hasPendingCreate
        }
        if mode == .apply {
            if deletedEveryPost {
                // Nothing in Planable belongs to the item any more, so a restored file gets a new draft.
                try forgetRemovedItem(source: source, identity: identity, removedAt: Date())
            } else {
                record.status = "removed"
                try state.saveItem(record)
            }
            // A daemon's pass that only records a removal sends no write, so this line is where its log shows it.
            logger.info(
                "item removed from the source",
                ["item.source": source, "item.id": identity, "outcome": reported.message ?? ""])
        }
        return reported
    }

    /// The posts of a removed item, split into the drafts that `delete_drafts` deletes and the posts it keeps.
    struct DeletionSort {
        /// The drafts to delete, with those already deleted in Planable.
        var drafts: [PostRecord] = []
        /// The ids of the drafts that Planable no longer has, which need no DELETE.
        var alreadyDeleted: Set<String> = []
        /// The posts that are not drafts, each with the reason, such as "approved and scheduled".
        var kept: [(post: PostRecord, reason: String)] = []
    }

    /// Reads each post of a removed item from Planable and sorts it: a post that is published, being published,
    /// approved at any level, or scheduled at a time other than the one sent, is kept, and the others are drafts.
    /// A post that the state records as published is kept without a read. The caller keeps the drafts too when any
    /// post is kept.
    ///
    /// NOTE: a person may approve or schedule a post between this read and the DELETE, and the API offers no
    /// conditional DELETE that would reject it then.
    func sortForDeletion(_ posts: [PostRecord]) throws -> DeletionSort {
        var sorted = DeletionSort()
        for post in posts {
            if post.published {
                sorted.kept.append((post, "published"))
                continue
            }
            let current: Post
            do {
                current = try client.getPost(id: post.postId)
            } catch let error as PlanableAPIError where error.status == 404 {
                sorted.drafts.append(post)
                sorted.alreadyDeleted.insert(post.postId)
                continue
            }
            let reasons = Self.reasonsNotDraft(current, sentSchedule: post.sent.scheduledAt)
            if reasons.isEmpty {
                sorted.drafts.append(post)
            } else {
                sorted.kept.append((post, reasons.joined(separator: " and ")))
            }
        }
        return sorted
    }

    /// Returns why Planable's `post` is no longer a draft that a removal may delete, or an empty list for a draft.
    /// A schedule counts only when it differs from `sentSchedule`, the `scheduledAt` that this program sent, so that
    /// a rule's schedule does not keep the post but a person's does.
    static func reasonsNotDraft(_ post: Post, sentSchedule: String?) -> [String] {
        if post.published || post.status == "published" { return ["published"] }
        if post.status == "publishing" { return ["being published"] }
        var reasons: [String] = []
        let approvalStatus = post.approval?.status ?? ""
        if post.approved || post.approval?.approved == true
            || ["PARTIALLY_APPROVED", "FULLY_APPROVED"].contains(approvalStatus)
        {
            reasons.append(approvalStatus == "PARTIALLY_APPROVED" ? "partly approved" : "approved")
        }
        if post.scheduledSet || post.status == "scheduled" {
            // No sent schedule means that planable-sync sent none, so the schedule is a person's.
            // NOTE: a state of an earlier version does not record the schedule it sent either, so there a rule's
            // schedule also keeps the post, which then publishes on its date.
            let sent = sentSchedule.flatMap(Timestamp.parse)
            if sent == nil || post.scheduledAt.flatMap(Timestamp.parse) != sent { reasons.append("scheduled") }
        }
        return reasons
    }

    /// Describes the posts that a removal keeps, such as `post 123 on Northwind LinkedIn is approved and scheduled`.
    private func describeKept(_ keptPosts: [(post: PostRecord, reason: String)]) -> String {
        let pageNames = (try? state.pageNames()) ?? [:]
        return keptPosts.map { entry in
            "post \(entry.post.postId) on \(pageNames[entry.post.pageId] ?? entry.post.pageId) is \(entry.reason)"
        }
        .joined(separator: "; ")
    }

    /// Tells whether the removal of an item waits out the daemon's `delete_grace_period`, because it would delete
    /// drafts. The first pass that finds the file gone logs the wait. A removal that deletes nothing does not wait.
    func holdsRemoval(source: String, identity: String) throws -> Bool {
        guard configuration.deleteDrafts, let removalGrace,
            let record = try state.item(source: source, identity: identity), record.status != "removed"
        else { return false }
        let drafts = try state.posts(source: source, identity: identity).filter {
            $0.status != "deleted" && !$0.published
        }
        guard !drafts.isEmpty,
            let hold = removalGrace.hold(source: source, identity: identity, location: record.location, now: Date())
        else { return false }
        if hold.isNew {
            logger.info(
                "file of an item with drafts is gone; its drafts are deleted after delete_grace_period unless the "
                    + "file is back by then",
                [
                    "item.source": source, "item.id": identity, "item.location": record.location ?? "",
                    "delete_grace_period": String(removalGrace.period), "due": StateStore.timestamp(hold.due),
                ])
        }
        return true
    }

    private func hasPendingCreate(source: String, identity: String) throws -> Bool {
        try state.pendingIntents().contains { $0.source == source && $0.identity == identity }
    }

    /// Deletes the records of a removed item that has no post, and records the time of its removal, because the
    /// state no longer has the row that `holdMassRemoval` counts.
    private func forgetRemovedItem(source: String, identity: String, removedAt: Date) throws {
        _ = try state.forget([.item(source: source, identity: identity)])
        try state.recordForgottenRemoval(
            source: source, at: removedAt, since: Date().addingTimeInterval(-Self.removalGuardWindow))
    }
}

extension StateStore {
    private static func forgottenRemovalsKey(_ source: String) -> String {
        "forgotten_removals:\(source)"
    }

    /// Returns the identities of the items of `source` that have a post not deleted in Planable, or a create that
    /// may have made one.
    func identitiesWithPosts(source: String) throws -> Set<String> {
        try withDatabase { database in
            let rows = try database.query(
                """
                SELECT identity FROM posts WHERE source = ? AND (status IS NULL OR status != 'deleted')
                UNION SELECT identity FROM intents WHERE source = ?
                """, [source, source])
            return Set(rows.compactMap { $0.string("identity") })
        }
    }

    /// Returns how many items of `source` without a post were removed and forgotten after `date`.
    func forgottenRemovals(source: String, since date: Date) throws -> Int {
        try forgottenRemovalTimes(source: source).filter { $0 > date }.count
    }

    /// Records that an item of `source` without a post, removed at `removal`, was forgotten, and drops the records
    /// of removals before `date`, which no longer count.
    func recordForgottenRemoval(source: String, at removal: Date, since date: Date) throws {
        let times = (try forgottenRemovalTimes(source: source) + [removal]).filter { $0 > date }
        try setSetting(Self.forgottenRemovalsKey(source), times.map { Self.timestamp($0) }.joined(separator: "\n"))
    }

    /// Returns the recorded times at which items of `source` without a post were removed and forgotten.
    private func forgottenRemovalTimes(source: String) throws -> [Date] {
        let text = try setting(Self.forgottenRemovalsKey(source)) ?? ""
        return text.split(separator: "\n").compactMap { Self.date(String($0)) }
    }
}
