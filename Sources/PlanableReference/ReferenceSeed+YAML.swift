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
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ReferenceSeedError(path: path, line: 1, column: 1, message: "cannot read the seed file as UTF-8 text")
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
        guard let companies = root["companies"]?.sequenceValue, !companies.isEmpty else {
            throw reader.failure(root, "the seed needs a non-empty list under `companies`")
        }
        return ReferenceSeed(companies: try companies.map { try reader.company($0) })
    }

    fileprivate struct SeedReader {
        let path: String

        func failure(_ node: YAMLNode, _ message: String) -> ReferenceSeedError {
            ReferenceSeedError(path: path, line: node.mark.line, column: node.mark.column, message: message)
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
            let name = try string(node, "name")
            var limit = 25
            if let value = node["workspaceLimit"] {
                guard case .integer(let number) = value.value, number > 0 else {
                    throw failure(value, "`workspaceLimit` must be a positive integer")
                }
                limit = number
            }
            let members = try list(node, "members").map { try member($0) }
            let workspaces = try list(node, "workspaces").map { try workspace($0, company: name) }
            let tokens = try list(node, "tokens").map { try token($0) }
            return Company(
                id: optionalString(node, "id"), name: name, workspaceLimit: limit, members: members,
                workspaces: workspaces, tokens: tokens)
        }

        func member(_ node: YAMLNode) throws -> Member {
            let membership = optionalString(node, "membership") ?? "team"
            guard ["team", "client"].contains(membership) else {
                throw failure(node, "`membership` must be team or client, not \(membership)")
            }
            return Member(
                id: optionalString(node, "id"), name: try string(node, "name"), email: try string(node, "email"),
                membership: membership, permissions: try strings(node, "permissions"))
        }

        func workspace(_ node: YAMLNode, company: String) throws -> Workspace {
            let name = try string(node, "name")
            let approval = optionalString(node, "approval") ?? "NONE"
            guard ["NONE", "OPTIONAL", "REQUIRED", "MULTIPLE"].contains(approval) else {
                throw failure(node, "`approval` must be NONE, OPTIONAL, REQUIRED or MULTIPLE, not \(approval)")
            }
            let levels = try list(node, "approvalLevels").map { level in
                ApprovalLevel(
                    id: try string(level, "id"), label: try string(level, "label"),
                    approverEmails: try strings(level, "approvers") ?? [])
            }
            if approval == "MULTIPLE" && levels.isEmpty {
                throw failure(node, "a MULTIPLE approval workspace needs `approvalLevels` with at least one level")
            }
            let pages = try list(node, "pages").map { page in
                let platform = try string(page, "platform")
                guard platforms.contains(platform) else {
                    throw failure(
                        page, "unknown platform \(platform); use one of \(platforms.sorted().joined(separator: ", "))")
                }
                return Page(
                    id: optionalString(page, "id"), name: try string(page, "name"), platform: platform,
                    connected: try bool(page, "connected", default: true), workspaceName: name)
            }
            return Workspace(
                id: optionalString(node, "id"), name: name, timezone: try string(node, "timezone"),
                approvalType: approval, approvalLevels: levels,
                autoSchedule: try bool(node, "autoSchedule", default: false),
                autoLock: try bool(node, "autoLock", default: false), websiteURL: optionalString(node, "websiteUrl"),
                memberEmails: try strings(node, "members") ?? [], approverEmails: try strings(node, "approvers") ?? [],
                pages: pages, companyName: company)
        }

        func token(_ node: YAMLNode) throws -> Token {
            let plaintext = try string(node, "token")
            guard plaintext.hasPrefix("pln_"), plaintext.count >= 12 else {
                throw failure(node, "a token must start with pln_ and have at least 12 characters")
            }
            let scope = optionalString(node, "scope") ?? "write"
            guard ["read", "write"].contains(scope) else {
                throw failure(node, "`scope` must be read or write, not \(scope)")
            }
            var expiresAt: Double?
            if let text = optionalString(node, "expiresAt") {
                guard let seconds = Timestamp.parse(text) else {
                    throw failure(node, "`expiresAt` must be an RFC 3339 date-time such as 2027-01-01T00:00:00Z")
                }
                expiresAt = seconds
            }
            return Token(
                token: plaintext, name: optionalString(node, "name") ?? "seed token", scope: scope,
                workspaceNames: try strings(node, "workspaces"), expiresAt: expiresAt,
                revoked: try bool(node, "revoked", default: false), ownerEmail: optionalString(node, "owner"))
        }
    }
}
