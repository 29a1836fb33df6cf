import Foundation
import Timestamps

/// GET /ping, /workspaces, /members and /labels.
enum WorkspaceHandlers {
    static func ping(_ context: APIContext) throws -> APIResponse {
        .ok(["ok": true, "tokenId": .string(context.token.id), "companyId": .string(context.token.companyID)])
    }

    static func list(_ context: APIContext) throws -> APIResponse {
        let ids = try context.store.accessibleWorkspaceIDs(context.token)
        let workspaces = try context.store.workspaces(ids: ids)
        return .ok(["data": .array(try workspaces.map { try render($0, context.store, includeUpdatedAt: true) })])
    }

    static func create(_ context: APIContext) throws -> APIResponse {
        let body = context.body
        let name = body["name"]?.stringValue ?? ""
        guard name.trimmingCharacters(in: .whitespaces).count >= 2 else {
            throw APIError.validation("body.name must contain at least 2 characters that are not spaces")
        }
        let timezone = body["timezone"]?.stringValue ?? ""
        guard TimeZone(identifier: timezone) != nil else {
            throw APIError.validation("body.timezone \(timezone) is not an IANA time zone such as Europe/Berlin")
        }
        let settings = body["approvalSettings"] ?? .object([])
        let type = settings["type"]?.stringValue ?? "NONE"
        var levels = settings["approvalLevels"]?.arrayValue ?? []
        if type == "MULTIPLE" {
            let members = try context.store.companyMemberIDs(companyID: context.token.companyID)
            for level in levels {
                for approver in level["approversIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
                where !members.contains(approver) {
                    throw APIError.validation("approval level approver \(approver) is not a member of the company")
                }
            }
            var seen = Set<String>()
            for level in levels {
                let id = level["id"]?.stringValue ?? ""
                guard seen.insert(id).inserted else {
                    throw APIError.validation("approval level id \(id) appears more than once")
                }
            }
            if levels.isEmpty {
                levels = [["id": "approval", "label": "Approval", "approversIds": []]]
            }
        } else {
            levels = []
        }
        let limit = try context.store.companyWorkspaceLimit(context.token.companyID)
        guard try context.store.workspaceCount(companyID: context.token.companyID) < limit else {
            throw APIError.workspaceLimitReached(limit)
        }
        let workspace = WorkspaceRecord(
            id: Identifiers.objectID(), companyID: context.token.companyID, name: name, timezone: timezone,
            websiteURL: body["websiteUrl"]?.stringValue, approvalType: type, approvalLevels: levels,
            autoSchedule: settings["autoSchedule"]?.boolValue ?? false,
            autoLock: settings["autoLock"]?.boolValue ?? false,
            sendReminders: settings["sendReminders"]?.boolValue, defaultTeamOnly: false, hideEmails: false,
            createdAt: context.now, updatedAt: context.now)
        try context.store.database.transaction {
            try context.store.insertWorkspace(workspace, memberID: context.token.memberID)
            if !context.token.allWorkspaces {
                // A token limited to some workspaces keeps access to the workspaces it creates.
                try context.store.database.run(
                    "INSERT OR IGNORE INTO token_workspaces (token_id, workspace_id) VALUES (?, ?)",
                    [context.token.id, workspace.id])
                context.store.tokenCache.removeAll()
            }
        }
        return .created(["data": try render(workspace, context.store, includeUpdatedAt: false)])
    }

    static func delete(_ context: APIContext) throws -> APIResponse {
        let workspace = try context.workspace(context.input.path("id"))
        guard try context.store.workspaceCount(companyID: workspace.companyID) > 1 else {
            throw APIError.validation(
                "workspace \(workspace.id) is the company's only workspace; create another before deleting it")
        }
        try context.store.database.transaction { try context.store.deleteWorkspace(id: workspace.id) }
        return .noContent
    }

    static func members(_ context: APIContext) throws -> APIResponse {
        let workspace = try context.workspace(context.input.queryString("workspaceId") ?? "")
        let levels = workspace.approvalLevels
        let members = try context.store.members(workspaceID: workspace.id)
        return .ok([
            "data": .array(
                members.map { member in
                    var item: [(String, JSONValue)] = [
                        ("id", .string(member.id)), ("name", .string(member.name)), ("email", .string(member.email)),
                        ("permissions", .array(member.permissions.map { .string($0) })),
                        ("membership", .string(member.membership)), ("isApprover", .bool(member.isApprover)),
                    ]
                    if workspace.approvalType == "MULTIPLE" {
                        let ids = levels.filter { level in
                            level["approversIds"]?.arrayValue?.contains(.string(member.id)) ?? false
                        }.compactMap { $0["id"] }
                        item.append(("approvalLevelIds", .array(ids)))
                    }
                    item.append(("avatarUrl", .null))
                    return .object(item)
                })
        ])
    }

    static func render(
        _ workspace: WorkspaceRecord, _ store: ReferenceStore, includeUpdatedAt: Bool
    ) throws -> JSONValue {
        var settings: [(String, JSONValue)] = [
            ("type", .string(workspace.approvalType)), ("autoSchedule", .bool(workspace.autoSchedule)),
            ("autoLock", .bool(workspace.autoLock)),
        ]
        if let reminders = workspace.sendReminders { settings.append(("sendReminders", .bool(reminders))) }
        if workspace.approvalType == "MULTIPLE" {
            settings.append(("approvalLevels", .array(workspace.approvalLevels)))
        }
        let labels = try store.labels(workspaceID: workspace.id).map { label -> JSONValue in
            ["id": .string(label.id), "color": .string(label.color), "name": .optional(label.name)]
        }
        var members: [(String, JSONValue)] = [
            ("id", .string(workspace.id)), ("name", .string(workspace.name)),
            ("companyId", .string(workspace.companyID)), ("timezone", .string(workspace.timezone)),
            ("websiteUrl", .optional(workspace.websiteURL)), ("approvalSettings", .object(settings)),
            ("defaultTeamOnlyPosts", .bool(workspace.defaultTeamOnly)),
            ("hideEmailsFromClients", .bool(workspace.hideEmails)), ("labels", .array(labels)),
            ("createdAt", .string(Timestamp.format(workspace.createdAt))),
        ]
        if includeUpdatedAt { members.append(("updatedAt", .string(Timestamp.format(workspace.updatedAt)))) }
        return .object(members)
    }
}
