import Foundation
import Testing

@testable import PlanableReference

@Suite struct ReferenceControlsTests {
    private func setClock(_ server: TestServer, _ body: JSONValue) throws -> TestServer.Reply {
        try server.send("POST", "/reference/clock", body: body, token: nil)
    }

    private func systemNow() -> Double { Date().timeIntervalSince1970 }

    @Test func clockResumeAfterSetFollowsSystemTime() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let set = try setClock(server, ["set": "2001-01-01T00:00:00Z"])
        #expect(set.status == 200)
        #expect(set.json["frozen"] == .bool(true))
        #expect(set.json["unixSeconds"] == .number(978_307_200))

        let resumed = try setClock(server, ["resume": true])
        #expect(resumed.status == 200)
        #expect(resumed.json["frozen"] == .bool(false))
        let reading = try #require(resumed.json["unixSeconds"]?.doubleValue)
        #expect(abs(reading - systemNow()) < 5, "the clock reads \(reading) after resume")
        #expect(abs(server.clock.now() - systemNow()) < 5)
    }

    @Test func clockResumeDropsAdvanceOfRunningClock() throws {
        let server = try TestServer(clock: ReferenceClock())
        defer { server.removeFiles() }
        let advanced = try setClock(server, ["advanceSeconds": 86_400])
        #expect(advanced.status == 200)
        #expect(advanced.json["frozen"] == .bool(false))
        #expect(server.clock.now() - systemNow() > 86_000)

        let resumed = try setClock(server, ["resume": true])
        #expect(resumed.status == 200)
        #expect(abs(server.clock.now() - systemNow()) < 5)
    }

    @Test func clockRunContinuesFromSetTime() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let start = 978_307_200.0
        let running = try setClock(server, ["set": "2001-01-01T00:00:00Z", "run": true])
        #expect(running.status == 200)
        #expect(running.json["frozen"] == .bool(false))
        let first = server.clock.now()
        #expect(first >= start)
        #expect(first < start + 5)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(server.clock.now() > first, "a running clock did not move")
    }

    /// A running clock stops at the last time a date-time can show, 9999-12-31T23:59:59Z, instead of passing it,
    /// and moves back from there.
    @Test func runningClockStopsAtYear9999() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        #expect(try setClock(server, ["set": "9999-12-31T23:59:59Z", "run": true]).status == 200)
        Thread.sleep(forTimeInterval: 1.2)
        let reading = try server.send("GET", "/reference/clock", token: nil)
        #expect(reading.json["now"]?.stringValue?.hasPrefix("9999-12-31T23:59:59") == true, "\(reading.json)")
        #expect(server.clock.now() == ReferenceClock.range.upperBound)
        // It moves back from where it stopped.
        #expect(try setClock(server, ["advanceSeconds": -1]).status == 200)
        #expect(server.clock.now() == ReferenceClock.range.upperBound - 1)
    }

    @Test func clockResumeMustComeAlone() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let before = server.clock.now()
        let reply = try setClock(server, ["set": "2001-01-01T00:00:00Z", "resume": true])
        #expect(reply.status == 400)
        #expect(reply.errorCode == "VALIDATION_ERROR")
        #expect(reply.json["error"]?["message"]?.stringValue?.contains("resume") == true)
        #expect(server.clock.now() == before)
        #expect(server.clock.isFrozen)
    }

    /// Sends `body` and checks that the control rejects it with 400 and a message that contains each fragment.
    private func expectRejected(
        _ server: TestServer, _ method: String, _ path: String, _ body: JSONValue, mentions fragments: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let reply = try server.send(method, path, body: body, token: nil)
        let context = "\(method) \(path) \(body.serializedString) returned \(reply.status): \(reply.text)"
        #expect(reply.status == 400, "\(context)", sourceLocation: sourceLocation)
        #expect(reply.errorCode == "VALIDATION_ERROR", "\(context)", sourceLocation: sourceLocation)
        #expect(reply.json["error"]?["requestId"]?.stringValue != nil, "\(context)", sourceLocation: sourceLocation)
        let message = reply.json["error"]?["message"]?.stringValue ?? ""
        for fragment in fragments {
            #expect(message.contains(fragment), "\(context) lacks \(fragment)", sourceLocation: sourceLocation)
        }
    }

    @Test func rateLimitsRejectInvalidBodies() throws {
        let server = try TestServer(readLimit: 7, writeLimit: 9)
        defer { server.removeFiles() }
        let path = "/reference/rate-limits"
        try expectRejected(server, "POST", path, ["read": -1], mentions: ["read is -1", "0 or more", #"{"read":600}"#])
        try expectRejected(server, "POST", path, ["read": "x"], mentions: [#"read is "x""#, "integer"])
        try expectRejected(server, "POST", path, ["write": 1.5], mentions: ["write is 1.5", "integer"])
        try expectRejected(server, "POST", path, ["read": 5, "write": -2], mentions: ["write is -2"])
        try expectRejected(server, "POST", path, [:], mentions: ["needs read, write or both"])
        try expectRejected(server, "POST", path, ["reed": 5], mentions: ["reed is not a field", "read and write"])
        try expectRejected(server, "POST", path, [5], mentions: ["JSON object", "array"])
        try expectRejected(server, "POST", "/reference/rate-limits/reset", ["all": true], mentions: ["all"])

        let limits = try server.send("GET", path, token: nil).json
        #expect(limits["read"] == .integer(7))
        #expect(limits["write"] == .integer(9))
        let read = try server.send("GET", "/ping")
        #expect(read.status == 200)
        #expect(read.headers["x-ratelimit-limit"] == "7")

        let closed = try server.send("POST", path, body: ["write": 0], token: nil)
        #expect(closed.status == 200)
        #expect(closed.json["write"] == .integer(0))
        #expect(closed.json["read"] == .integer(7))
    }

    @Test func clockRejectsInvalidBodies() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let path = "/reference/clock"
        let before = server.clock.now()
        try expectRejected(
            server, "POST", path, ["advanceSeconds": "60"],
            mentions: [#"advanceSeconds is "60""#, "number of seconds", #"{"advanceSeconds":60"#])
        try expectRejected(server, "POST", path, ["advanceSeconds": 1e13], mentions: ["advanceSeconds", "9999"])
        try expectRejected(server, "POST", path, ["set": 1_780_000_000], mentions: ["set is 1780000000", "RFC 3339"])
        try expectRejected(server, "POST", path, ["set": "tomorrow"], mentions: [#"set is "tomorrow""#, "RFC 3339"])
        try expectRejected(server, "POST", path, ["resume": false], mentions: ["resume is false", "true"])
        try expectRejected(server, "POST", path, ["run": "yes"], mentions: [#"run is "yes""#])
        try expectRejected(server, "POST", path, [:], mentions: ["needs set", "advanceSeconds", "resume"])
        try expectRejected(
            server, "POST", path, ["advance": 60], mentions: ["advance is not a field", "advanceSeconds"])
        try expectRejected(
            server, "POST", path, ["set": "2001-01-01T00:00:00Z", "advanceSeconds": "x"], mentions: ["advanceSeconds"])
        #expect(server.clock.now() == before)
        #expect(server.clock.isFrozen)
    }

    @Test func faultsRejectInvalidBodies() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let path = "/reference/faults"
        try expectRejected(
            server, "POST", path, ["operation": "*", "kind": "error", "status": "503", "count": 1],
            mentions: [#"status is "503""#, "500 to 599"])
        try expectRejected(
            server, "POST", path, ["operation": "*", "kind": "latency", "latencyMs": -5, "count": 1],
            mentions: ["latencyMs is -5", "milliseconds"])
        try expectRejected(
            server, "POST", path, ["operation": "*", "kind": "latency", "latencyMs": "250", "count": 1],
            mentions: [#"latencyMs is "250""#])
        try expectRejected(
            server, "POST", path, ["operation": "*", "kind": "latency", "count": 1],
            mentions: ["kind latency needs latencyMs"])
        try expectRejected(
            server, "POST", path, ["operation": "*", "kind": "drop", "latencyMs": 100, "count": 1],
            mentions: ["latencyMs applies only to kind latency"])
        try expectRejected(
            server, "POST", path, ["operation": "*", "kind": "drop", "status": 503, "count": 1],
            mentions: ["status applies only to kind error"])
        try expectRejected(
            server, "POST", path, ["operation": "*", "kind": "drop", "count": 1.5], mentions: ["count is 1.5"])
        try expectRejected(
            server, "POST", path, ["operation": "*", "kind": "drop", "count": 0], mentions: ["count is 0", "1 or more"])
        try expectRejected(
            server, "POST", path, ["operation": "*", "kind": "drop", "probability": "0.5"],
            mentions: [#"probability is "0.5""#])
        try expectRejected(
            server, "POST", path, ["operation": "*", "kind": "drop", "count": 1, "seed": "x"],
            mentions: [#"seed is "x""#])
        try expectRejected(
            server, "POST", path, ["operation": "*", "kind": "explode", "count": 1],
            mentions: [#"kind is "explode""#, "commit-without-answer"])
        try expectRejected(server, "POST", path, ["kind": "drop", "count": 1], mentions: ["needs operation"])
        try expectRejected(
            server, "POST", path, ["operation": "*", "kind": "drop", "count": 1, "times": 2],
            mentions: ["times is not a field"])
        try expectRejected(server, "DELETE", path, ["operation": "*"], mentions: ["takes no fields"])
        #expect(try server.send("GET", path, token: nil).data == .array([]))
    }

    @Test func tokensRejectInvalidBodies() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let path = "/reference/tokens"
        let before = try server.send("GET", path, token: nil).data.arrayValue?.count
        try expectRejected(server, "POST", path, ["scope": 5], mentions: ["scope is 5", "read"])
        try expectRejected(server, "POST", path, ["scope": "admin"], mentions: [#"scope is "admin""#])
        try expectRejected(
            server, "POST", path, ["workspaceIds": "all"], mentions: [#"workspaceIds is "all""#, "array"])
        try expectRejected(server, "POST", path, ["workspaceIds": [5]], mentions: ["workspaceIds is [5]"])
        try expectRejected(server, "POST", path, ["expiresAt": 5], mentions: ["expiresAt is 5", "RFC 3339"])
        try expectRejected(server, "POST", path, ["name": ""], mentions: [#"name is """#, "not empty"])
        try expectRejected(
            server, "POST", path, ["memberId": "000000000000000000000000"],
            mentions: ["000000000000000000000000", "member of company"])
        try expectRejected(server, "POST", path, ["secret": "x"], mentions: ["secret is not a field", "memberId"])
        #expect(try server.send("GET", path, token: nil).data.arrayValue?.count == before)
    }

    @Test func otherControlsRejectInvalidBodies() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let company = try #require(
            try server.send("GET", "/reference/companies", token: nil).data.arrayValue?.first?["id"]?.stringValue)
        let access = "/reference/companies/\(company)/api-access"
        try expectRejected(server, "POST", access, ["enabled": "false"], mentions: [#"enabled is "false""#])
        try expectRejected(server, "POST", access, [:], mentions: ["needs enabled"])
        try expectRejected(
            server, "POST", access, ["enabled": false, "plan": "free"], mentions: ["plan is not a field"])
        #expect(try server.send("GET", "/ping").status == 200)

        let post = try server.createPost(workspace: "Northwind Coffee", page: "Northwind X")
        let postID = try #require(post["id"]?.stringValue)
        try expectRejected(
            server, "POST", "/reference/posts/\(postID)/approve", ["approverId": 5], mentions: ["approverId is 5"])
        try expectRejected(
            server, "POST", "/reference/posts/\(postID)/publish", ["force": true], mentions: ["force is not a field"])
        #expect(try server.send("GET", "/posts/\(postID)").data["status"] == "draft")

        let page = try server.pageID("Northwind X")
        try expectRejected(
            server, "POST", "/reference/pages/\(page)/disconnect", ["reason": "x"], mentions: ["reason"])
        try expectRejected(server, "POST", "/reference/stats/reset", ["method": "GET"], mentions: ["method"])
    }
}
