import Foundation
import HTTPClient
import Testing

@testable import PlanableReference

@Suite struct CoreAPITests {
    @Test func pingReturnsTokenAndCompany() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let reply = try server.send("GET", "/ping")
        #expect(reply.status == 200)
        #expect(reply.json["ok"] == .bool(true))
        #expect(reply.json["tokenId"]?.stringValue?.isEmpty == false)
        #expect(reply.json["companyId"]?.stringValue?.isEmpty == false)
    }

    @Test func demoSeedHasWorkspacesAndPages() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let workspaces = try server.send("GET", "/workspaces").data.arrayValue ?? []
        #expect(workspaces.map { $0["name"]?.stringValue } == ["Northwind Coffee", "Contoso Bakery"])
        #expect(workspaces.first?["timezone"] == "America/New_York")
        #expect(workspaces.first?["approvalSettings"]?["type"] == "OPTIONAL")
        #expect(workspaces.last?["approvalSettings"]?["type"] == "REQUIRED")
        let coffee = try server.workspaceID("Northwind Coffee")
        let pages = try server.send("GET", "/pages?workspaceId=\(coffee)&limit=50").data.arrayValue ?? []
        #expect(
            pages.map { $0["platform"]?.stringValue } == [
                "linkedin", "facebook", "x", "instagram", "pinterest", "youtube", "tiktok", "threads",
            ])
        #expect(pages.allSatisfy { $0["isConnected"] == .bool(true) })
        let all = try server.send("GET", "/pages?limit=50").data.arrayValue ?? []
        #expect(all.count == 10)
    }

    @Test func pagesPaginate() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let first = try server.send("GET", "/pages?offset=0&limit=4")
        #expect(first.data.arrayValue?.count == 4)
        #expect(first.json["pagination"]?["hasMore"] == .bool(true))
        let last = try server.send("GET", "/pages?offset=8&limit=4")
        #expect(last.data.arrayValue?.count == 2)
        #expect(last.json["pagination"]?["hasMore"] == .bool(false))
    }

    @Test func createsWorkspaceAndDeletesIt() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let created = try server.send(
            "POST", "/workspaces",
            body: [
                "name": "Fabrikam Tea", "timezone": "Europe/Paris",
                "approvalSettings": [
                    "type": "MULTIPLE", "autoSchedule": false, "autoLock": false,
                    "approvalLevels": [["id": "legal", "label": "Legal", "approversIds": []]],
                ],
            ])
        #expect(created.status == 201)
        let id = try #require(created.data["id"]?.stringValue)
        #expect(created.data["approvalSettings"]?["approvalLevels"]?.arrayValue?.count == 1)
        #expect(try server.send("GET", "/workspaces").data.arrayValue?.count == 3)
        #expect(try server.send("DELETE", "/workspaces/\(id)").status == 204)
        #expect(try server.send("DELETE", "/workspaces/\(id)").status == 404)
        #expect(try server.send("GET", "/workspaces").data.arrayValue?.count == 2)
    }

    @Test func rejectsInvalidWorkspaceBody() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let reply = try server.send("POST", "/workspaces", body: ["name": "X", "timezone": "Mars/Base"])
        #expect(reply.status == 400)
        #expect(reply.errorCode == "VALIDATION_ERROR")
        #expect(reply.json["error"]?["requestId"]?.stringValue?.hasPrefix("req_") == true)
        let badZone = try server.send(
            "POST", "/workspaces",
            body: [
                "name": "Valid name", "timezone": "Mars/Base",
                "approvalSettings": ["type": "NONE", "autoSchedule": false, "autoLock": false],
            ])
        #expect(badZone.status == 400)
        #expect(badZone.json["error"]?["message"]?.stringValue?.contains("Mars/Base") == true)
    }

    @Test func unknownRouteAndMethod() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let missing = try server.send("GET", "/nothing-here")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "NOT_FOUND")
        let wrongMethod = try server.send("PUT", "/posts")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.errorCode == "METHOD_NOT_ALLOWED")
        #expect(wrongMethod.headers["allow"] == "GET, POST")
    }

    /// An operation whose document lists no 400 returns its 404 for a missing required parameter, with the reason
    /// in the message.
    @Test func missingParameterWithout400SaysWhy() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let reply = try server.send("GET", "/keywords/abc/mentions")
        #expect(reply.status == 404)
        #expect(
            reply.json["error"]?["message"]?.stringValue
                == "query parameter workspaceId is required; this answers 404 because Planable's API documents no "
                + "400 for GET /keywords/{keywordId}/mentions", "\(reply.text)")
    }

    @Test func servesDocumentAndDocs() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let document = try server.send("GET", "/openapi.json", token: nil)
        #expect(document.status == 200)
        #expect(document.json["openapi"] == "3.1.0")
        let docs = try server.send("GET", "/docs", token: nil)
        #expect(docs.status == 200)
        #expect(docs.text.contains("<h1>Planable Public API"))
        #expect(docs.text.contains("/posts/{id}/request-approval"))
        // The descriptions are CommonMark, shown as HTML rather than as their source.
        #expect(docs.text.contains("<strong>Plan eligibility:</strong>"), "\(docs.text.prefix(1500))")
        #expect(!docs.text.contains("**"), "\(docs.text.prefix(1500))")
        #expect(DocumentationPage.markdown("a <script>x</script>").contains("<script>") == false)
        #expect(docs.headers["x-ratelimit-limit"] == "600")

        // A client generated from the served document calls this server, not Planable's.
        let servers = document.json["servers"]?.arrayValue ?? []
        #expect(servers.first?["url"]?.stringValue == server.server.baseURL, "\(servers)")
        #expect(!document.text.contains(ReferenceServer.publishedServerURL))
        #expect(document.json["paths"]?["/posts"] != nil)

        let wrongMethod = try server.send("POST", "/docs", token: nil)
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.errorCode == "METHOD_NOT_ALLOWED")
        #expect(wrongMethod.headers["allow"] == "GET, HEAD")
        let root = try server.send("GET", "", token: TestServer.token)
        #expect(root.status == 404)
        let message = root.json["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("no operation at /api/v1;"), "\(root.text)")
    }

    @Test func oversizedBodyGetsAPIError() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let body = JSONValue.object([("text", .string(String(repeating: "a", count: 5 << 20)))])
        let reply = try server.send("POST", "/posts", body: body)
        #expect(reply.status == 413)
        #expect(reply.errorCode == "VALIDATION_ERROR", "\(reply.text.prefix(300))")
        #expect(reply.json["error"]?["message"]?.stringValue?.contains("larger than 4194304 bytes") == true)
        #expect(reply.json["error"]?["requestId"]?.stringValue == reply.headers["x-request-id"])
        #expect(reply.headers["x-ratelimit-limit"] == "120")
    }

    @Test func servesIPv6Loopback() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "reference-ipv6-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try ReferenceServer(
            options: ReferenceServerOptions(
                databasePath: directory.appendingPathComponent("reference.sqlite").path,
                seed: .demo(token: TestServer.token)))
        try server.start(host: "::1", port: 0)
        defer { server.stop() }
        #expect(server.baseURL == "http://[::1]:\(server.port)/api/v1")
        let reply = try HTTPClient().send(
            HTTPRequest(url: server.baseURL + "/ping", headers: [("Authorization", "Bearer \(TestServer.token)")]))
        #expect(reply.status == 200)
    }

    @Test func countsRequestsByMethod() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try server.send("GET", "/ping")
        try server.send("GET", "/workspaces")
        try server.send("POST", "/workspaces", body: [:])
        #expect(server.server.requestCounts() == ["GET": 2, "POST": 1])
        let stats = try server.send("GET", "/reference/stats", token: nil)
        #expect(stats.json["requests"]?["GET"] == .integer(2))
        #expect(try server.send("POST", "/reference/stats/reset", token: nil).status == 204)
        #expect(server.server.requestCounts().isEmpty)
    }

    @Test func stateSurvivesRestart() throws {
        let first = try TestServer()
        let post = try first.createPost(workspace: "Northwind Coffee", page: "Northwind LinkedIn")
        let id = try #require(post["id"]?.stringValue)
        first.server.stop()
        let second = try TestServer(
            seed: ReferenceSeed.demo(token: "pln_otherTokenNotApplied0000"), directory: first.directory)
        defer { second.removeFiles() }
        #expect(second.server.createdDatabase == false)
        let reply = try second.send("GET", "/posts/\(id)")
        #expect(reply.status == 200)
        #expect(reply.data["plainText"] == "Hello")
        #expect(try second.send("GET", "/ping", token: "pln_otherTokenNotApplied0000").status == 401)
    }
}
