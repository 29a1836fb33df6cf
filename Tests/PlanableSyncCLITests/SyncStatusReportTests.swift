import Foundation
import HTTPClient
import PlanableReference
import TestSupport
import Testing

/// The status poll in the report of `sync`, run as a subprocess against a reference server in this process whose
/// clock the test moves: the changes a poll found, and when the next poll is due when `status_interval` skips it.
@Suite(.serialized) struct SyncStatusReportTests {
    let root: URL
    let server: ReferenceServer
    let token = "pln_" + String(repeating: "7e", count: 16)

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-status-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        var options = ReferenceServerOptions(databasePath: root.appendingPathComponent("reference.sqlite").path)
        options.seed = ReferenceSeed.demo(token: token)
        options.clock = ReferenceClock(frozenAt: 1_800_000_000)
        options.publishingSeconds = 5
        server = try ReferenceServer(options: options)
        try server.start()
        try token.write(to: root.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        chmod(root.appendingPathComponent("token").path, 0o600)
    }

    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }

    func cleanUp() {
        server.stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// Writes the configuration with `extra` appended as top-level settings.
    func writeConfiguration(extra: String = "") throws {
        try """
        state: state/planable-sync.sqlite
        api:
          url: \(server.baseURL)
          token_file: token
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn, Northwind Facebook]
        template: "{{title}}"
        sources:
          - name: posts
            type: directory
            path: content
        \(extra)
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func write(_ name: String, title: String) throws {
        try "---\ntitle: \(title)\n---\n\nBody.\n".write(
            to: root.appendingPathComponent("content/\(name)"), atomically: true, encoding: .utf8)
    }

    /// Sends a control request, such as an approval, to the reference server.
    func control(_ path: String, _ body: String = "{}") throws {
        let url = server.baseURL.replacingOccurrences(of: "/api/v1", with: "") + path
        let response = try HTTPClient().send(
            HTTPRequest(
                method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Array(body.utf8)))
        #expect((200..<300).contains(response.status), "\(path): \(String(decoding: response.body, as: UTF8.self))")
    }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    /// Returns the post id of `identity` on `page`, from the JSON of `status`.
    func postId(_ identity: String, page: String) throws -> String {
        let status = try ProductProcess.run(["status", "--config", configPath, "--format", "json"])
        let items = try #require(try object(status.stdout)["items"] as? [[String: Any]])
        let item = try #require(items.first { $0["identity"] as? String == identity }, "\(status.stdout)")
        let posts = try #require(item["posts"] as? [[String: Any]])
        let post = try #require(posts.first { $0["pageName"] as? String == page }, "\(posts)")
        return try #require(post["postId"] as? String)
    }

    @Test func skippedPollSaysWhenItIsDue() throws {
        defer { cleanUp() }
        try writeConfiguration()
        try write("a.md", title: "Alpha")
        let first = try ProductProcess.run(["sync", "--config", configPath])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        try control("/reference/posts/\(try postId("a.md", page: "Northwind LinkedIn"))/approve")

        let json = try ProductProcess.run(["sync", "--config", configPath, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let poll = try #require(try object(json.stdout)["statusPoll"] as? [String: Any], "\(json.stdout)")
        #expect(poll["polled"] as? Bool == false)
        #expect(poll["intervalSeconds"] as? Double == 300)
        let lastPolled = try #require(poll["lastPolledAt"] as? String, "\(poll)")
        let nextPoll = try #require(poll["nextPollAt"] as? String, "\(poll)")
        #expect(nextPoll > lastPolled, "\(poll)")
        #expect((poll["changes"] as? [Any])?.isEmpty == true, "\(poll)")
        #expect(json.stderr.contains("post status poll skipped"), "\(json.stderr)")
        #expect(json.stderr.contains("status.next_poll_at=\(nextPoll)"), "\(json.stderr)")

        let text = try ProductProcess.run(["sync", "--config", configPath])
        #expect(
            text.stdout.contains(
                "status    post statuses not read in this run (status_interval 300 s): last read at \(lastPolled); "
                    + "a sync reads them again from \(nextPoll), 300 s after the last sync that read them\n"),
            "\(text.stdout)")

        // `status` shows the same time, so the approval it still lacks is not taken for a current one.
        let status = try ProductProcess.run(["status", "--config", configPath, "--format", "json"])
        #expect(try object(status.stdout)["lastStatusPoll"] as? String == lastPolled, "\(status.stdout)")
        let statusText = try ProductProcess.run(["status", "--config", configPath])
        #expect(statusText.stdout.contains("; post statuses last read \(lastPolled)\n"), "\(statusText.stdout)")
    }

    @Test func pollListsApprovalAndPublication() throws {
        defer { cleanUp() }
        try writeConfiguration(extra: "status_interval: 0")
        try write("a.md", title: "Alpha")
        try write("b.md", title: "Beta")
        let first = try ProductProcess.run(["sync", "--config", configPath])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(!first.stdout.contains("status    "), "a poll right after the creates found changes: \(first.stdout)")
        let approved = try postId("a.md", page: "Northwind LinkedIn")
        let published = try postId("b.md", page: "Northwind Facebook")
        try control("/reference/posts/\(approved)/approve")
        try control("/reference/posts/\(published)/publish")

        let text = try ProductProcess.run(["sync", "--config", configPath])
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        let approval = try #require(lines.first { $0.contains(approved) }, "\(text.stdout)")
        #expect(
            approval.hasPrefix("status    posts/a.md \"Alpha\", page \"Northwind LinkedIn\", post \(approved): "),
            "\(approval)")
        #expect(approval.contains("approval NEVER_SENT → "), "\(approval)")
        let publishing = try #require(lines.first { $0.contains(published) }, "\(text.stdout)")
        #expect(
            publishing.hasPrefix("status    posts/b.md \"Beta\", page \"Northwind Facebook\", post \(published): "),
            "\(publishing)")
        #expect(publishing.contains("state draft → publishing"), "\(publishing)")
        #expect(lines.filter { $0.hasPrefix("status    ") }.count == 2, "\(text.stdout)")
        #expect(lines.last?.hasPrefix("sync: create 0, update 0") == true, "\(text.stdout)")

        try control("/reference/clock", "{\"advanceSeconds\": 10}")
        let json = try ProductProcess.run(["sync", "--config", configPath, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let report = try object(json.stdout)
        let poll = try #require(report["statusPoll"] as? [String: Any], "\(json.stdout)")
        #expect(poll["polled"] as? Bool == true)
        let changes = try #require(poll["changes"] as? [[String: Any]])
        #expect(changes.count == 1, "\(changes)")
        let change = try #require(changes.first)
        #expect(change["source"] as? String == "posts")
        #expect(change["identity"] as? String == "b.md")
        #expect(change["title"] as? String == "Beta")
        #expect(change["postId"] as? String == published)
        #expect(change["page"] as? String == "Northwind Facebook")
        let state = try #require(change["status"] as? [String: Any], "\(change)")
        #expect(state["from"] as? String == "publishing")
        #expect(state["to"] as? String == "published")
        #expect(change["approval"] == nil, "\(change)")
        let link = try #require(change["publishedLink"] as? String, "\(change)")
        #expect(link.hasPrefix("https://"), "\(link)")
        #expect((report["statusChanges"] as? Int ?? 0) >= 2, "\(report)")
    }
}
