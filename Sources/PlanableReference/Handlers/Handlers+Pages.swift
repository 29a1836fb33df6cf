import Timestamps

/// GET /pages.
enum PageHandlers {
    static func list(_ context: APIContext) throws -> APIResponse {
        let workspaceIDs: [String]
        if let workspaceID = context.input.queryString("workspaceId") {
            workspaceIDs = [try context.workspace(workspaceID).id]
        } else {
            workspaceIDs = try context.store.accessibleWorkspaceIDs(context.token)
        }
        let (offset, limit) = context.pagination(defaultLimit: 20)
        let (pages, total) = try context.store.pages(workspaceIDs: workspaceIDs, offset: offset, limit: limit)
        return .ok([
            "data": .array(pages.map(render)),
            "pagination": context.paginationBody(offset: offset, limit: limit, total: total),
        ])
    }

    static func render(_ page: PageRecord) -> JSONValue {
        [
            "id": .string(page.id), "name": .string(page.name), "platform": .string(page.platform),
            "workspaceId": .string(page.workspaceID), "createdAt": .string(Timestamp.format(page.createdAt)),
            "isConnected": .bool(page.connected), "profilePicture": .optional(page.profilePicture),
            "link": .optional(page.link),
        ]
    }
}
