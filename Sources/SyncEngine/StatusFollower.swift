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

    /// Tells whether `post` has a final status, `published` or `deleted` (gone from Planable), and needs no more
    /// polling.
    ///
    /// A `failed` post is followed on, because a person may fix its page and publish it again in Planable, as the
    /// failure's log line advises. The daemon's polls slow down while they find no change, so such a post costs at
    /// most one read per poll.
    ///
    /// The `published` flag alone does not end following, because a sync pass sets it when a PATCH returns
    /// `POST_ALREADY_PUBLISHED`, before any poll has recorded the final status and the published link. A published
    /// post whose link a poll recorded is settled whatever its status, which Planable's OpenAPI document leaves
    /// open, so that a status word other than `published` does not keep it polled for good.
    package static func isSettled(_ post: PostRecord) -> Bool {
        post.status == "published" || post.status == "deleted" || (post.published && post.publishedLink != nil)
    }

    /// The state setting that contains the time of the last status poll that completed.
    package static let polledAtSetting = "status_polled_at"

    /// Polls the posts of `workspaceId` whose status is not final, records what changed and returns one change
    /// per post whose status changed.
    ///
    /// A poll that completes records its time under `polledAtSetting`, also when no post needed reading. A poll
    /// with a read budget of 0 reads nothing and records nothing.
    @discardableResult
    package func refresh(workspaceId: String, workspacePostCount: Int? = nil) throws -> [PostStatusChange] {
        guard readBudget > 0 else { return [] }
        let changes = try poll(workspaceId: workspaceId, workspacePostCount: workspacePostCount)
        try? state.setSetting(Self.polledAtSetting, StateStore.timestamp())
        return changes
    }

    private func poll(workspaceId: String, workspacePostCount: Int?) throws -> [PostStatusChange] {
        let tracked = try state.allPosts().filter { !Self.isSettled($0) }
        guard !tracked.isEmpty else { return [] }
        var byId = Dictionary(tracked.map { ($0.postId, $0) }, uniquingKeysWith: { first, _ in first })
        var changed: [PostStatusChange] = []
        var reads = 0

        let listPages = workspacePostCount.map { ($0 + 99) / 100 } ?? Int.max
        if tracked.count <= min(listPages, readBudget) && tracked.count <= 5 {
            for record in tracked {
                guard reads < readBudget else { break }
                reads += 1
                changed += try readOne(record)
            }
            return changed
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
                changed += try store(post, previous: previous)
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
                changed += try readOne(record)
            }
        }
        return changed
    }

    /// Reads one post by its id and stores its status, or marks it deleted when the API no longer has it. Returns
    /// the post's change, or nothing when its status is as the state records it.
    private func readOne(_ record: PostRecord) throws -> [PostStatusChange] {
        do {
            return try store(try client.getPost(id: record.postId), previous: record)
        } catch let error as PlanableAPIError where error.status == 404 {
            try state.recordPostGone(postId: record.postId)
            // A person deleted the post in Planable. Its page then goes without a post, so the log names it.
            logger.info(
                "post status changed",
                [
                    "post.id": record.postId, "post.group_id": record.groupId ?? "", "field": "status",
                    "old": record.status ?? "", "new": "deleted", "item.id": record.identity,
                ])
            let gone = PostStatusChange.Field(name: "status", old: record.status, new: "deleted")
            return [PostStatusChange(previous: record, fields: [gone], publishedLink: nil, isDeletion: true)]
        }
    }

    /// Stores the post's current status and logs each field that changed. Returns the post's change, or nothing
    /// when no field changed.
    private func store(_ post: Post, previous: PostRecord) throws -> [PostStatusChange] {
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
        if snapshot.status == "failed" && previous.status != "failed" {
            // A client's post that never went out needs a person, so it is a warning, unlike other changes.
            // The page's name, which the last sync stored, shows a person which connection to check.
            let pageName = (try? state.pageNames())?[post.pageId] ?? ""
            logger.warning(
                "post failed to publish; check the page's connection in Planable, then publish the post there again",
                [
                    "post.id": post.id, "post.group_id": post.groupId ?? "", "page.id": post.pageId,
                    "page.name": pageName, "item.source": previous.source, "item.id": previous.identity,
                ])
        }
        for (field, old, new) in changes {
            logger.info(
                "post status changed",
                [
                    "post.id": post.id, "post.group_id": post.groupId ?? "", "field": field, "old": old ?? "",
                    "new": new ?? "", "item.id": previous.identity,
                ])
        }
        guard !changes.isEmpty else { return [] }
        let fields = changes.map { PostStatusChange.Field(name: $0.0, old: $0.1, new: $0.2) }
        return [PostStatusChange(previous: previous, fields: fields, publishedLink: snapshot.publishedLink)]
    }
}

/// The status fields of one followed post that a poll found changed.
package struct PostStatusChange: Sendable, Equatable {
    /// One field's value before and after the poll, as the `transitions` table records it.
    package struct Field: Sendable, Equatable {
        /// `status`, `approval`, `scheduled`, `published` or `published_link`.
        package var name: String
        package var old: String?
        package var new: String?
    }

    /// The post as the state recorded it before the poll.
    package var previous: PostRecord
    package var fields: [Field]
    /// The post's published link after the poll, nil until it is published.
    package var publishedLink: String?
    /// Whether the API no longer has the post, so the poll marked it deleted. The `transitions` table records no
    /// row for a deletion.
    package var isDeletion = false

    /// Returns the change of the field `name`, nil when it did not change.
    package func field(_ name: String) -> Field? {
        fields.first { $0.name == name }
    }
}
