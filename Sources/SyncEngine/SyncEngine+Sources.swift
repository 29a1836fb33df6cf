import Foundation
import Logging
import PlanableAPI

extension SyncEngine {
    /// Pairs items that are new to the state with removed items of equal content: a renamed or moved file keeps
    /// its posts instead of getting new ones.
    ///
    /// In apply mode the state rows move to the new identity; in plan mode the item only carries the old one.
    func matchRenames(_ scan: inout SourceScan, source: String, mode: RunMode) throws {
        guard !scan.removedIdentities.isEmpty else { return }
        var removed: [String: String] = [:]
        for identity in scan.removedIdentities {
            if let record = try state.item(source: source, identity: identity), let hash = record.bodyHash,
                record.status != "removed"
            {
                removed[hash] = identity
            }
        }
        var renamed = Set<String>()
        for index in scan.items.indices {
            let item = scan.items[index]
            guard let oldIdentity = removed[item.bodyHash], oldIdentity != item.identity,
                try state.item(source: source, identity: item.identity) == nil
            else { continue }
            removed[item.bodyHash] = nil
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

    /// Stores the scan's errors as the source's read failures within the scan's scope, so `status` lists each file
    /// or feed that could not be read until a later scan reads it or finds it gone.
    func recordReadFailures(_ scan: SourceScan, source: String) throws {
        let failures = scan.errors.map { error in
            ReadFailure(
                source: source, location: error.location ?? error.identity ?? "", entry: error.entry ?? "",
                message: error.message)
        }
        try state.replaceReadFailures(source: source, scope: scan.readFailureScope, with: failures)
    }

    /// Handles an item whose source file or entry is gone: its drafts are deleted when the configuration says
    /// so, and otherwise left alone. Returns the report line, or nil when there is nothing new to say.
    func handleRemoved(source: String, identity: String, mode: RunMode) throws -> ReportedItem? {
        guard var record = try state.item(source: source, identity: identity), record.status != "removed" else {
            return nil
        }
        let posts = try state.posts(source: source, identity: identity)
        var reported = ReportedItem(
            source: source, identity: identity, title: record.title, decision: .skipped,
            message: "removed from the source; its posts are left in Planable", posts: [])
        if configuration.deleteDrafts {
            let drafts = posts.filter { !$0.published }
            reported.decision = drafts.isEmpty ? .skipped : .update
            reported.message = "removed from the source; deleting \(drafts.count) draft posts"
            if mode == .apply {
                for post in drafts {
                    do {
                        try client.deletePost(id: post.postId)
                    } catch let error as PlanableAPIError where error.status == 404 {
                        // Already gone in Planable.
                    }
                    try state.deletePostRecords(postIds: [post.postId])
                    logger.info(
                        "deleted draft of removed item",
                        ["item.source": source, "item.id": identity, "post.id": post.postId])
                }
            }
        }
        if mode == .apply {
            record.status = "removed"
            try state.saveItem(record)
        }
        return reported
    }
}
