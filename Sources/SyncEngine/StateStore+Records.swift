import Foundation
import HTTPClient
import Hashing
import SQLite

/// The state's record of one source item.
package struct ItemRecord: Sendable, Equatable {
    package var source: String
    package var identity: String
    package var title: String
    /// The item's location in its source, such as the file path relative to the source root.
    package var location: String?
    package var contentHash: String?
    /// A hash of the item's title, date and text without its identity or location, to recognize a renamed file.
    package var bodyHash: String?
    package var payloadHash: String?
    /// `synced`, `failed`, `skipped`, `blocked`, `removed`, `baselined`, or `requested` for a feed entry recorded
    /// without a post whose post `planable-sync post` requested.
    package var status: String
    package var lastError: String?
    package var fileSize: Int?
    package var fileModificationTime: Double?
    package var publishedEditReported: Bool
    package var updatedAt: String?
}

/// The state's record of one post in Planable.
package struct PostRecord: Sendable, Equatable {
    package var postId: String
    package var source: String
    package var identity: String
    /// The sorted page ids of the grouped create that made this post, joined with commas.
    package var groupKey: String
    package var pageId: String
    package var groupId: String?
    package var payloadHash: String
    package var status: String?
    package var approvalStatus: String?
    package var scheduledSet: Bool
    package var published: Bool
    package var publishedLink: String?
    package var lastError: String?
    /// The SHA-256 of the post's text as Planable returned it after the last create or update, nil in states
    /// written before it was kept.
    package var planableTextHash: String? = nil
    /// The SHA-256 of the text of an update that was sent but whose response is not recorded, nil when none is
    /// pending.
    package var sentTextHash: String? = nil
    /// The schedule and campaign id that the last create or update sent, which are empty in states written before
    /// they were kept.
    package var sent = SentFields()
    /// The `PostPayload.updatableHash` of the payload that `payloadHash` was made of, nil in states written before
    /// it was kept and for posts linked to their items.
    package var updatableHash: String? = nil
    /// The `PostPayload.createOnlyDigest` of the create that made the post, which no update changes. Nil for posts
    /// that this program linked but did not create, and in states written before it was kept.
    package var createOnlyDigest: String? = nil
}

/// The schedule and campaign id of a create or update, which the state keeps per post.
///
/// An update whose source no longer sets one of them compares Planable's current value with the one kept here.
/// When they are equal, this program set the value, so the update clears it. Otherwise a person changed it in
/// Planable, and the update leaves it.
package struct SentFields: Sendable, Equatable {
    /// The `scheduledAt` sent, as RFC 3339.
    package var scheduledAt: String?
    package var campaignId: String?
    /// The `linkedinPdfTitle` sent, nil when none or an empty one was.
    package var linkedinPdfTitle: String?

    package init(scheduledAt: String? = nil, campaignId: String? = nil, linkedinPdfTitle: String? = nil) {
        self.scheduledAt = scheduledAt
        self.campaignId = campaignId
        self.linkedinPdfTitle = linkedinPdfTitle.flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// A create that was sent, or about to be, whose response the state has not recorded yet.
package struct IntentRecord: Sendable, Equatable {
    package var id: Int64
    package var source: String
    package var identity: String
    package var groupKey: String
    package var workspaceId: String
    package var pageIds: [String]
    package var text: String
    package var payloadHash: String
    package var startedAt: Date
    /// The `PostPayload.updatableHash` and `PostPayload.createOnlyDigest` of the payload, nil for intents that
    /// earlier versions recorded.
    package var updatableHash: String? = nil
    package var createOnlyDigest: String? = nil
}

extension StateStore {
    package func item(source: String, identity: String) throws -> ItemRecord? {
        try withDatabase { database in
            try database.queryFirst(
                "SELECT * FROM items WHERE source = ? AND identity = ?", [source, identity]
            ).map(Self.itemRecord)
        }
    }

    package func items(source: String? = nil) throws -> [ItemRecord] {
        try withDatabase { database in
            if let source {
                return try database.query("SELECT * FROM items WHERE source = ? ORDER BY identity", [source])
                    .map(Self.itemRecord)
            }
            return try database.query("SELECT * FROM items ORDER BY source, identity").map(Self.itemRecord)
        }
    }

    /// Returns the items of `source` whose file is one of `paths` or lies under one of them, for a partial scan.
    package func items(source: String, at paths: Set<String>) throws -> [ItemRecord] {
        try withDatabase { database in
            var records: [String: ItemRecord] = [:]
            for path in paths {
                // "/" sorts just before "0", so the range contains exactly the paths that start with `path/`.
                let rows = try database.query(
                    """
                    SELECT * FROM items WHERE source = ?
                    AND (location = ? OR (location >= ? AND location < ?))
                    """, [source, path, path + "/", path + "0"])
                for record in rows.map(Self.itemRecord) { records[record.identity] = record }
            }
            return records.values.sorted { $0.identity < $1.identity }
        }
    }

    package func posts(source: String, identity: String) throws -> [PostRecord] {
        try withDatabase { database in
            try database.query(
                "SELECT * FROM posts WHERE source = ? AND identity = ? ORDER BY page_id", [source, identity]
            ).map(Self.postRecord)
        }
    }

    package func allPosts() throws -> [PostRecord] {
        try withDatabase { database in
            try database.query("SELECT * FROM posts ORDER BY source, identity, page_id").map(Self.postRecord)
        }
    }

    /// Inserts or replaces the item's row. A `requested` row keeps its status when `item` is `baselined`, because
    /// `planable-sync post` may mark it while the daemon's pass that read it as baselined still runs.
    package func saveItem(_ item: ItemRecord) throws {
        try withDatabase { database in
            let now = Self.timestamp()
            try database.run(
                """
                INSERT INTO items (source, identity, title, location, content_hash, body_hash, payload_hash, status,
                    last_error, file_size, file_mtime, first_seen_at, updated_at, published_edit_reported)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (source, identity) DO UPDATE SET title = excluded.title, location = excluded.location,
                    content_hash = excluded.content_hash, body_hash = excluded.body_hash, payload_hash = excluded.payload_hash,
                    status = CASE WHEN items.status = 'requested' AND excluded.status = 'baselined' THEN 'requested'
                        ELSE excluded.status END,
                    last_error = excluded.last_error, file_size = excluded.file_size,
                    file_mtime = excluded.file_mtime, updated_at = excluded.updated_at,
                    published_edit_reported = excluded.published_edit_reported
                """,
                [
                    item.source, item.identity, item.title, item.location, item.contentHash, item.bodyHash,
                    item.payloadHash, item.status,
                    item.lastError, item.fileSize, item.fileModificationTime, now, now, item.publishedEditReported,
                ])
        }
    }

    /// Records the intent to create one grouped post, committed before the request is sent.
    ///
    /// - Parameters:
    ///   - updatableHash: the `PostPayload.updatableHash` of the payload, which the posts get when a later run
    ///     reads them back.
    ///   - createOnlyDigest: the `PostPayload.createOnlyDigest` of the payload, likewise.
    package func recordIntent(
        source: String, identity: String, groupKey: String, workspaceId: String, pageIds: [String], text: String,
        payloadHash: String, updatableHash: String? = nil, createOnlyDigest: String? = nil, at date: Date
    ) throws -> Int64 {
        try withDatabase { database in
            try database.run(
                """
                INSERT INTO intents (source, identity, group_key, workspace_id, page_ids, text, payload_hash, started_at,
                    updatable_hash, create_only_digest)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    source, identity, groupKey, workspaceId, pageIds.joined(separator: ","), text, payloadHash,
                    Self.timestamp(date), updatableHash, createOnlyDigest,
                ])
            return database.lastInsertRowID
        }
    }

    package func pendingIntents() throws -> [IntentRecord] {
        try withDatabase { database in
            try database.query("SELECT * FROM intents ORDER BY id").map { row in
                IntentRecord(
                    id: Int64(row.int("id") ?? 0), source: row.string("source") ?? "",
                    identity: row.string("identity") ?? "", groupKey: row.string("group_key") ?? "",
                    workspaceId: row.string("workspace_id") ?? "",
                    pageIds: (row.string("page_ids") ?? "").split(separator: ",").map(String.init),
                    text: row.string("text") ?? "", payloadHash: row.string("payload_hash") ?? "",
                    startedAt: Self.date(row.string("started_at")) ?? Date(timeIntervalSince1970: 0),
                    updatableHash: row.string("updatable_hash"), createOnlyDigest: row.string("create_only_digest"))
            }
        }
    }

    /// Drops an intent whose create certainly did not happen.
    package func dropIntent(id: Int64) throws {
        try withDatabase { database in _ = try database.run("DELETE FROM intents WHERE id = ?", [id]) }
    }

    /// Records the posts of a completed create and removes its intent, in one transaction.
    ///
    /// - Parameters:
    ///   - sent: the schedule and campaign id that the create sent. It is empty for posts that this program links
    ///     but did not create, so that a later update never clears their values.
    ///   - updatableHash: the `PostPayload.updatableHash` of the payload, when it is known.
    ///   - createOnlyDigest: the `PostPayload.createOnlyDigest` of the payload that the create sent, when it is known.
    package func recordCreated(
        intentId: Int64, item: ItemRecord, groupKey: String, posts: [PostSnapshot], payloadHash: String,
        sent: SentFields = SentFields(), updatableHash: String? = nil, createOnlyDigest: String? = nil
    ) throws {
        try withDatabase { database in
            try database.transaction {
                let now = Self.timestamp()
                try database.run(
                    """
                    INSERT INTO items (source, identity, title, location, content_hash, body_hash, payload_hash,
                        status, last_error, file_size, file_mtime, first_seen_at, updated_at, published_edit_reported)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
                    ON CONFLICT (source, identity) DO NOTHING
                    """,
                    [
                        item.source, item.identity, item.title, item.location, item.contentHash, item.bodyHash,
                        nil as String?, "pending", nil as String?,
                        item.fileSize, item.fileModificationTime, now, now,
                    ])
                for post in posts {
                    try database.run(
                        """
                        INSERT OR REPLACE INTO posts (post_id, source, identity, group_key, page_id, group_id,
                            payload_hash, status, approval_status, scheduled_set, published, published_link,
                            created_at, checked_at, changed_at, planable_text_hash, sent_scheduled_at,
                            sent_campaign_id, sent_pdf_title, sent_create_only, updatable_hash)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        [
                            post.id, item.source, item.identity, groupKey, post.pageId, post.groupId, payloadHash,
                            post.status, post.approvalStatus, post.scheduledSet, post.published, post.publishedLink,
                            now, now, now, post.plainText.map(Self.textHash), sent.scheduledAt, sent.campaignId,
                            sent.linkedinPdfTitle, createOnlyDigest, updatableHash,
                        ])
                }
                try database.run("DELETE FROM intents WHERE id = ?", [intentId])
            }
        }
    }

    /// Records that the posts of a group now carry the payload of `payloadHash` and `updatableHash`, and the
    /// schedule, campaign id and LinkedIn PDF carousel title that the update sent. A field that the update left out
    /// or cleared is recorded as nil. The fields that only a create sends keep their record.
    package func recordUpdated(
        postIds: [String], payloadHash: String, updatableHash: String, sent: SentFields
    ) throws {
        try withDatabase { database in
            try database.transaction {
                for id in postIds {
                    try database.run(
                        """
                        UPDATE posts SET payload_hash = ?, updatable_hash = ?, last_error = NULL, changed_at = ?,
                            sent_scheduled_at = ?, sent_campaign_id = ?, sent_pdf_title = ?
                        WHERE post_id = ?
                        """,
                        [
                            payloadHash, updatableHash, Self.timestamp(), sent.scheduledAt, sent.campaignId,
                            sent.linkedinPdfTitle, id,
                        ])
                }
            }
        }
    }

    /// Records that the posts of a group carry the payload of `payloadHash` and `updatableHash` without an update,
    /// because the payload changed only in fields that an update cannot send.
    package func recordPayloadHash(postIds: [String], payloadHash: String, updatableHash: String) throws {
        try withDatabase { database in
            try database.transaction {
                for id in postIds {
                    _ = try database.run(
                        "UPDATE posts SET payload_hash = ?, updatable_hash = ? WHERE post_id = ?",
                        [payloadHash, updatableHash, id])
                }
            }
        }
    }

    package func recordPostError(postId: String, message: String?) throws {
        try withDatabase { database in
            _ = try database.run("UPDATE posts SET last_error = ? WHERE post_id = ?", [message, postId])
        }
    }

    /// Marks posts that a sync found published before any status poll did. Only the flag is stored, so that the next
    /// poll still records the final status, the published link and the transition.
    package func recordPublished(postIds: [String]) throws {
        try withDatabase { database in
            try database.transaction {
                for id in postIds { _ = try database.run("UPDATE posts SET published = 1 WHERE post_id = ?", [id]) }
            }
        }
    }

    /// Marks a post that the API no longer has as deleted, a final status that the status follower stops polling.
    package func recordPostGone(postId: String) throws {
        try withDatabase { database in
            _ = try database.run(
                "UPDATE posts SET status = 'deleted', last_error = ? WHERE post_id = ?",
                ["the post no longer exists in Planable", postId])
        }
    }

    /// Records that the post of page `pageId` in the group `groupKey` of an item was deleted in Planable before a
    /// new or rebuilt state linked the rest of the group. The post's id is gone with it, so the record's id is
    /// `deleted:GROUP_ID:PAGE_ID`, and it counts as a deleted post: its page goes without one.
    package func recordPageDeletedBeforeLink(
        source: String, identity: String, groupKey: String, groupId: String?, pageId: String, payloadHash: String
    ) throws {
        try withDatabase { database in
            _ = try database.run(
                """
                INSERT OR IGNORE INTO posts (post_id, source, identity, group_key, page_id, group_id, payload_hash,
                    status, last_error, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'deleted', ?, ?)
                """,
                [
                    "deleted:\(groupId ?? groupKey):\(pageId)", source, identity, groupKey, pageId, groupId,
                    payloadHash, "the post was deleted in Planable before the state was rebuilt", Self.timestamp(),
                ])
        }
    }

    package func deletePostRecords(postIds: [String]) throws {
        try withDatabase { database in
            try database.transaction {
                for id in postIds { try database.run("DELETE FROM posts WHERE post_id = ?", [id]) }
            }
        }
    }

    /// Moves an item's row and its posts to a new identity, for a file that was renamed.
    /// Returns the identity and body hash of each item of `source` that a pass recorded as removed at `since` or
    /// later, the earliest removed first.
    package func removedItemHashes(source: String, since: Date) throws -> [(identity: String, bodyHash: String)] {
        try withDatabase { database in
            try database.query(
                """
                SELECT identity, body_hash FROM items
                WHERE source = ? AND status = 'removed' AND body_hash IS NOT NULL AND updated_at >= ?
                ORDER BY updated_at, identity
                """, [source, Self.timestamp(since)]
            ).compactMap { row in
                guard let identity = row.string("identity"), let hash = row.string("body_hash") else { return nil }
                return (identity, hash)
            }
        }
    }

    package func renameItem(source: String, from oldIdentity: String, to newIdentity: String) throws {
        try withDatabase { database in
            try database.transaction {
                try database.execute("PRAGMA defer_foreign_keys = ON")
                try database.run(
                    "UPDATE items SET identity = ? WHERE source = ? AND identity = ?",
                    [newIdentity, source, oldIdentity])
                try database.run(
                    "UPDATE posts SET identity = ? WHERE source = ? AND identity = ?",
                    [newIdentity, source, oldIdentity])
                try database.run(
                    "UPDATE intents SET identity = ? WHERE source = ? AND identity = ?",
                    [newIdentity, source, oldIdentity])
            }
        }
    }

    /// The state's record of a feed source.
    package struct FeedRecord: Sendable, Equatable {
        package var url: String
        package var etag: String?
        package var lastModified: String?
        package var finalURL: String?
        package var baselined: Bool
        package var fetchedAt: String?
        package var failures: Int
        package var lastError: String?
        /// The newest published (or updated) date of the entries seen so far, as a timestamp.
        package var newestEntryAt: String?
    }

    package func feedRecord(source: String) throws -> FeedRecord? {
        try withDatabase { database in
            try database.queryFirst("SELECT * FROM feeds WHERE source = ?", [source]).map { row in
                // A state of an earlier version stored the URLs with their passwords.
                FeedRecord(
                    url: URLCredentials.redactingPassword(in: row.string("url") ?? ""), etag: row.string("etag"),
                    lastModified: row.string("last_modified"),
                    finalURL: row.string("final_url").map { URLCredentials.redactingPassword(in: $0) },
                    baselined: row.bool("baselined") ?? false,
                    fetchedAt: row.string("fetched_at"), failures: row.int("failures") ?? 0,
                    lastError: row.string("last_error").map { URLCredentials.redactingPasswords(inText: $0) },
                    newestEntryAt: row.string("newest_entry_at"))
            }
        }
    }

    /// Stores a successful fetch's validators and marks the feed as baselined.
    ///
    /// - Parameter newestEntryAt: the newest entry date seen so far; nil keeps the stored one.
    package func recordFeedFetched(
        source: String, url: String, etag: String?, lastModified: String?, finalURL: String,
        newestEntryAt: Date? = nil
    )
        throws
    {
        try withDatabase { database in
            _ = try database.run(
                """
                INSERT INTO feeds (source, url, etag, last_modified, final_url, baselined, fetched_at, failures,
                    last_error, newest_entry_at)
                VALUES (?, ?, ?, ?, ?, 1, ?, 0, NULL, ?)
                ON CONFLICT (source) DO UPDATE SET url = excluded.url, etag = excluded.etag,
                    last_modified = excluded.last_modified, final_url = excluded.final_url, baselined = 1,
                    fetched_at = excluded.fetched_at, failures = 0, last_error = NULL,
                    newest_entry_at = COALESCE(excluded.newest_entry_at, newest_entry_at)
                """,
                [source, url, etag, lastModified, finalURL, Self.timestamp(), newestEntryAt.map { Self.timestamp($0) }])
        }
    }

    /// Marks the feed as past its first run, as a state rebuild that linked its entries to posts does, and keeps
    /// any stored validators.
    package func markFeedBaselined(source: String, url: String) throws {
        try withDatabase { database in
            _ = try database.run(
                """
                INSERT INTO feeds (source, url, baselined) VALUES (?, ?, 1)
                ON CONFLICT (source) DO UPDATE SET baselined = 1
                """,
                [source, url])
        }
    }

    /// Counts a failed fetch, for back-off and `status`.
    package func recordFeedFailure(source: String, url: String, message: String) throws {
        try withDatabase { database in
            _ = try database.run(
                """
                INSERT INTO feeds (source, url, baselined, failures, last_error) VALUES (?, ?, 0, 1, ?)
                ON CONFLICT (source) DO UPDATE SET failures = failures + 1, last_error = excluded.last_error
                """,
                [source, url, message])
        }
    }

    /// Tells whether the state has never recorded an item or a post.
    package func isEmpty() throws -> Bool {
        try withDatabase { database in
            try database.queryFirst("SELECT EXISTS (SELECT 1 FROM items) OR EXISTS (SELECT 1 FROM posts) AS used")?
                .int("used") == 0
        }
    }

    package func setting(_ key: String) throws -> String? {
        try withDatabase { database in
            try database.queryFirst("SELECT value FROM settings WHERE key = ?", [key])?.string("value")
        }
    }

    /// Records the failure that ended the last run, with its time, which `status` shows until a full pass
    /// completes.
    package func recordRunFailure(_ message: String) throws {
        try setSetting("last_failure", Self.timestamp() + "\t" + message)
    }

    /// Clears the failure that `recordRunFailure` recorded, after a full pass completed.
    package func clearRunFailure() throws {
        try setSetting("last_failure", "")
    }

    /// Returns the time and message of the failure that ended the last run, or nil when the last run completed.
    package func lastRunFailure() throws -> (at: String, message: String)? {
        guard let value = try setting("last_failure") else { return nil }
        let parts = value.split(separator: "\t", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        // A state of an earlier version stored a feed's password in the message's URL.
        return (String(parts[0]), URLCredentials.redactingPasswords(inText: String(parts[1])))
    }

    /// Returns the mapping fingerprint of the configuration that last mapped every item of `source`. A state
    /// written before fingerprints were kept per source has one for all sources, which this falls back to.
    package func mappingFingerprint(source: String) throws -> String? {
        try setting("mapping_fingerprint:\(source)") ?? setting("mapping_fingerprint")
    }

    /// Records that a run mapped every item of `source` with the configuration whose fingerprint is `fingerprint`.
    package func setMappingFingerprint(_ fingerprint: String, source: String) throws {
        try setSetting("mapping_fingerprint:\(source)", fingerprint)
    }

    package func setSetting(_ key: String, _ value: String) throws {
        try withDatabase { database in
            _ = try database.run(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value])
        }
    }

    static func itemRecord(_ row: SQLiteRow) -> ItemRecord {
        ItemRecord(
            source: row.string("source") ?? "", identity: row.string("identity") ?? "",
            title: row.string("title") ?? "", location: row.string("location"),
            contentHash: row.string("content_hash"), bodyHash: row.string("body_hash"),
            payloadHash: row.string("payload_hash"), status: row.string("status") ?? "",
            lastError: row.string("last_error").map { URLCredentials.redactingPasswords(inText: $0) },
            fileSize: row.int("file_size"),
            fileModificationTime: row.double("file_mtime"),
            publishedEditReported: row.bool("published_edit_reported") ?? false, updatedAt: row.string("updated_at"))
    }

    static func postRecord(_ row: SQLiteRow) -> PostRecord {
        PostRecord(
            postId: row.string("post_id") ?? "", source: row.string("source") ?? "",
            identity: row.string("identity") ?? "", groupKey: row.string("group_key") ?? "",
            pageId: row.string("page_id") ?? "", groupId: row.string("group_id"),
            payloadHash: row.string("payload_hash") ?? "", status: row.string("status"),
            approvalStatus: row.string("approval_status"), scheduledSet: row.bool("scheduled_set") ?? false,
            published: row.bool("published") ?? false, publishedLink: row.string("published_link"),
            lastError: row.string("last_error").map { URLCredentials.redactingPasswords(inText: $0) },
            planableTextHash: row.string("planable_text_hash"),
            sentTextHash: row.string("sent_text_hash"),
            sent: SentFields(
                scheduledAt: row.string("sent_scheduled_at"), campaignId: row.string("sent_campaign_id"),
                linkedinPdfTitle: row.string("sent_pdf_title")),
            updatableHash: row.string("updatable_hash"), createOnlyDigest: row.string("sent_create_only"))
    }

    /// Hashes `text` as `PostRecord.planableTextHash` stores it.
    package static func textHash(_ text: String) -> String {
        SHA256.hex(Array(text.utf8))
    }

    /// Records the text that Planable returned for the posts after a create or an update, and that no update of
    /// them is pending any longer.
    package func recordPlanableText(_ text: String, postIds: [String]) throws {
        try withDatabase { database in
            try database.transaction {
                for id in postIds {
                    try database.run(
                        "UPDATE posts SET planable_text_hash = ?, sent_text_hash = NULL WHERE post_id = ?",
                        [Self.textHash(text), id])
                }
            }
        }
    }

    /// Records the text of an update before it is sent, so that the next run has the text even when this process
    /// ends before the response arrives.
    package func recordUpdateSending(_ text: String, postIds: [String]) throws {
        try withDatabase { database in
            try database.transaction {
                for id in postIds {
                    try database.run(
                        "UPDATE posts SET sent_text_hash = ? WHERE post_id = ?", [Self.textHash(text), id])
                }
            }
        }
    }
}

/// The fields of a post from the API that the state keeps.
package struct PostSnapshot: Sendable, Equatable {
    package var id: String
    package var pageId: String
    package var groupId: String?
    package var status: String?
    package var approvalStatus: String?
    package var scheduledSet: Bool
    package var published: Bool
    package var publishedLink: String?
    /// The post's text, when the response that the snapshot comes from contains it.
    package var plainText: String? = nil
    /// The post's `scheduledAt` and campaign id, when the response that the snapshot comes from contains them.
    package var scheduledAt: String? = nil
    package var campaignId: String? = nil
}
