import Foundation
import Testing
@testable import PlanableReference

@Suite struct RateLimitTests {
    @Test func readsAreLimitedUntilWindowEdge() throws {
        let server = try TestServer(readLimit: 3, writeLimit: 2)
        defer { server.removeFiles() }
        let start = server.clock.now()
        for remaining in [2, 1, 0] {
            let reply = try server.send("GET", "/ping")
            #expect(reply.status == 200)
            #expect(reply.headers["x-ratelimit-remaining"] == String(remaining))
            #expect(reply.headers["x-ratelimit-limit"] == "3")
        }
        let limited = try server.send("GET", "/ping")
        #expect(limited.status == 429)
        #expect(limited.errorCode == "RATE_LIMITED")
        #expect(limited.headers["x-ratelimit-remaining"] == "0")
        #expect(limited.headers["x-ratelimit-reset"] == String(Int(start) + 60))
        #expect(limited.headers["retry-after"] == nil)

        server.clock.set(start + 59.999)
        #expect(try server.send("GET", "/ping").status == 429)
        server.clock.set(start + 60)
        for _ in 0..<3 { #expect(try server.send("GET", "/ping").status == 200) }
        #expect(try server.send("GET", "/ping").status == 429)
    }

    /// A response sent before the request is counted (a 404 for an unknown path, a 405 or an injected fault) shows
    /// the window of the request's token, not a full one, and counts nothing.
    @Test func uncountedAnswersShowTheTokensWindow() throws {
        let server = try TestServer(readLimit: 5, writeLimit: 5)
        defer { server.removeFiles() }
        for _ in 0..<2 { #expect(try server.send("GET", "/ping").status == 200) }
        let unknownPath = try server.send("GET", "/nope")
        #expect(unknownPath.status == 404)
        #expect(unknownPath.headers["x-ratelimit-remaining"] == "3")
        let wrongMethod = try server.send("PUT", "/ping")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["x-ratelimit-limit"] == "5")
        #expect(wrongMethod.headers["x-ratelimit-remaining"] == "5", "no write was counted yet")
        let fault = try server.send(
            "POST", "/reference/faults", body: ["operation": "GET /ping", "kind": "error", "status": 503, "count": 1],
            token: nil)
        #expect(fault.status == 201)
        let injected = try server.send("GET", "/ping")
        #expect(injected.status == 503)
        #expect(injected.headers["x-ratelimit-remaining"] == "3")
        // None of them counted: the next read still has 3 left before it.
        #expect(try server.send("GET", "/ping").headers["x-ratelimit-remaining"] == "2")
        // Without a valid token, the window is a full one.
        let stranger = try server.send("GET", "/nope", token: "pln_unknownTokenForTheHeaders0123456789")
        #expect(stranger.headers["x-ratelimit-remaining"] == "5")

        // Such a response does not record a use of the token either.
        func lastUse() throws -> String? {
            try server.send("GET", "/reference/tokens", token: nil).data.arrayValue?.first?["lastUsedAt"]?.stringValue
        }
        let before = try lastUse()
        server.clock.advance(by: 2)
        let afterPause = try server.send("GET", "/nope")
        #expect(afterPause.status == 404)
        #expect(afterPause.headers["x-ratelimit-remaining"] == "2", "the window still holds the 3 counted reads")
        #expect(try lastUse() == before)
    }

    @Test func writesHaveTheirOwnLimit() throws {
        let server = try TestServer(readLimit: 1, writeLimit: 2)
        defer { server.removeFiles() }
        #expect(try server.send("GET", "/ping").status == 200)
        #expect(try server.send("GET", "/ping").status == 429)
        let body: JSONValue = ["workspaceId": "missing", "pageId": "missing"]
        #expect(try server.send("POST", "/posts", body: body).status == 404)
        let second = try server.send("DELETE", "/posts/missing")
        #expect(second.status == 404)
        #expect(second.headers["x-ratelimit-limit"] == "2")
        #expect(second.headers["x-ratelimit-remaining"] == "0")
        #expect(try server.send("PATCH", "/posts/missing", body: ["text": "x"]).status == 429)
    }

    @Test func slidingWindowReleasesOldestFirst() throws {
        let server = try TestServer(readLimit: 2, writeLimit: 2)
        defer { server.removeFiles() }
        let start = server.clock.now()
        #expect(try server.send("GET", "/ping").status == 200)
        server.clock.set(start + 30)
        #expect(try server.send("GET", "/ping").status == 200)
        let limited = try server.send("GET", "/ping")
        #expect(limited.status == 429)
        #expect(limited.headers["x-ratelimit-reset"] == String(Int(start) + 60))
        server.clock.set(start + 60)
        let released = try server.send("GET", "/ping")
        #expect(released.status == 200)
        #expect(released.headers["x-ratelimit-reset"] == String(Int(start) + 90))
        #expect(try server.send("GET", "/ping").status == 429)
    }

    /// Requests made while the clock was ahead count as made when it is moved back, so they leave the window a
    /// window's length later, not when the clock reaches the later time again.
    @Test func clockMovedBackKeepsWindow() throws {
        let server = try TestServer(readLimit: 2, writeLimit: 2)
        defer { server.removeFiles() }
        let start = server.clock.now()
        server.clock.set(start + 3600)
        for _ in 0..<2 { #expect(try server.send("GET", "/ping").status == 200) }
        server.clock.set(start)
        let limited = try server.send("GET", "/ping")
        #expect(limited.status == 429)
        #expect(limited.headers["x-ratelimit-reset"] == String(Int(start) + 60))
        server.clock.set(start + 60)
        #expect(try server.send("GET", "/ping").status == 200)
    }

    /// A limit of 0, which only the reference controls set, is named as the cause instead of a retry time.
    @Test func zeroLimitIsNamed() throws {
        let server = try TestServer(readLimit: 5, writeLimit: 0)
        defer { server.removeFiles() }
        let reply = try server.send("DELETE", "/posts/missing")
        #expect(reply.status == 429)
        #expect(reply.text.contains("its limit is 0 per 60 seconds; raise it with POST /reference/rate-limits"))
        #expect(!reply.text.contains("retry after"), "\(reply.text)")
    }

    @Test func limitsArePerToken() throws {
        let server = try TestServer(readLimit: 1, writeLimit: 1)
        defer { server.removeFiles() }
        let other = try server.send("POST", "/reference/tokens", body: ["scope": "read"], token: nil)
        let token = try #require(other.json["token"]?.stringValue)
        #expect(try server.send("GET", "/ping").status == 200)
        #expect(try server.send("GET", "/ping").status == 429)
        #expect(try server.send("GET", "/ping", token: token).status == 200)
    }

    @Test func limitsChangeThroughControls() throws {
        let server = try TestServer(readLimit: 1, writeLimit: 1)
        defer { server.removeFiles() }
        #expect(try server.send("GET", "/ping").status == 200)
        #expect(try server.send("GET", "/ping").status == 429)
        try server.send("POST", "/reference/rate-limits", body: ["read": 5], token: nil)
        let reply = try server.send("GET", "/ping")
        #expect(reply.status == 200)
        #expect(reply.headers["x-ratelimit-limit"] == "5")
        try server.send("POST", "/reference/rate-limits/reset", body: [:], token: nil)
        #expect(try server.send("GET", "/ping").headers["x-ratelimit-remaining"] == "4")
    }
}
