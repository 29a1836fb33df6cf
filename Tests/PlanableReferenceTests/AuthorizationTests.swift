import Foundation
import Testing
import Timestamps

@testable import PlanableReference

@Suite struct AuthorizationTests {
    /// Creates a token through the reference controls and returns its plaintext.
    private func makeToken(_ server: TestServer, _ body: JSONValue) throws -> String {
        let reply = try server.send("POST", "/reference/tokens", body: body, token: nil)
        guard reply.status == 201, let token = reply.json["token"]?.stringValue else {
            throw TestFailure("POST /reference/tokens answered \(reply.status): \(reply.text)")
        }
        return token
    }

    @Test func missingOrMalformedTokenIsUnauthorized() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let missing = try server.send("GET", "/workspaces", token: nil)
        #expect(missing.status == 401)
        #expect(missing.errorCode == "UNAUTHORIZED")
        let basic = try server.send("GET", "/workspaces", token: nil, headers: [("Authorization", "Basic abc")])
        #expect(basic.status == 401)
        let unknown = try server.send("GET", "/workspaces", token: "pln_notARealTokenAtAll1234")
        #expect(unknown.status == 401)
    }

    @Test func companyWithoutAPIAccessIsForbidden() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let company = try #require(
            try server.send("GET", "/reference/companies", token: nil).data.arrayValue?.first?["id"]?.stringValue)
        let control = "/reference/companies/\(company)/api-access"
        #expect(try server.send("POST", control, body: ["enabled": false], token: nil).status == 204)
        let ping = try server.send("GET", "/ping")
        #expect(ping.status == 403)
        #expect(ping.errorCode == "FORBIDDEN")
        #expect(try server.send("GET", "/posts/count").status == 403)
        let listed = try server.send("GET", "/reference/companies", token: nil).data.arrayValue?.first
        #expect(listed?["apiEnabled"] == .bool(false))

        #expect(try server.send("POST", control, body: [:], token: nil).status == 400)
        let unknown = try server.send(
            "POST", "/reference/companies/000000000000000000000000/api-access", body: ["enabled": true], token: nil)
        #expect(unknown.status == 404)
        #expect(try server.send("POST", control, body: ["enabled": true], token: nil).status == 204)
        #expect(try server.send("GET", "/ping").status == 200)
    }

    @Test(arguments: ["read", "write"])
    func scopeDecidesWrites(scope: String) throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let token = try makeToken(server, ["scope": .string(scope)])
        #expect(try server.send("GET", "/workspaces", token: token).status == 200)
        let write = try server.send(
            "POST", "/workspaces",
            body: [
                "name": "Scoped", "timezone": "UTC",
                "approvalSettings": ["type": "NONE", "autoSchedule": false, "autoLock": false],
            ],
            token: token)
        #expect(write.status == (scope == "write" ? 201 : 403))
        if scope == "read" { #expect(write.errorCode == "FORBIDDEN") }
    }

    @Test(arguments: ["read", "write"])
    func scopeDecidesPostCreation(scope: String) throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let token = try makeToken(server, ["scope": .string(scope)])
        let workspace = try server.workspaceID("Northwind Coffee")
        let body: JSONValue = [
            "workspaceId": .string(workspace), "pageId": .string(try server.pageID("Northwind LinkedIn")),
            "text": "Scoped post",
        ]
        let before = try #require(try server.send("GET", "/posts/count").data["total"]?.doubleValue)
        let created = try server.send("POST", "/posts", body: body, token: token)
        let after = try #require(try server.send("GET", "/posts/count").data["total"]?.doubleValue)
        if scope == "write" {
            #expect(created.status == 201, "POST /posts answered \(created.text)")
            #expect(after == before + 1)
        } else {
            #expect(created.status == 403, "POST /posts answered \(created.text)")
            #expect(created.errorCode == "FORBIDDEN")
            #expect(created.json["error"]?["message"]?.stringValue?.contains("this token is read-only") == true)
            #expect(after == before)
        }
    }

    /// Every POST, PATCH and DELETE of the document, whatever its security requirement lists, is a write.
    @Test func readTokenIsForbiddenEveryWrite() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let token = try makeToken(server, ["scope": "read"])
        let recorder = ContractRecorder(server: server)
        let writes = recorder.document.operations.filter { ["POST", "PATCH", "DELETE"].contains($0.method) }
        #expect(writes.count > 20)
        for operation in writes {
            #expect(operation.requiresWrite, "\(operation.key) does not require the write scope")
            let reply = try server.send(operation.method, recorder.placeholderPath(operation), body: [:], token: token)
            #expect(reply.status == 403, "\(operation.key) answered \(reply.status): \(reply.text)")
            #expect(reply.errorCode == "FORBIDDEN", "\(operation.key) answered \(reply.text)")
        }
        for operation in recorder.document.operations where operation.method == "GET" {
            #expect(!operation.requiresWrite, "\(operation.key) requires the write scope")
        }
    }

    @Test func workspaceRestrictionLimitsAccess() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let coffee = try server.workspaceID("Northwind Coffee")
        let bakery = try server.workspaceID("Contoso Bakery")
        let token = try makeToken(server, ["scope": "write", "workspaceIds": [.string(coffee)]])
        let listed = try server.send("GET", "/workspaces", token: token).data.arrayValue ?? []
        #expect(listed.compactMap { $0["id"]?.stringValue } == [coffee])
        #expect(try server.send("GET", "/posts?workspaceId=\(bakery)", token: token).status == 403)
        #expect(try server.send("GET", "/posts?workspaceId=\(coffee)", token: token).status == 200)
        let pages = try server.send("GET", "/pages?limit=50", token: token).data.arrayValue ?? []
        #expect(pages.count == 8)
        let bakeryPost = try server.createPost(workspace: "Contoso Bakery", page: "Contoso Facebook")
        let id = try #require(bakeryPost["id"]?.stringValue)
        #expect(try server.send("GET", "/posts/\(id)", token: token).status == 403)
        #expect(try server.send("DELETE", "/workspaces/\(bakery)", token: token).status == 403)
    }

    @Test func expiredAndRevokedTokensAreUnauthorized() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let expiring = try makeToken(server, ["expiresAt": .string(Timestamp.format(server.clock.now() + 60))])
        #expect(try server.send("GET", "/ping", token: expiring).status == 200)
        server.clock.advance(by: 61)
        let expired = try server.send("GET", "/ping", token: expiring)
        #expect(expired.status == 401)
        #expect(expired.json["error"]?["message"]?.stringValue?.contains("expired") == true)

        let revocable = try makeToken(server, ["scope": "read"])
        let tokens = try server.send("GET", "/reference/tokens", token: nil).data.arrayValue ?? []
        let id = try #require(tokens.last?["id"]?.stringValue)
        #expect(try server.send("DELETE", "/reference/tokens/\(id)", token: nil).status == 204)
        let revoked = try server.send("GET", "/ping", token: revocable)
        #expect(revoked.status == 401)
        #expect(revoked.json["error"]?["message"]?.stringValue?.contains("revoked") == true)
    }

    /// A second token with the text of another, revoked or not, would take over the first's requests.
    @Test func tokenTextIsUnique() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let reused = try server.send(
            "POST", "/reference/tokens", body: ["token": .string(TestServer.token)], token: nil)
        #expect(reused.status == 400, "\(reused.text)")
        #expect(reused.text.contains("already has this text"), "\(reused.text)")

        let revocable = try makeToken(server, ["scope": "read"])
        let tokens = try server.send("GET", "/reference/tokens", token: nil).data.arrayValue ?? []
        let id = try #require(tokens.last?["id"]?.stringValue)
        #expect(try server.send("DELETE", "/reference/tokens/\(id)", token: nil).status == 204)
        let revived = try server.send("POST", "/reference/tokens", body: ["token": .string(revocable)], token: nil)
        #expect(revived.status == 400, "\(revived.text)")
        #expect(try server.send("GET", "/ping", token: revocable).status == 401)
    }

    /// A token used within the last second is checked without the store, so each change must reach that check.
    @Test func recentlyUsedTokenFollowsChanges() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        // The test clock is frozen, so every use below is within a second of the one before.
        let expiring = try makeToken(server, ["expiresAt": .string(Timestamp.format(server.clock.now() + 0.5))])
        #expect(try server.send("GET", "/ping", token: expiring).status == 200)
        #expect(try server.send("GET", "/ping", token: expiring).status == 200)
        server.clock.advance(by: 0.6)
        #expect(try server.send("GET", "/ping", token: expiring).status == 401)

        let revocable = try makeToken(server, ["scope": "read"])
        #expect(try server.send("GET", "/ping", token: revocable).status == 200)
        #expect(try server.send("GET", "/ping", token: revocable).status == 200)
        let tokens = try server.send("GET", "/reference/tokens", token: nil).data.arrayValue ?? []
        let id = try #require(tokens.last?["id"]?.stringValue)
        #expect(try server.send("DELETE", "/reference/tokens/\(id)", token: nil).status == 204)
        #expect(try server.send("GET", "/ping", token: revocable).status == 401)

        #expect(try server.send("GET", "/ping").status == 200)
        let company = try #require(
            try server.send("GET", "/reference/companies", token: nil).data.arrayValue?.first?["id"]?.stringValue)
        let control = "/reference/companies/\(company)/api-access"
        #expect(try server.send("POST", control, body: ["enabled": false], token: nil).status == 204)
        #expect(try server.send("GET", "/ping").status == 403)
        #expect(try server.send("POST", control, body: ["enabled": true], token: nil).status == 204)
        #expect(try server.send("GET", "/ping").status == 200)
    }

    /// The token cache matches a token it has seen by its text, so a text that shares its lookup prefix, or only
    /// begins or ends like it, must still fail.
    @Test func recentlyUsedTokenMatchesOnlyItsWholeText() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let token = try makeToken(server, ["scope": "write"])
        #expect(try server.send("GET", "/ping", token: token).status == 200)
        #expect(try server.send("GET", "/ping", token: token).status == 200)
        var altered = Array(token.utf8)
        altered[altered.count - 1] = altered.last == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let forgeries = [
            String(decoding: altered, as: UTF8.self), String(token.dropLast()), token + "x",
            String(token.prefix(12)) + String(repeating: "z", count: token.count - 12),
        ]
        // Twice each, in case a failed match left something behind that the next request would match.
        for forgery in forgeries + forgeries {
            let reply = try server.send("GET", "/ping", token: forgery)
            #expect(reply.status == 401, "\(forgery) was answered \(reply.status)")
        }
        #expect(try server.send("GET", "/ping", token: token).status == 200)
    }

    @Test(
        arguments: [
            ("Bearer pln_abc", "pln_abc"), ("bearer pln_abc", "pln_abc"), ("BEARER   pln_abc \t", "pln_abc"),
            ("  Bearer pln_abc", "pln_abc"), ("Bearer  ", ""), ("Bearer ", nil), ("Bearer", nil),
            ("Basic pln_abc", nil), ("Bearer\tpln_abc", nil), ("Bearerx pln_abc", nil), ("", nil),
            ("Bearer pln_é", "pln_é"),
        ] as [(String, String?)])
    func bearerTokenParsing(header: String, expected: String?) {
        #expect(ReferenceServer.bearerToken(header) == expected)
    }

    @Test func companyHasAtMostTenActiveTokens() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        for _ in 0..<9 { _ = try makeToken(server, ["scope": "read"]) }
        let eleventh = try server.send("POST", "/reference/tokens", body: ["scope": "read"], token: nil)
        #expect(eleventh.status == 403)
    }

    @Test func tokensAreStoredHashedWithLastUse() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try server.send("GET", "/ping")
        let tokens = try server.send("GET", "/reference/tokens", token: nil)
        #expect(!tokens.text.contains(TestServer.token))
        #expect(tokens.data.arrayValue?.first?["lastUsedAt"]?.stringValue == Timestamp.format(server.clock.now()))
        let database = try Data(contentsOf: server.directory.appendingPathComponent("reference.sqlite"))
        #expect(database.range(of: Data(TestServer.token.utf8)) == nil)
    }

    @Test func deletingWorkspaceRemovesItFromTokens() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let coffee = try server.workspaceID("Northwind Coffee")
        _ = try makeToken(server, ["workspaceIds": [.string(coffee)]])
        #expect(try server.send("DELETE", "/workspaces/\(coffee)").status == 204)
        let tokens = try server.send("GET", "/reference/tokens", token: nil).data.arrayValue ?? []
        #expect(tokens.last?["workspaceIds"] == .array([]))
    }

    @Test func answersCarryRateLimitHeaders() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let reply = try server.send("GET", "/ping")
        #expect(reply.headers["x-ratelimit-limit"] == "600")
        #expect(reply.headers["x-ratelimit-remaining"] == "599")
        #expect(reply.headers["x-ratelimit-reset"] == String(Int(server.clock.now() + 60)))
        #expect(reply.headers["retry-after"] == nil)
        let unauthorized = try server.send("GET", "/ping", token: nil)
        #expect(unauthorized.headers["x-ratelimit-limit"] == "600")
        let write = try server.send("POST", "/workspaces", body: [:])
        #expect(write.headers["x-ratelimit-limit"] == "120")
    }
}
