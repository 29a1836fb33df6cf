import Foundation
import PlanableAPI

/// What a run decided for one item.
package enum ItemDecision: String, Sendable, Codable {
    case create
    case update
    /// The item was removed from its source, and `delete_drafts` deletes its draft posts.
    case delete
    /// The item was removed from its source, and its posts, if it has any, are left in Planable.
    case removed
    case unchanged
    case skipped
    /// The item cannot be synced as it is, such as an edit to a published post; it is reported, not retried.
    case blocked
    case failed
    /// A feed entry recorded on a feed's first run without being posted.
    case baselined
}

/// One rendered post in a report.
package struct ReportedPost: Sendable, Codable {
    package var pages: [String]
    package var networks: [String]
    package var text: String
    package var characters: Int
    package var media: [String]
    package var postIds: [String]
    package var warnings: [String]
    /// The RFC 3339 time the post is scheduled for, when a rule or override schedules it.
    package var scheduledAt: String?
    /// The label names the post carries.
    package var labels: [String] = []
    /// The campaign's name or id, when the post joins one.
    package var campaign: String?
    /// The run's decision for this post. It differs from the item's decision when the item has posts that stay
    /// as they are beside a new one, such as after a page was added.
    package var decision: ItemDecision? {
        didSet {
            let unsent = decision == .update ? createOnlyFieldsWithValues() : []
            unchangedByUpdate = unsent.isEmpty ? nil : unsent
        }
    }
    /// Whether Planable publishes the post at `scheduledAt` by itself once it is approved.
    package var publishAtScheduledDate: Bool?
    package var firstComment: String?
    /// A note visible to the team only.
    package var internalNote: String?
    /// Whether the post is visible to the team only, and hidden from the client.
    package var teamOnly: Bool?
    package var youtubeTitle: String?
    /// The title of a LinkedIn document (PDF carousel) post.
    package var linkedinPdfTitle: String?
    package var linkedinVideoTitle: String?
    package var pinterest: PinterestFields?
    /// Whether Planable notifies workspace members of the create or update, from the configuration's `notify`.
    package var notify: Bool?
    /// For a post to update, the fields of `createOnlyFields` that it sets, and nil for other posts. The update
    /// leaves them as the create set them, so an edit to them does not reach Planable. Setting `decision` sets it
    /// from the fields the post has at that time.
    package var unchangedByUpdate: [String]?
    /// For a post to update, the fields that the update clears with `null`, because the source no longer sets them
    /// and Planable still shows the values that this program sent: `scheduledAt` (with `publishAtScheduledDate`)
    /// and `campaign`. Nil when it clears none.
    package var clearedByUpdate: [String]?

    /// The fields, by their JSON key, that `POST /posts` takes and `PATCH /posts/{id}` does not, so only a create
    /// sends them.
    package static let createOnlyFields = ["firstComment", "internalNote", "youtubeTitle"]

    /// Returns the fields of `createOnlyFields` that this post sets, in that order.
    private func createOnlyFieldsWithValues() -> [String] {
        let values = [firstComment, internalNote, youtubeTitle]
        return zip(Self.createOnlyFields, values).compactMap { name, value in value == nil ? nil : name }
    }
}

/// One item's line in a report.
package struct ReportedItem: Sendable, Codable {
    package var source: String
    package var identity: String
    package var title: String
    package var decision: ItemDecision
    package var message: String?
    package var posts: [ReportedPost]
    /// For a failed item: whether the API may accept it later, such as after a 503 or a lost connection, so the
    /// run exits as a temporary failure rather than as bad input.
    package var failedTemporarily: Bool? = nil
}

/// The result of a `sync` or `plan` run.
package struct RunReport: Sendable, Codable {
    /// The workspace's IANA time zone, in which the plans show each schedule beside its UTC time. It is nil when
    /// the run stopped before it resolved the workspace.
    package var timeZone: String?
    package struct Requests: Sendable, Codable {
        package var read: Int
        package var write: Int
        /// Answers that were 429 (rate limited), each waited out and retried.
        package var rateLimited = 0
    }

    package var command: String
    package var created = 0
    package var updated = 0
    package var deleted = 0
    /// Items removed from their source whose posts are left in Planable, or that had none.
    package var removed = 0
    package var unchanged = 0
    package var skipped = 0
    package var blocked = 0
    package var failed = 0
    package var baselined = 0
    /// Items that were read but not processed, because a stop ended the run first; the next run syncs them.
    package var notReached = 0
    package var requests = Requests(read: 0, write: 0)
    /// Requests the reference server counted by method, when the run used the embedded server.
    package var serverRequests: [String: Int]?
    /// Problems that are not about one item, such as an unreachable feed.
    package var errors: [String] = []
    /// The message of each source that could not be read at all, such as a feed whose fetch failed, by source name.
    /// Not part of the report's JSON, which lists the messages in `errors`.
    package var unreadSources: [String: String] = [:]
    /// Problems that failed nothing but that a person should look at, such as a feed that lists no entries any more.
    package var warnings: [String] = []
    /// Post groups that a create without a response made after it was sent again, which a person has to delete.
    package var duplicateGroups: [String] = []
    package var items: [ReportedItem] = []
    /// The number of status fields, such as the approval, that the run's status poll found changed.
    package var statusChanges = 0
    /// The run's status poll, nil for a plan, for a pass that does not poll, such as the daemon's pass over
    /// changed files, and when `status_read_budget` is 0.
    package var statusPoll: StatusPollReport?

    package init(command: String) {
        self.command = command
    }

    /// Counts unchanged items that were not read again, without listing each one, so a no-change run over a large
    /// tree stays small.
    mutating func countUnchanged(_ count: Int) {
        unchanged += count
    }

    mutating func add(_ item: ReportedItem) {
        switch item.decision {
        case .create: created += 1
        case .update: updated += 1
        case .delete: deleted += 1
        case .removed: removed += 1
        case .unchanged: unchanged += 1
        case .skipped: skipped += 1
        case .blocked: blocked += 1
        case .failed: failed += 1
        case .baselined: baselined += 1
        }
        items.append(item)
    }

    enum CodingKeys: String, CodingKey {
        case command, timeZone, created, updated, deleted, removed, unchanged, skipped, blocked, failed, baselined
        case notReached, requests
        case serverRequests, errors, warnings, duplicateGroups, items, statusChanges, statusPoll
    }
}
