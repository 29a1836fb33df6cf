import HTTPServer

/// Serialized responses of read operations, valid while the database has not changed.
///
/// The version is SQLite's `total_changes()` for the store's connection, which every insert, update and delete
/// advances (API writes, controls, background media imports and lifecycle steps alike), so a cached response is
/// never served after a change. Only operations whose response depends on nothing but stored rows are cached:
/// analytics and sync status read the clock and are always computed.
struct ResponseCache {
    static let cacheable: Set<String> = [
        "GET /workspaces", "GET /pages", "GET /posts", "GET /posts/{id}", "GET /posts/count", "GET /labels",
        "GET /members", "GET /campaigns", "GET /campaigns/{id}", "GET /media", "GET /media/{id}",
        "GET /posts/{id}/comments", "GET /keywords",
    ]
    /// The most responses kept; the cache empties when it is full.
    static let capacity = 512

    private var entries: [String: (version: Int64, body: [UInt8])] = [:]

    /// The cache key of a request, or nil when its operation is not cached.
    static func key(for operation: OpenAPIOperation, request: HTTPServerRequest, tokenID: String) -> String? {
        guard cacheable.contains(operation.key) else { return nil }
        var key = tokenID
        key.reserveCapacity(tokenID.count + request.path.utf8.count + 64)
        key += " "
        key += request.path
        key += "?"
        for (index, argument) in request.query.enumerated() {
            if index > 0 { key += "&" }
            key += argument.name
            key += "="
            key += argument.value
        }
        return key
    }

    func lookup(_ key: String, version: Int64) -> [UInt8]? {
        guard let entry = entries[key], entry.version == version else { return nil }
        return entry.body
    }

    mutating func store(_ body: [UInt8], key: String, version: Int64) {
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = (version, body)
    }
}
