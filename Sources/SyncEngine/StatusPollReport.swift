import Foundation

/// The status poll of a `sync` run: whether it read the followed posts' statuses, when they were last read, and
/// what changed.
package struct StatusPollReport: Sendable, Codable, Equatable {
    /// Whether this run polled the statuses. It is false when `status_interval` has not passed since the last
    /// poll of a `sync`, or when the poll failed.
    package var polled: Bool
    /// The RFC 3339 time of the last poll that completed, by this run or an earlier one, nil before the first.
    package var lastPolledAt: String?
    /// The RFC 3339 time from which a `sync` polls again, `status_interval` after the last poll it started.
    package var nextPollAt: String?
    /// The `status_interval` setting, in seconds.
    package var intervalSeconds: Double
    /// The error that ended the poll, when it failed.
    package var error: String?
    /// One entry per post whose status this run's poll found changed.
    package var changes: [ReportedStatusChange] = []

    /// `intervalSeconds` as text, without a fraction when it has none.
    package var intervalText: String {
        intervalSeconds == intervalSeconds.rounded() ? String(Int(intervalSeconds)) : String(intervalSeconds)
    }
}

/// A followed post whose status changed since the last poll, as a report lists it.
package struct ReportedStatusChange: Sendable, Codable, Equatable {
    /// A field's value before and after the poll. Either is nil when Planable reported none.
    package struct Values: Sendable, Codable, Equatable {
        package var from: String?
        package var to: String?
    }

    package var source: String
    package var identity: String
    /// The item's title as the state records it.
    package var title: String
    package var postId: String
    package var pageId: String
    /// The page's name, when the workspace or the state has it.
    package var page: String?
    /// The approval status, such as `APPROVED`, when it changed.
    package var approval: Values?
    /// The post's state, such as `draft`, `scheduled`, `published`, `failed`, or `deleted` for a post that the API
    /// no longer has, when it changed.
    package var status: Values?
    /// Whether the post is scheduled now, when that changed.
    package var scheduled: Bool?
    /// The link to the published post, once Planable reports one.
    package var publishedLink: String?

    /// Builds the entry for `change`, with the item's title and the page's name.
    package init(_ change: PostStatusChange, title: String, pageName: String?) {
        let post = change.previous
        source = post.source
        identity = post.identity
        self.title = title
        postId = post.postId
        pageId = post.pageId
        page = pageName
        approval = change.field("approval").map { Values(from: $0.old, to: $0.new) }
        status = change.field("status").map { Values(from: $0.old, to: $0.new) }
        scheduled = change.field("scheduled").map { $0.new == "true" }
        publishedLink = change.publishedLink
    }
}
