/// What a handler works with: the store (lock held), the caller's token, the clock reading and the inputs.
struct APIContext {
    let store: ReferenceStore
    let token: TokenRecord
    let now: Double
    let input: RequestInput
    let operation: OpenAPIOperation
    let services: ReferenceServices
    /// Media downloaded for this request before the store lock was taken, by URL.
    var prefetchedMedia: [String: Result<FetchedMedia, MediaDownloadError>] = [:]
    /// The lock-protected store, for work that continues after the request (background media imports).
    let lockedStore: StoreGate

    var body: JSONValue { input.body }

    /// The workspace `id` when the token may use it.
    ///
    /// - Throws: 404 (or 403 where the operation documents no 404) for an unknown workspace, 403 for a workspace
    ///   outside the token's list.
    func workspace(_ id: String) throws -> WorkspaceRecord {
        guard let workspace = try store.workspace(id: id), workspace.companyID == token.companyID else {
            if operation.statusCodes.contains("404") {
                throw APIError.notFound("workspace \(id) not found; list workspaces with GET /workspaces")
            }
            throw APIError.forbidden("workspace \(id) does not exist or the token has no access to it")
        }
        guard token.allWorkspaces || token.workspaceIDs.contains(id) else {
            throw APIError.forbidden("the token has no access to workspace \(id); use a token that includes it")
        }
        return workspace
    }

    /// The page `id` in a workspace the token may use.
    func page(_ id: String) throws -> (PageRecord, WorkspaceRecord) {
        guard let page = try store.page(id: id) else {
            throw APIError.notFound("page \(id) not found; list pages with GET /pages")
        }
        let workspace = try accessible(page.workspaceID, kind: "page", id: id)
        return (page, workspace)
    }

    /// The post `id` in a workspace the token may use.
    func post(_ id: String) throws -> (PostRecord, WorkspaceRecord) {
        guard let post = try store.post(id: id) else {
            throw APIError.notFound("post \(id) not found")
        }
        let workspace = try accessible(post.workspaceID, kind: "post", id: id)
        return (post, workspace)
    }

    /// The workspace of an object found by id; objects of other companies are reported as not found.
    func accessible(_ workspaceID: String, kind: String, id: String) throws -> WorkspaceRecord {
        guard let workspace = try store.workspace(id: workspaceID), workspace.companyID == token.companyID else {
            throw APIError.notFound("\(kind) \(id) not found")
        }
        guard token.allWorkspaces || token.workspaceIDs.contains(workspaceID) else {
            throw APIError.forbidden("the token has no access to the workspace of \(kind) \(id)")
        }
        return workspace
    }

    /// The offset and limit of a paginated list, kept within 0...`maximumLimit`.
    func pagination(defaultLimit: Int, maximumLimit: Int = 100) -> (offset: Int, limit: Int) {
        let offset = max(0, input.queryInt("offset") ?? 0)
        let limit = min(maximumLimit, max(0, input.queryInt("limit") ?? defaultLimit))
        return (offset, limit)
    }

    /// Builds the `pagination` object. `hasMore` is false for a limit of 0, since paging on by that limit would
    /// never end, and the comparison avoids `offset + limit`, which overflows for an offset near `Int.max`.
    func paginationBody(offset: Int, limit: Int, total: Int) -> JSONValue {
        ["offset": .integer(offset), "limit": .integer(limit), "hasMore": .bool(limit > 0 && offset < total - limit)]
    }
}
