import Foundation
import Hashing

/// Token rows by lookup prefix, with their digests and the texts that requests presented, and the companies whose
/// API access is off.
///
/// The store fills the cache and empties it on every change to tokens, their workspaces or API access, under its
/// own lock. Request threads read it under this cache's lock alone, so that a token that was seen before is checked
/// without waiting for the store.
final class TokenCache: @unchecked Sendable {
    /// A token row: its SHA-256 digest, its record and the token's text. The text is set once a request presents
    /// the token and its digest matches, so that later requests with it are matched without hashing.
    typealias Entry = (digest: [UInt8], token: TokenRecord, text: [UInt8]?)

    /// The maximum number of lookup prefixes kept. The store also caches a prefix that matched no row, so requests
    /// with random tokens would otherwise grow the cache until the next change to tokens.
    static let capacity = 4096

    private let lock = NSLock()
    private var entries: [String: [Entry]] = [:]
    private var disabledCompanies: Set<String>?

    /// The result of checking a presented token against the cache alone.
    enum Check {
        /// A token of a company with API access on, used within the last second, so that its use needs no record.
        case accepted(TokenRecord)
        /// The store must decide: the token is not cached, was not used within the last second, or the cache does
        /// not know its company's API access.
        case unknown
    }

    /// Checks a presented token, as `ReferenceStore.authenticate` would, without reading the store.
    ///
    /// The token is compared in constant time with the text of each row for its lookup prefix that a request
    /// presented before. Only when none is equal is it hashed, which is the larger part of the cost, and its SHA-256
    /// compared with the rows' digests.
    ///
    /// - Parameter requiringRecentUse: whether a token not used within the last second is left to the store, which
    ///   records its use. A caller that records no use, such as the rate-limit headers of a 404, passes false.
    func check(token text: String, now: Double, requiringRecentUse: Bool = true) -> Check {
        let lookup = TokenDigest.lookup(text)
        let presented = Array(text.utf8)
        lock.lock()
        var match: TokenRecord?
        for candidate in entries[lookup] ?? [] {
            if let known = candidate.text, SHA256.constantTimeEqual(known, presented) { match = candidate.token }
        }
        let cached = entries[lookup] != nil
        var disabled = disabledCompanies
        lock.unlock()
        guard cached else { return .unknown }

        if match == nil {
            // Hashed without the lock, so that other request threads do not wait for it. The rows are read again
            // afterwards, because the store may have replaced them meanwhile.
            let digest = SHA256.digest(presented)
            lock.lock()
            for index in (entries[lookup] ?? []).indices {
                guard let candidate = entries[lookup]?[index],
                    SHA256.constantTimeEqual(candidate.digest, digest)
                else { continue }
                match = candidate.token
                entries[lookup]?[index].text = presented
            }
            disabled = disabledCompanies
            lock.unlock()
        }
        guard let token = match, let disabled, token.revokedAt == nil, token.expiresAt.map({ $0 > now }) ?? true,
            !requiringRecentUse || token.lastUsedAt.map({ now - $0 < 1 && now >= $0 }) == true,
            !disabled.contains(token.companyID)
        else { return .unknown }
        return .accepted(token)
    }

    func entries(lookup: String) -> [Entry]? {
        lock.lock()
        defer { lock.unlock() }
        return entries[lookup]
    }

    func setEntries(_ found: [Entry], lookup: String) {
        lock.lock()
        if entries[lookup] == nil && entries.count >= Self.capacity { entries.removeAll() }
        entries[lookup] = found
        lock.unlock()
    }

    /// Replaces the cached record of a token found by `lookup`, such as after its use was recorded.
    func update(_ token: TokenRecord, lookup: String) {
        lock.lock()
        if let index = entries[lookup]?.firstIndex(where: { $0.token.id == token.id }) {
            entries[lookup]?[index].token = token
        }
        lock.unlock()
    }

    /// The companies whose API access is off, nil until the store sets them.
    var apiDisabledCompanies: Set<String>? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return disabledCompanies
        }
        set {
            lock.lock()
            disabledCompanies = newValue
            lock.unlock()
        }
    }

    /// Drops every token row, after a change to tokens or to the workspaces they name.
    func removeAll() {
        lock.lock()
        entries.removeAll()
        lock.unlock()
    }
}
