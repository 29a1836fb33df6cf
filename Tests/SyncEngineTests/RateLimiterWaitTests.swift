import Foundation
import PlanableAPI
import PlanableReference
import Testing

/// The client's rate limiter reports each long wait before it sleeps, so a paused sync logs why it is quiet.
@Suite struct RateLimiterWaitTests {
    /// A clock whose sleeps advance its time at once.
    final class SteppingClock: ClientClock, @unchecked Sendable {
        private let lock = NSLock()
        private var current = Date(timeIntervalSince1970: 1_800_000_000)

        func now() -> Date { lock.withLock { current } }

        func sleep(seconds: Double) {
            lock.withLock { current = current.addingTimeInterval(seconds) }
        }
    }

    /// A request that got no connection was never sent, so the run's counts leave it out, as a report during an
    /// API outage would otherwise count writes that Planable never saw.
    @Test func requestWithoutConnectionIsNotCounted() {
        let client = PlanableClient(
            baseURL: "http://127.0.0.1:1/api/v1", token: "pln_unreachable0000", limiter: nil,
            retry: RetryPolicy(maximumAttempts: 2, baseDelay: 0.01, maximumDelay: 0.01), clock: SteppingClock())
        #expect(throws: PlanableAPIError.self) { try client.listWorkspaces() }
        #expect(client.requestStatistics.read == 0)
        #expect(client.requestStatistics.retried == 1)
    }

    @Test func longWaitIsReported() {
        let clock = SteppingClock()
        let limiter = RateLimiter(readsPerMinute: 10, writesPerMinute: 2, window: 60, clock: clock)
        var waits: [Double] = []
        for _ in 0..<3 { limiter.acquire(.write) { waits.append($0) } }
        #expect(waits.count == 1)
        #expect(abs((waits.first ?? 0) - 60) < 0.001, "\(waits)")

        // The fourth write fits; the fifth waits 60 s again, which is under a longWait of 120 s.
        let before = clock.now()
        var shortWaits: [Double] = []
        for _ in 0..<2 { limiter.acquire(.write, longWait: 120) { shortWaits.append($0) } }
        #expect(clock.now().timeIntervalSince(before) >= 59.999)
        #expect(shortWaits.isEmpty)
    }

    /// A reset hours ahead, as from a server whose clock runs ahead, holds requests back for one window only.
    @Test func farResetWaitsOneWindow() {
        let clock = SteppingClock()
        let limiter = RateLimiter(readsPerMinute: 10, writesPerMinute: 2, window: 60, clock: clock)
        let far = clock.now().addingTimeInterval(72_000)

        limiter.update(.read, from: RateLimitInfo(limit: 10, remaining: 0, reset: far))
        var before = clock.now()
        limiter.acquire(.read)
        #expect(abs(clock.now().timeIntervalSince(before) - 60) < 0.001)

        limiter.block(.write, until: far)
        before = clock.now()
        limiter.acquire(.write)
        #expect(abs(clock.now().timeIntervalSince(before) - 60) < 0.001)
    }

    /// A 429 whose reset lies an hour ahead, from a server clock that runs an hour ahead, waits one window and
    /// retries instead of failing the request.
    @Test func farResetAfter429WaitsOneWindow() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("far-reset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let token = "pln_" + String(repeating: "e5", count: 16)
        let clock = ReferenceClock()
        clock.advance(by: 3_600)
        var options = ReferenceServerOptions(
            databasePath: folder.appendingPathComponent("reference.sqlite").path, seed: .demo(token: token),
            readLimitPerMinute: 1, writeLimitPerMinute: 10, clock: clock)
        options.rateLimitWindowSeconds = 2
        let server = try ReferenceServer(options: options)
        try server.start()
        defer { server.stop() }

        // Another process with the same token used the window's one read, so this client's limiter has no record
        // of it and the server returns 429.
        _ = try PlanableClient(baseURL: server.baseURL, token: token, limiter: nil).ping()
        let client = PlanableClient(
            baseURL: server.baseURL, token: token,
            limiter: RateLimiter(readsPerMinute: 100, writesPerMinute: 100, window: 2))
        let started = Date()
        _ = try client.ping()
        let waited = Date().timeIntervalSince(started)
        #expect(client.requestStatistics.rateLimited >= 1, "the server never answered 429; the test tested nothing")
        #expect(waited < 10, "waited \(waited) s")
    }
}
