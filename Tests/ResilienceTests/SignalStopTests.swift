import Foundation
import TestSupport
import Testing

/// A one-shot `sync` stopped by SIGTERM or SIGINT, as cron's or systemd's stop sends them.
@Suite(.serialized) struct SignalStopTests {
    static let itemCount = 6

    /// Writes the fixture's configuration and `items` files, then starts `sync` with `arguments` after the
    /// configuration, and with `environment` on top of the fixture's.
    func startSync(
        _ fixture: ReferenceFixture, items: Int, arguments: [String] = ["--format", "json"],
        environment: [String: String] = [:]
    ) throws -> ProductProcess {
        try fixture.writeConfiguration()
        try fixture.writeItems(items)
        return try ProductProcess.start(
            ["sync", "--config", fixture.configPath] + arguments,
            environment: fixture.environment.merging(environment) { $1 })
    }

    /// Starts `sync` against a fixture whose creates each take 600 ms, and waits until the first item's posts
    /// exist, so that the signal arrives while later items are still to come.
    func startSlowSync(_ fixture: ReferenceFixture) throws -> ProductProcess {
        try fixture.addFault(operation: "POST /posts", "\"kind\": \"latency\", \"latencyMs\": 600, \"probability\": 1")
        let running = try startSync(fixture, items: Self.itemCount)
        let started = try waitUntil(timeout: 60) { try !fixture.posts().isEmpty }
        #expect(started, "no post was created: \(running.stderr().suffix(800))")
        return running
    }

    /// SIGTERM ends the run after the request in flight, with the report of what it did and of how many items it
    /// did not reach, and exit 143. The next run creates the rest, and no item gets a second group of posts.
    @Test func sigtermWritesReport() throws {
        let fixture = try ReferenceFixture(name: "sigterm")
        let running = try startSlowSync(fixture)
        defer { running.removeOutput() }
        kill(running.process.processIdentifier, SIGTERM)
        running.process.waitUntilExit()

        #expect(running.process.terminationStatus == 143, "\(running.stderr().suffix(800))")
        #expect(running.stderr().contains("SIGTERM stopped the run"), "\(running.stderr().suffix(800))")
        let report = try JSONSerialization.jsonObject(with: Data(running.stdout().utf8)) as? [String: Any]
        let created = try #require(report?["created"] as? Int, "no report: \(running.stdout().prefix(400))")
        #expect(created >= 1)
        #expect(created < Self.itemCount)
        // Every item is counted: those the run reached by their decision, the rest as not reached.
        let notReached = try #require(report?["notReached"] as? Int)
        #expect(created + notReached == Self.itemCount, "\(running.stdout().prefix(600))")
        let stopMessage = running.stderr()
        #expect(stopMessage.contains("the next run syncs the \(notReached) item"), "\(stopMessage.suffix(800))")

        try fixture.clearFaults()
        let next = try fixture.sync()
        #expect(next.status == 0, "\(next.stderr.suffix(800))")
        let posts = try fixture.posts()
        #expect(posts.count == Self.itemCount * ReferenceFixture.pageNames.count, "\(posts.map(\.plainText))")
        #expect(Set(posts.map { "\($0.pageId) \($0.plainText)" }).count == posts.count, "duplicate posts")
    }

    /// A second SIGINT ends the process at once, with exit 130, while the first waits for a create whose response
    /// takes 10 s.
    @Test func secondSigintExitsAtOnce() throws {
        let fixture = try ReferenceFixture(name: "sigint")
        try fixture.addFault(operation: "POST /posts", "\"kind\": \"latency\", \"latencyMs\": 10000, \"count\": 1")
        let running = try startSync(fixture, items: 1)
        defer { running.removeOutput() }
        // The run reads the workspace and the folder well within 2 s, and then waits for the create's response.
        Thread.sleep(forTimeInterval: 2)
        kill(running.process.processIdentifier, SIGINT)
        Thread.sleep(forTimeInterval: 0.3)
        let second = Date()
        kill(running.process.processIdentifier, SIGINT)
        running.process.waitUntilExit()

        #expect(Date().timeIntervalSince(second) < 3, "\(running.stderr().suffix(800))")
        #expect(running.process.terminationStatus == 130, "\(running.stderr().suffix(800))")
        #expect(running.stderr().contains("stop requested"), "\(running.stderr().suffix(800))")
        #expect(running.stdout().isEmpty, "a report was written: \(running.stdout().prefix(300))")
    }

    /// A stop during the wait for a create that got no response ends the run at once, instead of after the wait,
    /// which the default time limit makes about a minute long. The next run reads the create back.
    @Test func sigtermEndsInFlightWait() throws {
        let fixture = try ReferenceFixture(name: "in-flight-stop")
        // The client gives up after 4 s, so it waits up to 10 s (twice the limit and 2 s) for the create, which the
        // server commits after 8 s.
        try fixture.addFault(operation: "POST /posts", "\"kind\": \"latency\", \"latencyMs\": 8000, \"count\": 1")
        let running = try startSync(
            fixture, items: 1, arguments: [], environment: ["PLANABLE_SYNC_API_TIMEOUT": "4"])
        defer { running.removeOutput() }
        let waiting = waitUntil(timeout: 30) { running.stderr().contains("may still be in flight") }
        #expect(waiting, "the run did not wait: \(running.stderr().suffix(800))")
        let signalled = Date()
        kill(running.process.processIdentifier, SIGTERM)
        running.process.waitUntilExit()

        // The wait had at least 4 s to go when the signal came.
        #expect(Date().timeIntervalSince(signalled) < 3, "\(running.stderr().suffix(800))")
        #expect(running.process.terminationStatus == 143, "\(running.stderr().suffix(800))")
        #expect(running.stderr().contains("SIGTERM stopped the run"), "\(running.stderr().suffix(800))")
        let committed = try waitUntil(timeout: 30) { try !fixture.posts().isEmpty }
        #expect(committed)
        let next = try fixture.sync(["--format", "json"])
        #expect(next.status == 0, "\(next.stderr.suffix(800))")
        #expect(try fixture.posts().count == ReferenceFixture.pageNames.count, "the create was made again")
    }

    /// A stop while a feed is fetched ends a plan without its report. With `--format json`, standard output still
    /// gets `{"command", "error", "exitCode"}`, and the message states that the plan changed nothing.
    @Test func sigtermDuringFeedFetchOfPlan() throws {
        let fixture = try ReferenceFixture(name: "feed-fetch-stop")
        let feed = try LoopbackHTTPServer { _ in
            .init(
                status: 200, headers: [("Content-Type", "application/rss+xml")], body: Array("<rss/>".utf8), delay: 10)
        }
        defer { feed.stop() }
        try fixture.writeConfiguration(extra: "  - {name: slow, type: feed, url: \(feed.baseURL)/feed.xml}")
        try fixture.writeItems(1)
        let running = try ProductProcess.start(
            ["plan", "--config", fixture.configPath, "--format", "json"], environment: fixture.environment)
        defer { running.removeOutput() }
        let fetching = waitUntil(timeout: 30) { !feed.requests.isEmpty }
        #expect(fetching, "the feed was not fetched: \(running.stderr().suffix(800))")
        kill(running.process.processIdentifier, SIGTERM)
        running.process.waitUntilExit()

        #expect(running.process.terminationStatus == 143, "\(running.stderr().suffix(800))")
        let failure = try JSONSerialization.jsonObject(with: Data(running.stdout().utf8)) as? [String: Any]
        #expect(failure?["command"] as? String == "plan", "\(running.stdout().prefix(600))")
        #expect(failure?["exitCode"] as? Int == 143, "\(running.stdout().prefix(600))")
        let message = failure?["error"] as? String ?? ""
        #expect(message.contains("SIGTERM stopped the run"), "\(message)")
        #expect(message.contains("a plan sends no write"), "\(message)")
        #expect(!running.stderr().contains("what it sent is in the state"), "\(running.stderr().suffix(800))")
    }

    /// A stop while the client waits for the rate limit's reset still writes the report of the items before it.
    @Test func sigtermDuringRateLimitWait() throws {
        let fixture = try ReferenceFixture(name: "rate-limit-stop")
        try fixture.control("POST", "/rate-limits", "{\"write\": 2}")
        let running = try startSync(fixture, items: 4)
        defer { running.removeOutput() }
        let waiting = waitUntil(timeout: 30) { running.stderr().contains("waiting for") }
        #expect(waiting, "the run did not wait: \(running.stderr().suffix(800))")
        kill(running.process.processIdentifier, SIGTERM)
        running.process.waitUntilExit()

        #expect(running.process.terminationStatus == 143, "\(running.stderr().suffix(800))")
        let report = try JSONSerialization.jsonObject(with: Data(running.stdout().utf8)) as? [String: Any]
        #expect(report?["created"] as? Int == 2, "\(running.stdout().prefix(600))")
        #expect(report?["failed"] as? Int == 0, "\(running.stdout().prefix(600))")
    }
}
