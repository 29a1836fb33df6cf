import SQLite
import Timestamps

/// The media library and stories.
enum MediaHandlers {
    static func upload(_ context: APIContext) throws -> APIResponse {
        let workspace = try context.workspace(context.body["workspaceId"]?.stringValue ?? "")
        let urls = context.body["mediaUrls"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for url in urls {
            let lowered = url.lowercased()
            guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
                throw APIError.validation("media URL \(url) must use http or https")
            }
        }
        var items: [JSONValue] = []
        var started: [(String, String)] = []
        for url in urls {
            let id = try context.services.insertProcessing(
                context.store, workspaceID: workspace.id, url: url, now: context.now)
            started.append((id, url))
            items.append(["id": .string(id), "status": "processing"])
        }
        for (id, url) in started { context.services.importLater(id: id, url: url, store: context.lockedStore) }
        return APIResponse(status: 202, body: ["data": .array(items)])
    }

    static func list(_ context: APIContext) throws -> APIResponse {
        let workspace = try context.workspace(context.input.queryString("workspaceId") ?? "")
        let (offset, limit) = context.pagination(defaultLimit: 20)
        let total =
            try context.store.database.queryFirst(
                "SELECT COUNT(*) AS n FROM media WHERE workspace_id = ?", [workspace.id])?.int("n") ?? 0
        let rows = try context.store.database.query(
            "SELECT * FROM media WHERE workspace_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
            [workspace.id, limit, offset])
        return .ok([
            "data": .array(rows.map(render)),
            "pagination": context.paginationBody(offset: offset, limit: limit, total: total),
        ])
    }

    static func get(_ context: APIContext) throws -> APIResponse {
        let id = context.input.path("id")
        guard let row = try context.store.database.queryFirst("SELECT * FROM media WHERE id = ?", [id]) else {
            throw APIError.notFound("media \(id) not found")
        }
        _ = try context.accessible(row.string("workspace_id") ?? "", kind: "media", id: id)
        return .ok(["data": render(row)])
    }

    static func render(_ row: SQLiteRow) -> JSONValue {
        [
            "id": .optional(row.string("id")), "workspaceId": .optional(row.string("workspace_id")),
            "type": .optional(row.string("type")), "name": .optional(row.string("name")),
            "url": .optional(row.string("url")),
            "thumbnailUrl": .optional(row.string("thumbnail_url")),
            "width": row.int("width").map { .integer($0) } ?? .null,
            "height": row.int("height").map { .integer($0) } ?? .null,
            "size": .integer(row.int("size") ?? 0), "mimeType": .optional(row.string("mime_type")),
            "status": .optional(row.string("status")),
            "createdAt": .string(Timestamp.format(row.double("created_at") ?? 0)),
        ]
    }
}
