import Foundation
import TestSupport
import Testing

/// A source folder, or a subfolder, that the sync's user may not read loses none of the items synced from it, even
/// with `delete_drafts: true`. Root passes every permission check, so the binary runs as user nobody when the tests
/// run as root, and every run of a test runs as that user, which then owns the state files.
@Suite(.serialized) struct UnreadableFolderTests {
    let root: URL
    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }
    var content: URL { root.appendingPathComponent("content") }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-unreadable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content/news"), withIntermediateDirectories: true)
        let state = root.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        chmod(state.path, 0o777)
        let configuration = """
            state: state/planable-sync.sqlite
            api: embedded
            workspace: Northwind Coffee
            pages: [Northwind LinkedIn]
            template: "{{title}}"
            delete_drafts: true
            sources:
              - name: posts
                type: directory
                path: content
            """
        try configuration.write(toFile: configPath, atomically: true, encoding: .utf8)
        for (name, title) in [("a.md", "Alpha"), ("news/b.md", "Beta")] {
            try "---\ntitle: \(title)\n---\n\nText of \(title).\n"
                .write(to: content.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    func cleanUp() {
        chmod(content.path, 0o755)
        chmod(content.appendingPathComponent("news").path, 0o755)
        try? FileManager.default.removeItem(at: root)
    }

    func run(_ arguments: [String]) throws -> ProductProcess.Result {
        try ProductProcess.run(arguments + ["--config", configPath], withoutRoot: true)
    }

    /// Returns each item's status and number of posts, by identity, from `status --format json`.
    func items() throws -> [String: (status: String, posts: Int)] {
        let result = try run(["status", "--format", "json"])
        #expect(result.status == 0, "status exited with \(result.status): \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let items = try #require(object?["items"] as? [[String: Any]], "\(result.stdout)")
        var byIdentity: [String: (status: String, posts: Int)] = [:]
        for item in items {
            guard let identity = item["identity"] as? String else { continue }
            byIdentity[identity] = (item["status"] as? String ?? "", (item["posts"] as? [Any])?.count ?? 0)
        }
        return byIdentity
    }

    /// The folder is left as it is, and the run exits with 75, as for a missing folder, so that systemd retries.
    /// The modes take away read permission, search permission, or both.
    @Test(arguments: [0o000, 0o311, 0o644] as [mode_t])
    func unreadableFolderRemovesNothing(mode: mode_t) throws {
        defer { cleanUp() }
        let first = try run(["sync"])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("sync: create 2,"), "\(first.stdout)")

        chmod(content.path, mode)
        let sync = try run(["sync"])
        let output = sync.stdout + sync.stderr
        let user = ProductProcess.userWithoutRoot
        #expect(sync.status == 75, "\(output)")
        #expect(
            sync.stdout.contains(
                "error     source \"posts\": user \(user) cannot read folder \(content.path) (Permission denied); "
                    + "give user \(user) read and search (r and x) permission on the folder, and search permission "
                    + "on each folder above it. Nothing was removed"),
            "\(sync.stdout)")
        #expect(!output.contains("allow_empty"), "\(output)")
        #expect(!output.contains("posts/."), "\(output)")
        #expect(sync.stdout.contains("sync: create 0, update 0, delete 0,"), "\(sync.stdout)")
        #expect(sync.stdout.contains("failed 0;"), "\(sync.stdout)")
        let kept = try items()
        #expect(kept["a.md"]?.status == "synced", "\(kept)")
        #expect(kept["a.md"]?.posts == 1, "\(kept)")
        #expect(kept["news/b.md"]?.status == "synced", "\(kept)")
        #expect(kept["news/b.md"]?.posts == 1, "\(kept)")

        chmod(content.path, 0o755)
        let restored = try run(["sync"])
        #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
        #expect(restored.stdout.contains("unchanged 2,"), "\(restored.stdout)")
        #expect(restored.stdout.contains(" read, 0 write"), "\(restored.stdout)")
        let status = try run(["status"])
        #expect(!status.stdout.contains("Read failures"), "the folder's failure is cleared: \(status.stdout)")
    }

    /// A subfolder that cannot be read keeps its items. When every file outside it is gone too, the folder counts
    /// as empty, so nothing is removed, and the error names the subfolder.
    @Test func unreadableSubfolderKeepsItsItems() throws {
        defer { cleanUp() }
        #expect(try run(["sync"]).status == 0)
        let news = content.appendingPathComponent("news")
        chmod(news.path, 0o000)

        let sync = try run(["sync"])
        #expect(sync.status == 65, "\(sync.stdout)\(sync.stderr)")
        #expect(sync.stdout.contains("failed    posts/news\n"), "\(sync.stdout)")
        #expect(sync.stdout.contains("cannot open the folder: Permission denied"), "\(sync.stdout)")
        #expect(sync.stdout.contains("delete 0, unchanged 1,"), "\(sync.stdout)")
        #expect(try items()["news/b.md"]?.status == "synced")

        try FileManager.default.removeItem(at: content.appendingPathComponent("a.md"))
        let removal = try run(["sync"])
        #expect(removal.status == 65, "\(removal.stdout)\(removal.stderr)")
        #expect(
            removal.stdout.contains(
                "error     source \"posts\": folder \(content.path) contains no file to sync outside news, which the "
                    + "scan could not read, but the state has 1 item from it, so nothing was removed."),
            "\(removal.stdout)")
        #expect(removal.stdout.contains("failed    posts/news\n"), "\(removal.stdout)")
        #expect(removal.stdout.contains("delete 0,"), "\(removal.stdout)")
        let kept = try items()
        #expect(kept["news/b.md"]?.status == "synced", "\(kept)")
        #expect(kept["news/b.md"]?.posts == 1, "\(kept)")
        #expect(kept["a.md"]?.status == "synced", "\(kept)")

        chmod(news.path, 0o755)
        let restored = try run(["sync"])
        #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
        #expect(restored.stdout.contains("delete    posts/a.md \"Alpha\"\n"), "\(restored.stdout)")
        #expect(restored.stdout.contains("create 0, update 0, delete 1, unchanged 1,"), "\(restored.stdout)")
    }
}
