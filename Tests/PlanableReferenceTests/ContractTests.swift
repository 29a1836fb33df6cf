import Foundation
import Testing

@testable import PlanableReference

/// Every operation, with each documented status code it can produce, checked against the document's schemas.
@Suite struct ContractTests {
    /// Status codes the server cannot produce: GET /workspaces takes no input that could be invalid.
    static let unreachable: Set<String> = ["GET /workspaces 400"]

    @Test func everyDocumentedStatusIsProducedAndMatchesSchema() throws {
        let server = try TestServer(allowLoopbackMedia: false)
        defer { server.removeFiles() }
        let recorder = ContractRecorder(server: server)
        let ids = try ContractFixture(server)

        // 401 without a token and 500 from an injected fault, for every operation.
        for operation in recorder.document.operations {
            try recorder.call(operation.key, recorder.placeholderPath(operation), body: [:], token: nil, expect: 401)
        }
        try server.send(
            "POST", "/reference/faults", body: ["operation": "*", "kind": "error", "status": 500, "probability": 1],
            token: nil)
        for operation in recorder.document.operations {
            try recorder.call(operation.key, recorder.placeholderPath(operation), body: [:], expect: 500)
        }
        try server.send("DELETE", "/reference/faults", token: nil)

        // 403: write operations with a read-only token, reads with a token limited to the other workspace.
        let calls = ids.successCalls()
        for operation in recorder.document.operations {
            if operation.requiresWrite {
                try recorder.call(
                    operation.key, recorder.placeholderPath(operation), body: [:], token: ids.readToken, expect: 403)
            } else if let call = calls.first(where: { $0.key == operation.key }), call.workspaceScoped {
                try recorder.call(call.key, call.path, body: call.body, token: ids.bakeryToken, expect: 403)
            }
        }

        // 403 for every operation while the company's API access is turned off.
        let companies = try server.send("GET", "/reference/companies", token: nil).data.arrayValue ?? []
        let companyIDs = companies.compactMap { $0["id"]?.stringValue }
        for id in companyIDs {
            let reply = try server.send(
                "POST", "/reference/companies/\(id)/api-access", body: ["enabled": false], token: nil)
            #expect(reply.status == 204)
        }
        for operation in recorder.document.operations {
            try recorder.call(operation.key, recorder.placeholderPath(operation), body: [:], expect: 403)
        }
        for id in companyIDs {
            try server.send("POST", "/reference/companies/\(id)/api-access", body: ["enabled": true], token: nil)
        }

        // Answers for valid, invalid and unknown input, in an order where deletions come last.
        for call in calls {
            try recorder.call(call.key, call.path, body: call.body, expect: call.status)
        }
        for call in ids.failureCalls() {
            try recorder.call(
                call.key, call.path, body: call.body, token: call.token ?? TestServer.token, expect: call.status)
        }
        for call in ids.deletionCalls() {
            try recorder.call(call.key, call.path, body: call.body, expect: call.status)
        }

        // 400 for the company's last workspace.
        let remaining =
            try server.send("GET", "/workspaces").data.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        for id in remaining.dropLast() {
            try recorder.call("DELETE /workspaces/{id}", "/workspaces/\(id)", expect: 204)
        }
        try recorder.call("DELETE /workspaces/{id}", "/workspaces/\(remaining.last ?? "")", expect: 400)

        // 429 once the limits are spent.
        try server.send("POST", "/reference/rate-limits", body: ["read": 0, "write": 0], token: nil)
        for operation in recorder.document.operations {
            try recorder.call(operation.key, recorder.placeholderPath(operation), body: [:], expect: 429)
        }

        let missing = recorder.missing(except: Self.unreachable)
        #expect(missing.isEmpty, "documented statuses never produced: \(missing)")
    }
}
