import Foundation
import Timestamps
import YAML

/// A seed file that cannot be read or that breaks the seed format.
package struct ReferenceSeedError: Error, CustomStringConvertible, Equatable {
    package var path: String
    package var line: Int
    package var column: Int
    package var message: String

    package var description: String { "\(path):\(line):\(column): \(message)" }
}

extension ReferenceSeed {
    private static let platforms: Set<String> = [
        "linkedin", "facebook", "instagram", "x", "pinterest", "youtube", "tiktok", "threads", "googlebusiness",
    ]

    /// Reads a seed file; docs/reference-server.md describes the format.
    ///
    /// - Throws: `ReferenceSeedError` with the position of the first problem.
    package static func load(yamlFile path: String) throws -> ReferenceSeed {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason =
                FileManager.default.fileExists(atPath: path)
                ? "cannot read the seed file; check its permissions" : "the seed file does not exist; check the path"
            throw ReferenceSeedError(path: path, line: 1, column: 1, message: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ReferenceSeedError(path: path, line: 1, column: 1, message: "the seed file is not UTF-8 text")
        }
        return try parse(yaml: text, path: path)
    }

    /// Parses seed YAML text; `path` names the source in errors.
    package static func parse(yaml text: String, path: String = "seed") throws -> ReferenceSeed {
        let root: YAMLNode
        do {
            root = try YAMLParser.parse(text)
        } catch let error as YAMLError {
            throw ReferenceSeedError(
                path: path, line: error.mark.line, column: error.mark.column, message: error.message)
        }
        let reader = SeedReader(path: path)
        try reader.checkKeys(root, ["companies"], in: "the seed")
        guard let companies = root["companies"]?.sequenceValue, !companies.isEmpty else {
            throw reader.failure(root, "the seed needs a non-empty list under `companies`")
        }
        let seed = ReferenceSeed(companies: try companies.map { try reader.company($0) })
        try reader.checkUnique(
            zip(companies, seed.companies).map { ($0.0, $0.1.name) }, "company name",
            fix: "give each company its own name")
        try reader.checkIDs(companies, seed)
        let tokenNodes = companies.flatMap { (try? reader.list($0, "tokens")) ?? [] }
        try reader.checkUnique(
            zip(tokenNodes, seed.companies.flatMap(\.tokens)).map { ($0.0, $0.1.token) }, "token",
            fix: "give each token its own text, because the server finds a token by its text", quoted: false)
        return seed
    }

    fileprivate struct SeedReader {
        let path: String

        func failure(_ node: YAMLNode, _ message: String) -> ReferenceSeedError {
            ReferenceSeedError(path: path, line: node.mark.line, column: node.mark.column, message: message)
        }

        /// Rejects a node that is not a mapping, or that has a key outside `allowed`, as a misspelt key would
        /// otherwise be ignored.
        func checkKeys(_ node: YAMLNode, _ allowed: [String], in what: String) throws {
            guard let pairs = node.mappingValue else {
                throw failure(node, "\(what) must be a mapping, not \(node.kindDescription)")
            }
            for (key, _) in pairs where !allowed.contains(key.string ?? "") {
                throw failure(
                    key, "unknown key `\(key.string ?? "")` in \(what); the keys are \(allowed.joined(separator: ", "))"
                )
            }
        }

        /// Rejects the second of two values that are equal, at that value's node.
        func checkUnique(_ values: [(YAMLNode, String)], _ what: String, fix: String, quoted: Bool = true) throws {
            var seen: Set<String> = []
            for (node, value) in values where !seen.insert(value).inserted {
                let quotedValue = quoted ? " \"\(value)\"" : ""
                throw failure(node, "the \(what)\(quotedValue) appears twice; \(fix)")
            }
        }

        /// Rejects two companies, members, workspaces or pages with one id, given or derived from their names,
        /// since each id keys a table row.
        func checkIDs(_ companyNodes: [YAMLNode], _ seed: ReferenceSeed) throws {
            var members: [(YAMLNode, String)] = []
            var workspaces: [(YAMLNode, String)] = []
            var pages: [(YAMLNode, String)] = []
            for (companyNode, company) in zip(companyNodes, seed.companies) {
                members += zip((try? list(companyNode, "members")) ?? [], company.members.map(\.id)).map { $0 }
                let workspaceNodes = (try? list(companyNode, "workspaces")) ?? []
                workspaces += zip(workspaceNodes, company.workspaces.map(\.id)).map { $0 }
                for (workspaceNode, workspace) in zip(workspaceNodes, company.workspaces) {
                    pages += zip((try? list(workspaceNode, "pages")) ?? [], workspace.pages.map(\.id)).map { $0 }
                }
            }
            let companies = zip(companyNodes, seed.companies.map(\.id)).map { $0 }
            for (entries, what) in [
                (companies, "company"), (members, "member"), (workspaces, "workspace"), (pages, "page"),
            ] {
                try checkUnique(
                    entries, "\(what) id",
                    fix: "give one of the two its own `id`, or another name when the id is derived from the names")
            }
        }

        /// Returns `emails` as the company's members spell them, and rejects one that names no member. `known` maps
        /// each member's email in lower case to its spelling, since emails that differ in case alone name one member.
        func members(_ node: YAMLNode, _ key: String, _ emails: [String], known: [String: String]) throws -> [String] {
            try emails.map { email in
                guard let spelled = known[email.lowercased()] else {
                    throw failure(
                        node[key] ?? node,
                        "`\(key)` names \(email), who is not a member of the company; add the member under `members` "
                            + "or correct the email")
                }
                return spelled
            }
        }

        func string(_ node: YAMLNode, _ key: String) throws -> String {
            guard let value = node[key]?.string, !value.isEmpty else {
                throw failure(node, "missing or empty `\(key)`; add `\(key): VALUE`")
            }
            return value
        }

        func optionalString(_ node: YAMLNode, _ key: String) -> String? {
            node[key]?.string
        }

        func bool(_ node: YAMLNode, _ key: String, default fallback: Bool) throws -> Bool {
            guard let value = node[key] else { return fallback }
            guard case .bool(let flag) = value.value else {
                throw failure(value, "`\(key)` must be true or false")
            }
            return flag
        }

        func strings(_ node: YAMLNode, _ key: String) throws -> [String]? {
            guard let value = node[key] else { return nil }
            guard let items = value.sequenceValue else { throw failure(value, "`\(key)` must be a list") }
            return try items.map { item in
                guard let text = item.string else { throw failure(item, "items of `\(key)` must be strings") }
                return text
            }
        }

        func list(_ node: YAMLNode, _ key: String) throws -> [YAMLNode] {
            guard let value = node[key] else { return [] }
            guard let items = value.sequenceValue else { throw failure(value, "`\(key)` must be a list") }
            return items
        }

        func company(_ node: YAMLNode) throws -> Company {
            try checkKeys(node, ["id", "name", "workspaceLimit", "members", "workspaces", "tokens"], in: "a company")
            let name = try string(node, "name")
            var limit = 25
            if let value = node["workspaceLimit"] {
                guard case .integer(let number) = value.value, number > 0 else {
                    throw failure(value, "`workspaceLimit` must be a positive integer")
                }
                limit = number
            }
            let memberNodes = try list(node, "members")
            let members = try memberNodes.map { try member($0, company: name) }
            // Domain names ignore case, and mail servers usually ignore the case of the name before the @ too, so
            // two emails that differ in case alone are taken for one member.
            var emails: [String: String] = [:]
            for (memberNode, member) in zip(memberNodes, members) {
                if let first = emails[member.email.lowercased()] {
                    let also = first == member.email ? "" : " (also as \"\(first)\")"
                    throw failure(
                        memberNode["email"] ?? memberNode,
                        "the member email \"\(member.email)\" appears twice\(also); list each member of company \(name) "
                            + "once")
                }
                emails[member.email.lowercased()] = member.email
            }
            let workspaceNodes = try list(node, "workspaces")
            let workspaces = try workspaceNodes.map { try workspace($0, company: name, emails: emails) }
            try checkUnique(
                zip(workspaceNodes, workspaces).map { ($0.0, $0.1.name) }, "workspace name",
                fix: "give each workspace of company \(name) its own name")
            let workspaceNames = Set(workspaces.map(\.name))
            let tokens = try list(node, "tokens").map { try token($0, emails: emails, workspaces: workspaceNames) }
            if !tokens.isEmpty && members.isEmpty {
                throw failure(
                    node["tokens"] ?? node,
                    "company \(name) has tokens but no `members`; each token acts for a member, so add one under "
                        + "`members`")
            }
            return Company(
                id: optionalString(node, "id"), name: name, workspaceLimit: limit, members: members,
                workspaces: workspaces, tokens: tokens)
        }

        func member(_ node: YAMLNode, company: String) throws -> Member {
            try checkKeys(node, ["id", "name", "email", "membership", "permissions"], in: "a member")
            let membership = optionalString(node, "membership") ?? "team"
            guard ["team", "client"].contains(membership) else {
                throw failure(node["membership"] ?? node, "`membership` must be team or client, not \(membership)")
            }
            return Member(
                id: optionalString(node, "id"), name: try string(node, "name"), email: try string(node, "email"),
                membership: membership, permissions: try strings(node, "permissions"), companyName: company)
        }

        func workspace(_ node: YAMLNode, company: String, emails: [String: String]) throws -> Workspace {
            try checkKeys(
                node,
                [
                    "id", "name", "timezone", "approval", "approvalLevels", "autoSchedule", "autoLock", "websiteUrl",
                    "members", "approvers", "pages",
                ], in: "a workspace")
            let name = try string(node, "name")
            let timezone = try string(node, "timezone")
            guard TimeZone(identifier: timezone) != nil else {
                throw failure(
                    node["timezone"] ?? node, "`timezone` \(timezone) is not an IANA time zone such as Europe/Berlin")
            }
            let approval = optionalString(node, "approval") ?? "NONE"
            guard ["NONE", "OPTIONAL", "REQUIRED", "MULTIPLE"].contains(approval) else {
                throw failure(
                    node["approval"] ?? node, "`approval` must be NONE, OPTIONAL, REQUIRED or MULTIPLE, not \(approval)"
                )
            }
            let levels = try list(node, "approvalLevels").map { level in
                try checkKeys(level, ["id", "label", "approvers"], in: "an approval level")
                return ApprovalLevel(
                    id: try string(level, "id"), label: try string(level, "label"),
                    approverEmails: try members(
                        level, "approvers", try strings(level, "approvers") ?? [], known: emails))
            }
            if approval == "MULTIPLE" && levels.isEmpty {
                throw failure(node, "a MULTIPLE approval workspace needs `approvalLevels` with at least one level")
            }
            if approval != "MULTIPLE", let levelsNode = node["approvalLevels"] {
                throw failure(
                    levelsNode,
                    "`approvalLevels` applies to MULTIPLE approval only, and this workspace's approval is \(approval); "
                        + "set `approval: MULTIPLE` or remove `approvalLevels`")
            }
            let memberEmails = try members(node, "members", try strings(node, "members") ?? [], known: emails)
            let approverEmails = try members(node, "approvers", try strings(node, "approvers") ?? [], known: emails)
            // An approver outside the workspace's members could never approve its posts.
            if !memberEmails.isEmpty {
                let approverLists =
                    [(node, approverEmails)]
                    + zip(try list(node, "approvalLevels"), levels).map { ($0.0, $0.1.approverEmails) }
                for (listNode, approvers) in approverLists {
                    for email in approvers where !memberEmails.contains(email) {
                        throw failure(
                            listNode["approvers"] ?? listNode,
                            "`approvers` names \(email), who is not among the `members` of workspace \(name); add "
                                + "\(email) to its `members`, or leave `members` out so that every member of the "
                                + "company belongs to it")
                    }
                }
            }
            let pageNodes = try list(node, "pages")
            let pages = try pageNodes.map { page in
                try checkKeys(page, ["id", "name", "platform", "connected"], in: "a page")
                let platform = try string(page, "platform")
                guard platforms.contains(platform) else {
                    throw failure(
                        page, "unknown platform \(platform); use one of \(platforms.sorted().joined(separator: ", "))")
                }
                return Page(
                    id: optionalString(page, "id"), name: try string(page, "name"), platform: platform,
                    connected: try bool(page, "connected", default: true), workspaceName: name, companyName: company)
            }
            return Workspace(
                id: optionalString(node, "id"), name: name, timezone: timezone,
                approvalType: approval, approvalLevels: levels,
                autoSchedule: try bool(node, "autoSchedule", default: false),
                autoLock: try bool(node, "autoLock", default: false), websiteURL: optionalString(node, "websiteUrl"),
                memberEmails: memberEmails, approverEmails: approverEmails, pages: pages, companyName: company)
        }

        func token(_ node: YAMLNode, emails: [String: String], workspaces: Set<String>) throws -> Token {
            try checkKeys(
                node, ["token", "name", "scope", "workspaces", "expiresAt", "revoked", "owner"], in: "a token")
            let plaintext = try string(node, "token")
            guard plaintext.hasPrefix("pln_"), plaintext.count >= 12 else {
                throw failure(node, "a token must start with pln_ and have at least 12 characters")
            }
            let scope = optionalString(node, "scope") ?? "write"
            guard ["read", "write"].contains(scope) else {
                throw failure(node["scope"] ?? node, "`scope` must be read or write, not \(scope)")
            }
            var expiresAt: Double?
            if let text = optionalString(node, "expiresAt") {
                guard let seconds = Timestamp.parse(text) else {
                    throw failure(
                        node["expiresAt"] ?? node,
                        "`expiresAt` must be an RFC 3339 date-time such as 2027-01-01T00:00:00Z")
                }
                expiresAt = seconds
            }
            let owner = try optionalString(node, "owner").flatMap {
                try members(node, "owner", [$0], known: emails).first
            }
            let workspaceNames = try strings(node, "workspaces")
            for name in workspaceNames ?? [] where !workspaces.contains(name) {
                throw failure(
                    node["workspaces"] ?? node,
                    "`workspaces` names \(name), which is not a workspace of the company; the workspaces are "
                        + workspaces.sorted().joined(separator: ", "))
            }
            return Token(
                token: plaintext, name: optionalString(node, "name") ?? "seed token", scope: scope,
                workspaceNames: workspaceNames, expiresAt: expiresAt,
                revoked: try bool(node, "revoked", default: false), ownerEmail: owner)
        }
    }
}
