import Foundation
import HTTPClient
import Testing

@testable import PlanableReference

@Suite struct FaultTests {
    private func addFault(_ server: TestServer, _ body: JSONValue) throws {
        let reply = try server.send("POST", "/reference/faults", body: body, token: nil)
        guard reply.status == 201 else {
            throw TestFailure("POST /reference/faults answered \(reply.status): \(reply.text)")
        }
    }

    @Test func latencyDelaysAnswer() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try addFault(server, ["operation": "GET /ping", "kind": "latency", "latencyMs": 300, "count": 1])
        let started = Date()
        #expect(try server.send("GET", "/ping").status == 200)
        #expect(Date().timeIntervalSince(started) >= 0.3)
        // A counted rule is removed once used up, so the next request is not delayed.
        #expect(try server.send("GET", "/reference/faults", token: nil).data == .array([]))
    }

    /// The listing shows each rule with the fields its kind takes: no `status` for a latency rule, which returns no
    /// error, and no `latencyMs` for an error rule.
    @Test func listedRulesShowTheirKindsFields() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try addFault(server, ["operation": "GET /ping", "kind": "latency", "latencyMs": 250, "count": 3])
        try addFault(server, ["operation": "GET /pages", "kind": "error", "status": 502, "probability": 0.5])
        try addFault(server, ["operation": "*", "kind": "drop", "count": 1])
        let listed = try server.send("GET", "/reference/faults", token: nil).data.arrayValue ?? []
        #expect(listed.count == 3)
        func keys(_ rule: JSONValue?) -> [String] {
            guard case .object(let fields) = rule else { return [] }
            return fields.map(\.0).sorted()
        }
        let shared = ["applied", "id", "kind", "operation", "probability", "remaining"]
        #expect(keys(listed.first) == (shared + ["latencyMs"]).sorted())
        #expect(listed.first?["latencyMs"] == .integer(250))
        #expect(keys(listed.dropFirst().first) == (shared + ["status"]).sorted())
        #expect(listed.dropFirst().first?["status"] == .integer(502))
        #expect(keys(listed.last) == shared)
    }

    @Test func errorFaultAnswersServerErrorByCount() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try addFault(server, ["operation": "GET /workspaces", "kind": "error", "status": 503, "count": 2])
        for _ in 0..<2 {
            let reply = try server.send("GET", "/workspaces")
            #expect(reply.status == 503)
            #expect(reply.errorCode == "INTERNAL")
        }
        #expect(try server.send("GET", "/workspaces").status == 200)
        #expect(try server.send("GET", "/ping").status == 200)
    }

    @Test func dropClosesConnectionWithoutAnswer() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try addFault(server, ["operation": "*", "kind": "drop", "count": 1])
        // A new connection, because libcurl resends a request once when a reused connection closes unanswered.
        #expect(throws: HTTPClientError.self) { try server.send("GET", "/ping", client: HTTPClient()) }
        #expect(try server.send("GET", "/ping").status == 200)
    }

    @Test func commitWithoutAnswerStoresPost() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let page = try server.pageID("Northwind LinkedIn")
        try addFault(server, ["operation": "POST /posts", "kind": "commit-without-answer", "count": 1])
        #expect(throws: HTTPClientError.self) {
            try server.send(
                "POST", "/posts",
                body: ["workspaceId": .string(workspace), "pageId": .string(page), "text": "Lost answer"],
                client: HTTPClient())
        }
        let posts = try server.send("GET", "/posts?workspaceId=\(workspace)").data.arrayValue ?? []
        #expect(posts.map { $0["plainText"] } == ["Lost answer"])
    }

    @Test func probabilityRulesApplyByChance() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try addFault(server, ["operation": "GET /ping", "kind": "error", "probability": 1.0])
        for _ in 0..<3 { #expect(try server.send("GET", "/ping").status == 500) }
        #expect(try server.send("DELETE", "/reference/faults", token: nil).status == 204)
        #expect(try server.send("GET", "/ping").status == 200)
        try addFault(server, ["operation": "GET /ping", "kind": "error", "probability": 0.5, "seed": 7])
        var failures = 0
        for _ in 0..<40 where try server.send("GET", "/ping").status == 500 { failures += 1 }
        #expect(failures > 5)
        #expect(failures < 35)
        let listed = try server.send("GET", "/reference/faults", token: nil).data.arrayValue ?? []
        #expect(listed.first?["applied"] == .integer(failures))
    }

    @Test func rejectsInvalidFaultRules() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let unknown = try server.send(
            "POST", "/reference/faults", body: ["operation": "GET /nope", "kind": "drop", "count": 1], token: nil)
        #expect(unknown.status == 400)
        let both = try server.send(
            "POST", "/reference/faults", body: ["operation": "*", "kind": "drop", "count": 1, "probability": 0.5],
            token: nil)
        #expect(both.status == 400)
        let clientError = try server.send(
            "POST", "/reference/faults", body: ["operation": "*", "kind": "error", "status": 404, "count": 1],
            token: nil)
        #expect(clientError.status == 400)
    }
}
