import Foundation
import TestSupport
import Testing

/// With `delete_drafts: true`, a file removed from its folder is reported as a delete, in text, JSON and HTML.
@Suite(.serialized) struct DeleteDecisionTests {
    let root: URL
    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-delete-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        let configuration = """
            state: state/planable-sync.sqlite
            api: embedded
            workspace: Northwind Coffee
            pages: [Northwind LinkedIn, Northwind X]
            template: "{{title}}"
            delete_drafts: true
            sources:
              - name: posts
                type: directory
                path: content
            """
        try configuration.write(toFile: configPath, atomically: true, encoding: .utf8)
        for (name, title) in [("a.md", "Alpha"), ("b.md", "Beta")] {
            try "---\ntitle: \(title)\n---\n\nText of \(title).\n"
                .write(to: root.appendingPathComponent("content/\(name)"), atomically: true, encoding: .utf8)
        }
    }

    func run(_ arguments: [String]) throws -> ProductProcess.Result {
        let result = try ProductProcess.run(arguments + ["--config", configPath])
        #expect(result.status == 0, "\(arguments) exited with \(result.status): \(result.stderr)")
        return result
    }

    func json(_ result: ProductProcess.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func removedFileIsReportedAsDelete() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try run(["sync"])
        try FileManager.default.removeItem(at: root.appendingPathComponent("content/a.md"))

        let planText = try run(["plan"]).stdout
        #expect(planText.contains("delete    posts/a.md \"Alpha\"\n"), "\(planText)")
        #expect(planText.contains("removed from the source; deleting 2 draft posts"), "\(planText)")
        #expect(
            planText.contains(
                "plan: would create 0, would update 0, would delete 1, unchanged 1, skipped 0, blocked 0, failed 0;"),
            "\(planText)")

        let plan = try json(try run(["plan", "--format", "json"]))
        #expect(plan["deleted"] as? Int == 1)
        #expect(plan["updated"] as? Int == 0)
        let planned = (plan["items"] as? [[String: Any]])?.first { $0["identity"] as? String == "a.md" }
        #expect(planned?["decision"] as? String == "delete", "\(planned ?? [:])")

        let page = root.appendingPathComponent("plan.html")
        _ = try run(["plan", "--format", "html", "--output", page.path])
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains("<span class=\"n\">1</span> would delete</li>"), "\(html.prefix(3000))")
        #expect(html.contains("<span class=\"n\">0</span> would update</li>"))
        #expect(html.contains("<span class=\"badge\">delete</span>"))

        let sync = try run(["sync"]).stdout
        #expect(sync.contains("delete    posts/a.md \"Alpha\"\n"), "\(sync)")
        #expect(
            sync.contains("sync: create 0, update 0, delete 1, unchanged 1, skipped 0, blocked 0, failed 0;"), "\(sync)"
        )
        // Nothing in Planable belongs to the item any more, so the state no longer keeps it.
        let status = try json(try run(["status", "--format", "json"]))
        let identities = (status["items"] as? [[String: Any]])?.compactMap { $0["identity"] as? String }
        #expect(identities == ["b.md"], "\(status)")
        #expect(!(try run(["status"]).stdout.contains("a.md")))

        // The deletion is reported once, so the next pass reports nothing for the file.
        let again = try json(try run(["sync", "--format", "json"]))
        #expect(again["deleted"] as? Int == 0)
        #expect((again["requests"] as? [String: Int])?["write"] == 0)
        #expect((again["items"] as? [Any])?.isEmpty == true, "\(again)")

        // The restored file gets new drafts.
        try "---\ntitle: Alpha\n---\n\nText of Alpha.\n"
            .write(to: root.appendingPathComponent("content/a.md"), atomically: true, encoding: .utf8)
        let restored = try run(["sync"]).stdout
        #expect(restored.contains("create    posts/a.md \"Alpha\"\n"), "\(restored)")
        let after = try json(try run(["status", "--format", "json"]))
        let item = (after["items"] as? [[String: Any]])?.first { $0["identity"] as? String == "a.md" }
        #expect(item?["status"] as? String == "synced", "\(item ?? [:])")
        #expect((item?["posts"] as? [Any])?.count == 2, "\(item ?? [:])")
    }

    /// An item that failed before its file was removed has no draft, so its removal is not a delete, and its
    /// record is deleted from the state.
    @Test func removedItemWithoutPostsIsForgotten() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let long = root.appendingPathComponent("content/long.md")
        try "---\ntitle: \(String(repeating: "word ", count: 70))\n---\n\nToo long for X.\n"
            .write(to: long, atomically: true, encoding: .utf8)
        #expect(try ProductProcess.run(["sync", "--config", configPath]).status == 65)
        try FileManager.default.removeItem(at: long)

        let sync = try run(["sync"]).stdout
        #expect(sync.contains("removed   posts/long.md"), "\(sync)")
        #expect(sync.contains("removed from the source; it has no post, so the state no longer keeps it\n"), "\(sync)")
        #expect(
            sync.contains(
                "sync: create 0, update 0, delete 0, unchanged 2, skipped 0, blocked 0, failed 0, removed 1;"),
            "\(sync)")
        let status = try json(try run(["status", "--format", "json"]))
        let identities = (status["items"] as? [[String: Any]])?.compactMap { $0["identity"] as? String }
        #expect(identities == ["a.md", "b.md"], "\(status)")
        #expect(!(try run(["sync"]).stdout.contains("long.md")), "the removal is reported once")
    }

    /// A sync with `--format json` carries the count and the decision as well as a plan does.
    @Test func syncJSONCountsDeleted() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try run(["sync"])
        try FileManager.default.removeItem(at: root.appendingPathComponent("content/b.md"))

        let sync = try json(try run(["sync", "--format", "json"]))
        #expect(sync["deleted"] as? Int == 1)
        #expect(sync["updated"] as? Int == 0)
        let item = (sync["items"] as? [[String: Any]])?.first { $0["identity"] as? String == "b.md" }
        #expect(item?["decision"] as? String == "delete", "\(item ?? [:])")
        #expect((sync["requests"] as? [String: Int])?["write"] == 2)
    }
}
