import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct CrashRecoveryTests {
    /// Kills `sync` with SIGKILL at random moments, then lets it finish, and counts the post groups per item.
    @Test func killedSyncLeavesOneGroupPerItem() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-crash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let content = root.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        let itemCount = 400
        for index in 0..<itemCount {
            try "---\ntitle: Crash item \(index)\n---\n\nBody of item \(index).\n"
                .write(to: content.appendingPathComponent("item-\(index).md"), atomically: true, encoding: .utf8)
        }
        let configPath = root.appendingPathComponent("planable-sync.yaml").path
        try """
        state: state/planable-sync.sqlite
        api:
          embedded:
            reads_per_minute: 100000
            writes_per_minute: 100000
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn, Northwind Facebook, Northwind X]
        template: "{{title}}"
        sources:
          - name: posts
            type: directory
            path: content
        """.write(toFile: configPath, atomically: true, encoding: .utf8)

        // A resumed run waits out the request time limit before it creates again what a killed run may have sent,
        // so the limit is shortened to keep the test fast.
        let environment = ["PLANABLE_SYNC_API_TIMEOUT": "2"]
        var kills = 0
        var finished: [String] = []
        for _ in 0..<6 {
            let running = try ProductProcess.start(["sync", "--config", configPath], environment: environment)
            // The kill comes after a random number of creates, as the log shows them, so that it lands mid-run on a
            // fast machine too, where a fixed wait let the first run create every post.
            let creates = Int.random(in: 0...60)
            let deadline = Date().addingTimeInterval(60)
            while running.process.isRunning && Date() < deadline
                && running.stderr().components(separatedBy: "info planable-sync: created").count - 1 < creates
            {
                Thread.sleep(forTimeInterval: 0.002)
            }
            if running.process.isRunning {
                kill(running.process.processIdentifier, SIGKILL)
                kills += 1
            }
            running.process.waitUntilExit()
            if running.process.terminationReason == .exit {
                finished.append("exit \(running.process.terminationStatus): \(running.stderr().suffix(600))")
            }
        }
        let final = try ProductProcess.run(["sync", "--config", configPath], environment: environment)
        #expect(final.status == 0, "final sync failed: \(final.stderr)")
        #expect(kills > 0, "no run was still going when its kill came; the harness tested nothing: \(finished)")

        let groups = try Self.groupsByText(stateFolder: root.appendingPathComponent("state"))
        #expect(groups.count == itemCount)
        for (text, groupIds) in groups {
            #expect(groupIds.count == 1, "\(text) has \(groupIds.count) groups")
        }
    }

    /// Reads every post from the embedded server's database and maps each text to its distinct group ids.
    static func groupsByText(stateFolder: URL) throws -> [String: Set<String>] {
        try withEmbeddedPlanable(stateFolder: stateFolder) { client, workspaceId in
            var groups: [String: Set<String>] = [:]
            var offset = 0
            while true {
                let page = try client.listPosts(workspaceId: workspaceId, offset: offset, limit: 100)
                for post in page.items { groups[post.plainText, default: []].insert(post.groupId ?? post.id) }
                offset += page.items.count
                if page.items.isEmpty || page.pagination?.hasMore != true { break }
            }
            return groups
        }
    }
}
