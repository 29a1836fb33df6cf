import Foundation
import PlanableAPI
import TestSupport
import Testing

/// The intent of a create carries the time its request was sent, after any wait for the rate limit, and a create
/// that never reached the server needs no read-back.
@Suite(.serialized) struct CreateIntentTimingTests {
    /// The request time limit these tests give the client, in seconds. A resumed run then waits up to 10 s (twice
    /// the limit and 2 s) after a create's send for it to take effect.
    static let requestTimeout = "4"

    /// A run killed while its create, sent after a long 429 wait, is still on the server. The rerun must count its
    /// wait from the send, not from before the 429, or it creates the item a second time.
    @Test func rerunWaitsFromSendAfterRateLimitWait() throws {
        // The server's window of 12 s makes the client wait about 12 s for the 429's reset, longer than the 10 s
        // that a resumed run waits for a create in flight.
        let fixture = try ReferenceFixture(name: "intent-after-wait", rateLimitWindow: 12)
        try fixture.writeConfiguration()
        try fixture.writeItems(1)
        try fixture.control("POST", "/rate-limits", "{\"write\": 0}")
        let running = try ProductProcess.start(
            ["sync", "--config", fixture.configPath],
            environment: fixture.environment.merging(["PLANABLE_SYNC_API_TIMEOUT": Self.requestTimeout]) { $1 })
        defer { running.removeOutput() }
        let limited = waitUntil(timeout: 30) { running.stderr().contains("rate limited; waiting for the reset") }
        #expect(limited, "the create was never rate limited: \(running.stderr().suffix(800))")

        // The retry after the wait reaches the server, which commits it 6 s after it arrives. The kill comes
        // before the client's time limit of 4 s ends the request. A rule is listed only while it has uses left, so
        // it has two, and the second delays a create of the rerun, if one is sent.
        try fixture.addFault(operation: "POST /posts", "\"kind\": \"latency\", \"latencyMs\": 6000, \"count\": 2")
        try fixture.control("POST", "/rate-limits", "{\"write\": 1000}")
        let arrived = try waitUntil(timeout: 30) { try fixture.faultsApplied()["latency"] == 1 }
        #expect(arrived, "the create never reached the server: \(running.stderr().suffix(800))")
        let arrivedAt = Date()
        Thread.sleep(forTimeInterval: 1.5)
        #expect(running.process.isRunning, "the run ended before the kill: \(running.stderr().suffix(800))")
        running.killNow()

        let rerun = try fixture.sync(environment: ["PLANABLE_SYNC_API_TIMEOUT": Self.requestTimeout])
        #expect(rerun.status == 0, "\(rerun.stderr.suffix(800))")
        #expect(rerun.stderr.contains("found the post of an interrupted create"), "\(rerun.stderr.suffix(1200))")
        // The killed run's create commits 6 s after it arrived. Once it has, a second group would show.
        let committedBy = arrivedAt.addingTimeInterval(8).timeIntervalSinceNow
        if committedBy > 0 { Thread.sleep(forTimeInterval: committedBy) }
        let groups = try fixture.groupsByText()
        #expect(groups.count == 1, "\(groups)")
        #expect(groups.values.allSatisfy { $0.count == 1 }, "a text has more than one group: \(groups)")
    }

    /// A run killed while it waits for the rate limit has sent no create, so it leaves no intent, and the next
    /// run does not wait for one.
    @Test func killDuringRateLimitWaitLeavesNoIntent() throws {
        let fixture = try ReferenceFixture(name: "intent-kill-in-wait", rateLimitWindow: 30)
        try fixture.writeConfiguration()
        try fixture.writeItems(1)
        try fixture.control("POST", "/rate-limits", "{\"write\": 0}")
        let environment = ["PLANABLE_SYNC_API_TIMEOUT": Self.requestTimeout]
        let running = try ProductProcess.start(
            ["sync", "--config", fixture.configPath], environment: fixture.environment.merging(environment) { $1 })
        defer { running.removeOutput() }
        let limited = waitUntil(timeout: 30) { running.stderr().contains("rate limited; waiting for the reset") }
        #expect(limited, "the create was never rate limited: \(running.stderr().suffix(800))")
        running.killNow()

        let status = try ProductProcess.run(
            ["status", "--config", fixture.configPath, "--format", "json"], environment: fixture.environment)
        let summary = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let pending = summary?["pendingCreates"] as? [[String: Any]] ?? []
        #expect(pending.isEmpty, "\(status.stdout.suffix(600))")

        try fixture.control("POST", "/rate-limits", "{\"write\": 1000}")
        let started = Date()
        let rerun = try fixture.sync(environment: environment)
        #expect(rerun.status == 0, "\(rerun.stderr.suffix(800))")
        #expect(!rerun.stderr.contains("may still be in flight"), "\(rerun.stderr.suffix(800))")
        #expect(Date().timeIntervalSince(started) < 5, "\(rerun.stderr.suffix(800))")
        #expect(try fixture.groupsByText().count == 1)
    }

    /// An API that refuses connections got none of the creates, so none is read back, and after the first item's
    /// retries the others fail at once. Every item stays for the next run, which creates them.
    @Test func refusedConnectionFailsFast() throws {
        let fixture = try ReferenceFixture(name: "intent-refused", rateLimitWindow: 3)
        try fixture.writeConfiguration()
        try fixture.writeItems(6)
        // A 429 keeps the first create back, so that the server can stop while no request is in flight.
        try fixture.control("POST", "/rate-limits", "{\"write\": 0}")
        let environment = ["PLANABLE_SYNC_API_TIMEOUT": Self.requestTimeout]
        let running = try ProductProcess.start(
            ["sync", "--config", fixture.configPath], environment: fixture.environment.merging(environment) { $1 })
        defer { running.removeOutput() }
        let limited = waitUntil(timeout: 30) { running.stderr().contains("rate limited; waiting for the reset") }
        #expect(limited, "the create was never rate limited: \(running.stderr().suffix(800))")
        let port = fixture.server.port
        fixture.server.stop()
        let stopped = Date()
        running.process.waitUntilExit()

        // Five attempts of one create take at most 7.5 s of back-off, after at most 3 s of 429 wait. Retries and a
        // read-back for each of the 6 items would take about 45 s on average.
        let elapsed = Date().timeIntervalSince(stopped)
        let output = running.stderr()
        #expect(elapsed < 15, "took \(elapsed) s: \(output.suffix(1200))")
        #expect(running.process.terminationStatus == 75, "\(output.suffix(800))")
        #expect(!output.contains("outcome is unknown"), "\(output.suffix(1200))")
        #expect(output.contains("API unreachable"), "\(output.suffix(1200))")
        #expect(running.stdout().contains("failed 6"), "\(running.stdout().suffix(600))")

        let status = try ProductProcess.run(
            ["status", "--config", fixture.configPath, "--format", "json"], environment: fixture.environment)
        let summary = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let pending = summary?["pendingCreates"] as? [[String: Any]] ?? []
        #expect(pending.isEmpty, "\(status.stdout.suffix(600))")

        try fixture.server.start(host: "127.0.0.1", port: port)
        try fixture.control("POST", "/rate-limits", "{\"write\": 1000}")
        let rerun = try fixture.sync(["--format", "json"], environment: environment)
        #expect(rerun.status == 0, "\(rerun.stderr.suffix(800))")
        #expect(rerun.stdout.contains("\"created\" : 6"), "\(rerun.stdout.prefix(600))")
        let groups = try fixture.groupsByText()
        #expect(groups.count == 6, "\(groups.keys.sorted())")
        #expect(groups.values.allSatisfy { $0.count == 1 }, "\(groups)")
    }
}
