import Foundation
import PlanableAPI
import PlanableReference
import TestSupport
import Testing

/// Runs `planable-sync run` as a subprocess while its folder goes away and comes back, while changes reach it
/// without an inotify event, and while its configuration breaks, and checks what it syncs and its STATUS= line.
@Suite(.serialized) struct DaemonRecoveryTests {
    let root: URL
    let server: ReferenceServer
    let token = "pln_" + String(repeating: "e5", count: 16)

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("planable-sync-recovery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        var options = ReferenceServerOptions(databasePath: root.appendingPathComponent("reference.sqlite").path)
        options.seed = ReferenceSeed.demo(token: token)
        server = try ReferenceServer(options: options)
        try server.start()
        try writeConfiguration()
    }

    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }
    var contentPath: String { root.appendingPathComponent("content").path }

    func writeConfiguration(path: String = "content", extra: String = "") throws {
        try """
        state: state/planable-sync.sqlite
        api:
          url: \(server.baseURL)
          token_env: PLANABLE_TEST_TOKEN
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn]
        template: "{{title}}\\n\\n{{summary}}"
        status_read_budget: 5
        sources:
          - name: posts
            type: directory
            path: \(path)
        \(extra)
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func startDaemon(_ notify: NotifySocket) throws -> ProductProcess {
        try ProductProcess.start(
            ["run", "--config", configPath],
            environment: ["PLANABLE_TEST_TOKEN": token, "NOTIFY_SOCKET": notify.path])
    }

    func postCount() throws -> Int {
        let client = PlanableClient(baseURL: server.baseURL, token: token, limiter: nil)
        let workspace = try #require(try client.listWorkspaces().first { $0.name == "Northwind Coffee" })
        return try client.listPosts(workspaceId: workspace.id, offset: 0, limit: 100).items.count
    }

    func post(title: String, body: String) -> String {
        "---\ntitle: \(title)\n---\n\n\(body)\n"
    }

    func cleanUp(_ daemon: ProductProcess?) {
        if let daemon, daemon.process.isRunning {
            daemon.process.terminate()
            daemon.process.waitUntilExit()
        }
        server.stop()
        try? FileManager.default.removeItem(at: root)
    }

    @Test func folderMovedAwayAndBack() throws {
        let notify = try NotifySocket()
        let daemon = try startDaemon(notify)
        defer { cleanUp(daemon) }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")
        let started = notify.waitForStatus(timeout: 5) { $0 == "watching 1 folder and 0 feeds" }
        #expect(started, "status: \(notify.latestStatus() ?? "none")")

        let away = root.appendingPathComponent("content.off").path
        try #require(rename(contentPath, away) == 0)
        let noticed = notify.waitForStatus(timeout: 5) {
            $0 == "watching 0 folders and 0 feeds; 1 folder not watched (retrying); 1 read failure"
        }
        #expect(noticed, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr())")

        try #require(rename(away, contentPath) == 0)
        try post(title: "Remounted", body: "Added after the move back.")
            .write(toFile: contentPath + "/remount.md", atomically: false, encoding: .utf8)
        let synced = try waitUntil(timeout: 15) { try postCount() == 1 }
        #expect(synced, "remount.md was not synced; stderr: \(daemon.stderr())")
        let recovered = notify.waitForStatus(timeout: 5) { $0 == "watching 1 folder and 0 feeds" }
        #expect(recovered, "status: \(notify.latestStatus() ?? "none")")

        // The watch works again, so a file added now is synced without waiting for a retry or rescan.
        try post(title: "Later", body: "Added once watched again.")
            .write(toFile: contentPath + "/later.md", atomically: false, encoding: .utf8)
        let watched = try waitUntil(timeout: 5) { try postCount() == 2 }
        #expect(watched, "later.md was not synced; stderr: \(daemon.stderr())")
    }

    @Test func folderMissingAtStart() throws {
        try FileManager.default.removeItem(atPath: contentPath)
        let notify = try NotifySocket()
        let daemon = try startDaemon(notify)
        defer { cleanUp(daemon) }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")
        let missing = notify.waitForStatus(timeout: 5) {
            $0 == "watching 0 folders and 0 feeds; 1 folder not watched (retrying); 1 read failure"
        }
        #expect(missing, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr())")

        try FileManager.default.createDirectory(atPath: contentPath, withIntermediateDirectories: false)
        try post(title: "Late", body: "The folder came after the daemon.")
            .write(toFile: contentPath + "/late.md", atomically: false, encoding: .utf8)
        let synced = try waitUntil(timeout: 15) { try postCount() == 1 }
        #expect(synced, "late.md was not synced; stderr: \(daemon.stderr())")
        let recovered = notify.waitForStatus(timeout: 5) { $0 == "watching 1 folder and 0 feeds" }
        #expect(recovered, "status: \(notify.latestStatus() ?? "none")")
    }

    /// A write through a hard link outside the watched folder changes a watched file without an inotify event in
    /// that folder, as an edit on a network share from another host does.
    @Test func periodicRescanSeesUnreportedEdit() throws {
        try writeConfiguration(extra: "rescan_interval: 0")
        let watchedFile = contentPath + "/shared.md"
        try post(title: "Shared", body: "First version.").write(toFile: watchedFile, atomically: false, encoding: .utf8)
        let outside = root.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let linkedFile = outside.appendingPathComponent("shared.md").path
        try #require(link(watchedFile, linkedFile) == 0)

        let notify = try NotifySocket()
        let daemon = try startDaemon(notify)
        defer { cleanUp(daemon) }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")
        #expect(try postCount() == 1)

        func overwrite(_ text: String) throws {
            let handle = try #require(FileHandle(forWritingAtPath: linkedFile))
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        }
        // With the rescan off, the edit stays unseen, because inotify reports a write to the watch on the folder of the
        // path written through, which is outside/.
        server.resetRequestCounts()
        try overwrite(post(title: "Shared", body: "Second version, written through the link."))
        Thread.sleep(forTimeInterval: 2)
        #expect(server.requestCounts()["PATCH"] == nil, "the watch saw the edit, so this test proves nothing")

        try writeConfiguration(extra: "rescan_interval: 1")
        kill(daemon.process.processIdentifier, SIGHUP)
        let reloaded = waitUntil(timeout: 10) { server.requestCounts()["PATCH"] == 1 }
        #expect(reloaded, "the reload's full pass sent no PATCH; stderr: \(daemon.stderr())")

        server.resetRequestCounts()
        try overwrite(post(title: "Shared", body: "Third version, also through the link, found by the rescan."))
        let rescanned = waitUntil(timeout: 5) { server.requestCounts()["PATCH"] == 1 }
        #expect(rescanned, "the periodic rescan sent no PATCH; stderr: \(daemon.stderr())")
        // The server counts the PATCH before the daemon logs the pass that sent it.
        let logged = waitUntil(timeout: 5) { daemon.stderr().contains("periodic rescan") }
        #expect(logged, "stderr: \(daemon.stderr())")
    }

    /// Renaming the folder's parent moves the watched folder without an event on it, so the periodic rescan notices
    /// that the path leads elsewhere and watches the path again.
    @Test func parentRenameFoundByRescan() throws {
        let site = root.appendingPathComponent("site")
        try FileManager.default.createDirectory(
            at: site.appendingPathComponent("content"), withIntermediateDirectories: true)
        try writeConfiguration(path: "site/content", extra: "rescan_interval: 1")
        let notify = try NotifySocket()
        let daemon = try startDaemon(notify)
        defer { cleanUp(daemon) }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")

        try #require(rename(site.path, root.appendingPathComponent("site.old").path) == 0)
        let noticed = notify.waitForStatus(timeout: 5) {
            $0.hasPrefix("watching 0 folders and 0 feeds; 1 folder not watched")
        }
        #expect(noticed, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr())")

        try FileManager.default.createDirectory(
            at: site.appendingPathComponent("content"), withIntermediateDirectories: true)
        let recovered = notify.waitForStatus(timeout: 10) { $0 == "watching 1 folder and 0 feeds" }
        #expect(recovered, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr())")
        try post(title: "New site", body: "Written into the new folder.")
            .write(toFile: site.path + "/content/new.md", atomically: false, encoding: .utf8)
        let synced = try waitUntil(timeout: 5) { try postCount() == 1 }
        #expect(synced, "new.md was not synced; stderr: \(daemon.stderr())")
    }

    /// A source path that is a symbolic link swapped to a new release, as deploy scripts do with `ln -sfn`, leads to
    /// another folder without an event on the watched one. The daemon notices without a periodic rescan, which this
    /// configuration turns off, and syncs the new release.
    @Test func swappedRootLinkIsWatched() throws {
        let first = root.appendingPathComponent("release1")
        let second = root.appendingPathComponent("release2")
        for folder in [first, second] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let link = root.appendingPathComponent("current").path
        try #require(symlink("release1", link) == 0)
        try writeConfiguration(path: "current", extra: "rescan_interval: 0")
        let notify = try NotifySocket()
        let daemon = try startDaemon(notify)
        defer { cleanUp(daemon) }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")

        try post(title: "Second release", body: "Deployed with the new release.")
            .write(toFile: second.path + "/new.md", atomically: false, encoding: .utf8)
        // The link is replaced in one rename, as `ln -s` to a temporary name followed by `mv -T` does.
        let staged = root.appendingPathComponent("current.new").path
        try #require(symlink("release2", staged) == 0)
        try #require(rename(staged, link) == 0)
        let synced = try waitUntil(timeout: 40) { try postCount() == 1 }
        #expect(synced, "the new release was not synced; stderr: \(daemon.stderr())")

        try post(title: "Later", body: "Written after the swap.")
            .write(toFile: second.path + "/later.md", atomically: false, encoding: .utf8)
        let watched = try waitUntil(timeout: 10) { try postCount() == 2 }
        #expect(watched, "a file written after the swap was not synced; stderr: \(daemon.stderr())")
    }

    @Test func statusShowsReloadAndReadFailures() throws {
        try "---\ntitle: Bad\n  tags: [a, b\n---\n\nBody.\n"
            .write(toFile: contentPath + "/bad.md", atomically: false, encoding: .utf8)
        let notify = try NotifySocket()
        let daemon = try startDaemon(notify)
        defer { cleanUp(daemon) }
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")
        let started = notify.waitForStatus(timeout: 5) { $0 == "watching 1 folder and 0 feeds; 1 read failure" }
        #expect(started, "status: \(notify.latestStatus() ?? "none")")

        try "sources: [".write(toFile: configPath, atomically: true, encoding: .utf8)
        kill(daemon.process.processIdentifier, SIGHUP)
        let failed = notify.waitForStatus(timeout: 10) { $0.contains("; reload failed: \(configPath):") }
        #expect(failed, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr())")
        let status = notify.latestStatus() ?? ""
        #expect(status.hasPrefix("watching 1 folder and 0 feeds; 1 read failure; reload failed: "), "\(status)")

        try writeConfiguration()
        kill(daemon.process.processIdentifier, SIGHUP)
        let fixed = notify.waitForStatus(timeout: 10) { $0 == "watching 1 folder and 0 feeds; 1 read failure" }
        #expect(fixed, "status: \(notify.latestStatus() ?? "none"); stderr: \(daemon.stderr())")
    }
}
