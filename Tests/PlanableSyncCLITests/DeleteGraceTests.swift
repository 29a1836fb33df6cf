import Foundation
import PlanableAPI
import TestSupport
import Testing

/// With `delete_drafts: true`, the daemon deletes the drafts of a removed file only when the file is still gone
/// after `delete_grace_period`, so a branch switch, an rsync or an editor's slow save keeps the drafts.
extension RunCommandTests {
    /// Returns the ids of the posts in Northwind Coffee.
    func postIds() throws -> Set<String> {
        let client = client()
        let workspace = try #require(try client.listWorkspaces().first { $0.name == "Northwind Coffee" })
        return Set(try client.listPosts(workspaceId: workspace.id, offset: 0, limit: 100).items.map(\.id))
    }

    /// Starts the daemon on `count` synced files and returns it once the files have their drafts.
    func startWithFourFiles(extra: String, count: Int = 4) throws -> (daemon: ProductProcess, notify: NotifySocket) {
        try writeConfiguration(to: configPath, extra: "delete_drafts: true\n\(extra)")
        for number in 1...count {
            try write("p\(number).md", title: "Post \(number)", body: "Body \(number).")
        }
        let notify = try NotifySocket()
        let daemon = try ProductProcess.start(
            ["run", "--config", configPath],
            environment: ["PLANABLE_TEST_TOKEN": token, "NOTIFY_SOCKET": notify.path])
        #expect(notify.waitFor("READY=1", timeout: 30), "no READY=1; stderr: \(daemon.stderr())")
        #expect(try groupCount() == count, "stderr: \(daemon.stderr())")
        return (daemon, notify)
    }

    func stop(_ daemon: ProductProcess) {
        kill(daemon.process.processIdentifier, SIGTERM)
        daemon.process.waitUntilExit()
    }

    /// A file gone for 1.5 s keeps its draft under the default grace period.
    @Test func briefRemovalKeepsDraft() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let (daemon, _) = try startWithFourFiles(extra: "")
        defer { if daemon.process.isRunning { daemon.process.terminate() } }
        let before = try postIds()
        server.resetRequestCounts()

        let file = root.appendingPathComponent("content/p4.md")
        let saved = try Data(contentsOf: file)
        try FileManager.default.removeItem(at: file)
        Thread.sleep(forTimeInterval: 1.5)
        try saved.write(to: file)
        Thread.sleep(forTimeInterval: 3)

        #expect(server.requestCounts()["DELETE"] == nil, "stderr: \(daemon.stderr())")
        #expect(server.requestCounts()["POST"] == nil, "stderr: \(daemon.stderr())")
        #expect(try postIds() == before)
        #expect(!daemon.stderr().contains("deleted draft of removed item"), "stderr: \(daemon.stderr())")
        // The log shows the wait, and that it ended with the file back.
        #expect(daemon.stderr().contains("its drafts are deleted after delete_grace_period"), "\(daemon.stderr())")
        #expect(daemon.stderr().contains("is back within delete_grace_period"), "stderr: \(daemon.stderr())")
        stop(daemon)
        #expect(daemon.process.terminationStatus == 0)
    }

    /// A file that stays gone past the grace period has its drafts deleted then, and not before. A file back
    /// after a pass that held its removal is read again and keeps its drafts after the period ends.
    @Test func graceEndsWithFileCheck() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let (daemon, _) = try startWithFourFiles(extra: "delete_grace_period: 3")
        defer { if daemon.process.isRunning { daemon.process.terminate() } }
        let before = try postIds()
        server.resetRequestCounts()

        let restored = root.appendingPathComponent("content/p4.md")
        let saved = try Data(contentsOf: restored)
        try FileManager.default.removeItem(at: restored)
        try FileManager.default.removeItem(at: root.appendingPathComponent("content/p3.md"))
        let removedAt = Date()
        let waitLogged = waitUntil(timeout: 10) { daemon.stderr().contains("deleted after delete_grace_period") }
        #expect(waitLogged, "no log line names the wait; stderr: \(daemon.stderr())")
        #expect(server.requestCounts()["DELETE"] == nil, "stderr: \(daemon.stderr())")
        try saved.write(to: restored)

        let deleted = waitUntil(timeout: 15) { server.requestCounts()["DELETE"] == 2 }
        #expect(deleted, "stderr: \(daemon.stderr())")
        #expect(Date().timeIntervalSince(removedAt) >= 3, "the draft was deleted within the grace period")
        Thread.sleep(forTimeInterval: 1)
        #expect(server.requestCounts()["DELETE"] == 2, "stderr: \(daemon.stderr())")
        #expect(server.requestCounts()["POST"] == nil, "stderr: \(daemon.stderr())")
        #expect(try postIds().count == before.count - 2)
        #expect(try postIds().isSubset(of: before))
        stop(daemon)
        #expect(daemon.process.terminationStatus == 0)
    }

    /// A file whose removal waits stays waiting when a later full scan finds so many files gone that the
    /// mass-removal guard holds every removal: the file is not taken for one that came back.
    @Test func massRemovalKeepsWait() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let (daemon, _) = try startWithFourFiles(extra: "rescan_interval: 2", count: 12)
        defer { if daemon.process.isRunning { daemon.process.terminate() } }
        try FileManager.default.removeItem(at: root.appendingPathComponent("content/p1.md"))
        let waitLogged = waitUntil(timeout: 10) { daemon.stderr().contains("deleted after delete_grace_period") }
        #expect(waitLogged, "no log line names the wait; stderr: \(daemon.stderr())")
        for number in 2...10 {
            try FileManager.default.removeItem(at: root.appendingPathComponent("content/p\(number).md"))
        }
        let guarded = waitUntil(timeout: 10) { daemon.stderr().contains("max_removed_share") }
        #expect(guarded, "the guard did not hold the removals; stderr: \(daemon.stderr())")
        // The periodic rescan scans the whole folder.
        Thread.sleep(forTimeInterval: 4)

        #expect(!daemon.stderr().contains("is back within delete_grace_period"), "stderr: \(daemon.stderr())")
        #expect(server.requestCounts()["DELETE"] == nil, "stderr: \(daemon.stderr())")
        stop(daemon)
    }
}
