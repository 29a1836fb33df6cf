import SQLite

/// The target of `planable-sync forget`: one item of a source, or every record of a source.
package enum ForgetTarget: Sendable, Hashable {
    case item(source: String, identity: String)
    case source(String)
}

/// The state's records that `forget` removes, as they were before the removal.
package struct ForgottenRecords: Sendable, Equatable {
    package var items: [ItemRecord] = []
    /// The post records of the items. Their posts in Planable stay as they are.
    package var posts: [PostRecord] = []
    package var readFailures: [ReadFailure] = []
    /// Creates that were sent, or about to be, for the items, whose responses the state has not recorded.
    package var intents: [IntentRecord] = []
    /// The sources whose feed record (conditional GET validators and first-run baseline) is removed.
    package var feedSources: [String] = []

    package init() {}

    package var isEmpty: Bool {
        items.isEmpty && posts.isEmpty && readFailures.isEmpty && intents.isEmpty && feedSources.isEmpty
    }
}

extension StateStore {
    /// Returns the names of the sources that have any record in the state, sorted.
    package func recordedSourceNames() throws -> [String] {
        try withDatabase { database in
            try database.query(
                """
                SELECT source FROM items UNION SELECT source FROM intents UNION SELECT source FROM read_failures
                UNION SELECT source FROM feeds ORDER BY source
                """
            ).compactMap { $0.string("source") }
        }
    }

    /// Tells whether the state has an item row or a pending create for `identity` of `source`.
    package func hasItem(source: String, identity: String) throws -> Bool {
        try withDatabase { database in
            try database.queryFirst(
                """
                SELECT EXISTS (SELECT 1 FROM items WHERE source = ?1 AND identity = ?2)
                    OR EXISTS (SELECT 1 FROM intents WHERE source = ?1 AND identity = ?2) AS known
                """, [source, identity]
            )?.int("known") == 1
        }
    }

    /// Returns the records that `forget(_:)` would remove for `targets`, without changing anything.
    ///
    /// For an item, these are its row, its post records, its pending creates, and the read failures at its file
    /// (for a folder source) or of its entry (for a feed). For a source, they are every such record of the source
    /// and its feed record.
    package func recordsToForget(_ targets: [ForgetTarget]) throws -> ForgottenRecords {
        var records = ForgottenRecords()
        var itemKeys = Set<[String]>()
        var postIds = Set<String>()
        var failureKeys = Set<[String]>()
        var intentIds = Set<Int64>()
        func add(
            items: [ItemRecord], posts: [PostRecord], failures: [ReadFailure], intents: [IntentRecord]
        ) {
            for item in items where itemKeys.insert([item.source, item.identity]).inserted {
                records.items.append(item)
            }
            for post in posts where postIds.insert(post.postId).inserted { records.posts.append(post) }
            for failure in failures
            where failureKeys.insert([failure.source, failure.location, failure.entry]).inserted {
                records.readFailures.append(failure)
            }
            for intent in intents where intentIds.insert(intent.id).inserted { records.intents.append(intent) }
        }

        let intents = try pendingIntents()
        for target in targets {
            switch target {
            case .source(let source):
                add(
                    items: try items(source: source),
                    posts: try allPosts().filter { $0.source == source },
                    failures: try readFailures(source: source),
                    intents: intents.filter { $0.source == source })
                if try feedRecord(source: source) != nil, !records.feedSources.contains(source) {
                    records.feedSources.append(source)
                }
            case .item(let source, let identity):
                let record = try item(source: source, identity: identity)
                let isFeed = try feedRecord(source: source) != nil
                // A feed's read failure of one entry carries the entry's key. A folder's carries the file path,
                // which is the item's location.
                let failures = try readFailures(source: source).filter { failure in
                    if isFeed { return failure.entry == identity }
                    return failure.entry.isEmpty && failure.location == (record?.location ?? identity)
                }
                add(
                    items: record.map { [$0] } ?? [], posts: try posts(source: source, identity: identity),
                    failures: failures, intents: intents.filter { $0.source == source && $0.identity == identity })
            }
        }
        return records
    }

    /// Removes the records of `targets` from the state in one transaction and returns what it removed.
    ///
    /// The next sync treats each removed item that is still in its source as new. For a feed that keeps some of
    /// its items, the stored validators are cleared as well, so the next fetch reads the whole feed and finds
    /// the removed entries again instead of getting 304 Not Modified. A source removed as a whole loses its feed
    /// record too, so the next sync reads it as a new feed.
    ///
    /// The caller holds the state lock, so no sync changes the records between the read and the removal.
    ///
    /// NOTE: Every forgotten entry of a feed counts as new on the next sync. Forgetting more than the source's
    /// `max_new_share` of a large feed's entries trips the GUID-rewrite guard, so that sync rejects the feed, or
    /// with `on_rewrite: baseline` records those entries without posting them.
    package func forget(_ targets: [ForgetTarget]) throws -> ForgottenRecords {
        let records = try recordsToForget(targets)
        let clearedFeeds = Set(records.items.map(\.source) + records.intents.map(\.source))
            .subtracting(records.feedSources)
        try withDatabase { database in
            try database.transaction {
                for post in records.posts {
                    try database.run("DELETE FROM transitions WHERE post_id = ?", [post.postId])
                    try database.run("DELETE FROM posts WHERE post_id = ?", [post.postId])
                }
                for intent in records.intents {
                    try database.run("DELETE FROM intents WHERE id = ?", [intent.id])
                }
                for failure in records.readFailures {
                    try database.run(
                        "DELETE FROM read_failures WHERE source = ? AND location = ? AND entry = ?",
                        [failure.source, failure.location, failure.entry])
                }
                for item in records.items {
                    try database.run(
                        "DELETE FROM items WHERE source = ? AND identity = ?", [item.source, item.identity])
                }
                for source in records.feedSources {
                    try database.run("DELETE FROM feeds WHERE source = ?", [source])
                }
                for source in clearedFeeds.sorted() {
                    try database.run("UPDATE feeds SET etag = NULL, last_modified = NULL WHERE source = ?", [source])
                }
            }
        }
        return records
    }
}
