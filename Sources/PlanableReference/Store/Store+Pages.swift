import SQLite

/// A page (social channel) row.
struct PageRecord {
    var id: String
    var workspaceID: String
    var name: String
    var platform: String
    var connected: Bool
    var profilePicture: String?
    var link: String?
    var createdAt: Double
    var syncStartedAt: Double?
    var lastSyncedAt: Double?
}

extension ReferenceStore {
    func pageRecord(_ row: SQLiteRow) -> PageRecord {
        PageRecord(
            id: row.string("id") ?? "", workspaceID: row.string("workspace_id") ?? "", name: row.string("name") ?? "",
            platform: row.string("platform") ?? "", connected: row.bool("connected") ?? false,
            profilePicture: row.string("profile_picture"), link: row.string("link"),
            createdAt: row.double("created_at") ?? 0, syncStartedAt: row.double("sync_started_at"),
            lastSyncedAt: row.double("last_synced_at"))
    }

    func page(id: String) throws -> PageRecord? {
        try pageCache.value(id, in: database) {
            try database.queryFirst("SELECT * FROM pages WHERE id = ?", [id]).map(pageRecord)
        }
    }

    /// The pages of `workspaceIDs` in creation order, with the total count before paging.
    func pages(workspaceIDs: [String], offset: Int, limit: Int) throws -> (pages: [PageRecord], total: Int) {
        guard !workspaceIDs.isEmpty else { return ([], 0) }
        let marks = Array(repeating: "?", count: workspaceIDs.count).joined(separator: ",")
        let total =
            try database.queryFirst("SELECT COUNT(*) AS n FROM pages WHERE workspace_id IN (\(marks))", workspaceIDs)?
            .int("n") ?? 0
        let rows = try database.query(
            "SELECT * FROM pages WHERE workspace_id IN (\(marks)) ORDER BY rowid LIMIT ? OFFSET ?",
            workspaceIDs + [limit, offset] as [any SQLiteBindable])
        return (rows.map(pageRecord), total)
    }

    func pages(workspaceID: String) throws -> [PageRecord] {
        try workspacePagesCache.value(workspaceID, in: database) {
            try database.query("SELECT * FROM pages WHERE workspace_id = ? ORDER BY rowid", [workspaceID])
                .map(pageRecord)
        } ?? []
    }

    func setPageConnected(id: String, connected: Bool) throws {
        try database.run("UPDATE pages SET connected = ? WHERE id = ?", [connected, id])
    }
}
