import Foundation
import TestSupport
import Testing

/// Runs `sync` against a reference server that fails in every documented way at once, and checks that the runs
/// converge to exactly one post group per item.
@Suite(.serialized) struct MixedFaultTests {
    static var itemCount: Int {
        ProcessInfo.processInfo.environment["PLANABLE_SYNC_FAULT_ITEMS"].flatMap(Int.init) ?? 150
    }

    @Test func mixedFaultsConvergeToOneGroupPerItem() throws {
        let fixture = try ReferenceFixture(name: "faults")
        try fixture.writeConfiguration()
        try fixture.writeItems(Self.itemCount)
        try fixture.addFault(operation: "*", "\"kind\": \"error\", \"status\": 503, \"probability\": 0.05, \"seed\": 7")
        try fixture.addFault(operation: "*", "\"kind\": \"drop\", \"probability\": 0.02")
        try fixture.addFault(operation: "*", "\"kind\": \"latency\", \"latencyMs\": 250, \"probability\": 0.05")
        try fixture.addFault(operation: "POST /posts", "\"kind\": \"commit-without-answer\", \"probability\": 0.02")
        // Longer than the request time limit below: the client gives up while the server goes on to commit.
        try fixture.addFault(
            operation: "POST /posts", "\"kind\": \"latency\", \"latencyMs\": 2500, \"probability\": 0.01")
        let environment = ["PLANABLE_SYNC_API_TIMEOUT": "2"]

        let started = Date()
        var runs: [Int32] = []
        var result = try fixture.sync(["--format", "json"], environment: environment)
        runs.append(result.status)
        while result.status != 0 && runs.count < 5 {
            result = try fixture.sync(["--format", "json"], environment: environment)
            runs.append(result.status)
        }
        let seconds = Date().timeIntervalSince(started)
        if let logPath = ProcessInfo.processInfo.environment["PLANABLE_SYNC_FAULT_LOG"] {
            try result.stderr.write(toFile: logPath, atomically: true, encoding: .utf8)
        }
        let applied = try fixture.faultsApplied()
        print(
            "mixed faults: \(Self.itemCount) items, runs \(runs), \(String(format: "%.0f", seconds)) s, "
                + "faults applied \(applied.sorted { $0.key < $1.key })")
        #expect(result.status == 0, "sync did not converge in 5 runs: \(result.stderr.suffix(2000))")
        #expect((applied["error"] ?? 0) > 0)
        #expect((applied["drop"] ?? 0) > 0)
        #expect((applied["commit-without-answer"] ?? 0) > 0, "no create lost its answer; the test tested less")

        let audit = try StateAudit(fixture: fixture, itemCount: Self.itemCount)
        #expect(audit.duplicates == 0, "\(audit.summary)")
        #expect(audit.missing == 0, "\(audit.summary)")
        #expect(audit.inconsistencies.isEmpty, "\(audit.summary)")
        let groups = Set(try fixture.posts().map { $0.groupId ?? $0.id })
        #expect(groups.count == Self.itemCount)

        try fixture.clearFaults()
        let quiet = try fixture.sync(["--format", "json"], environment: environment)
        #expect(quiet.status == 0)
        let summary = try JSONSerialization.jsonObject(with: Data(quiet.stdout.utf8)) as? [String: Any]
        let requests = summary?["requests"] as? [String: Int]
        #expect(requests?["write"] == 0, "a run after convergence sent writes: \(requests ?? [:])")
    }

    /// The server takes no write for the first four seconds of a sync, as when another process spends the
    /// token's budget. The client waits for each X-RateLimit-Reset, and every item still gets one group.
    @Test func rateLimitStormIsRiddenOut() throws {
        let fixture = try ReferenceFixture(name: "storm", rateLimitWindow: 2)
        try fixture.writeConfiguration()
        try fixture.writeItems(120)
        try fixture.control("POST", "/rate-limits", "{\"write\": 0}")
        let running = try ProductProcess.start(
            ["sync", "--config", fixture.configPath, "--format", "json"], environment: fixture.environment)
        defer { running.removeOutput() }
        Thread.sleep(forTimeInterval: 4)
        try fixture.control("POST", "/rate-limits", "{\"write\": 1000000}")
        running.process.waitUntilExit()

        #expect(running.process.terminationStatus == 0, "\(running.stderr().suffix(1500))")
        let summary = try JSONSerialization.jsonObject(with: Data(running.stdout().utf8)) as? [String: Any]
        let requests = summary?["requests"] as? [String: Int] ?? [:]
        #expect((requests["rateLimited"] ?? 0) > 0, "no 429 arrived; the storm started too late: \(requests)")
        #expect(running.stderr().contains("rate limited; waiting for the reset"))
        let audit = try StateAudit(fixture: fixture, itemCount: 120)
        #expect(audit.isClean, "\(audit.summary)")
    }
}
