import Foundation
import SQLite
import Timestamps

/// Social listening: tracked keywords, their mentions and metrics.
enum KeywordHandlers {
    static let keywordLimit = 10
    static let brandLimit = 3
    static let mentionPlatforms = ["twitter", "youtube", "reddit", "tiktok", "facebook", "instagram"]
    /// Each platform is one sync job; a job completes every `secondsPerJob` after the keyword is added.
    static let secondsPerJob = 5.0

    static func list(_ context: APIContext) throws -> APIResponse {
        let workspace = try context.workspace(context.input.queryString("workspaceId") ?? "")
        var filter = "workspace_id = ? AND removed_at IS NULL"
        var arguments: [any SQLiteBindable] = [workspace.id]
        if let type = context.input.queryString("type") {
            filter += " AND type = ?"
            arguments.append(type)
        }
        let rows = try context.store.database.query("SELECT * FROM keywords WHERE \(filter) ORDER BY rowid", arguments)
        return .ok(["data": .array(rows.map(render))])
    }

    static func create(_ context: APIContext) throws -> APIResponse {
        let workspace = try context.workspace(context.body["workspaceId"]?.stringValue ?? "")
        let text = (context.body["keyword"]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw APIError.validation("body.keyword must contain more than white space") }
        let type = context.body["type"]?.stringValue ?? "topic"
        let active = try context.store.database.query(
            "SELECT * FROM keywords WHERE workspace_id = ? AND removed_at IS NULL", [workspace.id])
        if let existing = active.first(where: { ($0.string("text") ?? "").lowercased() == text.lowercased() }) {
            guard existing.string("type") == type else {
                throw APIError.validation(
                    "keyword \(text) is already tracked as \(existing.string("type") ?? ""); delete it to track it as \(type)"
                )
            }
            return .ok(["data": render(existing)])
        }
        guard active.count < keywordLimit else {
            throw APIError.validation(
                "workspace \(workspace.id) already tracks \(keywordLimit) keywords, the limit; delete one with "
                    + "DELETE /keywords/{keywordId} to track another")
        }
        if type == "brand" && active.filter({ $0.string("type") == "brand" }).count >= brandLimit {
            throw APIError.validation(
                "workspace \(workspace.id) already tracks \(brandLimit) brand keywords, the limit; delete one with "
                    + "DELETE /keywords/{keywordId}, or track this one as a topic")
        }
        let id = Identifiers.objectID()
        try context.store.database.run(
            "INSERT INTO keywords (id, workspace_id, text, type, created_at) VALUES (?, ?, ?, ?, ?)",
            [id, workspace.id, text, type, context.now])
        let row = try context.store.database.queryFirst("SELECT * FROM keywords WHERE id = ?", [id])
        return .created(["data": row.map(render) ?? .null])
    }

    static func delete(_ context: APIContext) throws -> APIResponse {
        let row = try keyword(context, includeRemoved: false)
        try context.store.database.run(
            "UPDATE keywords SET removed_at = ? WHERE id = ?", [context.now, row.string("id") ?? ""])
        return .noContent
    }

    static func syncStatus(_ context: APIContext) throws -> APIResponse {
        let row = try keyword(context, includeRemoved: true)
        let total = mentionPlatforms.count
        let elapsed = context.now - (row.double("created_at") ?? context.now)
        let completed = min(total, max(0, Int(elapsed / secondsPerJob)))
        let status = row.double("removed_at") != nil ? "removed" : completed == total ? "complete" : "running"
        return .ok([
            "data": [
                "keywordId": .optional(row.string("id")), "status": .string(status), "totalJobs": .integer(total),
                "completedJobs": .integer(completed),
            ]
        ])
    }

    static func mentions(_ context: APIContext) throws -> APIResponse {
        let row = try keyword(context, includeRemoved: false)
        let window = try AnalyticsWindow.read(context)
        var items = KeywordMentions.mentions(
            keywordID: row.string("id") ?? "", text: row.string("text") ?? "", window: window)
        if let platform = context.input.queryString("platform") { items.removeAll { $0.platform != platform } }
        if let sentiment = context.input.queryString("sentiment"), sentiment != "all" {
            items.removeAll { $0.sentiment != sentiment }
        }
        if context.input.queryString("sortBy") == "recency" {
            items.sort { $0.publishedAt > $1.publishedAt }
        } else {
            items.sort { ($0.engagement, $0.publishedAt) > ($1.engagement, $1.publishedAt) }
        }
        let cursor = context.input.queryInt("cursor") ?? 0
        let limit = context.input.queryInt("limit") ?? 20
        let page = items.dropFirst(cursor).prefix(limit)
        let next = cursor + page.count < items.count ? JSONValue.integer(cursor + page.count) : .null
        return .ok([
            "data": .array(page.map(\.json)), "pagination": ["nextCursor": next, "total": .integer(items.count)],
        ])
    }

    static func summary(_ context: APIContext) throws -> APIResponse {
        let row = try keyword(context, includeRemoved: false)
        let window = try AnalyticsWindow.read(context)
        let items = KeywordMentions.mentions(
            keywordID: row.string("id") ?? "", text: row.string("text") ?? "", window: window)
        let days = Set(items.map { SyntheticMetrics.dayNumber($0.publishedAt) })
        return .ok([
            "data": [
                "mentions": .integer(items.count), "engagement": .integer(items.reduce(0) { $0 + $1.engagement }),
                "sentiment": KeywordMentions.sentimentCounts(items),
                "platformBreakdown": KeywordMentions.breakdown(items),
                "daysWithData": .integer(days.count),
            ]
        ])
    }

    static func daily(_ context: APIContext) throws -> APIResponse {
        let row = try keyword(context, includeRemoved: false)
        let window = try AnalyticsWindow.read(context)
        let items = KeywordMentions.mentions(
            keywordID: row.string("id") ?? "", text: row.string("text") ?? "", window: window)
        let series = window.days.map { day -> JSONValue in
            let onDay = items.filter { SyntheticMetrics.dayNumber($0.publishedAt) == day }
            return [
                "date": .string(Timestamp.format(Double(day) * 86400)), "mentions": .integer(onDay.count),
                "engagement": .integer(onDay.reduce(0) { $0 + $1.engagement }),
                "sentiment": KeywordMentions.sentimentCounts(onDay),
                "platformBreakdown": KeywordMentions.breakdown(onDay),
            ]
        }
        return .ok(["data": .array(series)])
    }

    private static func keyword(_ context: APIContext, includeRemoved: Bool) throws -> SQLiteRow {
        let workspace = try context.workspace(context.input.queryString("workspaceId") ?? "")
        let id = context.input.path("keywordId")
        let removed = includeRemoved ? "" : " AND removed_at IS NULL"
        guard
            let row = try context.store.database.queryFirst(
                "SELECT * FROM keywords WHERE id = ? AND workspace_id = ?\(removed)", [id, workspace.id])
        else { throw APIError.notFound("keyword \(id) is not tracked by workspace \(workspace.id)") }
        return row
    }

    static func render(_ row: SQLiteRow) -> JSONValue {
        [
            "keywordId": .optional(row.string("id")), "text": .optional(row.string("text")),
            "type": .optional(row.string("type")),
            "createdAt": .string(Timestamp.format(row.double("created_at") ?? 0)),
        ]
    }
}
