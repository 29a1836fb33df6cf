import Foundation
import PlanableAPI
import PlanableReference
import TestSupport
import Testing

/// Runs `planable-sync sync` with a token that may read the workspace but not write to it.
@Suite(.serialized) struct WriteScopeTests {
    let root: URL
    let server: ReferenceServer
    let token = "pln_" + String(repeating: "f6", count: 16)
    let readToken = "pln_" + String(repeating: "a7", count: 16)

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("planable-sync-scope-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        var options = ReferenceServerOptions(databasePath: root.appendingPathComponent("reference.sqlite").path)
        var seed = ReferenceSeed.demo(token: token)
        seed.companies[0].tokens.append(.init(token: readToken, name: "read only", scope: "read"))
        options.seed = seed
        server = try ReferenceServer(options: options)
        try server.start()
        try """
        state: state/planable-sync.sqlite
        api:
          url: \(server.baseURL)
          token_env: PLANABLE_TEST_TOKEN
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn]
        template: "{{title}}\\n\\n{{summary}}"
        sources:
          - name: posts
            type: directory
            path: content
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }

    func cleanUp() {
        server.stop()
        try? FileManager.default.removeItem(at: root)
    }

    func write(_ name: String, title: String) throws {
        try "---\ntitle: \(title)\n---\n\nAbout \(title).\n"
            .write(to: root.appendingPathComponent("content/\(name)"), atomically: true, encoding: .utf8)
    }

    func postCount() throws -> Int {
        let client = PlanableClient(baseURL: server.baseURL, token: token, limiter: nil)
        let workspace = try #require(try client.listWorkspaces().first { $0.name == "Northwind Coffee" })
        return try client.listPosts(workspaceId: workspace.id, offset: 0, limit: 100).items.count
    }

    @Test func readOnlyTokenStopsAtFirstWriteWith78() throws {
        defer { cleanUp() }
        for name in ["a", "b", "c"] { try write("\(name).md", title: "Item \(name)") }
        server.resetRequestCounts()
        let denied = try ProductProcess.run(
            ["sync", "--config", configPath], environment: ["PLANABLE_TEST_TOKEN": readToken])
        #expect(denied.status == 78, "\(denied.stderr)")
        #expect(server.requestCounts()["POST"] == 1, "\(server.requestCounts())")
        #expect(denied.stderr.contains("cannot write to workspace \"Northwind Coffee\""), "\(denied.stderr)")
        #expect(denied.stderr.contains("this token is read-only"), "\(denied.stderr)")
        #expect(denied.stderr.contains("POST /reference/tokens"), "\(denied.stderr)")
        // The temporary folder's random name and the log's time stamps may contain "403" too.
        #expect(
            denied.stderr.components(separatedBy: "returned 403").count == 2,
            "the 403 is reported more than once: \(denied.stderr)")
        #expect(try postCount() == 0)

        // The items were not marked as failed, so a token that can write syncs all of them.
        let synced = try ProductProcess.run(
            ["sync", "--config", configPath, "--format", "json"], environment: ["PLANABLE_TEST_TOKEN": token])
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(try postCount() == 3)
    }

    /// An update rejected for the token ends the run too, before any other item is written.
    @Test func readOnlyTokenStopsAtFirstUpdate() throws {
        defer { cleanUp() }
        try write("a.md", title: "Alpha")
        try write("b.md", title: "Beta")
        let first = try ProductProcess.run(
            ["sync", "--config", configPath], environment: ["PLANABLE_TEST_TOKEN": token])
        #expect(first.status == 0, "\(first.stderr)")
        try write("a.md", title: "Alpha again")
        try write("b.md", title: "Beta again")
        server.resetRequestCounts()
        let denied = try ProductProcess.run(
            ["sync", "--config", configPath], environment: ["PLANABLE_TEST_TOKEN": readToken])
        #expect(denied.status == 78, "\(denied.stderr)")
        #expect(server.requestCounts()["PATCH"] == 1, "\(server.requestCounts())")
        #expect(denied.stderr.contains("PATCH /posts/"), "\(denied.stderr)")

        server.resetRequestCounts()
        let synced = try ProductProcess.run(
            ["sync", "--config", configPath], environment: ["PLANABLE_TEST_TOKEN": token])
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(server.requestCounts()["PATCH"] == 2, "\(server.requestCounts())")
    }

    /// Deleting the draft of a removed file is a write too, and the removal waits for a token that can write.
    @Test func readOnlyTokenStopsAtFirstDelete() throws {
        defer { cleanUp() }
        try String(contentsOfFile: configPath, encoding: .utf8).appending("\ndelete_drafts: true\n")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        try write("a.md", title: "Alpha")
        try write("b.md", title: "Beta")
        // One file stays, so the guard against an emptied folder does not hold the removals back.
        try write("c.md", title: "Gamma")
        let first = try ProductProcess.run(
            ["sync", "--config", configPath], environment: ["PLANABLE_TEST_TOKEN": token])
        #expect(first.status == 0, "\(first.stderr)")
        for name in ["a.md", "b.md"] {
            try FileManager.default.removeItem(at: root.appendingPathComponent("content/\(name)"))
        }
        server.resetRequestCounts()
        let denied = try ProductProcess.run(
            ["sync", "--config", configPath], environment: ["PLANABLE_TEST_TOKEN": readToken])
        #expect(denied.status == 78, "\(denied.stderr)")
        #expect(server.requestCounts()["DELETE"] == 1, "\(server.requestCounts())")
        #expect(denied.stderr.contains("DELETE /posts/"), "\(denied.stderr)")
        #expect(try postCount() == 3)

        let synced = try ProductProcess.run(
            ["sync", "--config", configPath], environment: ["PLANABLE_TEST_TOKEN": token])
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(try postCount() == 1)
    }
}
