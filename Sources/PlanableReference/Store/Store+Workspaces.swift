import SQLite

/// A workspace row.
struct WorkspaceRecord {
    var id: String
    var companyID: String
    var name: String
    var timezone: String
    var websiteURL: String?
    /// NONE, OPTIONAL, REQUIRED or MULTIPLE.
    var approvalType: String
    /// `[{id, label, approversIds}]`, used when `approvalType` is MULTIPLE.
    var approvalLevels: [JSONValue]
    var autoSchedule: Bool
    var autoLock: Bool
    var sendReminders: Bool?
    var defaultTeamOnly: Bool
    var hideEmails: Bool
    var createdAt: Double
    var updatedAt: Double

    /// The approval levels a post goes through: the workspace's levels for MULTIPLE, one implicit level otherwise.
    var effectiveLevels: [(id: String, label: String)] {
        switch approvalType {
        case "MULTIPLE":
            let levels = approvalLevels.compactMap { level -> (String, String)? in
                guard let id = level["id"]?.stringValue else { return nil }
                return (id, level["label"]?.stringValue ?? id)
            }
            return levels.isEmpty ? [("approval", "Approval")] : levels
        case "NONE":
            return []
        default:
            return [("approval", "Approval")]
        }
    }

    /// Whether a post must be fully approved before it publishes.
    var requiresApproval: Bool { approvalType == "REQUIRED" || approvalType == "MULTIPLE" }
}

/// A member of a company, with the workspace role when read for one workspace.
struct MemberRecord {
    var id: String
    var name: String
    var email: String
    var membership: String
    var permissions: [String]
    var isApprover: Bool
}

extension ReferenceStore {
    func workspaceRecord(_ row: SQLiteRow) -> WorkspaceRecord {
        WorkspaceRecord(
            id: row.string("id") ?? "", companyID: row.string("company_id") ?? "", name: row.string("name") ?? "",
            timezone: row.string("timezone") ?? "UTC", websiteURL: row.string("website_url"),
            approvalType: row.string("approval_type") ?? "NONE",
            approvalLevels: decodeJSON(row.string("approval_levels"))?.arrayValue ?? [],
            autoSchedule: row.bool("auto_schedule") ?? false, autoLock: row.bool("auto_lock") ?? false,
            sendReminders: row.bool("send_reminders"), defaultTeamOnly: row.bool("default_team_only") ?? false,
            hideEmails: row.bool("hide_emails") ?? false, createdAt: row.double("created_at") ?? 0,
            updatedAt: row.double("updated_at") ?? 0)
    }

    func workspace(id: String) throws -> WorkspaceRecord? {
        try workspaceCache.value(id, in: database) {
            try database.queryFirst("SELECT * FROM workspaces WHERE id = ?", [id]).map(workspaceRecord)
        }
    }

    func workspaces(ids: [String]) throws -> [WorkspaceRecord] {
        guard !ids.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
        return try database.query("SELECT * FROM workspaces WHERE id IN (\(marks)) ORDER BY rowid", ids)
            .map(workspaceRecord)
    }

    func workspaceCount(companyID: String) throws -> Int {
        try database.queryFirst("SELECT COUNT(*) AS n FROM workspaces WHERE company_id = ?", [companyID])?.int("n") ?? 0
    }

    func companyWorkspaceLimit(_ companyID: String) throws -> Int {
        try database.queryFirst("SELECT workspace_limit FROM companies WHERE id = ?", [companyID])?
            .int("workspace_limit") ?? 25
    }

    func insertWorkspace(_ workspace: WorkspaceRecord, memberID: String) throws {
        try database.run(
            """
            INSERT INTO workspaces (id, company_id, name, timezone, website_url, approval_type, approval_levels,
                auto_schedule, auto_lock, send_reminders, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                workspace.id, workspace.companyID, workspace.name, workspace.timezone, workspace.websiteURL,
                workspace.approvalType, JSONValue.array(workspace.approvalLevels).serializedString,
                workspace.autoSchedule, workspace.autoLock, workspace.sendReminders, workspace.createdAt,
                workspace.updatedAt,
            ])
        try database.run(
            "INSERT OR IGNORE INTO workspace_members (workspace_id, member_id, is_approver) VALUES (?, ?, 1)",
            [workspace.id, memberID])
        // The approvers of the approval levels join the workspace, as they must be members to approve its posts.
        for level in workspace.approvalLevels {
            for approver in level["approversIds"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                try database.run(
                    "INSERT OR IGNORE INTO workspace_members (workspace_id, member_id, is_approver) VALUES (?, ?, 1)",
                    [workspace.id, approver])
            }
        }
    }

    /// Deletes the workspace with everything in it, and removes it from the tokens that name it.
    func deleteWorkspace(id: String) throws {
        let postIDs = "SELECT id FROM posts WHERE workspace_id = ?1"
        let pageIDs = "SELECT id FROM pages WHERE workspace_id = ?1"
        try database.run("DELETE FROM comments WHERE post_id IN (\(postIDs))", [id])
        try database.run("DELETE FROM competitors WHERE page_id IN (\(pageIDs))", [id])
        for table in [
            "posts", "pages", "labels", "campaigns", "media", "keywords", "workspace_members", "token_workspaces",
        ] {
            try database.run("DELETE FROM \(table) WHERE workspace_id = ?", [id])
        }
        try database.run("DELETE FROM workspaces WHERE id = ?", [id])
        tokenCache.removeAll()
    }

    func members(workspaceID: String) throws -> [MemberRecord] {
        try database.query(
            """
            SELECT m.*, wm.is_approver FROM workspace_members wm JOIN members m ON m.id = wm.member_id
            WHERE wm.workspace_id = ? ORDER BY m.rowid
            """, [workspaceID]
        ).map { row in
            MemberRecord(
                id: row.string("id") ?? "", name: row.string("name") ?? "", email: row.string("email") ?? "",
                membership: row.string("membership") ?? "team", permissions: decodeStrings(row.string("permissions")),
                isApprover: row.bool("is_approver") ?? false)
        }
    }

    func companyMemberIDs(companyID: String) throws -> Set<String> {
        Set(
            try database.query("SELECT id FROM members WHERE company_id = ?", [companyID]).compactMap {
                $0.string("id")
            })
    }

    func labels(workspaceID: String) throws -> [(id: String, name: String?, color: String)] {
        try database.query("SELECT * FROM labels WHERE workspace_id = ? ORDER BY rowid", [workspaceID]).map {
            ($0.string("id") ?? "", $0.string("name"), $0.string("color") ?? "fog")
        }
    }
}
