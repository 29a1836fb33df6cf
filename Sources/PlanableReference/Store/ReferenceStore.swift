import Foundation
import Hashing
import SQLite

/// The reference server's state in one SQLite file.
///
/// The store is not thread-safe: the server calls it with its lock held, so requests see one consistent state.
final class ReferenceStore {
    let database: SQLiteDatabase
    let clock: ReferenceClock
    /// How long, in seconds, a post stays in `publishing` before it is published.
    let publishingSeconds: Double
    /// Whether the lifecycle must look at the posts again before the next request; set by every write.
    var lifecycleDirty = true
    /// The next time at which a scheduled post becomes due or a publication finishes.
    var nextLifecycleEvent = 0.0
    /// Responses of read operations, keyed by token and request. Request threads also read it without the
    /// store's lock, through `StoreGate.committedResponse`.
    let responseCache = ResponseCache()
    /// Post counts of listings by filter, valid while `changeCount()` stays the same, so that paging through a
    /// large workspace counts its posts once rather than once a page.
    var postCountCache: [String: (version: Int64, count: Int)] = [:]
    /// The rowids of listed pages of posts by filter, offset and limit, valid while no post changes.
    var postPageCache: [String: (version: Int64, rowIDs: [Int64])] = [:]
    /// Token rows by lookup prefix and the companies with API access off. Request threads also read them without
    /// the store's lock, and every change to tokens, their workspaces or API access empties them.
    let tokenCache = TokenCache()
    /// Workspaces by id, pages by id, and each workspace's pages in creation order, for the many requests that
    /// read them.
    var workspaceCache = TableCache<WorkspaceRecord>(table: "workspaces")
    var pageCache = TableCache<PageRecord>(table: "pages")
    var workspacePagesCache = TableCache<[PageRecord]>(table: "pages")
    /// Each post's JSON as listings show it, by rowid.
    var postFragments = PostFragments()
    /// Comment counts by post id, under the one key "".
    var commentCountCache = TableCache<[String: Int]>(table: "comments")

    /// Opens or creates the database, migrates it and applies `seed` when the file had no schema yet.
    ///
    /// - Returns: the store and whether it was created by this call.
    ///
    /// - Parameter exclusiveLocking: keeps the file locked while the store is open, which saves the file locking
    ///   of every statement but stops other connections (another server, the sqlite3 shell) from opening it.
    init(
        path: String, clock: ReferenceClock, seed: ReferenceSeed?, publishingSeconds: Double,
        exclusiveLocking: Bool = false
    ) throws {
        database = try SQLiteDatabase(path: path)
        self.clock = clock
        self.publishingSeconds = publishingSeconds
        if exclusiveLocking { try database.execute("PRAGMA locking_mode = EXCLUSIVE") }
        // A checkpoint every 4,000 WAL pages (16 MB) instead of SQLite's 1,000 writes each busy page back once for
        // more requests and syncs the file a quarter as often; POST /posts gained about 15 % in the benchmark.
        try database.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
        try database.execute("PRAGMA wal_autocheckpoint = 4000")
        database.countChanges(in: ["workspaces", "pages", "comments", "posts"] + PostFragments.dependencies)
        database.trackRows(of: "posts")
        let isNew = try database.userVersion == 0
        wasCreated = isNew
        if isNew {
            // The schema and the seed commit together, so that a seed that fails part way leaves a file that the
            // next start seeds again, rather than a schema without rows that it would serve as it is.
            try database.transaction {
                try database.migrate(StoreSchema.migrations)
                guard let seed else { return }
                do {
                    try apply(seed)
                } catch let error as StoreError {
                    throw error
                } catch {
                    // Such as a UNIQUE constraint on ids that a seed built in code repeats.
                    throw StoreError.seed("\(error)")
                }
            }
        } else {
            try database.migrate(StoreSchema.migrations)
        }
    }

    /// Whether this store created the database file's schema.
    let wasCreated: Bool

    private func apply(_ seed: ReferenceSeed) throws {
        let now = clock.now()
        for company in seed.companies {
            try database.run(
                "INSERT INTO companies (id, name, workspace_limit) VALUES (?, ?, ?)",
                [company.id, company.name, company.workspaceLimit])
            var memberIDs: [String: String] = [:]
            for member in company.members {
                memberIDs[member.email] = member.id
                try database.run(
                    "INSERT INTO members (id, company_id, name, email, membership, permissions) VALUES (?, ?, ?, ?, ?, ?)",
                    [member.id, company.id, member.name, member.email, member.membership, encode(member.permissions)])
            }
            var workspaceIDs: [String: String] = [:]
            for (index, workspace) in company.workspaces.enumerated() {
                workspaceIDs[workspace.name] = workspace.id
                try insertSeedWorkspace(
                    workspace, company: company, memberIDs: memberIDs, createdAt: now + Double(index) / 1000)
            }
            for token in company.tokens {
                let owner =
                    token.ownerEmail.flatMap { memberIDs[$0] }
                    ?? company.members.first { $0.membership == "team" }?.id ?? company.members.first?.id ?? "system"
                let workspaces = try token.workspaceNames.map { names in
                    try names.map { name in
                        guard let id = workspaceIDs[name] else {
                            throw StoreError.seed("token \(token.name) names the unknown workspace \(name)")
                        }
                        return id
                    }
                }
                let id = try insertToken(
                    plaintext: token.token, companyID: company.id, memberID: owner, name: token.name,
                    scope: token.scope, workspaceIDs: workspaces, expiresAt: token.expiresAt, now: now)
                if token.revoked {
                    try database.run("UPDATE tokens SET revoked_at = ? WHERE id = ?", [now, id])
                }
            }
        }
    }

    private func insertSeedWorkspace(
        _ workspace: ReferenceSeed.Workspace, company: ReferenceSeed.Company, memberIDs: [String: String],
        createdAt: Double
    ) throws {
        let levels: JSONValue = .array(
            workspace.approvalLevels.map { level in
                [
                    "id": .string(level.id), "label": .string(level.label),
                    "approversIds": .array(level.approverEmails.compactMap { memberIDs[$0] }.map { .string($0) }),
                ]
            })
        try database.run(
            """
            INSERT INTO workspaces (id, company_id, name, timezone, website_url, approval_type, approval_levels,
                auto_schedule, auto_lock, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                workspace.id, company.id, workspace.name, workspace.timezone, workspace.websiteURL,
                workspace.approvalType, levels.serializedString, workspace.autoSchedule, workspace.autoLock,
                createdAt, createdAt,
            ])
        let memberEmails = workspace.memberEmails.isEmpty ? company.members.map(\.email) : workspace.memberEmails
        let levelApprovers = Set(workspace.approvalLevels.flatMap(\.approverEmails))
        for email in memberEmails {
            guard let memberID = memberIDs[email] else {
                throw StoreError.seed("workspace \(workspace.name) names the unknown member \(email)")
            }
            let isApprover = workspace.approverEmails.contains(email) || levelApprovers.contains(email)
            try database.run(
                "INSERT INTO workspace_members (workspace_id, member_id, is_approver) VALUES (?, ?, ?)",
                [workspace.id, memberID, isApprover])
        }
        for (index, page) in workspace.pages.enumerated() {
            try database.run(
                """
                INSERT INTO pages (id, workspace_id, name, platform, connected, profile_picture, link, created_at)
                VALUES (?, ?, ?, ?, ?, NULL, ?, ?)
                """,
                [
                    page.id, workspace.id, page.name, page.platform, page.connected,
                    PlatformLinks.profileLink(platform: page.platform, name: page.name),
                    createdAt + Double(index) / 1000,
                ])
        }
    }

    /// Inserts a token row with the digest of `plaintext` and returns its id.
    @discardableResult
    func insertToken(
        plaintext: String, companyID: String, memberID: String, name: String, scope: String, workspaceIDs: [String]?,
        expiresAt: Double?, now: Double
    ) throws -> String {
        // Requests find a token by its text, so a second row with the same text would take over the first, and
        // revoking either would leave the text working.
        let digest = SQLiteValue.blob(SHA256.digest(Array(plaintext.utf8)))
        if let existing = try database.queryFirst(
            "SELECT id FROM tokens WHERE lookup = ? AND digest = ?", [TokenDigest.lookup(plaintext), digest]
        )?.string("id") {
            throw APIError.validation(
                "token \(existing) already has this text, revoked or not; choose another token text")
        }
        let id = Identifiers.objectID()
        try database.run(
            """
            INSERT INTO tokens (id, company_id, member_id, name, lookup, digest, scope, all_workspaces, created_at,
                expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                id, companyID, memberID, name, TokenDigest.lookup(plaintext), digest, scope, workspaceIDs == nil, now,
                expiresAt,
            ])
        for workspaceID in workspaceIDs ?? [] {
            try database.run(
                "INSERT OR IGNORE INTO token_workspaces (token_id, workspace_id) VALUES (?, ?)", [id, workspaceID])
        }
        tokenCache.removeAll()
        return id
    }

    /// Empties every cache of rows and responses, after a rollback that undid changes the caches may have seen.
    func forgetCachedState() {
        lifecycleDirty = true
        responseCache.removeAll()
        postCountCache.removeAll()
        postPageCache.removeAll()
        tokenCache.removeAll()
        workspaceCache.removeAll()
        pageCache.removeAll()
        workspacePagesCache.removeAll()
        commentCountCache.removeAll()
        postFragments = PostFragments()
        tokenCache.apiDisabledCompanies = nil
    }

    /// The number of rows this connection has inserted, updated or deleted since it opened.
    func changeCount() -> Int64 {
        database.totalChanges
    }

    func encode(_ strings: [String]) -> String {
        // Most posts have no media, labels or approvals, and every insert and update encodes those lists.
        if strings.isEmpty { return "[]" }
        return JSONValue.array(strings.map { .string($0) }).serializedString
    }

    /// Returns the JSON text of `value` for a column, without serializing the empty array or object that most
    /// posts store.
    func encodeJSON(_ value: JSONValue) -> String {
        switch value {
        case .array(let items) where items.isEmpty: "[]"
        case .object(let members) where members.isEmpty: "{}"
        default: value.serializedString
        }
    }

    func decodeStrings(_ text: String?) -> [String] {
        guard let text, text != "[]" else { return [] }
        guard let value = try? JSONParser.parse(text) else { return [] }
        return value.arrayValue?.compactMap(\.stringValue) ?? []
    }

    func decodeJSON(_ text: String?) -> JSONValue? {
        guard let text else { return nil }
        // Most posts store no approval and no extra field.
        if text == "[]" { return .array([]) }
        if text == "{}" { return .object([]) }
        return try? JSONParser.parse(text)
    }
}

/// A store operation that failed for a reason other than SQLite.
enum StoreError: Error, CustomStringConvertible {
    case seed(String)

    var description: String {
        switch self {
        case .seed(let message): "invalid seed: \(message)"
        }
    }
}

/// How tokens are found and compared without storing them.
enum TokenDigest {
    /// The first 12 characters, stored in clear to find the row; the rest of the token stays secret.
    static func lookup(_ token: String) -> String {
        String(token.prefix(12))
    }
}
