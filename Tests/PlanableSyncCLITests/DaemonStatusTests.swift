import Foundation
import HTTPClient
import PlanableAPI
import PlanableReference
import SQLite
import TestSupport
import Testing

/// Runs `planable-sync run` as a subprocess while its passes fail, and checks that its STATUS= line reports the failures.
@Suite(.serialized) struct DaemonStatusTests {
    let root: URL
    let server: ReferenceServer
    let token = "pln_" + String(repeating: "b8", count: 16)
    let readToken = "pln_" + String(repeating: "c9", count: 16)

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-dstatus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        var options = ReferenceServerOptions(databasePath: root.appendingPathComponent("reference.sqlite").path)
        var seed = ReferenceSeed.demo(token: token)
        seed.companies[0].tokens.append(.init(token: readToken, name: "read only", scope: "read"))
        options.seed = seed
        server = try ReferenceServer(options: options)
        try server.start()
        try writeConfiguration()
        try writeToken(token)
    }

    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }
    var contentPath: String { root.appendingPathComponent("content").path }
    var tokenPath: String { root.appendingPathComponent("token").path }

    func writeConfiguration(
        url: String? = nil, workspace: String = "Northwind Coffee", page: String = "Northwind LinkedIn",
        template: String = "{{title}}\\n\\n{{summary}}", extra: String = ""
    ) throws {
        try """
        state: state/planable-sync.sqlite
        api:
          url: \(url ?? server.baseURL)
          token_file: \(tokenPath)
        workspace: \(workspace)
        pages: [\(page)]
        template: "\(template)"
        status_read_budget: 5
        sources:
          - name: posts
            type: directory
            path: content
        \(extra)
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Adds a fault rule through the reference server's `/reference/faults` control.
    func addFault(_ rule: String) throws {
        let control = server.baseURL.replacingOccurrences(of: "/api/v1", with: "/reference")
        let request = HTTPRequest(
            method: "POST", url: control + "/faults", headers: [("Content-Type", "application/json")],
            body: Array(rule.utf8))
        #expect((200..<300).contains(try HTTPClient().send(request).status))
    }

    func writeToken(_ value: String) throws {
        try value.write(toFile: tokenPath, atomically: true, encoding: .utf8)
        chmod(tokenPath, 0o600)
    }

    func write(_ name: String, _ frontMatter: String) throws {
        try "---\n\(frontMatter)\n---\n\nBody of \(name).\n"
            .write(toFile: contentPath + "/" + name, atomically: true, encoding: .utf8)
    }

    func startDaemon(_ notify: NotifySocket) throws -> ProductProcess {
        try ProductProcess.start(["run", "--config", configPath], environment: ["NOTIFY_SOCKET": notify.path])
    }

    /// Writes one file, starts the daemon and waits until it is ready and has created the file's post.
    func startDaemonWithOnePost(_ notify: NotifySocket) throws -> ProductProcess {
        try write("a.md", "title: Alpha")
        let daemon = try startDaemon(notify)
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")
        #expect(try waitUntil(timeout: 5) { try postCount() == 1 })
        return daemon
    }

    func postCount(_ workspaceName: String = "Northwind Coffee") throws -> Int {
        let client = PlanableClient(baseURL: server.baseURL, token: token, limiter: nil)
        let workspace = try #require(try client.listWorkspaces().first { $0.name == workspaceName })
        return try client.listPosts(workspaceId: workspace.id, offset: 0, limit: 100).items.count
    }

    func cleanUp(_ daemon: ProductProcess?) {
        if let daemon, daemon.process.isRunning {
            daemon.process.terminate()
            daemon.process.waitUntilExit()
        }
        server.stop()
        try? FileManager.default.removeItem(at: root)
    }

    @Test func unreachableAPIShowsInStatus() throws {
        // A port that was bound and closed again refuses connections.
        let listener = try LoopbackListener()
        close(listener.descriptor)
        try writeConfiguration(url: "http://127.0.0.1:\(listener.port)")
        try write("a.md", "title: Alpha")
        let notify = try NotifySocket()
        let daemon = try startDaemon(notify)
        defer { cleanUp(daemon) }
        #expect(notify.waitFor("READY=1", timeout: 60), "no READY=1; stderr: \(daemon.stderr())")
        // The matching line itself is checked, because a status poll may send a newer one right after it.
        let matched = notify.matchingStatus(timeout: 10) {
            $0.hasPrefix("watching 1 folder and 0 feeds; last pass failed: API unreachable (")
        }
        let status = matched ?? notify.latestStatus() ?? "none"
        #expect(matched != nil, "status: \(status); stderr: \(daemon.stderr())")
        #expect(status.hasSuffix("), retrying"), "\(status)")
        #expect(status.count <= 200, "\(status)")
    }

    /// Files written while the API is down are synced as soon as a request reaches the API again, instead of after
    /// the back-off of the failed passes, which grows to 15 minutes.
    @Test func outageWorkIsRetriedOnceTheAPIAnswers() throws {
        let notify = try NotifySocket()
        let daemon = try startDaemonWithOnePost(notify)
        defer { cleanUp(daemon) }
        let port = server.port
        server.stop()
        // Two passes whose items failed put the retry of the full pass a minute or more away.
        for (count, name) in zip(["1 item", "2 items"], ["b.md", "c.md"]) {
            try write(name, "title: Written during the outage")
            let failed = notify.waitForStatus(timeout: 30) { $0.hasSuffix("; \(count) failed to sync (retrying)") }
            #expect(failed, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr().suffix(1200))")
            Thread.sleep(forTimeInterval: 1)
        }
        try server.start(port: port)
        // A file written after the outage gets a pass of its own, whose requests reach the API.
        try write("d.md", "title: Written after the outage")
        let synced = try waitUntil(timeout: 20) { try postCount() == 4 }
        #expect(synced, "stderr: \(daemon.stderr().suffix(1500))")
        // The pass logs its reason when it finishes, just after its last create reached the API.
        let logged = waitUntil(timeout: 10) { daemon.stderr().contains("reason=\"retry after a failed pass\"") }
        #expect(logged, "\(daemon.stderr().suffix(1500))")
    }

    @Test func readOnlyTokenShowsInStatusUntilReloadWithWriteToken() throws {
        try writeToken(readToken)
        try write("a.md", "title: Alpha")
        try write("b.md", "title: Beta")
        let notify = try NotifySocket()
        let daemon = try startDaemon(notify)
        defer { cleanUp(daemon) }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")
        let denied = notify.waitForStatus(timeout: 5) {
            $0 == "watching 1 folder and 0 feeds; last pass failed: the API token cannot write (403); "
                + "use a token with the write scope and reload"
        }
        #expect(denied, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr())")
        #expect(daemon.stderr().contains("this token is read-only"), "\(daemon.stderr())")
        #expect(
            daemon.stderr().contains("The token was read from the file \(tokenPath), which the configuration's api "),
            "\(daemon.stderr())")
        // Only the first create was tried, and the daemon does not try again by itself.
        Thread.sleep(forTimeInterval: 1)
        #expect(server.requestCounts()["POST"] == 1, "\(server.requestCounts())")

        try writeToken(token)
        kill(daemon.process.processIdentifier, SIGHUP)
        let synced = try waitUntil(timeout: 10) { try postCount() == 2 }
        #expect(synced, "stderr: \(daemon.stderr())")
        let recovered = notify.waitForStatus(timeout: 5) { $0 == "watching 1 folder and 0 feeds" }
        #expect(recovered, "status: \(notify.latestStatus() ?? "none")")
    }

    @Test func failedItemsShowInStatusUntilFixed() throws {
        try write("good.md", "title: Good")
        try write("label.md", "title: Labelled\nplanable: {labels: [Nowhere]}")
        let notify = try NotifySocket()
        let daemon = try startDaemon(notify)
        defer { cleanUp(daemon) }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")
        let failing = notify.waitForStatus(timeout: 5) { $0 == "watching 1 folder and 0 feeds; 1 item failed to sync" }
        #expect(failing, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr())")

        try write("label.md", "title: Labelled")
        let fixed = notify.waitForStatus(timeout: 10) { $0 == "watching 1 folder and 0 feeds" }
        #expect(fixed, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr())")
        #expect(try postCount() == 2)
    }

    /// An item that failed on a server error is tried again after a back-off of 30 s, without a file change or a
    /// rescan, which this configuration turns off.
    @Test func temporaryItemFailureIsRetried() throws {
        try writeConfiguration(extra: "rescan_interval: 0")
        let control = server.baseURL.replacingOccurrences(of: "/api/v1", with: "/reference")
        func sendControl(_ method: String, _ path: String, _ body: String) throws {
            let request = HTTPRequest(
                method: method, url: control + path, headers: [("Content-Type", "application/json")],
                body: Array(body.utf8))
            #expect((200..<300).contains(try HTTPClient().send(request).status))
        }
        try sendControl(
            "POST", "/faults", "{\"operation\": \"POST /posts\", \"kind\": \"error\", \"status\": 503, \"count\": 1000}"
        )
        try write("retry.md", "title: Retry")
        let notify = try NotifySocket()
        let daemon = try startDaemon(notify)
        defer { cleanUp(daemon) }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")
        let failing = notify.waitForStatus(timeout: 20) {
            $0 == "watching 1 folder and 0 feeds; 1 item failed to sync (retrying)"
        }
        #expect(failing, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr())")

        try sendControl("DELETE", "/faults", "{}")
        // A pass over another changed file, which succeeds, leaves the retry in place.
        try write("other.md", "title: Other\nplanable: {skip: true}")
        // The status line, not the post list, is watched: polling the list would spend the token's read limit.
        let recovered = notify.waitForStatus(timeout: 60) { $0 == "watching 1 folder and 0 feeds" }
        #expect(recovered, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr().suffix(800))")
        #expect(try postCount() == 1)
    }

    /// A pass that runs longer than the watchdog's stall limit while it finishes item after item keeps sending
    /// WATCHDOG=1, because systemd would otherwise kill a daemon that syncs a large backlog at the rate limit.
    @Test func longPassKeepsWatchdogAlive() throws {
        try addFault("{\"operation\": \"POST /posts\", \"kind\": \"latency\", \"latencyMs\": 2000, \"count\": 8}")
        let notify = try NotifySocket()
        // Pings every 0.5 s, and a stall limit of 4 s against creates that take 2 s each.
        let daemon = try ProductProcess.start(
            ["run", "--config", configPath],
            environment: [
                "NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000", "PLANABLE_SYNC_WATCHDOG_STALL_SECONDS": "4",
            ])
        defer { cleanUp(daemon) }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")

        for index in 1...8 { try write("item\(index).md", "title: Item \(index)") }
        // Three creates take 6 s, so the pass has run past the stall limit once the third post exists.
        #expect(try waitUntil(timeout: 60) { try postCount() >= 3 }, "stderr: \(daemon.stderr())")
        let pingsBefore = notify.messages.filter { $0 == "WATCHDOG=1" }.count
        Thread.sleep(forTimeInterval: 1.5)
        notify.drain()
        let pingsDuring = notify.messages.filter { $0 == "WATCHDOG=1" }.count - pingsBefore
        #expect(try postCount() < 8, "the pass ended before the pings were counted")
        #expect(pingsDuring > 0, "no WATCHDOG=1 while the pass made progress; stderr: \(daemon.stderr())")
    }

    /// A reload during a long pass applies after the item in flight, so a template that fixes a mistake does not
    /// wait until every post of the pass was written with the old one.
    @Test func reloadCutsLongPassShort() throws {
        try addFault("{\"operation\": \"POST /posts\", \"kind\": \"latency\", \"latencyMs\": 1500, \"count\": 8}")
        let notify = try NotifySocket()
        let daemon = try startDaemon(notify)
        defer { cleanUp(daemon) }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")

        server.resetRequestCounts()
        for index in 1...8 { try write("item\(index).md", "title: Item \(index)") }
        #expect(try waitUntil(timeout: 60) { try postCount() >= 2 }, "stderr: \(daemon.stderr())")
        try writeConfiguration(template: "Fixed: {{title}}")
        kill(daemon.process.processIdentifier, SIGHUP)
        let reloaded = waitUntil(timeout: 60) { daemon.stderr().contains("configuration reloaded") }
        #expect(reloaded, "stderr: \(daemon.stderr())")
        let createsBeforeReload = server.requestCounts()["POST"] ?? 0
        #expect(createsBeforeReload < 8, "the reload waited until the pass had created every post")

        #expect(try waitUntil(timeout: 60) { try postCount() == 8 }, "stderr: \(daemon.stderr())")
    }

    /// A template that does not compile would fail every pass, so a reload rejects it and the daemon keeps
    /// syncing with the running configuration. At start, such a template stops the daemon with 78.
    @Test func templateSyntaxErrorRejectsReload() throws {
        let notify = try NotifySocket()
        let daemon = try startDaemonWithOnePost(notify)
        defer { cleanUp(daemon) }
        try writeConfiguration(template: "V5: {{#title}}")
        kill(daemon.process.processIdentifier, SIGHUP)
        let failed = waitUntil(timeout: 30) { daemon.stderr().contains("configuration reload failed") }
        #expect(failed, "stderr: \(daemon.stderr())")
        #expect(daemon.stderr().contains("is never closed; add {{/title}}"), "stderr: \(daemon.stderr())")
        try write("b.md", "title: Beta")
        #expect(try waitUntil(timeout: 30) { try postCount() == 2 }, "stderr: \(daemon.stderr())")
        #expect(!daemon.stderr().contains("pass failed"), "stderr: \(daemon.stderr())")

        kill(daemon.process.processIdentifier, SIGTERM)
        daemon.process.waitUntilExit()
        let start = try ProductProcess.run(["run", "--config", configPath])
        #expect(start.status == 78, "stderr: \(start.stderr)")
        #expect(start.stderr.contains("section \"title\" is never closed"), "stderr: \(start.stderr)")
    }

    /// An item that fails on the state database, as on a full disk, is tried again after the back-off, so it is
    /// synced without waiting for another change or the periodic rescan.
    @Test func itemFailedOnStateIsRetried() throws {
        try writeConfiguration(extra: "rescan_interval: 0")
        let notify = try NotifySocket()
        let daemon = try startDaemonWithOnePost(notify)
        defer { cleanUp(daemon) }
        // A trigger fails the record that each create writes before its request, so nothing is sent.
        let database = try SQLiteDatabase(path: root.appendingPathComponent("state/planable-sync.sqlite").path)
        try database.execute(
            "CREATE TRIGGER full_disk BEFORE INSERT ON intents BEGIN SELECT RAISE(ABORT, 'disk is full'); END")
        try write("b.md", "title: Beta")
        #expect(waitUntil(timeout: 30) { daemon.stderr().contains("item sync failed") }, "stderr: \(daemon.stderr())")
        #expect(try postCount() == 1)
        let retrying = notify.waitForStatus(timeout: 10) { $0.hasSuffix("; 1 item failed to sync (retrying)") }
        #expect(retrying, "status: \(notify.latestStatus() ?? "none")")
        try database.execute("DROP TRIGGER full_disk")
        // The first retry comes after 30 s.
        #expect(try waitUntil(timeout: 90) { try postCount() == 2 }, "stderr: \(daemon.stderr())")
    }

    /// A reload that fails after it cut a pass short still leaves no changed file unsynced.
    @Test func failedReloadFinishesCutPass() throws {
        try writeConfiguration(extra: "rescan_interval: 0")
        try addFault("{\"operation\": \"POST /posts\", \"kind\": \"latency\", \"latencyMs\": 1500, \"count\": 6}")
        let notify = try NotifySocket()
        let daemon = try startDaemon(notify)
        defer { cleanUp(daemon) }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")

        for index in 1...6 { try write("item\(index).md", "title: Item \(index)") }
        #expect(try waitUntil(timeout: 60) { try postCount() >= 2 }, "stderr: \(daemon.stderr())")
        try "sources: [".write(toFile: configPath, atomically: true, encoding: .utf8)
        kill(daemon.process.processIdentifier, SIGHUP)
        let failed = waitUntil(timeout: 60) { daemon.stderr().contains("configuration reload failed") }
        #expect(failed, "stderr: \(daemon.stderr())")
        #expect(try waitUntil(timeout: 60) { try postCount() == 6 }, "stderr: \(daemon.stderr())")
    }

    /// A post that fails to publish, because its page was disconnected, shows in the STATUS= line after a status
    /// poll reads it, with a warning in the log.
    @Test func failedPublicationShowsInStatus() throws {
        let notify = try NotifySocket()
        let daemon = try startDaemonWithOnePost(notify)
        defer { cleanUp(daemon) }
        let client = PlanableClient(baseURL: server.baseURL, token: token, limiter: nil)
        let workspace = try #require(try client.listWorkspaces().first { $0.name == "Northwind Coffee" })
        let post = try #require(try client.listPosts(workspaceId: workspace.id, offset: 0, limit: 10).items.first)
        try control("/reference/pages/\(post.pageId)/disconnect")
        try control("/reference/posts/\(post.id)/publish")
        // Publishing takes the reference server's clock a moment, after which the post fails.
        try control("/reference/clock", #"{"advanceSeconds": 60}"#)

        // A reload runs a full pass, which polls the statuses when status_interval allows it.
        try writeConfiguration(extra: "status_interval: 0")
        kill(daemon.process.processIdentifier, SIGHUP)
        let failed = notify.waitForStatus(timeout: 30) { $0.hasSuffix("; 1 post failed to publish (see status)") }
        #expect(failed, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr().suffix(1200))")
        #expect(daemon.stderr().contains("post failed to publish; check the page's connection"))
    }

    /// Sends a control request, such as a publication, to the reference server.
    func control(_ path: String, _ body: String = "{}") throws {
        let url = server.baseURL.replacingOccurrences(of: "/api/v1", with: "") + path
        let response = try HTTPClient().send(
            HTTPRequest(
                method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Array(body.utf8)))
        #expect((200..<300).contains(response.status), "\(path): \(String(decoding: response.body, as: UTF8.self))")
    }

    /// An item whose pages now group differently waits for a person, so STATUS reports it.
    @Test func blockedItemsShowInStatus() throws {
        try writeConfiguration(page: "Northwind LinkedIn, Northwind X")
        try write("a.md", "title: Alpha")
        let notify = try NotifySocket()
        let daemon = try startDaemon(notify)
        defer { cleanUp(daemon) }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")
        #expect(try waitUntil(timeout: 5) { try postCount() == 2 })

        try writeConfiguration(page: "Northwind LinkedIn, Northwind X", extra: "templates: {x: \"X: {{title}}\"}")
        kill(daemon.process.processIdentifier, SIGHUP)
        let blocked = notify.waitForStatus(timeout: 10) { $0.hasSuffix("; 1 item blocked (see status)") }
        #expect(blocked, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr())")
        // The reload's pass, whose only outcome is the blocked item, is logged with its counts. Its status poll,
        // which the sync command's status_interval skips, is not, because the daemon polls on its own schedule.
        let passLines = daemon.stderr().split(separator: "\n").filter { $0.contains("pass finished") }
        let reloadPass = passLines.first { $0.contains("reason=reload") }
        #expect(reloadPass != nil, "\(passLines)")
        #expect(reloadPass?.contains("blocked=1") == true, "\(passLines)")
        #expect(!daemon.stderr().contains("post status poll skipped"), "\(daemon.stderr().suffix(1200))")
    }

    @Test func reloadNamingAnotherWorkspaceIsRefused() throws {
        let notify = try NotifySocket()
        let daemon = try startDaemonWithOnePost(notify)
        defer { cleanUp(daemon) }

        try writeConfiguration(workspace: "Contoso Bakery", page: "Contoso Facebook")
        kill(daemon.process.processIdentifier, SIGHUP)
        let refused = notify.waitForStatus(timeout: 10) {
            $0.hasPrefix("watching 1 folder and 0 feeds; reload failed: state database ")
        }
        let status = notify.latestStatus() ?? "none"
        #expect(refused, "status: \(status); stderr: \(daemon.stderr())")
        #expect(status.count <= 250, "\(status)")
        #expect(daemon.stderr().contains("belongs to workspace \\\"Northwind Coffee\\\""), "\(daemon.stderr())")

        // The running configuration is kept: a new file still goes to Northwind Coffee.
        try write("b.md", "title: Beta")
        #expect(try waitUntil(timeout: 10) { try postCount() == 2 }, "stderr: \(daemon.stderr())")
        #expect(try postCount("Contoso Bakery") == 0)
        #expect(daemon.process.isRunning)
    }

    /// A reload that names a page the workspace does not have is refused as well, and the daemon keeps syncing
    /// with the running configuration.
    @Test func reloadNamingUnknownPageIsRefused() throws {
        let notify = try NotifySocket()
        let daemon = try startDaemonWithOnePost(notify)
        defer { cleanUp(daemon) }

        try writeConfiguration(page: "Northwind LinkedIm")
        kill(daemon.process.processIdentifier, SIGHUP)
        let rejected = notify.waitForStatus(timeout: 10) { $0.contains("reload failed: ") }
        #expect(rejected, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr())")
        #expect(daemon.stderr().contains("Northwind LinkedIm"), "\(daemon.stderr())")

        try write("b.md", "title: Beta")
        #expect(try waitUntil(timeout: 10) { try postCount() == 2 }, "stderr: \(daemon.stderr())")
        #expect(daemon.process.isRunning)
    }

    /// After the API rejects a revoked token, the daemon reads the token file again and goes on with the new token
    /// that a person wrote there, without a SIGHUP.
    /// Creates `newToken` on the reference server, revokes the daemon's token and writes the new one to the token
    /// file, as a person replacing a revoked token does.
    func replaceToken(with newToken: String) throws {
        let control = String(server.baseURL.dropLast("/api/v1".count)) + "/reference"
        let http = HTTPClient()
        let created = try http.send(
            HTTPRequest(
                method: "POST", url: control + "/tokens", headers: [("Content-Type", "application/json")],
                body: Array("{\"scope\": \"write\", \"token\": \"\(newToken)\"}".utf8), timeout: 10))
        #expect(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
        let oldID = try PlanableClient(baseURL: server.baseURL, token: token, limiter: nil).ping().tokenId
        let revoked = try http.send(
            HTTPRequest(method: "DELETE", url: control + "/tokens/\(oldID)", headers: [], body: nil, timeout: 10))
        #expect(revoked.status == 204)
        try writeToken(newToken)
    }

    @Test func replacedTokenIsReadAfterRejection() throws {
        let notify = try NotifySocket()
        let daemon = try startDaemonWithOnePost(notify)
        defer { cleanUp(daemon) }

        let newToken = "pln_" + String(repeating: "d7", count: 16)
        try replaceToken(with: newToken)
        // A replaced file that other users may read is warned about once, by the reload's read of it.
        chmod(tokenPath, 0o644)

        try write("b.md", "title: Beta")
        let client = PlanableClient(baseURL: server.baseURL, token: newToken, limiter: nil)
        let synced = try waitUntil(timeout: 20) {
            let workspace = try #require(try client.listWorkspaces().first)
            return try client.listPosts(workspaceId: workspace.id, offset: 0, limit: 100).items.count == 2
        }
        #expect(synced, "stderr: \(daemon.stderr())")
        #expect(daemon.stderr().contains("its token file or variable has a new one; reloading"), "\(daemon.stderr())")
        let warnings = daemon.stderr().components(separatedBy: "token file is readable by other users").count - 1
        #expect(warnings == 1, "\(daemon.stderr())")
    }

    /// An edit reads its post before it updates it, so a revoked token is first rejected on that read.
    @Test func replacedTokenIsReadAfterRejectedRead() throws {
        let notify = try NotifySocket()
        let daemon = try startDaemonWithOnePost(notify)
        defer { cleanUp(daemon) }

        let newToken = "pln_" + String(repeating: "e8", count: 16)
        try replaceToken(with: newToken)

        try write("a.md", "title: Alpha, edited")
        let client = PlanableClient(baseURL: server.baseURL, token: newToken, limiter: nil)
        // The daemon's status poll, 30 s or more after its last write, would reload too, so the wait is shorter.
        // Each check sleeps first, because the reference server's limit of 600 reads a minute would otherwise
        // hold the checks back.
        let updated = try waitUntil(timeout: 20) {
            Thread.sleep(forTimeInterval: 0.5)
            let workspace = try #require(try client.listWorkspaces().first)
            let posts = try client.listPosts(workspaceId: workspace.id, offset: 0, limit: 100).items
            return posts.count == 1 && posts[0].plainText.contains("Alpha, edited")
        }
        #expect(updated, "stderr: \(daemon.stderr())")
        #expect(daemon.stderr().contains("its token file or variable has a new one; reloading"), "\(daemon.stderr())")
    }

    /// A token file emptied while the daemon runs is named in the log when the API rejects the token, because a
    /// revoked token is then not the likelier cause.
    @Test func emptiedTokenFileIsLogged() throws {
        let notify = try NotifySocket()
        let daemon = try startDaemonWithOnePost(notify)
        defer { cleanUp(daemon) }

        let control = String(server.baseURL.dropLast("/api/v1".count)) + "/reference"
        let oldID = try PlanableClient(baseURL: server.baseURL, token: token, limiter: nil).ping().tokenId
        let revoked = try HTTPClient().send(
            HTTPRequest(method: "DELETE", url: control + "/tokens/\(oldID)", headers: [], body: nil, timeout: 10))
        #expect(revoked.status == 204)
        try writeToken("")

        try write("b.md", "title: Beta")
        let logged = waitUntil(timeout: 20) {
            daemon.stderr().contains("the API rejected the token, and the token cannot be read again")
        }
        #expect(logged, "stderr: \(daemon.stderr())")
        #expect(daemon.stderr().contains("is empty; put the API token from Planable's settings in it"))
    }
}
