import Foundation
import Timestamps

extension ReferenceServer {
    /// approve, reject and publish: what an approver or editor does in Planable's app.
    func postAction(id: String, action: String, body: JSONValue) throws -> APIResponse {
        let now = options.clock.now()
        return try store.withLock { store -> APIResponse in
            try store.advanceLifecycle(now: now)
            guard var post = try store.post(id: id), let workspace = try store.workspace(id: post.workspaceID) else {
                throw APIError.notFound("post \(id) not found")
            }
            try PostHandlers.requireMutable(post)
            switch action {
            case "approve":
                let members = try store.members(workspaceID: workspace.id)
                let approverID =
                    body["approverId"]?.stringValue ?? members.first { $0.isApprover }?.id
                    ?? members.first?.id ?? "system"
                guard members.contains(where: { $0.id == approverID }) || approverID == "system" else {
                    throw APIError.validation("approver \(approverID) is not a member of workspace \(workspace.id)")
                }
                let levelID = body["levelId"]?.stringValue
                if let levelID, !workspace.effectiveLevels.contains(where: { $0.id == levelID }) {
                    throw APIError.validation("workspace \(workspace.id) has no approval level \(levelID)")
                }
                // Without a level, an approver approves the current level only, as Planable's levels go in order.
                let target = levelID ?? workspace.effectiveLevels.first { !post.approvedLevelIDs.contains($0.id) }?.id
                ApprovalRules.approve(&post, workspace: workspace, approverID: approverID, levelID: target, now: now)
            case "reject":
                post.approvals = []
                post.approvalRequested = false
                post.publishAtScheduledDate = workspace.requiresApproval ? false : post.publishAtScheduledDate
                post.modifiedAt = now
            case "publish":
                if workspace.requiresApproval && !post.isFullyApproved(in: workspace) {
                    throw APIError.validation(
                        "post \(id) needs full approval before it can be published in workspace \(workspace.id)")
                }
                try store.startPublication(post, now: now)
                try store.advanceLifecycle(now: now)
                return try renderedPost(id: id, store: store)
            default:
                throw APIError.notFound("no post action \(action); use approve, reject or publish")
            }
            try store.updatePost(post)
            try store.advanceLifecycle(now: now)
            return try renderedPost(id: id, store: store)
        }
    }

    private func renderedPost(id: String, store: ReferenceStore) throws -> APIResponse {
        guard let post = try store.post(id: id), let workspace = try store.workspace(id: post.workspaceID) else {
            throw APIError.notFound("post \(id) not found")
        }
        let renderer = try PostRenderer(store: store, workspace: workspace, posts: [post])
        return .ok(serialized: renderer.serialized(data: post))
    }

    func tokensBody() throws -> JSONValue {
        let now = options.clock.now()
        let tokens = try store.withLock { try $0.tokens(companyID: nil) }
        return ["data": .array(tokens.map { tokenJSON($0, now: now) })]
    }

    func tokenJSON(_ token: TokenRecord, now: Double) -> JSONValue {
        [
            "id": .string(token.id), "companyId": .string(token.companyID), "memberId": .string(token.memberID),
            "name": .string(token.name), "scope": .string(token.scope),
            "workspaceIds": token.allWorkspaces ? .null : .array(token.workspaceIDs.sorted().map { .string($0) }),
            "createdAt": .string(Timestamp.format(token.createdAt)),
            "expiresAt": token.expiresAt.map { .string(Timestamp.format($0)) } ?? .null,
            "revokedAt": token.revokedAt.map { .string(Timestamp.format($0)) } ?? .null,
            "lastUsedAt": token.lastUsedAt.map { .string(Timestamp.format($0)) } ?? .null,
            "active": .bool(token.isActive(at: now)),
        ]
    }

    /// Creates a token; the answer carries the plaintext, which is never shown again.
    func createToken(_ body: JSONValue) throws -> JSONValue {
        let now = options.clock.now()
        return try store.withLock { store in
            let companies = try store.database.query("SELECT id FROM companies ORDER BY rowid").compactMap {
                $0.string("id")
            }
            guard let companyID = body["companyId"]?.stringValue ?? companies.first, companies.contains(companyID)
            else {
                throw APIError.notFound("company not found; list companies with GET /reference/companies")
            }
            let scope = body["scope"]?.stringValue ?? "write"
            guard scope == "read" || scope == "write" else {
                throw APIError.validation("scope must be read or write, not \(scope)")
            }
            var workspaceIDs: [String]?
            if let ids = body["workspaceIds"]?.arrayValue {
                let owned = Set(
                    try store.database.query("SELECT id FROM workspaces WHERE company_id = ?", [companyID])
                        .compactMap { $0.string("id") })
                workspaceIDs = try ids.map { value in
                    guard let id = value.stringValue, owned.contains(id) else {
                        throw APIError.validation(
                            "workspace \(value.serializedString) is not a workspace of company \(companyID)")
                    }
                    return id
                }
            }
            var expiresAt: Double?
            if let text = body["expiresAt"]?.stringValue {
                guard let seconds = Timestamp.parse(text) else {
                    throw APIError.validation("expiresAt \(text) is not an RFC 3339 date-time")
                }
                expiresAt = seconds
            }
            guard try store.activeTokenCount(companyID: companyID, now: now) < ReferenceStore.maximumActiveTokens else {
                throw APIError.forbidden(
                    "company \(companyID) already has \(ReferenceStore.maximumActiveTokens) active tokens; revoke one first"
                )
            }
            let memberID =
                try body["memberId"]?.stringValue
                ?? store.database.queryFirst(
                    "SELECT id FROM members WHERE company_id = ? ORDER BY membership = 'team' DESC, rowid LIMIT 1",
                    [companyID])?.string("id") ?? "system"
            let plaintext = body["token"]?.stringValue ?? Identifiers.token()
            guard plaintext.hasPrefix("pln_"), plaintext.count >= 12 else {
                throw APIError.validation("a token must start with pln_ and have at least 12 characters")
            }
            let id = try store.insertToken(
                plaintext: plaintext, companyID: companyID, memberID: memberID,
                name: body["name"]?.stringValue ?? "reference token", scope: scope, workspaceIDs: workspaceIDs,
                expiresAt: expiresAt, now: now)
            guard let token = try store.token(id: id) else { throw APIError.internal("token \(id) vanished") }
            return ["data": tokenJSON(token, now: now), "token": .string(plaintext)]
        }
    }

    func addFault(_ body: JSONValue) throws -> FaultInjector.Rule {
        guard let operation = body["operation"]?.stringValue,
            operation == "*" || document.operation(key: operation) != nil
        else {
            throw APIError.validation("operation must be * or a method and path template such as \"POST /posts\"")
        }
        guard let kindName = body["kind"]?.stringValue, let kind = FaultInjector.Kind(rawValue: kindName) else {
            throw APIError.validation("kind must be latency, error, drop or commit-without-answer")
        }
        let status = body["status"]?.intValue ?? 500
        guard (500...599).contains(status) else { throw APIError.validation("status must be 500 to 599") }
        let probability = body["probability"]?.doubleValue
        let count = body["count"]?.intValue
        guard (probability == nil) != (count == nil) else {
            throw APIError.validation("give exactly one of probability (0 to 1) and count (a positive integer)")
        }
        if let probability, !(0...1).contains(probability) { throw APIError.validation("probability must be 0 to 1") }
        if let count, count < 1 { throw APIError.validation("count must be at least 1") }
        if let seed = body["seed"]?.intValue { faults.seed(UInt64(bitPattern: Int64(seed))) }
        let rule = FaultInjector.Rule(
            id: Identifiers.random(), operation: operation, kind: kind,
            latencySeconds: (body["latencyMs"]?.doubleValue ?? 0) / 1000, status: status, probability: probability,
            remaining: count)
        faults.add(rule)
        return rule
    }
}
