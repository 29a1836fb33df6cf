import Foundation
import Logging
import PlanableAPI
import SQLite

/// Follows tracked posts through approval and publication by polling, because the API has no webhooks.
///
/// `GET /posts` has no status or updated-since filter, so the follower picks the cheaper of two ways per pass:
/// one `GET /posts/{id}` per followed post, or listing the workspace 100 posts a page until every followed post
/// was seen.
package struct StatusFollower {
    let client: PlanableClient
    let state: StateStore
    let logger: Logger
    /// The most read requests one refresh may send.
    var readBudget: Int = 100

    package init(client: PlanableClient, state: StateStore, logger: Logger, readBudget: Int = 100) {
        self.client = client
        self.state = state
        self.logger = logger
        self.readBudget = readBudget
    }

    /// Tells whether `post` has a final status, `published`, `failed` or `deleted` (gone from Planable), and needs
    /// no more polling.
    ///
    /// The `published` flag alone does not end following, because a sync pass sets it when a PATCH returns
    /// `POST_ALREADY_PUBLISHED`, before any poll has recorded the final status and the published link.
    package static func isSettled(_ post: PostRecord) -> Bool {
        post.status == "published" || post.status == "failed" || post.status == "deleted"
    }

    /// Polls the posts of `workspaceId` whose status is not final, records what changed and returns the number
    /// of transitions.
    @discardableResult
    package func refresh(workspaceId: String, workspacePostCount: Int? = nil) throws -> Int {
        let tracked = try state.allPosts().filter { !Self.isSettled($0) }
        guard !tracked.isEmpty, readBudget > 0 else { return 0 }
        var byId = Dictionary(tracked.map { ($0.postId, $0) }, uniquingKeysWith: { first, _ in first })
        var transitions = 0
        var reads = 0

        let listPages = workspacePostCount.map { ($0 + 99) / 100 } ?? Int.max
        if tracked.count <= min(listPages, readBudget) && tracked.count <= 5 {
            for record in tracked {
                guard reads < readBudget else { break }
                reads += 1
                transitions += try readOne(record)
            }
            return transitions
        }

        // A refresh that runs out of budget goes on where the last one stopped, so every post is seen in turn
        // even when the workspace has more pages than one refresh may read.
        let start = (try? state.setting("status_cursor")).flatMap { Int($0) } ?? 0
        var offset = start
        var wrapped = start == 0
        var sweptWholeList = false
        while !byId.isEmpty && reads < readBudget {
            reads += 1
            let page = try client.listPosts(workspaceId: workspaceId, offset: offset, limit: 100)
            for post in page.items {
                guard let previous = byId.removeValue(forKey: post.id) else { continue }
                transitions += try store(post, previous: previous)
            }
            offset += page.items.count
            if page.items.isEmpty || page.pagination?.hasMore != true {
                offset = 0
                if wrapped {
                    sweptWholeList = true
                    break
                }
                wrapped = true
            } else if wrapped && start > 0 && offset >= start {
                sweptWholeList = true
                break
            }
        }
        try? state.setSetting("status_cursor", String(offset))
        // A tracked post that a sweep of the whole list did not show was probably deleted in Planable. A post
        // created meanwhile shifts the list's pages, so each one is read on its own before it is marked.
        if sweptWholeList {
            for record in byId.values.sorted(by: { $0.postId < $1.postId }) {
                guard reads < readBudget else { break }
                reads += 1
                transitions += try readOne(record)
            }
        }
        return transitions
    }

    /// Reads one post by its id and stores its status, or marks it deleted when the API no longer has it. Returns
    /// the number of fields that changed.
    private func readOne(_ record: PostRecord) throws -> Int {
        do {
            return try store(try client.getPost(id: record.postId), previous: record)
        } catch let error as PlanableAPIError where error.status == 404 {
            try state.recordPostGone(postId: record.postId)
            return 0
        }
    }

    /// Stores the post's current status and logs each field that changed; returns how many changed.
    private func store(_ post: Post, previous: PostRecord) throws -> Int {
        let snapshot = PostSnapshot(post)
        var changes: [(String, String?, String?)] = []
        if snapshot.status != previous.status { changes.append(("status", previous.status, snapshot.status)) }
        if snapshot.approvalStatus != previous.approvalStatus {
            changes.append(("approval", previous.approvalStatus, snapshot.approvalStatus))
        }
        if snapshot.scheduledSet != previous.scheduledSet {
            changes.append(("scheduled", String(previous.scheduledSet), String(snapshot.scheduledSet)))
        }
        if snapshot.published != previous.published {
            changes.append(("published", String(previous.published), String(snapshot.published)))
        }
        if snapshot.publishedLink != previous.publishedLink {
            changes.append(("published_link", previous.publishedLink, snapshot.publishedLink))
        }
        let now = StateStore.timestamp()
        try state.withDatabase { database in
            try database.transaction {
                try database.run(
                    """
                    UPDATE posts SET status = ?, approval_status = ?, scheduled_set = ?, published = ?,
                        published_link = ?, checked_at = ?, changed_at = CASE WHEN ? THEN ? ELSE changed_at END
                    WHERE post_id = ?
                    """,
                    [
                        snapshot.status, snapshot.approvalStatus, snapshot.scheduledSet, snapshot.published,
                        snapshot.publishedLink, now, !changes.isEmpty, now, post.id,
                    ])
                for (field, old, new) in changes {
                    try database.run(
                        "INSERT INTO transitions (post_id, at, field, old_value, new_value) VALUES (?, ?, ?, ?, ?)",
                        [post.id, now, field, old, new])
                }
            }
        }
        for (field, old, new) in changes {
            logger.info(
                "post status changed",
                [
                    "post.id": post.id, "post.group_id": post.groupId ?? "", "field": field, "old": old ?? "",
                    "new": new ?? "", "item.id": previous.identity,
                ])
        }
        return changes.count
    }
}
