import SQLite

extension StateStore {
    /// Counts the items of every source by status, such as `["synced": 40, "failed": 2]`.
    package func itemCountsByStatus() throws -> [String: Int] {
        try withDatabase { database in
            var counts: [String: Int] = [:]
            for row in try database.query("SELECT status, COUNT(*) AS n FROM items GROUP BY status") {
                counts[row.string("status") ?? ""] = row.int("n") ?? 0
            }
            return counts
        }
    }

    /// Counts the posts whose publication failed in Planable, as the last status poll saw them.
    package func failedPostCount() throws -> Int {
        try withDatabase { database in
            try database.queryFirst("SELECT COUNT(*) AS n FROM posts WHERE status = 'failed'")?.int("n") ?? 0
        }
    }

    /// Counts the items that have posts and are not removed, by source name, for the sources not in `listed`.
    ///
    /// Every run asks this at its start, and usually every source is listed, so the sources are read from the
    /// items' key first and the join with the posts runs only for unlisted ones.
    package func syncedItemCounts(outside listed: Set<String>) throws -> [String: Int] {
        try withDatabase { database in
            let unlisted = try database.query("SELECT DISTINCT source FROM items").compactMap { $0.string("source") }
                .filter { !listed.contains($0) }
            var counts: [String: Int] = [:]
            for source in unlisted {
                let row = try database.queryFirst(
                    """
                    SELECT COUNT(DISTINCT items.identity) AS n FROM items
                    JOIN posts ON posts.source = items.source AND posts.identity = items.identity
                    WHERE items.source = ? AND items.status != 'removed'
                    """, [source])
                if let count = row?.int("n"), count > 0 { counts[source] = count }
            }
            return counts
        }
    }

    /// Tells whether the state holds any item of `source`.
    package func hasItems(source: String) throws -> Bool {
        try withDatabase { database in
            try database.queryFirst("SELECT EXISTS (SELECT 1 FROM items WHERE source = ?) AS found", [source])?
                .int("found") == 1
        }
    }

    /// Warnings for sources the state has synced items of but the configuration no longer lists. A renamed source
    /// is the usual cause, and its items would then be created again as new posts under the new name.
    package func unlistedSourceWarnings(
        _ configuration: Configuration, except renamed: Set<String> = []
    ) throws
        -> [String]
    {
        let listed = Set(configuration.sources.map(\.name)).union(renamed)
        return try syncedItemCounts(outside: listed).sorted { $0.key < $1.key }.map { source, count in
            let summary =
                "the state holds \(count) synced \(count == 1 ? "item" : "items") of source \"\(source)\", which "
                + "the configuration no longer lists; "
            let forget = "`\(ForgetCommandLine.source(source, configurationPath: configuration.path))`"
            // A feed under a new name posts only its newest entries again, its backfill, and a URL changed in the
            // same edit hides the rename, which a URL change alone does not.
            guard try feedRecord(source: source) != nil else {
                return summary + "if the source was renamed, give it back its old name, or each of its items becomes a "
                    + "new post under the new name; to drop them, run \(forget)"
            }
            return summary + "if the feed source was renamed, give it back its old name, or the feed's newest entries, "
                + "as many as its backfill, are posted again under the new name; to change both its name and its "
                + "URL, change the URL in one sync and the name in the next. If the feed was replaced, run \(forget) "
                + "to drop the old records"
        }
    }

    /// Moves the records of source `old` to source `new`: every item, post, pending create, the feed's record and
    /// read failures, or only the items in `identities` with their posts and pending creates.
    package func renameSource(from old: String, to new: String, identities: [String]? = nil) throws {
        try withDatabase { database in
            try database.transaction {
                // Posts refer to their items by source, so the key check waits for the commit.
                try database.execute("PRAGMA defer_foreign_keys = ON")
                guard let identities else {
                    for table in ["items", "posts", "intents", "feeds", "read_failures"] {
                        try database.run("UPDATE \(table) SET source = ? WHERE source = ?", [new, old])
                    }
                    return
                }
                // Part of a source: its items move one by one, and the next scan records its read failures anew.
                for identity in identities {
                    for table in ["items", "posts", "intents"] {
                        try database.run(
                            "UPDATE \(table) SET source = ? WHERE source = ? AND identity = ?", [new, old, identity])
                    }
                }
            }
        }
    }

    /// Writes a consistent copy of the database to `path`, which must not exist.
    func copy(to path: String) throws {
        try withDatabase { database in
            _ = try database.run("VACUUM INTO ?", [path])
        }
    }
}
