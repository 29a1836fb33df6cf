import Foundation
import Hashing

/// Token rows by lookup prefix, with their digests, and the companies whose API access is off.
///
/// The store fills the cache and empties it on every change to tokens, their workspaces or API access, under its
/// own lock. Request threads read it under this cache's lock alone, so that a token that was seen before is checked
/// without waiting for the store.
final class TokenCache: @unchecked Sendable {
    /// A token row: its SHA-256 digest, its record, and its text once a request presented it and its digest
    /// matched, so that a later request with the same token is matched without hashing it again.
    typealias Entry = (digest: [UInt8], token: TokenRecord, text: [UInt8]?)

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
    /// presented before, and only when none is equal, by its SHA-256 digest, which is the larger part of the cost.
    func check(token text: String, now: Double) -> Check {
        let lookup = TokenDigest.lookup(text)
        let presented = Array(text.utf8)
        lock.lock()
        defer { lock.unlock() }
        guard var candidates = entries[lookup], let disabledCompanies else { return .unknown }
        var match: TokenRecord?
        for candidate in candidates {
            if let known = candidate.text, SHA256.constantTimeEqual(known, presented) { match = candidate.token }
        }
        if match == nil {
            let digest = SHA256.digest(presented)
            for index in candidates.indices where SHA256.constantTimeEqual(candidates[index].digest, digest) {
                match = candidates[index].token
                candidates[index].text = presented
            }
            if match != nil { entries[lookup] = candidates }
        }
        guard let token = match, token.revokedAt == nil, token.expiresAt.map({ $0 > now }) ?? true,
            let lastUsed = token.lastUsedAt, now - lastUsed < 1, now >= lastUsed,
            !disabledCompanies.contains(token.companyID)
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
