import Foundation
import SQLite
import Timestamps

/// Campaigns and labels of a workspace.
enum CampaignHandlers {
    /// The most campaigns one workspace may have; POST /campaigns answers 403 past it.
    static let campaignLimit = 50

    static func list(_ context: APIContext) throws -> APIResponse {
        let workspace = try context.workspace(context.input.queryString("workspaceId") ?? "")
        var filter = "workspace_id = ?"
        var arguments: [any SQLiteBindable] = [workspace.id]
        if let status = context.input.queryString("status") {
            filter += " AND status = ?"
            arguments.append(status)
        }
        let (offset, limit) = context.pagination(defaultLimit: 10)
        let total =
            try context.store.database.queryFirst("SELECT COUNT(*) AS n FROM campaigns WHERE \(filter)", arguments)?
            .int("n") ?? 0
        let rows = try context.store.database.query(
            "SELECT * FROM campaigns WHERE \(filter) ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
            arguments + [limit, offset])
        return .ok([
            "data": .array(rows.map { render($0, context.store) }),
            "pagination": context.paginationBody(offset: offset, limit: limit, total: total),
        ])
    }

    static func get(_ context: APIContext) throws -> APIResponse {
        .ok(["data": render(try campaign(context), context.store)])
    }

    static func create(_ context: APIContext) throws -> APIResponse {
        let workspace = try context.workspace(context.body["workspaceId"]?.stringValue ?? "")
        let count =
            try context.store.database.queryFirst(
                "SELECT COUNT(*) AS n FROM campaigns WHERE workspace_id = ?", [workspace.id])?.int("n") ?? 0
        guard count < campaignLimit else {
            throw APIError.forbidden("workspace \(workspace.id) has reached its limit of \(campaignLimit) campaigns")
        }
        let fields = try CampaignFields(context.body, existing: nil)
        let id = Identifiers.objectID()
        try context.store.database.run(
            """
            INSERT INTO campaigns (id, workspace_id, name, status, icon, color, started_at, ended_at, description, links,
                created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                id, workspace.id, fields.name, fields.status, fields.icon, fields.color, fields.startedAt,
                fields.endedAt,
                fields.description, fields.links.serializedString, context.now,
            ])
        let row = try context.store.database.queryFirst("SELECT * FROM campaigns WHERE id = ?", [id])
        return .created(["data": row.map { render($0, context.store) } ?? .null])
    }

    static func update(_ context: APIContext) throws -> APIResponse {
        let existing = try campaign(context)
        let fields = try CampaignFields(context.body, existing: existing)
        let id = existing.string("id") ?? ""
        try context.store.database.run(
            """
            UPDATE campaigns SET name = ?, status = ?, icon = ?, color = ?, started_at = ?, ended_at = ?,
                description = ?, links = ? WHERE id = ?
            """,
            [
                fields.name, fields.status, fields.icon, fields.color, fields.startedAt, fields.endedAt,
                fields.description, fields.links.serializedString, id,
            ])
        let row = try context.store.database.queryFirst("SELECT * FROM campaigns WHERE id = ?", [id])
        return .ok(["data": row.map { render($0, context.store) } ?? .null])
    }

    static func delete(_ context: APIContext) throws -> APIResponse {
        let id = try campaign(context).string("id") ?? ""
        try context.store.database.transaction {
            // Posts stay; only their link to the campaign goes.
            try context.store.database.run("UPDATE posts SET campaign_id = NULL WHERE campaign_id = ?", [id])
            try context.store.database.run("DELETE FROM campaigns WHERE id = ?", [id])
        }
        return .noContent
    }

    private static func campaign(_ context: APIContext) throws -> SQLiteRow {
        let id = context.input.path("id")
        guard let row = try context.store.database.queryFirst("SELECT * FROM campaigns WHERE id = ?", [id]) else {
            throw APIError.notFound("campaign \(id) not found")
        }
        _ = try context.accessible(row.string("workspace_id") ?? "", kind: "campaign", id: id)
        return row
    }

    static func render(_ row: SQLiteRow, _ store: ReferenceStore) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .optional(row.string("id"))), ("workspaceId", .optional(row.string("workspace_id"))),
            ("name", .optional(row.string("name"))), ("status", .optional(row.string("status"))),
            ("icon", .optional(row.string("icon"))), ("color", .optional(row.string("color"))),
            ("startedAt", row.double("started_at").map { .string(Timestamp.format($0)) } ?? .null),
            ("endedAt", row.double("ended_at").map { .string(Timestamp.format($0)) } ?? .null),
        ]
        if let description = row.string("description") { members.append(("description", .string(description))) }
        members.append(("links", store.decodeJSON(row.string("links")) ?? .array([])))
        members.append(("createdAt", .string(Timestamp.format(row.double("created_at") ?? 0))))
        return .object(members)
    }

    static func listLabels(_ context: APIContext) throws -> APIResponse {
        let workspace = try context.workspace(context.input.queryString("workspaceId") ?? "")
        let labels = try context.store.labels(workspaceID: workspace.id)
        return .ok([
            "data": .array(
                labels.map { ["id": .string($0.id), "color": .string($0.color), "name": .optional($0.name)] })
        ])
    }

    static func createLabel(_ context: APIContext) throws -> APIResponse {
        let workspace = try context.workspace(context.body["workspaceId"]?.stringValue ?? "")
        let text = context.body["text"]?.stringValue ?? ""
        let color = context.body["color"]?.stringValue ?? "fog"
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.validation("body.text must contain more than white space")
        }
        let existing = try context.store.labels(workspaceID: workspace.id)
        guard !existing.contains(where: { $0.name == text }) else {
            throw APIError.validation("workspace \(workspace.id) already has a label named \(text)")
        }
        let id = Identifiers.objectID()
        try context.store.database.run(
            "INSERT INTO labels (id, workspace_id, name, color, created_at) VALUES (?, ?, ?, ?, ?)",
            [id, workspace.id, text, color, context.now])
        return .created(["data": ["id": .string(id), "color": .string(color), "name": .string(text)]])
    }
}

/// The fields of a campaign body, merged over an existing campaign for PATCH.
private struct CampaignFields {
    var name: String
    var status: String
    var icon: String
    var color: String
    var startedAt: Double?
    var endedAt: Double?
    var description: String?
    var links: JSONValue

    init(_ body: JSONValue, existing: SQLiteRow?) throws {
        name = body["name"]?.stringValue ?? existing?.string("name") ?? ""
        guard !name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.validation("body.name must contain more than white space")
        }
        status = body["status"]?.stringValue ?? existing?.string("status") ?? "planned"
        icon = body["icon"]?.stringValue ?? existing?.string("icon") ?? "star"
        color = body["color"]?.stringValue ?? existing?.string("color") ?? "#5b6cff"
        startedAt = try Self.date(body, "startedAt") ?? existing?.double("started_at")
        endedAt = try Self.date(body, "endedAt") ?? existing?.double("ended_at")
        if let startedAt, let endedAt, endedAt < startedAt {
            throw APIError.validation("endedAt must not be before startedAt")
        }
        description = body["description"]?.stringValue ?? existing?.string("description")
        if let links = body["links"]?.arrayValue {
            self.links = .array(
                links.map { link in
                    ["url": link["url"] ?? "", "title": link["title"] ?? .null]
                })
        } else {
            links = existing.flatMap { try? JSONParser.parse($0.string("links") ?? "[]") } ?? .array([])
        }
    }

    private static func date(_ body: JSONValue, _ key: String) throws -> Double? {
        guard let text = body[key]?.stringValue else { return nil }
        guard let seconds = Timestamp.parse(text) else {
            throw APIError.validation("body.\(key) \(text) is not an RFC 3339 date-time")
        }
        return seconds
    }
}
