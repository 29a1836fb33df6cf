import Foundation
import HTTPClient
import Logging
import PlanableAPI
import Testing

@testable import SyncEngine

/// A backlog against the embedded server with lowered limits and a 4-second window, so a test sees several windows.
@Suite(.serialized) struct BacklogRateLimitTests {
    @Test func backlogDrainsAtTheLimitWithout429() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"],
            extraConfiguration: "",
            api: "api:\n  embedded:\n    writes_per_minute: 8\n    reads_per_minute: 1000\n    window_seconds: 4\n")
        defer { workspace.remove() }
        for index in 0..<20 {
            try workspace.writePost("p\(index).md", title: "Backlog \(index)", body: "Body \(index).")
        }

        let started = Date()
        let report = try workspace.run(.apply)
        let elapsed = Date().timeIntervalSince(started)
        #expect(report.created == 20)
        #expect(report.requests.rateLimited == 0)
        // 20 writes at 8 per 4-second window need two more windows after the first 8: at least 8 seconds.
        #expect(elapsed >= 7.5, "drained in \(elapsed) s, faster than the limit allows")
        #expect(elapsed < 40)
    }

    @Test func forced429sAreRiddenOut() throws {
        // A storm: the server allows no write for three seconds, whatever the client's limiter expects.
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"],
            api: "api:\n  embedded:\n    writes_per_minute: 3\n    reads_per_minute: 1000\n    window_seconds: 2\n")
        defer { workspace.remove() }
        for index in 0..<8 { try workspace.writePost("q\(index).md", title: "Storm \(index)", body: "Body \(index).") }
        let report = try workspace.runWithClientLimits(.apply, writesPerWindow: 100) { root in
            func setWriteLimit(_ limit: Int) {
                _ = try? HTTPClient().send(
                    HTTPRequest(
                        method: "POST", url: root + "/reference/rate-limits",
                        headers: [("Content-Type", "application/json")], body: Array("{\"write\": \(limit)}".utf8)))
            }
            setWriteLimit(0)
            Thread.sleep(forTimeInterval: 3)
            setWriteLimit(3)
        }
        #expect(report.created == 8)
        #expect(report.failed == 0)
        #expect(report.requests.rateLimited > 0, "the server never answered 429; the test tested nothing")
    }
}
