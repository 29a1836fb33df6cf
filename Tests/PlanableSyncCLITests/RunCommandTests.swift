import Foundation
import PlanableAPI
import PlanableReference
import TestSupport
import Testing

/// Runs `planable-sync run` as a subprocess against a reference server in this process.
@Suite(.serialized) struct RunCommandTests {
    let root: URL
    let server: ReferenceServer
    let token = "pln_" + String(repeating: "d4", count: 16)

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("planable-sync-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        var options = ReferenceServerOptions(databasePath: root.appendingPathComponent("reference.sqlite").path)
        options.seed = ReferenceSeed.demo(token: token)
        server = try ReferenceServer(options: options)
        try server.start()
        try writeConfiguration(to: configPath)
    }

    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }
    var statePath: String { root.appendingPathComponent("state/planable-sync.sqlite").path }

    func writeConfiguration(to path: String, extra: String = "") throws {
        try """
        state: state/planable-sync.sqlite
        api:
          url: \(server.baseURL)
          token_env: PLANABLE_TEST_TOKEN
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn, Northwind Facebook]
        template: "{{title}}\\n\\n{{summary}}"
        status_read_budget: 5
        sources:
          - name: posts
            type: directory
            path: content
        \(extra)
        """.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func client() -> PlanableClient {
        PlanableClient(baseURL: server.baseURL, token: token, limiter: nil)
    }

    func groupCount() throws -> Int {
        let client = client()
        let workspace = try #require(try client.listWorkspaces().first { $0.name == "Northwind Coffee" })
        let posts = try client.listPosts(workspaceId: workspace.id, offset: 0, limit: 100).items
        return Set(posts.map { $0.groupId ?? $0.id }).count
    }

    func write(_ name: String, title: String, body: String) throws {
        let url = root.appendingPathComponent("content/\(name)")
        let temporary = root.appendingPathComponent("content/.\(name).tmp")
        // Saved the way editors save: a temporary file renamed over the target.
        try "---\ntitle: \(title)\n---\n\n\(body)\n".write(to: temporary, atomically: false, encoding: .utf8)
        _ = rename(temporary.path, url.path)
    }

    @Test func watchEditRenameReloadStop() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let notify = try NotifySocket()
        let daemon = try ProductProcess.start(
            ["run", "--config", configPath],
            environment: ["PLANABLE_TEST_TOKEN": token, "NOTIFY_SOCKET": notify.path])
        defer { if daemon.process.isRunning { daemon.process.terminate() } }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")

        server.resetRequestCounts()
        try write("hello.md", title: "Hello", body: "First version.")
        let created = try waitUntil(timeout: 10) { try groupCount() == 1 }
        #expect(created, "the new file's draft did not appear; stderr: \(daemon.stderr())")
        #expect(server.requestCounts()["POST"] == 1)

        server.resetRequestCounts()
        try write("hello.md", title: "Hello", body: "Second version.")
        let patched = waitUntil(timeout: 10) { server.requestCounts()["PATCH"] == 1 }
        #expect(patched, "the edit sent no PATCH; stderr: \(daemon.stderr())")
        Thread.sleep(forTimeInterval: 1.5)
        #expect(server.requestCounts()["PATCH"] == 1)
        #expect(server.requestCounts()["POST"] == nil)

        // A deleted file sends no write without delete_drafts, so only the log shows it.
        try write("bye.md", title: "Bye", body: "Short-lived.")
        #expect(try waitUntil(timeout: 10) { try groupCount() == 2 }, "stderr: \(daemon.stderr())")
        try FileManager.default.removeItem(at: root.appendingPathComponent("content/bye.md"))
        let removalLogged = waitUntil(timeout: 10) {
            daemon.stderr().contains("item removed from the source") && daemon.stderr().contains("bye.md")
        }
        #expect(removalLogged, "stderr: \(daemon.stderr())")

        server.resetRequestCounts()
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content/archive"), withIntermediateDirectories: true)
        _ = rename(
            root.appendingPathComponent("content/hello.md").path,
            root.appendingPathComponent("content/archive/hello.md").path)
        Thread.sleep(forTimeInterval: 2)
        #expect(server.requestCounts()["POST"] == nil, "the rename created a post")
        #expect(try groupCount() == 2)

        try "sources: [".write(toFile: configPath, atomically: true, encoding: .utf8)
        kill(daemon.process.processIdentifier, SIGHUP)
        Thread.sleep(forTimeInterval: 1)
        #expect(daemon.process.isRunning, "a broken configuration on reload stopped the daemon")
        #expect(daemon.stderr().contains("configuration reload failed"))

        let stopStarted = Date()
        kill(daemon.process.processIdentifier, SIGTERM)
        daemon.process.waitUntilExit()
        #expect(daemon.process.terminationStatus == 0)
        #expect(Date().timeIntervalSince(stopStarted) < 10)
        #expect(notify.waitFor("STOPPING=1", timeout: 1))
        // The stop request is logged before the daemon logs that it stops.
        let log = daemon.stderr()
        let requested = try #require(log.range(of: "stop requested"), "\(log)")
        let stopping = try #require(log.range(of: "daemon stopping"), "\(log)")
        #expect(requested.lowerBound < stopping.lowerBound, "\(log)")

        let status = try ProductProcess.run(["status", "--config", configPathForStatus(), "--format", "json"])
        #expect(status.stdout.contains("\"identity\" : \"archive/hello.md\""), "state after stop: \(status.stdout)")
    }

    /// `run` rejects the report options that the shared parser takes, so `--dry-run` cannot start a daemon that writes.
    @Test(arguments: [
        (["--dry-run"], "run takes no --dry-run"),
        (["--format", "json"], "run prints no report, so it takes no --format json"),
        (["--output", "report.txt"], "run writes only logs, to standard error, so it takes no --output"),
    ])
    func reportOptionsRejected(options: [String], message: String) throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        try write("a.md", title: "Alpha", body: "First.")
        let daemon = try ProductProcess.run(
            ["run", "--config", configPath] + options, environment: ["PLANABLE_TEST_TOKEN": token], timeout: 30)
        #expect(daemon.status == 64, "\(daemon.stderr)")
        #expect(daemon.stderr.contains(message), "\(daemon.stderr)")
        #expect(try groupCount() == 0)
    }

    /// A start pass that posts nothing still ends with one info line that names what the daemon watches and polls.
    @Test func idleStartLogsReadyLine() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let feed = root.appendingPathComponent("feed.xml")
        try """
        <?xml version="1.0"?>
        <rss version="2.0"><channel><title>News</title><link>https://example.org/</link><description>News</description>
        <item><title>One</title><link>https://example.org/1</link><guid>one</guid></item>
        </channel></rss>
        """.write(to: feed, atomically: true, encoding: .utf8)
        let extra = "  - name: news\n    type: feed\n    url: \(feed.absoluteString)\n    poll_interval: 120\n"
        try writeConfiguration(to: configPath, extra: extra + "rescan_interval: 0\n")
        let notify = try NotifySocket()
        let daemon = try ProductProcess.start(
            ["run", "--config", configPath],
            environment: ["PLANABLE_TEST_TOKEN": token, "NOTIFY_SOCKET": notify.path])
        defer {
            if daemon.process.isRunning { daemon.process.terminate() }
            daemon.process.waitUntilExit()
        }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")

        let logged = waitUntil(timeout: 5) { daemon.stderr().contains("daemon ready") }
        #expect(logged, "stderr: \(daemon.stderr())")
        let lines = daemon.stderr().split(separator: "\n").filter { $0.contains("daemon ready") }
        #expect(lines.count == 1, "\(lines)")
        let line = String(lines.first ?? "")
        #expect(line.contains(" info planable-sync: daemon ready; watching folders and polling feeds "), "\(line)")
        #expect(line.contains(" folders.watched=1 "), "\(line)")
        #expect(line.contains(" feeds.polled=1 "), "\(line)")
        #expect(line.contains(" feeds.poll_interval_seconds=\"news=120\" "), "\(line)")
        #expect(line.contains(" rescan_interval_seconds=\"0 (off)\""), "\(line)")
        #expect(line.contains(" status.poll_interval_seconds=\"30, doubling up to 900"), "\(line)")
        #expect(line.contains(" reason=start "), "\(line)")
        // The start pass posted nothing, and it logs the feed's entry that its first read recorded without a post.
        let passes = daemon.stderr().split(separator: "\n").filter { $0.contains("pass finished") }
        #expect(passes.count == 1, "\(daemon.stderr())")
        #expect(passes.first?.contains(" baselined=1 ") == true, "\(passes)")
        #expect(passes.first?.contains(" created=0 ") == true, "\(passes)")
    }

    /// A feed that serves a page instead of a feed fails each read as bad data. The polls back off as after a server
    /// error, from the start pass's read on: the first poll waits 20 s, not 10, and the next 40 s. The 5 s
    /// `poll_interval` is raised to the minimum of 10 s with a warning.
    @Test func feedServingPageBacksOff() throws {
        let requests = LockedValue<[Date]>([])
        let feeds = try LoopbackHTTPServer { _ in
            requests.withLock { $0.append(Date()) }
            return .init(
                status: 200, headers: [("Content-Type", "text/html")],
                body: Array("<html><body>Not a feed</body></html>".utf8))
        }
        defer {
            feeds.stop()
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let extra = "  - name: news\n    type: feed\n    url: \(feeds.baseURL)/feed.xml\n    poll_interval: 5\n"
        try writeConfiguration(to: configPath, extra: extra + "rescan_interval: 0\n")
        let daemon = try ProductProcess.start(
            ["run", "--config", configPath], environment: ["PLANABLE_TEST_TOKEN": token])
        defer {
            if daemon.process.isRunning { daemon.process.terminate() }
            daemon.process.waitUntilExit()
        }
        // The start pass reads the feed, and the first poll follows 18 to 22 s later, not 9 to 11.
        let polled = waitUntil(timeout: 40) { requests.withLock { $0.count } >= 2 }
        #expect(polled, "stderr: \(daemon.stderr())")
        let times = requests.withLock { $0 }
        #expect(times.count >= 2, "\(times)")
        #expect(times.count < 2 || times[1].timeIntervalSince(times[0]) > 16, "\(times)")
        let firstPoll = try #require(times.last)
        // The next poll comes 36 to 44 s after the first.
        Thread.sleep(forTimeInterval: max(0, firstPoll.addingTimeInterval(25).timeIntervalSinceNow))
        #expect(requests.withLock { $0.count } == 2, "\(requests.withLock { $0 })")
        #expect(daemon.stderr().contains("feed poll_interval is below the minimum"), "\(daemon.stderr())")
        #expect(daemon.stderr().contains("next feed poll delayed by a back-off"), "\(daemon.stderr())")
        #expect(daemon.stderr().contains("failures=1 next_poll="), "\(daemon.stderr())")
        #expect(daemon.stderr().contains("failures=2 next_poll="), "\(daemon.stderr())")
        let backOff = daemon.stderr().split(separator: "\n").first { $0.contains("failures=2") } ?? ""
        #expect(backOff.contains("error="), "\(backOff)")
    }

    /// The daemon on a new state database, in front of a workspace with posts, while a feed fails to read. Its start
    /// pass cannot link the state, and a changed file is not created again. Once the feed reads, the retried full
    /// pass links every item without a duplicate.
    @Test func newStateLinksOnceFeedReads() throws {
        let feedWorks = LockedValue(true)
        let feed = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>https://n.example/</link>
            <item><guid isPermaLink="false">n1</guid><title>News one</title><description>First news.</description>
            <pubDate>Tue, 01 Dec 2026 09:00:00 GMT</pubDate></item></channel></rss>
            """
        let feeds = try LoopbackHTTPServer { _ in
            guard feedWorks.withLock({ $0 }) else { return .init(status: 503) }
            return .init(status: 200, headers: [("Content-Type", "application/rss+xml")], body: Array(feed.utf8))
        }
        defer {
            feeds.stop()
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let extra = "  - name: news\n    type: feed\n    url: \(feeds.baseURL)/feed.xml\n    poll_interval: 10\n"
        try writeConfiguration(to: configPath, extra: extra + "rescan_interval: 0\n")
        try write("a.md", title: "Alpha", body: "First.")
        try write("b.md", title: "Beta", body: "Second.")
        let first = try ProductProcess.run(
            ["sync", "--config", configPath], environment: ["PLANABLE_TEST_TOKEN": token])
        #expect(first.status == 0, "\(first.stderr)")
        let groups = try groupCount()
        #expect(groups >= 2, "the first sync created \(groups) groups")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: statePath + suffix) }
        feedWorks.withLock { $0 = false }

        let daemon = try ProductProcess.start(
            ["run", "--config", configPath], environment: ["PLANABLE_TEST_TOKEN": token])
        defer {
            if daemon.process.isRunning { daemon.process.terminate() }
            daemon.process.waitUntilExit()
        }
        #expect(waitUntil(timeout: 15) { daemon.stderr().contains("daemon ready") }, "\(daemon.stderr())")
        try write("a.md", title: "Alpha", body: "First.")
        let waited = waitUntil(timeout: 10) {
            daemon.stderr().contains("pass waits for the full pass that links the new state")
        }
        #expect(waited, "\(daemon.stderr())")
        #expect(try groupCount() == groups, "a changed file was created again before the linking")

        feedWorks.withLock { $0 = true }
        // The first retry follows 30 s after the failed start pass.
        #expect(
            waitUntil(timeout: 60) { daemon.stderr().contains("linked items to existing posts") },
            "\(daemon.stderr())")
        Thread.sleep(forTimeInterval: 1)
        #expect(try groupCount() == groups, "the linking created a duplicate")
        #expect(!daemon.stderr().contains("created grouped draft"), "\(daemon.stderr())")
    }

    /// A feed server that delays its response to a poll delays no file change, because the daemon fetches the feed
    /// on a thread of its own and syncs the changed file meanwhile. The feed's entry follows once the server responds.
    @Test func slowFeedHoldsUpNoFileChange() throws {
        // The server responds to the start pass's fetch at once, and to each poll only once the test releases it.
        let feeds = try HeldServer { $0 > 1 }
        defer {
            feeds.stop()
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let extra = "  - name: news\n    type: feed\n    url: \(feeds.baseURL)/feed.xml\n    poll_interval: 10\n"
        try writeConfiguration(to: configPath, extra: extra + "rescan_interval: 0\n")
        let notify = try NotifySocket()
        let daemon = try ProductProcess.start(
            ["run", "--config", configPath],
            environment: ["PLANABLE_TEST_TOKEN": token, "NOTIFY_SOCKET": notify.path])
        defer {
            if daemon.process.isRunning { daemon.process.terminate() }
            daemon.process.waitUntilExit()
        }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")
        // A first run records a feed's entries without posts, so the start pass creates none.
        #expect(try groupCount() == 0)
        // The first poll comes 9 to 11 s after the start pass, and its request waits.
        #expect(waitUntil(timeout: 30) { feeds.requests >= 2 }, "stderr: \(daemon.stderr())")
        let fetchShown = notify.waitForStatus(timeout: 10) { $0 == "watching 1 folder and 1 feed; fetching feed news" }
        #expect(fetchShown, "\(notify.messages)")
        try write("held.md", title: "Written while a feed poll waits", body: "The daemon syncs it at once.")
        let synced = try waitUntil(timeout: 15) { try groupCount() == 1 }
        #expect(synced, "the file waited for the feed; stderr: \(daemon.stderr())")
        feeds.release()
        // The held poll ends, and the feed is polled again on its schedule.
        #expect(waitUntil(timeout: 30) { feeds.requests >= 3 }, "stderr: \(daemon.stderr())")
        #expect(!daemon.stderr().contains("feed poll failed"), "\(daemon.stderr())")
        #expect(notify.messages.contains("STATUS=watching 1 folder and 1 feed"), "\(notify.messages)")
    }

    /// A stop during the start pass does not wait for a feed server that delays its response. The daemon stops within
    /// a moment and never sends READY=1.
    @Test func stopDuringFetchIsPrompt() throws {
        let feeds = try HeldServer(status: 503) { _ in true }
        defer {
            feeds.stop()
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let extra = "  - name: news\n    type: feed\n    url: \(feeds.baseURL)/feed.xml\n"
        try writeConfiguration(to: configPath, extra: extra + "rescan_interval: 0\n")
        let notify = try NotifySocket()
        let daemon = try ProductProcess.start(
            ["run", "--config", configPath],
            environment: ["PLANABLE_TEST_TOKEN": token, "NOTIFY_SOCKET": notify.path])
        defer {
            if daemon.process.isRunning { daemon.process.terminate() }
            daemon.process.waitUntilExit()
        }
        #expect(waitUntil(timeout: 30) { feeds.requests >= 1 }, "stderr: \(daemon.stderr())")
        let stopped = Date()
        daemon.process.terminate()
        let ended = waitUntil(timeout: 10) { !daemon.process.isRunning }
        #expect(ended, "the stop waited for the feed; stderr: \(daemon.stderr())")
        #expect(Date().timeIntervalSince(stopped) < 10)
        daemon.process.waitUntilExit()
        #expect(daemon.process.terminationStatus == 0)
        notify.drain()
        #expect(!notify.messages.contains("READY=1"), "\(notify.messages)")
        #expect(daemon.stderr().contains("pass interrupted by stop"), "\(daemon.stderr())")
    }

    /// The daemon runs no more background fetches at once than a pass does: with 9 feeds whose polls the server
    /// holds, 8 are fetched and the ninth waits for one of them to end.
    @Test func backgroundFetchesAreCapped() throws {
        // The start pass reads the 9 feeds at once; each poll after it is held.
        let feeds = try HeldServer { $0 > 9 }
        defer {
            feeds.stop()
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let extra = (1...9).map { number in
            "  - name: news\(number)\n    type: feed\n    url: \(feeds.baseURL)/\(number).xml\n    poll_interval: 10\n"
        }
        try writeConfiguration(to: configPath, extra: extra.joined() + "rescan_interval: 0\n")
        let daemon = try ProductProcess.start(
            ["run", "--config", configPath], environment: ["PLANABLE_TEST_TOKEN": token])
        defer {
            if daemon.process.isRunning { daemon.process.terminate() }
            daemon.process.waitUntilExit()
        }
        // Every poll comes due 9 to 11 s after the start pass.
        #expect(waitUntil(timeout: 40) { feeds.heldCount >= 8 }, "stderr: \(daemon.stderr())")
        Thread.sleep(forTimeInterval: 4)
        #expect(feeds.heldCount == 8, "stderr: \(daemon.stderr())")
        #expect(feeds.requests == 17)
        feeds.release()
        // Once the held polls end, the ninth feed is fetched.
        #expect(waitUntil(timeout: 20) { feeds.requests >= 18 }, "stderr: \(daemon.stderr())")
    }

    /// A reload requested while the start pass waits for its feeds cuts the pass short. When the reload then fails
    /// and runs no pass of its own, the feeds are read by polls due at once, not one poll_interval later.
    @Test func failedReloadReadsFeedsSoon() throws {
        let feeds = try HeldServer { $0 == 1 }
        defer {
            feeds.stop()
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let extra = "  - name: news\n    type: feed\n    url: \(feeds.baseURL)/feed.xml\n    poll_interval: 600\n"
        try writeConfiguration(to: configPath, extra: extra + "rescan_interval: 0\n")
        let daemon = try ProductProcess.start(
            ["run", "--config", configPath], environment: ["PLANABLE_TEST_TOKEN": token])
        defer {
            if daemon.process.isRunning { daemon.process.terminate() }
            daemon.process.waitUntilExit()
        }
        #expect(waitUntil(timeout: 30) { feeds.requests >= 1 }, "stderr: \(daemon.stderr())")
        try "sources: [".write(toFile: configPath, atomically: true, encoding: .utf8)
        kill(daemon.process.processIdentifier, SIGHUP)
        let rejected = waitUntil(timeout: 10) { daemon.stderr().contains("configuration reload failed") }
        #expect(rejected, "\(daemon.stderr())")
        #expect(daemon.stderr().contains("pass interrupted by reload"), "\(daemon.stderr())")
        let polled = waitUntil(timeout: 15) { feeds.requests >= 2 }
        #expect(polled, "the feed waited for its poll_interval; stderr: \(daemon.stderr())")
    }

    /// A second SIGTERM ends the daemon at once, while the first one waits for an API request in flight, as it does
    /// for `sync`.
    @Test func secondSignalStopsAtOnce() throws {
        let api = try HeldServer(status: 503) { _ in true }
        defer {
            api.stop()
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        try writeConfiguration(to: configPath, extra: "rescan_interval: 0\napi_timeout: 50\n")
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        try text.replacingOccurrences(of: "url: \(server.baseURL)", with: "url: \(api.baseURL)/api/v1")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let daemon = try ProductProcess.start(
            ["run", "--config", configPath], environment: ["PLANABLE_TEST_TOKEN": token])
        defer {
            if daemon.process.isRunning { daemon.process.terminate() }
            daemon.process.waitUntilExit()
        }
        #expect(waitUntil(timeout: 30) { api.requests >= 1 }, "stderr: \(daemon.stderr())")
        daemon.process.terminate()
        #expect(waitUntil(timeout: 10) { daemon.stderr().contains("stop requested") }, "\(daemon.stderr())")
        // The first signal waits for the request in flight, which the server holds.
        Thread.sleep(forTimeInterval: 1)
        #expect(daemon.process.isRunning)
        daemon.process.terminate()
        let ended = waitUntil(timeout: 10) { !daemon.process.isRunning }
        #expect(ended, "the second signal did not end the daemon; stderr: \(daemon.stderr())")
        daemon.process.waitUntilExit()
        #expect(daemon.process.terminationStatus == 128 + SIGTERM)
    }

    /// A daemon whose first pass failed still watches and retries, and its ready line includes the pass's error.
    @Test func readyLineNamesFailedPass() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try writeConfiguration(to: configPath, extra: "rescan_interval: 0\n")
        // With the server stopped, nothing listens on its loopback port, so the first pass cannot reach the API.
        server.stop()
        let notify = try NotifySocket()
        let daemon = try ProductProcess.start(
            ["run", "--config", configPath],
            environment: ["PLANABLE_TEST_TOKEN": token, "NOTIFY_SOCKET": notify.path])
        defer {
            if daemon.process.isRunning { daemon.process.terminate() }
            daemon.process.waitUntilExit()
        }
        #expect(notify.waitFor("READY=1", timeout: 60), "no READY=1; stderr: \(daemon.stderr())")
        let logged = waitUntil(timeout: 5) { daemon.stderr().contains("daemon ready") }
        #expect(logged, "stderr: \(daemon.stderr())")
        let line = daemon.stderr().split(separator: "\n").first { $0.contains("daemon ready") } ?? ""
        #expect(line.contains(" pass.error="), "\(line)")
    }

    /// The daemon's rescan after a file change records the file's read failure and clears it once the file is fixed.
    /// A daemon started on another workspace's state database stops with 78 instead of failing every pass.
    /// A workspace or page that the API does not know fails every pass, so the daemon stops at start with 78, as a
    /// reload rejects them and as `sync` exits.
    @Test(arguments: [
        ("workspace: Northwind Coffee", "workspace: Nowhere", "Nowhere"),
        ("[Northwind LinkedIn, Northwind Facebook]", "[Northwind LinkedIn, Nope]", "Nope"),
    ])
    func unknownWorkspaceOrPageStopsDaemon(original: String, replacement: String, name: String) throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        try String(contentsOfFile: configPath, encoding: .utf8).replacingOccurrences(of: original, with: replacement)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let notify = try NotifySocket()
        let daemon = try ProductProcess.run(
            ["run", "--config", configPath],
            environment: ["PLANABLE_TEST_TOKEN": token, "NOTIFY_SOCKET": notify.path], timeout: 30)
        #expect(daemon.status == 78, "\(daemon.stderr)")
        #expect(daemon.stderr.contains(name), "\(daemon.stderr)")
        notify.drain()
        #expect(!notify.messages.contains("READY=1"), "\(notify.messages)")
    }

    @Test func otherWorkspaceStateStopsDaemon() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        try write("a.md", title: "Alpha", body: "First.")
        let first = try ProductProcess.run(
            ["sync", "--config", configPath], environment: ["PLANABLE_TEST_TOKEN": token])
        #expect(first.status == 0, "\(first.stderr)")
        let other = root.appendingPathComponent("contoso.yaml").path
        try String(contentsOfFile: configPath, encoding: .utf8)
            .replacingOccurrences(of: "workspace: Northwind Coffee", with: "workspace: Contoso Bakery")
            .replacingOccurrences(of: "[Northwind LinkedIn, Northwind Facebook]", with: "[Contoso Facebook]")
            .write(toFile: other, atomically: true, encoding: .utf8)
        let daemon = try ProductProcess.run(
            ["run", "--config", other], environment: ["PLANABLE_TEST_TOKEN": token], timeout: 30)
        #expect(daemon.status == 78, "\(daemon.stderr)")
        #expect(daemon.stderr.contains("belongs to workspace \"Northwind Coffee\""), "\(daemon.stderr)")
        let bakery = try #require(try client().listWorkspaces().first { $0.name == "Contoso Bakery" })
        #expect(try client().listPosts(workspaceId: bakery.id, offset: 0, limit: 10).items.isEmpty)
        #expect(try groupCount() == 1)
    }

    @Test func readFailuresFollowFileChanges() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let notify = try NotifySocket()
        let daemon = try ProductProcess.start(
            ["run", "--config", configPath],
            environment: ["PLANABLE_TEST_TOKEN": token, "NOTIFY_SOCKET": notify.path])
        defer { if daemon.process.isRunning { daemon.process.terminate() } }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")

        func failedLocations() throws -> [String] {
            let status = try ProductProcess.run(["status", "--config", configPath, "--format", "json"])
            let summary = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            let failures = summary?["readFailures"] as? [[String: Any]] ?? []
            return failures.compactMap { $0["location"] as? String }
        }
        let brokenFrontMatter = "---\ntitle: Bad\n  tags: [a, b\n---\n\nBody.\n"
        for name in ["a.md", "b.md"] {
            let temporary = root.appendingPathComponent("content/.\(name).tmp")
            try brokenFrontMatter.write(to: temporary, atomically: false, encoding: .utf8)
            _ = rename(temporary.path, root.appendingPathComponent("content/\(name)").path)
        }
        let listed = try waitUntil(timeout: 10) { try failedLocations() == ["a.md", "b.md"] }
        #expect(listed, "status lists \((try? failedLocations()) ?? []); stderr: \(daemon.stderr())")

        try write("a.md", title: "Fixed", body: "Now it reads.")
        let cleared = try waitUntil(timeout: 10) { try failedLocations() == ["b.md"] }
        #expect(cleared, "status lists \((try? failedLocations()) ?? []); stderr: \(daemon.stderr())")
        #expect(try groupCount() == 1)
    }

    /// A copy that fails as a duplicate takes over the id when the original is deleted. The daemon's pass over the
    /// deleted path clears the copy's failure, in status and in the STATUS= line, without a full rescan.
    @Test func duplicateFailureClearsOnTakeover() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        try writeConfiguration(to: configPath, extra: "rescan_interval: 0")
        for name in ["promo-a.md", "promo-b.md"] {
            try "---\nid: promo-1\ntitle: Promo\n---\n\nText of \(name).\n"
                .write(to: root.appendingPathComponent("content/\(name)"), atomically: true, encoding: .utf8)
        }
        let notify = try NotifySocket()
        let daemon = try ProductProcess.start(
            ["run", "--config", configPath],
            environment: ["PLANABLE_TEST_TOKEN": token, "NOTIFY_SOCKET": notify.path])
        defer { if daemon.process.isRunning { daemon.process.terminate() } }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")

        func status() throws -> [String: Any] {
            let status = try ProductProcess.run(["status", "--config", configPath, "--format", "json"])
            return try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any] ?? [:]
        }
        func failedLocations() throws -> [String] {
            (try status()["readFailures"] as? [[String: Any]] ?? []).compactMap { $0["location"] as? String }
        }
        let failing = notify.waitForStatus(timeout: 10) { $0 == "watching 1 folder and 0 feeds; 1 read failure" }
        #expect(failing, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr())")
        #expect(try failedLocations() == ["promo-b.md"])
        #expect(try groupCount() == 1)

        try FileManager.default.removeItem(at: root.appendingPathComponent("content/promo-a.md"))
        let cleared = notify.waitForStatus(timeout: 10) { $0 == "watching 1 folder and 0 feeds" }
        #expect(cleared, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr())")
        #expect(try failedLocations().isEmpty, "status lists \((try? failedLocations()) ?? [])")
        let item = (try status()["items"] as? [[String: Any]])?.first { $0["identity"] as? String == "promo-1" }
        #expect(item?["status"] as? String == "synced", "\(item ?? [:])")
        #expect(try groupCount() == 1)
        let texts = try client().listPosts(
            workspaceId: try #require(try client().listWorkspaces().first { $0.name == "Northwind Coffee" }).id,
            offset: 0, limit: 100
        ).items.map(\.plainText)
        #expect(texts.allSatisfy { $0.contains("Text of promo-b.md") }, "\(texts)")
    }

    /// The daemon's configuration is broken on purpose by now, so status reads a fresh copy with the same state.
    func configPathForStatus() throws -> String {
        let path = root.appendingPathComponent("status.yaml").path
        try writeConfiguration(to: path)
        return path
    }
}

/// A loopback server that responds to every request with a one-entry RSS feed, or with `status` when it is not 200.
/// It delays each request that `holds` selects by its number, counted from 1, until `release()` or 60 s, and counts
/// the requests and the delayed ones in progress.
final class HeldServer: Sendable {
    private let server: LoopbackHTTPServer
    private let released = LockedValue(false)
    private let counts = LockedValue((requests: 0, held: 0))

    var baseURL: String { server.baseURL }
    var requests: Int { counts.withLock { $0.requests } }
    var heldCount: Int { counts.withLock { $0.held } }

    init(status: Int = 200, holds: @escaping @Sendable (Int) -> Bool) throws {
        let feedText = """
            <?xml version="1.0"?>
            <rss version="2.0"><channel><title>News</title><link>https://example.org/</link><description>News</description>
            <item><title>One</title><link>https://example.org/1</link><guid>one</guid></item>
            </channel></rss>
            """
        let (released, counts) = (released, counts)
        server = try LoopbackHTTPServer { _ in
            let number = counts.withLock { counts in
                counts.requests += 1
                return counts.requests
            }
            if holds(number) {
                counts.withLock { $0.held += 1 }
                let deadline = Date().addingTimeInterval(60)
                while !released.withLock({ $0 }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
                counts.withLock { $0.held -= 1 }
            }
            guard status == 200 else { return .init(status: status) }
            return .init(status: 200, headers: [("Content-Type", "application/rss+xml")], body: Array(feedText.utf8))
        }
    }

    func release() {
        released.withLock { $0 = true }
    }

    func stop() {
        release()
        server.stop()
    }
}
