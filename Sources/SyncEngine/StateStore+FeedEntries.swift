import Foundation
import SQLite

extension StateStore {
    /// Returns the stored date of each entry of feed source `source` that has one, by key.
    package func feedEntryDates(source: String) throws -> [String: Date] {
        try withDatabase { database in
            var dates: [String: Date] = [:]
            let rows = try database.query(
                "SELECT identity, entry_date FROM items WHERE source = ? AND entry_date IS NOT NULL", [source])
            for row in rows {
                if let identity = row.string("identity"), let date = Self.date(row.string("entry_date")) {
                    dates[identity] = date
                }
            }
            return dates
        }
    }

    /// Stores the published (else updated) date of each entry of feed source `source` that the state has a row
    /// for, in one transaction. Entries without a row are left out.
    package func recordFeedEntryDates(source: String, dates: [(identity: String, date: Date)]) throws {
        guard !dates.isEmpty else { return }
        try withDatabase { database in
            try database.transaction {
                for (identity, date) in dates {
                    let text = Self.timestamp(date)
                    try database.run(
                        """
                        UPDATE items SET entry_date = ?
                        WHERE source = ? AND identity = ? AND entry_date IS NOT ?
                        """, [text, source, identity, text])
                }
            }
        }
    }
}

extension StateStore {
    /// The entry counts of a feed's stored reads, those after which no entry failed.
    package struct FeedEntryCounts: Sendable, Equatable {
        /// The entries of the last stored read, or nil when none was stored since the state recorded counts.
        package var last: Int?
        /// The entries of the last stored read that had any, and the time of that read.
        package var lastNonEmpty: Int?
        package var lastNonEmptyAt: String?
        /// When the warning of the feed's empty reads was last logged, nil when it lists entries.
        package var emptyWarnedAt: String?
    }

    /// Returns the entry counts of the feed of `source`, all nil when the state has no record of its feed.
    package func feedEntryCounts(source: String) throws -> FeedEntryCounts {
        try withDatabase { database in
            let row = try database.queryFirst(
                """
                SELECT entry_count, last_nonempty_count, last_nonempty_at, empty_warned_at FROM feeds
                WHERE source = ?
                """, [source])
            return FeedEntryCounts(
                last: row?.int("entry_count"), lastNonEmpty: row?.int("last_nonempty_count"),
                lastNonEmptyAt: row?.string("last_nonempty_at"), emptyWarnedAt: row?.string("empty_warned_at"))
        }
    }

    /// Records the number of entries of a read of the feed of `source`, after `recordFeedFetched` stored the read.
    package func recordFeedEntryCount(_ count: Int, source: String) throws {
        try withDatabase { database in
            if count > 0 {
                _ = try database.run(
                    """
                    UPDATE feeds SET entry_count = ?, last_nonempty_count = ?, last_nonempty_at = ?,
                        empty_warned_at = NULL
                    WHERE source = ?
                    """, [count, count, Self.timestamp(), source])
            } else {
                _ = try database.run("UPDATE feeds SET entry_count = 0 WHERE source = ?", [source])
            }
        }
    }

    /// Records that the warning of the empty feed of `source` was logged at `date`.
    package func recordEmptyFeedWarning(source: String, at date: Date) throws {
        try withDatabase { database in
            _ = try database.run(
                "UPDATE feeds SET empty_warned_at = ? WHERE source = ?", [Self.timestamp(date), source])
        }
    }
}

extension StateStore {
    /// Marks each of `entries`, feed entries recorded without a post (`baselined`), as `requested`, in one
    /// transaction, so that the next read of their feed creates their posts. An entry already requested stays so.
    ///
    /// - Returns: the number of entries whose status changed.
    package func requestPosts(_ entries: [(source: String, identity: String)]) throws -> Int {
        try withDatabase { database in
            var changed = 0
            try database.transaction {
                for (source, identity) in entries {
                    changed += try database.run(
                        """
                        UPDATE items SET status = 'requested', updated_at = ?
                        WHERE source = ? AND identity = ? AND status = 'baselined'
                        """, [Self.timestamp(), source, identity])
                }
            }
            return changed
        }
    }

    /// Gives the records of `identities` that have no content hash an empty one, which no entry has, for entries
    /// that the feed no longer lists. A record without a hash keeps the feed's validators off until its entry is
    /// mapped again, which an entry no longer listed never is. An entry that comes back is still mapped again.
    package func setEmptyContentHash(source: String, identities: [String]) throws {
        guard !identities.isEmpty else { return }
        try withDatabase { database in
            try database.transaction {
                for identity in identities {
                    try database.run(
                        "UPDATE items SET content_hash = '' WHERE source = ? AND identity = ? AND content_hash IS NULL",
                        [source, identity])
                }
            }
        }
    }

    /// Marks the requested entries `identities` of feed source `source` as recorded without a post again, as for
    /// entries that left the feed before their post was created.
    package func withdrawPostRequests(source: String, identities: [String]) throws {
        guard !identities.isEmpty else { return }
        try withDatabase { database in
            try database.transaction {
                for identity in identities {
                    try database.run(
                        """
                        UPDATE items SET status = 'baselined', updated_at = ?
                        WHERE source = ? AND identity = ? AND status = 'requested'
                        """, [Self.timestamp(), source, identity])
                }
            }
        }
    }
}
