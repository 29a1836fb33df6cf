import Foundation
import Logging
import PlanableAPI

/// Resolves creates whose response never arrived by reading the workspace's posts back.
///
/// The API has no idempotency key, so a create that timed out, or whose process was killed before the state
/// recorded the response, may or may not exist. A grouped post matches an intent when its posts cover exactly the
/// intent's pages, carry the intent's text, and are not yet recorded for another item.
struct Reconciler {
    let client: PlanableClient
    let state: StateStore
    let logger: Logger

    /// How far before an intent's start a matching post may have been created, for clock skew between hosts.
    ///
    /// NOTE: the paging of a read-back stops at a page that lists posts newest first and ends before this margin.
    /// The reference server lists posts newest first, but Planable's OpenAPI document states no order for
    /// `GET /posts`. So the margin is a whole day rather than minutes of clock skew. In a workspace whose posts
    /// are all from the last day, a read-back still lists every post.
    static let clockSkew: TimeInterval = 86_400
    /// The maximum number of list pages read back for one reconciliation pass.
    static let maximumPages = 200

    /// The outcome of one intent.
    enum Outcome: Equatable {
        case found([PostSnapshot])
        case notFound
    }

    /// Resolves `intents`, which must share one workspace, by reading its posts back.
    ///
    /// A create that was sent less than `inFlightWindow` ago may still be running on the server, even when the
    /// process that sent it was killed. So an intent that young and not found yet is read back again once the
    /// window has passed. Only then is it `notFound`, and creating its post again is safe.
    ///
    /// - Parameter serverAnswered: whether the server sent an answer (a 5xx) to the create, so it has finished
    ///   with the request and the first read-back is final.
    func resolve(
        _ intents: [IntentRecord], workspaceId: String, serverAnswered: Bool = false
    ) throws
        -> [Int64: Outcome]
    {
        guard !intents.isEmpty else { return [:] }
        var claimed = Set<String>()
        var outcomes = try readBack(intents, workspaceId: workspaceId, claimed: &claimed)
        if serverAnswered { return outcomes }
        let window = inFlightWindow
        let unsettled = intents.filter { intent in
            outcomes[intent.id] == .notFound && intent.startedAt.addingTimeInterval(window) > Date()
        }
        guard let deadline = unsettled.map({ $0.startedAt.addingTimeInterval(window) }).max() else { return outcomes }
        let wait = deadline.timeIntervalSinceNow
        logger.info(
            "waiting for creates that may still be in flight",
            ["intents": String(unsettled.count), "wait_seconds": String(format: "%.1f", wait)])
        // A stop ends the wait, and the intents stay for the next run to read back.
        if wait > 0 { try client.wait(seconds: wait, operation: "waiting for creates that may still be in flight") }
        for (id, outcome) in try readBack(unsettled, workspaceId: workspaceId, claimed: &claimed) {
            outcomes[id] = outcome
        }
        return outcomes
    }

    /// How long after an intent's start its create may still take effect, in seconds: twice the client's time
    /// limit for one attempt, plus a margin.
    ///
    /// The request may reach the server as late as the time limit, and a busy server can go on to process it for
    /// about as long again. With a window of one time limit plus 2 seconds, the 500-item mixed-fault test made 2
    /// duplicates on a loaded machine.
    ///
    /// NOTE: a server that keeps processing a request longer than this after the client gave up can still
    /// produce a duplicate, because the API offers no idempotency key that would close that gap.
    var inFlightWindow: TimeInterval {
        2 * client.requestTimeout + Self.serverMargin
    }

    /// The margin added to twice the request time limit, in seconds.
    static let serverMargin: TimeInterval = 2

    /// Matches `intents` against one paginated read of the workspace's posts, skipping groups in `claimed` and
    /// adding the groups it matches.
    private func readBack(
        _ intents: [IntentRecord], workspaceId: String, claimed: inout Set<String>
    ) throws
        -> [Int64: Outcome]
    {
        let known = Set(try state.allPosts().map(\.postId))
        let oldestStart = intents.map(\.startedAt).min()!.addingTimeInterval(-Self.clockSkew)
        var groups: [String: [Post]] = [:]
        var offset = 0
        for _ in 0..<Self.maximumPages {
            let page = try client.listPosts(workspaceId: workspaceId, offset: offset, limit: 100)
            for post in page.items where !known.contains(post.id) {
                groups[post.groupId ?? post.id, default: []].append(post)
            }
            offset += page.items.count
            let reachedOlder =
                page.items.last.flatMap { StateStore.date($0.createdAt) }.map { $0 < oldestStart } ?? false
            let newestFirst =
                page.items.count < 2
                || (StateStore.date(page.items.first!.createdAt) ?? .distantPast)
                    >= (StateStore.date(page.items.last!.createdAt) ?? .distantPast)
            if page.items.isEmpty || page.pagination?.hasMore != true || (newestFirst && reachedOlder) { break }
        }

        var outcomes: [Int64: Outcome] = [:]
        for intent in intents {
            let pages = Set(intent.pageIds)
            let match = groups.first { key, posts in
                !claimed.contains(key) && Set(posts.map(\.pageId)) == pages
                    && posts.allSatisfy { $0.plainText == intent.text }
            }
            if let (key, posts) = match {
                claimed.insert(key)
                outcomes[intent.id] = .found(posts.map(PostSnapshot.init))
                logger.info(
                    "found the post of an interrupted create",
                    ["item.source": intent.source, "item.id": intent.identity, "post.group_id": key])
            } else {
                outcomes[intent.id] = .notFound
            }
        }
        return outcomes
    }
}

extension PostSnapshot {
    init(_ post: Post) {
        self.init(
            id: post.id, pageId: post.pageId, groupId: post.groupId, status: post.status,
            approvalStatus: post.approval?.status, scheduledSet: post.scheduledSet, published: post.published,
            publishedLink: post.publishedPostLink, plainText: post.plainText, scheduledAt: post.scheduledAt,
            campaignId: post.campaignId)
    }
}
