import Foundation
import HTTPServer

/// Serialized responses of read operations, valid while the database has not changed.
///
/// The version is SQLite's `total_changes()` for the store's connection, which every insert, update and delete
/// advances (API writes, controls, background media imports and lifecycle steps alike), so a cached response is
/// never served after a committed change. Only operations whose response depends on nothing but stored rows are
/// cached, because analytics and sync status read the clock and are always computed.
final class ResponseCache: @unchecked Sendable {
    static let cacheable: Set<String> = [
        "GET /workspaces", "GET /pages", "GET /posts", "GET /posts/{id}", "GET /posts/count", "GET /labels",
        "GET /members", "GET /campaigns", "GET /campaigns/{id}", "GET /media", "GET /media/{id}",
        "GET /posts/{id}/comments", "GET /keywords",
    ]
    /// The most responses kept; the cache empties when it is full.
    static let capacity = 512

    /// Guards every stored property below. Request threads take it without the store's lock.
    private let lock = NSLock()
    private var entries: [String: (version: Int64, body: [UInt8])] = [:]
    /// The change count of the committed state, and the time until which no lifecycle step is due, as the store
    /// last published them; -1 while none is published.
    private var committedVersion: Int64 = -1
    private var committedUntil = -Double.infinity

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

    /// Returns the response stored for `key` at `version`, for a caller that holds the store's lock and passes
    /// its current change count.
    func lookup(_ key: String, version: Int64) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[key], entry.version == version else { return nil }
        return entry.body
    }

    /// Returns the response stored for `key` at the committed state the store last published, when no lifecycle
    /// step is due at `now`, for a request thread that does not hold the store's lock. Such a read returns the
    /// state of the last commit, as a read that took the lock before an open batch's writes would.
    func committedResponse(_ key: String, now: Double) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        guard committedVersion >= 0, now < committedUntil, let entry = entries[key],
            entry.version == committedVersion
        else { return nil }
        return entry.body
    }

    func store(_ body: [UInt8], key: String, version: Int64) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = (version, body)
    }

    /// Records the change count of the committed state and the time of the next lifecycle step. The store calls
    /// it with its lock held, while no batch is open, and before any response that depends on the commit is sent.
    func publish(version: Int64, validUntil: Double) {
        lock.lock()
        committedVersion = version
        committedUntil = validUntil
        lock.unlock()
    }

    /// Drops every response, after a rollback. The change count still counts the rolled-back changes, so a
    /// response made from them would otherwise match it.
    func removeAll() {
        lock.lock()
        entries.removeAll()
        committedVersion = -1
        lock.unlock()
    }
}
