import Hashing
import SQLite

/// An API token as the store keeps it, without the secret.
struct TokenRecord: Sendable {
    var id: String
    var companyID: String
    var memberID: String
    var name: String
    var scope: String
    var allWorkspaces: Bool
    var workspaceIDs: Set<String>
    var createdAt: Double
    var expiresAt: Double?
    var revokedAt: Double?
    var lastUsedAt: Double?

    var canWrite: Bool { scope == "write" }

    func isActive(at now: Double) -> Bool {
        revokedAt == nil && (expiresAt.map { $0 > now } ?? true)
    }
}

/// Why a presented token was not accepted.
enum TokenRejection: Error, Equatable {
    case unknown, expired, revoked
    /// The token is valid, but its company's API access is turned off.
    case apiDisabled
}

extension ReferenceStore {
    /// The maximum number of tokens a company may have that are neither revoked nor expired.
    static let maximumActiveTokens = 10

    /// Finds the token whose digest matches `plaintext`, comparing digests in constant time.
    func authenticate(_ plaintext: String, now: Double) throws -> Result<TokenRecord, TokenRejection> {
        let presented = SHA256.digest(Array(plaintext.utf8))
        let lookup = TokenDigest.lookup(plaintext)
        var candidates = tokenCache.entries(lookup: lookup)
        if candidates == nil {
            let rows = try database.query("SELECT * FROM tokens WHERE lookup = ?", [lookup])
            let found = try rows.compactMap { row -> TokenCache.Entry? in
                guard case .blob(let digest) = row["digest"], let token = try tokenRecord(row) else { return nil }
                return (digest, token, nil)
            }
            tokenCache.setEntries(found, lookup: lookup)
            candidates = found
        }
        var match: TokenRecord?
        for candidate in candidates ?? [] where SHA256.constantTimeEqual(candidate.digest, presented) {
            match = candidate.token
        }
        guard var token = match else { return .failure(.unknown) }
        if token.revokedAt != nil { return .failure(.revoked) }
        if let expiresAt = token.expiresAt, expiresAt <= now { return .failure(.expired) }
        if token.lastUsedAt.map({ now - $0 >= 1 || now < $0 }) ?? true {
            try database.run("UPDATE tokens SET last_used_at = ? WHERE id = ?", [now, token.id])
            token.lastUsedAt = now
            tokenCache.update(token, lookup: lookup)
        }
        return .success(token)
    }

    /// Tells whether the company may use the API. Every operation returns 403 to a company with access turned off,
    /// `GET /ping` included, so that a client can rehearse a refused account.
    func isAPIEnabled(companyID: String) throws -> Bool {
        var disabled = tokenCache.apiDisabledCompanies
        if disabled == nil {
            let rows = try database.query("SELECT id FROM companies WHERE api_enabled = 0")
            disabled = Set(rows.compactMap { $0.string("id") })
            tokenCache.apiDisabledCompanies = disabled
        }
        return !(disabled?.contains(companyID) ?? false)
    }

    /// Turns the company's API access on or off. Returns false when there is no such company.
    func setAPIEnabled(companyID: String, enabled: Bool) throws -> Bool {
        let changed = try database.run("UPDATE companies SET api_enabled = ? WHERE id = ?", [enabled, companyID])
        tokenCache.apiDisabledCompanies = nil
        return changed > 0
    }

    func tokenRecord(_ row: SQLiteRow) throws -> TokenRecord? {
        guard let id = row.string("id"), let companyID = row.string("company_id") else { return nil }
        let workspaces = try database.query("SELECT workspace_id FROM token_workspaces WHERE token_id = ?", [id])
        return TokenRecord(
            id: id, companyID: companyID, memberID: row.string("member_id") ?? "", name: row.string("name") ?? "",
            scope: row.string("scope") ?? "read", allWorkspaces: row.bool("all_workspaces") ?? false,
            workspaceIDs: Set(workspaces.compactMap { $0.string("workspace_id") }),
            createdAt: row.double("created_at") ?? 0, expiresAt: row.double("expires_at"),
            revokedAt: row.double("revoked_at"), lastUsedAt: row.double("last_used_at"))
    }

    func tokens(companyID: String?) throws -> [TokenRecord] {
        let rows =
            try companyID.map { try database.query("SELECT * FROM tokens WHERE company_id = ? ORDER BY rowid", [$0]) }
            ?? database.query("SELECT * FROM tokens ORDER BY rowid")
        return try rows.compactMap { try tokenRecord($0) }
    }

    func token(id: String) throws -> TokenRecord? {
        try database.queryFirst("SELECT * FROM tokens WHERE id = ?", [id]).flatMap { try tokenRecord($0) }
    }

    func activeTokenCount(companyID: String, now: Double) throws -> Int {
        try tokens(companyID: companyID).filter { $0.isActive(at: now) }.count
    }

    func revokeToken(id: String, now: Double) throws -> Bool {
        tokenCache.removeAll()
        return try database.run("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [now, id]) > 0
    }

    /// The ids of the workspaces `token` may use: its company's workspaces, narrowed to its list when it has one.
    func accessibleWorkspaceIDs(_ token: TokenRecord) throws -> [String] {
        let rows = try database.query(
            "SELECT id FROM workspaces WHERE company_id = ? ORDER BY rowid", [token.companyID])
        let ids = rows.compactMap { $0.string("id") }
        return token.allWorkspaces ? ids : ids.filter { token.workspaceIDs.contains($0) }
    }
}
