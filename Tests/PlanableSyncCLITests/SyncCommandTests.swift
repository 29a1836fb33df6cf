import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct SyncCommandTests {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("planable-sync-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        let configuration = """
            state: state/planable-sync.sqlite
            api: embedded
            workspace: Northwind Coffee
            pages: [Northwind LinkedIn, Northwind Facebook, Northwind X]
            template: "{{title}}\\n\\n{{summary}}"
            sources:
              - name: posts
                type: directory
                path: content
            """
        try configuration.write(to: root.appendingPathComponent("planable-sync.yaml"), atomically: true, encoding: .utf8)
    }

    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: root.appendingPathComponent("content/\(name)"), atomically: true, encoding: .utf8)
    }

    func summary(_ result: ProductProcess.Result) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func malformedFrontMatterExits65() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("good.md", "---\ntitle: Good\n---\n\nFine.\n")
        try write("bad.md", "---\ntitle: Bad\n  tags: [a, b\n---\n\nBody.\n")

        let result = try ProductProcess.run(["sync", "--config", configPath, "--format", "json"])
        #expect(result.status == 65)
        let json = try summary(result)
        #expect(json["created"] as? Int == 1)
        #expect(json["failed"] as? Int == 1)
        let items = try #require(json["items"] as? [[String: Any]])
        let failed = try #require(items.first { $0["decision"] as? String == "failed" })
        let message = try #require(failed["message"] as? String)
        #expect(message.contains("bad.md:3:"))
    }

    @Test func jsonSummaryHasRequestCounts() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: Alpha\n---\n\nFirst.\n")
        let first = try summary(try ProductProcess.run(["sync", "--config", configPath, "--format", "json"]))
        let requests = try #require(first["requests"] as? [String: Int])
        #expect(requests["write"] == 1)
        for key in ["created", "updated", "unchanged", "skipped", "failed"] {
            #expect(first[key] is Int, "missing \(key)")
        }
        let second = try summary(try ProductProcess.run(["sync", "--config", configPath, "--format", "json"]))
        #expect((second["requests"] as? [String: Int])?["write"] == 0)
    }

    @Test func heldLockExits75() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: Alpha\n---\n\nFirst.\n")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("state"), withIntermediateDirectories: true)
        // Hold the lock as a running daemon would: flock on the file beside the database.
        let lockPath = root.appendingPathComponent("state/planable-sync.sqlite.lock").path
        let descriptor = open(lockPath, O_RDWR | O_CREAT, 0o600)
        #expect(descriptor >= 0)
        #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        defer { close(descriptor) }

        let result = try ProductProcess.run(["sync", "--config", configPath])
        #expect(result.status == 75)
        #expect(result.stderr.contains("another planable-sync process"))

        flock(descriptor, LOCK_UN)
        let retry = try ProductProcess.run(["sync", "--config", configPath])
        #expect(retry.status == 0)
    }

    @Test func helpOptionPrintsUsage() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        for arguments in [["help"], ["sync", "--help"], ["status", "-h"]] {
            let result = try ProductProcess.run(arguments)
            #expect(result.status == 0, "\(arguments) exited with \(result.status)")
            #expect(result.stdout.hasSuffix("configuration error.\n"), "\(arguments): \(result.stdout.suffix(80))")
        }
    }

    @Test func checkValidatesConfiguration() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let good = try ProductProcess.run(["check", "--config", configPath])
        #expect(good.status == 0, "check failed: \(good.stderr)")
        #expect(good.stdout.contains("page \"Northwind X\": found, x, connected"))

        let broken = root.appendingPathComponent("broken.yaml").path
        try "workspace: Northwind Coffee\npages: [Northwind X]\nsources:\n  - name: a\n    type: folder\n"
            .write(toFile: broken, atomically: true, encoding: .utf8)
        let bad = try ProductProcess.run(["check", "--config", broken])
        #expect(bad.status == 78)
        #expect(bad.stderr.contains("broken.yaml:5:11: unknown source type \"folder\""), "stderr: \(bad.stderr)")

        let unknownPage = root.appendingPathComponent("page.yaml").path
        try "state: s/x.sqlite\nworkspace: Northwind Coffee\npages: [Nowhere]\nsources:\n  - name: a\n    type: directory\n    path: content\n"
            .write(toFile: unknownPage, atomically: true, encoding: .utf8)
        let missing = try ProductProcess.run(["check", "--config", unknownPage])
        #expect(missing.status == 78)
        #expect(missing.stderr.contains("page \"Nowhere\" is not found"))
    }

    @Test func otherWorkspaceStateExits78() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: Alpha\n---\n\nFirst.\n")
        #expect(try ProductProcess.run(["sync", "--config", configPath]).status == 0)

        // A second client's configuration copied from the first, with its `state` left unchanged.
        let other = root.appendingPathComponent("contoso.yaml").path
        let text = """
            state: state/planable-sync.sqlite
            api: embedded
            workspace: Contoso Bakery
            pages: [Contoso Facebook]
            template: "{{title}}"
            delete_drafts: true
            sources:
              - name: posts
                type: directory
                path: content
            """
        try text.write(toFile: other, atomically: true, encoding: .utf8)
        let statePath = root.appendingPathComponent("state/planable-sync.sqlite").path
        for command in ["sync", "plan", "check"] {
            let result = try ProductProcess.run([command, "--config", other])
            #expect(result.status == 78, "\(command) exited with \(result.status): \(result.stderr)")
            let output = result.stdout + result.stderr
            #expect(output.contains(statePath), "\(command): \(output)")
            #expect(output.contains("belongs to workspace \"Northwind Coffee\""), "\(command): \(output)")
            #expect(output.contains("names workspace \"Contoso Bakery\""), "\(command): \(output)")
        }
        let check = try ProductProcess.run(["check", "--config", configPath])
        #expect(check.status == 0, "\(check.stdout)")
    }
}
