import Foundation
import Timestamps

extension ReferenceServer {
    /// approve, reject and publish: what an approver or editor does in Planable's app.
    func postAction(id: String, action: String, body: JSONValue) throws -> APIResponse {
        let fieldNames: [String]
        switch action {
        case "approve": fieldNames = ["approverId", "levelId"]
        case "reject", "publish": fieldNames = []
        default: throw APIError.notFound("no post action \(action); use approve, reject or publish")
        }
        let fields = try ControlBody(body, control: "POST /reference/posts/{id}/\(action)", fields: fieldNames)
        let now = options.clock.now()
        return try store.withLock { store -> APIResponse in
            try store.advanceLifecycle(now: now)
            guard var post = try store.post(id: id), let workspace = try store.workspace(id: post.workspaceID) else {
                throw APIError.notFound("post \(id) not found")
            }
            try PostHandlers.requireMutable(post)
            switch action {
            case "approve":
                try approve(&post, workspace: workspace, fields: fields, store: store, now: now)
            case "reject":
                post.approvals = []
                post.approvalRequested = false
                post.publishAtScheduledDate = workspace.requiresApproval ? false : post.publishAtScheduledDate
                post.modifiedAt = now
            case "publish":
                if post.archived {
                    throw APIError.validation(
                        "post \(id) is archived, and an archived post is not published; restore it with "
                            + "PATCH /posts/\(id) and {\"archived\": false} first")
                }
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

    /// Records an approval of `post` at the level that `fields` names, or at its current level, by the approver
    /// that `fields` names or by the first member who may approve that level.
    private func approve(
        _ post: inout PostRecord, workspace: WorkspaceRecord, fields: ControlBody, store: ReferenceStore, now: Double
    ) throws {
        let levels = workspace.effectiveLevels
        guard !levels.isEmpty else {
            throw APIError.validation(
                "workspace \(workspace.id) has approval type NONE, so its posts are not approved; "
                    + "approve posts in an OPTIONAL, REQUIRED or MULTIPLE workspace")
        }

        let levelIDs = levels.map(\.id)
        let requestedLevel = try fields.string("levelId", expected: "an approval level id string")
        if let requestedLevel, !levelIDs.contains(requestedLevel) {
            throw APIError.validation(
                "workspace \(workspace.id) has no approval level \(requestedLevel); its levels are "
                    + levelIDs.joined(separator: ", "))
        }
        // Without a level, an approver approves the current level only, as Planable's levels go in order.
        guard let levelID = requestedLevel ?? levelIDs.first(where: { !post.approvedLevelIDs.contains($0) }) else {
            return  // Every level is approved already.
        }

        let members = try store.members(workspaceID: workspace.id)
        let allowed = Self.approvers(of: levelID, in: workspace, members: members)
        let allowedText = allowed.map { "\($0.name) (\($0.id))" }.joined(separator: ", ")

        let approverID: String
        if let requested = try fields.string("approverId", expected: "a member id string") {
            guard let member = members.first(where: { $0.id == requested }) else {
                throw APIError.validation("approver \(requested) is not a member of workspace \(workspace.id)")
            }
            guard allowed.contains(where: { $0.id == requested }) else {
                let who = allowed.isEmpty ? "no member of the workspace may" : "only \(allowedText) may"
                throw APIError.validation(
                    "approver \(member.name) (\(requested)) may not approve level \(levelID) of workspace "
                        + "\(workspace.id), because \(who). Give one of them as approverId, or leave it out")
            }
            approverID = requested
        } else {
            guard let first = allowed.first else {
                throw APIError.validation(
                    "no member of workspace \(workspace.id) may approve level \(levelID). A member may approve "
                        + "a level whose approversIds lists them, or a level without approversIds when their "
                        + "isApprover is true")
            }
            approverID = first.id
        }

        ApprovalRules.approve(&post, workspace: workspace, approverID: approverID, levelID: levelID, now: now)
    }

    /// Returns the workspace members who may approve `levelID`. A level of a MULTIPLE workspace that lists
    /// `approversIds` takes those members only. Any other level takes the members marked `isApprover`, as the
    /// single level of OPTIONAL and REQUIRED workspaces does.
    private static func approvers(
        of levelID: String, in workspace: WorkspaceRecord, members: [MemberRecord]
    ) -> [MemberRecord] {
        if workspace.approvalType == "MULTIPLE",
            let level = workspace.approvalLevels.first(where: { $0["id"]?.stringValue == levelID }),
            let listed = level["approversIds"]?.arrayValue?.compactMap(\.stringValue), !listed.isEmpty
        {
            return members.filter { listed.contains($0.id) }
        }
        return members.filter(\.isApprover)
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

    /// Issues a write token with `plaintext`, named `name`, for the database's first company and its first team
    /// member, as `POST /reference/tokens` with no other fields does. planable-sync issues one when the token file
    /// of its embedded server is lost, so that the data stays reachable.
    package func issueWriteToken(_ plaintext: String, name: String) throws {
        _ = try createToken(["token": .string(plaintext), "name": .string(name)])
    }

    /// Creates a token; the answer carries the plaintext, which is never shown again.
    func createToken(_ body: JSONValue) throws -> JSONValue {
        let fields = try ControlBody(
            body, control: "POST /reference/tokens",
            fields: ["companyId", "scope", "workspaceIds", "expiresAt", "name", "memberId", "token"])
        let requestedCompany = try fields.string(
            "companyId", expected: "a company id string from GET /reference/companies")
        let scope = try fields.choice("scope", from: ["write", "read"]) ?? "write"
        let requestedWorkspaces = try fields.strings(
            "workspaceIds", expected: "an array of workspace id strings of the token's company")
        let expiresAt = try fields.dateTime("expiresAt", example: "2099-01-01T00:00:00Z")
        if requestedWorkspaces?.isEmpty == true {
            throw APIError.validation(
                "workspaceIds is empty, so the token could reach no workspace; list at least one workspace id, or leave "
                    + "workspaceIds out for a token that reaches every workspace of its company")
        }
        let name = try fields.string("name", expected: "a string that is not empty", example: "reference token")
        if let name, name.isEmpty {
            throw fields.invalid("name", expected: "a string that is not empty", example: "reference token")
        }
        let requestedMember = try fields.string("memberId", expected: "a member id string from GET /members")
        // The plaintext is a secret, so messages about it never repeat it.
        let plaintext =
            try fields.string("token", expected: "a string that starts with pln_ and has at least 12 characters")
            ?? Identifiers.token()
        guard plaintext.hasPrefix("pln_"), plaintext.count >= 12 else {
            throw APIError.validation("a token must start with pln_ and have at least 12 characters")
        }
        let now = options.clock.now()
        if let expiresAt, expiresAt <= now {
            throw APIError.validation(
                "expiresAt \(Timestamp.format(expiresAt)) is not after the server's time \(Timestamp.format(now)), so "
                    + "the token would never work; give a later time, such as 2099-01-01T00:00:00Z")
        }
        return try store.withLock { store in
            let companies = try store.database.query("SELECT id FROM companies ORDER BY rowid").compactMap {
                $0.string("id")
            }
            guard let companyID = requestedCompany ?? companies.first, companies.contains(companyID) else {
                throw APIError.notFound(
                    "company \(requestedCompany ?? "") not found; list companies with GET /reference/companies")
            }
            var workspaceIDs: [String]?
            if let requestedWorkspaces {
                let owned = Set(
                    try store.database.query("SELECT id FROM workspaces WHERE company_id = ?", [companyID])
                        .compactMap { $0.string("id") })
                for id in requestedWorkspaces where !owned.contains(id) {
                    throw APIError.validation(
                        "workspaceIds names \(id), which is not a workspace of company \(companyID); "
                            + "list them with GET /workspaces")
                }
                workspaceIDs = requestedWorkspaces
            }
            guard try store.activeTokenCount(companyID: companyID, now: now) < ReferenceStore.maximumActiveTokens else {
                throw APIError.forbidden(
                    "company \(companyID) already has \(ReferenceStore.maximumActiveTokens) active tokens; revoke one first"
                )
            }
            if let requestedMember, try !store.companyMemberIDs(companyID: companyID).contains(requestedMember) {
                throw APIError.validation(
                    "memberId is \"\(requestedMember)\", but it must be the id of a member of company \(companyID). "
                        + "List member ids with GET /members?workspaceId=<id>")
            }
            guard
                let memberID = try requestedMember
                    ?? store.database.queryFirst(
                        "SELECT id FROM members WHERE company_id = ? ORDER BY membership = 'team' DESC, rowid LIMIT 1",
                        [companyID])?.string("id")
            else {
                throw APIError.validation(
                    "company \(companyID) has no members, and each token acts for a member; a seed applies to a new "
                        + "database only, so start the server with a new --database file and a seed that lists a "
                        + "member under the company's `members`")
            }
            let id = try store.insertToken(
                plaintext: plaintext, companyID: companyID, memberID: memberID, name: name ?? "reference token",
                scope: scope, workspaceIDs: workspaceIDs, expiresAt: expiresAt, now: now)
            guard let token = try store.token(id: id) else { throw APIError.internal("token \(id) vanished") }
            return ["data": tokenJSON(token, now: now), "token": .string(plaintext)]
        }
    }

    /// Checks a fault rule body and adds the rule. The fields are described in docs/reference-server.md.
    func addFault(_ body: JSONValue) throws -> FaultInjector.Rule {
        let fields = try ControlBody(
            body, control: "POST /reference/faults",
            fields: ["operation", "kind", "status", "probability", "count", "latencyMs", "seed"])
        let operationText = "* or a method and path template of the API"
        guard let operation = try fields.string("operation", expected: operationText, example: "POST /posts") else {
            throw fields.missing("operation", expected: operationText, example: "POST /posts")
        }
        guard operation == "*" || document.operation(key: operation) != nil else {
            throw fields.invalid("operation", expected: operationText, example: "POST /posts")
        }
        let kinds = ["latency", "error", "drop", "commit-without-answer"]
        guard let kindName = try fields.choice("kind", from: kinds), let kind = FaultInjector.Kind(rawValue: kindName)
        else {
            throw fields.missing(
                "kind", expected: "one of latency, error, drop or commit-without-answer", example: "drop")
        }
        let status = try fields.integer("status", in: 500...599, expected: "an integer from 500 to 599", example: 503)
        if status != nil && kind != .error {
            throw APIError.validation(
                "status applies only to kind error, but this rule's kind is \(kindName), so leave status out")
        }
        let latencyText = "a number of milliseconds from 0 to 3600000 (one hour)"
        let latencyMs = try fields.number("latencyMs", in: 0...3_600_000, expected: latencyText, example: 250)
        if latencyMs != nil && kind != .latency {
            throw APIError.validation(
                "latencyMs applies only to kind latency, but this rule's kind is \(kindName), so leave latencyMs out")
        }
        if latencyMs == nil && kind == .latency {
            throw APIError.validation(
                "a rule of kind latency needs latencyMs, \(latencyText). Send for example {\"latencyMs\": 250}")
        }
        let probability = try fields.number(
            "probability", in: 0...1, expected: "a number from 0 to 1, the chance per request", example: 0.1)
        let count = try fields.integer(
            "count", in: 1...Int.max, expected: "an integer of 1 or more, the number of requests", example: 1)
        guard (probability == nil) != (count == nil) else {
            throw APIError.validation(
                "POST /reference/faults needs exactly one of probability (a number from 0 to 1) and count "
                    + "(an integer of 1 or more). Send for example {\"count\": 1}")
        }
        let seed = try fields.integer("seed", in: Int.min...Int.max, expected: "an integer", example: 7)
        if let seed { faults.seed(UInt64(bitPattern: Int64(seed))) }
        let rule = FaultInjector.Rule(
            id: Identifiers.random(), operation: operation, kind: kind, latencySeconds: (latencyMs ?? 0) / 1000,
            status: status ?? 500, probability: probability, remaining: count)
        faults.add(rule)
        return rule
    }
}
