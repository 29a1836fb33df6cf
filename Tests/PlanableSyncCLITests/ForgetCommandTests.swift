import Foundation
import PlanableAPI
import PlanableReference
import SQLite
import TestSupport
import Testing

/// `planable-sync forget` run as a subprocess on a folder source synced into the embedded server.
@Suite(.serialized) struct ForgetCommandTests {
    let root: URL
    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }
    var stateFolder: URL { root.appendingPathComponent("state") }
    var statePath: String { stateFolder.appendingPathComponent("planable-sync.sqlite").path }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-forget-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        try writeConfiguration()
        try write("a.md", "---\ntitle: Alpha\n---\n\nFirst.\n")
        try write("b.md", "---\ntitle: Beta\n---\n\nSecond.\n")
    }

    /// Writes the configuration: two pages, one template, and the given extra lines and source name.
    func writeConfiguration(extra: [String] = [], sourceName: String = "posts", path: String = "content") throws {
        let lines =
            [
                "state: state/planable-sync.sqlite", "api: embedded", "workspace: Northwind Coffee",
                "pages: [Northwind LinkedIn, Northwind X]", "template: \"{{title}}\"",
            ] + extra + ["sources:", "  - name: \(sourceName)", "    type: directory", "    path: \(path)"]
        try (lines.joined(separator: "\n") + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: root.appendingPathComponent("content/\(name)"), atomically: true, encoding: .utf8)
    }

    func run(_ command: String, _ extra: [String] = []) throws -> ProductProcess.Result {
        try ProductProcess.run([command, "--config", configPath] + extra)
    }

    /// Returns the items that `status --format json` lists, keyed by `source/identity`.
    func statusItems() throws -> [String: [String: Any]] {
        let result = try run("status", ["--format", "json"])
        #expect(result.status == 0, "status failed: \(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let items = try #require(summary["items"] as? [[String: Any]])
        var keyed: [String: [String: Any]] = [:]
        for item in items {
            keyed["\(item["source"] as? String ?? "")/\(item["identity"] as? String ?? "")"] = item
        }
        return keyed
    }

    func postIds(_ item: [String: Any]?) -> Set<String> {
        Set((item?["posts"] as? [[String: Any]] ?? []).compactMap { $0["postId"] as? String })
    }

    /// Runs `body` with a client of the embedded server's data, as Planable's web app would see it.
    func withPlanable<T>(_ body: (PlanableClient, String) throws -> T) throws -> T {
        try withEmbeddedPlanable(stateFolder: stateFolder, body)
    }

    func planablePostIds() throws -> Set<String> {
        try withPlanable { client, workspaceId in
            Set(try client.listPosts(workspaceId: workspaceId, limit: 100).items.map(\.id))
        }
    }

    /// The way out of a regrouped item: delete its posts in Planable, forget it, and sync creates the new groups.
    @Test func regroupedItemIsCreatedAgain() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        // Each sync polls the posts' status, so the one after the deletion finds them gone.
        try writeConfiguration(extra: ["status_interval: 0"])
        #expect(try run("sync").status == 0)
        try writeConfiguration(extra: ["status_interval: 0", "templates: {x: \"X: {{title}} {{url}}\"}"])
        let blocked = try run("sync")
        #expect(blocked.stdout.contains("blocked   posts/a.md \"Alpha\""), "\(blocked.stdout)")
        #expect(
            blocked.stdout.contains(
                "delete them in Planable, then run `planable-sync forget --config \(configPath) posts/a.md` to "
                    + "create the new grouping"),
            "\(blocked.stdout)")
        #expect(!blocked.stdout.contains("with `planable-sync status`"), "\(blocked.stdout)")

        let oldPosts = postIds(try statusItems()["posts/a.md"])
        #expect(oldPosts.count == 2)
        try withPlanable { client, _ in
            for id in oldPosts { try client.deletePost(id: id) }
        }
        let inPlanable = try planablePostIds()
        #expect(try run("sync").status == 0)
        let gone = try run("status").stdout
        for id in oldPosts {
            #expect(gone.contains("post \(id), page "), "\(gone)")
        }
        #expect(
            gone.components(separatedBy: ", deleted, approval NEVER_SENT, the post no longer exists in Planable\n")
                .count - 1 == 2, "\(gone)")

        let forget = try run("forget", ["posts/a.md"])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout.contains("posts/a.md \"Alpha\" (blocked)\n"), "\(forget.stdout)")
        for id in oldPosts {
            #expect(forget.stdout.contains("    post \(id), page \"Northwind"), "\(forget.stdout)")
        }
        #expect(
            forget.stdout.contains(
                "Removed from state database \(statePath): 1 item, 2 post records, 0 read failures, 0 pending creates."
            ), "\(forget.stdout)")
        #expect(forget.stdout.contains("The posts in Planable are left as they are"), "\(forget.stdout)")
        #expect(try planablePostIds() == inPlanable, "forget changed posts in Planable")
        let afterForget = try statusItems()
        #expect(afterForget["posts/a.md"] == nil, "status still lists the forgotten item")
        #expect(afterForget["posts/b.md"]?["status"] as? String == "blocked")

        let again = try run("sync", ["--format", "json"])
        #expect(again.status == 0, "\(again.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(report["created"] as? Int == 1, "\(again.stdout.prefix(800))")
        let recreated = try statusItems()["posts/a.md"]
        #expect(recreated?["status"] as? String == "synced")
        let newPosts = postIds(recreated)
        #expect(newPosts.count == 2)
        #expect(newPosts.isDisjoint(with: oldPosts))
        let texts = try withPlanable { client, workspaceId in
            try client.listPosts(workspaceId: workspaceId, limit: 100).items.filter { newPosts.contains($0.id) }
                .map(\.plainText).sorted()
        }
        #expect(texts.count == 2)
        #expect(texts.contains { $0.hasPrefix("X: Alpha") }, "\(texts)")
        #expect(texts.contains("Alpha"), "\(texts)")
    }

    /// A whole feed forgotten is read as a new feed, which posts no entry but its backfill, so the closing advice
    /// to delete the old posts is given only for a backfill.
    @Test(arguments: [0, 1])
    func forgottenFeedAdvice(backfill: Int) throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let feed = root.appendingPathComponent("feed.xml")
        try """
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
        <item><guid>urn:a</guid><title>Alpha</title><link>https://news.example/a</link></item>
        <item><guid>urn:b</guid><title>Beta</title><link>https://news.example/b</link></item>
        </channel></rss>
        """.write(to: feed, atomically: true, encoding: .utf8)
        let lines = [
            "state: state/planable-sync.sqlite", "api: embedded", "workspace: Northwind Coffee",
            "pages: [Northwind LinkedIn]", "template: \"{{title}}\"", "sources:", "  - name: news", "    type: feed",
            "    url: \(feed.absoluteString)", "    backfill: \(backfill)",
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        let sync = try run("sync")
        #expect(sync.status == 0, "\(sync.stderr)")

        let forget = try run("forget", ["--source", "news"])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout.contains("reads its feed as a new feed"), "\(forget.stdout)")
        #expect(!forget.stdout.contains("creates new posts for each forgotten item"), "\(forget.stdout)")
        #expect(forget.stdout.contains("creates new posts for the entries of the backfill") == (backfill > 0))
    }

    @Test func dryRunChangesNothing() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try run("sync").status == 0)
        let before = try statusItems()

        let dryRun = try run("forget", ["--dry-run", "posts/a.md", "posts/b.md"])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("posts/a.md \"Alpha\" (synced)\n"), "\(dryRun.stdout)")
        #expect(dryRun.stdout.contains("posts/b.md \"Beta\" (synced)\n"), "\(dryRun.stdout)")
        #expect(
            dryRun.stdout.contains(
                "Would remove from state database \(statePath): 2 items, 4 post records, 0 read failures, "
                    + "0 pending creates. Nothing was changed (--dry-run)."), "\(dryRun.stdout)")
        let after = try statusItems()
        #expect(after.keys.sorted() == before.keys.sorted())
        #expect(postIds(after["posts/a.md"]) == postIds(before["posts/a.md"]))
        #expect(try run("sync", ["--format", "json"]).stdout.contains("\"created\" : 0"))

        // A published post, as a status poll records it, is named published once.
        let database = try SQLiteDatabase(path: statePath)
        _ = try database.run("UPDATE posts SET status = 'published', published = 1 WHERE identity = 'a.md'")
        let published = try run("forget", ["--dry-run", "posts/a.md"])
        #expect(published.stdout.contains(", published\n"), "\(published.stdout)")
        #expect(!published.stdout.contains("published, published"), "\(published.stdout)")
    }

    /// A configuration copied from another client's, whose `state` still names that client's file, cannot
    /// forget or post that client's items. The state records another workspace, which `forget` and `post` check
    /// without the API.
    @Test func otherWorkspacesStateIsRejected() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try run("sync").status == 0)
        let own = try String(contentsOfFile: configPath, encoding: .utf8)
        try own.replacingOccurrences(of: "workspace: Northwind Coffee", with: "workspace: Contoso Bakery")
            .write(toFile: configPath, atomically: true, encoding: .utf8)

        for (command, arguments) in [("forget", ["--source", "posts"]), ("post", ["posts/a.md"])] {
            let result = try run(command, arguments)
            #expect(result.status == 78, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("belongs to workspace \"Northwind Coffee\""), "\(command): \(result.stderr)")
            #expect(
                result.stderr.contains("names workspace \"Contoso Bakery\", so nothing was changed"),
                "\(command): \(result.stderr)")
        }
        try own.write(toFile: configPath, atomically: true, encoding: .utf8)
        #expect(try statusItems()["posts/a.md"] != nil, "the other workspace's forget removed an item")
    }

    @Test func unknownItemExits64() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try run("sync").status == 0)

        let unknown = try run("forget", ["posts/a.md", "posts/missing.md"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("has no item \"posts/missing.md\""), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("`planable-sync status`"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("such as posts/a.md,"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("Nothing was removed"), "\(unknown.stderr)")
        #expect(try statusItems()["posts/a.md"] != nil, "a known item was removed with an unknown one")

        let noSource = try run("forget", ["a.md"])
        #expect(noSource.status == 64, "an id without its source was accepted")
        let unknownSource = try run("forget", ["--source", "blog"])
        #expect(unknownSource.status == 64)
        #expect(unknownSource.stderr.contains("no record of source \"blog\""), "\(unknownSource.stderr)")
        #expect(unknownSource.stderr.contains("its sources are \"posts\""), "\(unknownSource.stderr)")
        let nothing = try run("forget")
        #expect(nothing.status == 64)
        #expect(nothing.stderr.contains("SOURCE/ITEM_ID"), "\(nothing.stderr)")
    }

    @Test func heldLockExits75() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try run("sync").status == 0)
        // Hold the lock as a running daemon does: flock on the file beside the database.
        let descriptor = open(statePath + ".lock", O_RDWR | O_CREAT, 0o600)
        #expect(descriptor >= 0)
        #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        defer { close(descriptor) }

        let held = try run("forget", ["posts/a.md"])
        #expect(held.status == 75)
        #expect(held.stderr.contains("stop the daemon or wait for the sync to finish"), "\(held.stderr)")
        #expect(try statusItems()["posts/a.md"] != nil, "forget removed an item while the lock was held")

        flock(descriptor, LOCK_UN)
        #expect(try run("forget", ["posts/a.md"]).status == 0)
        #expect(try statusItems()["posts/a.md"] == nil)
    }

    /// A source removed from the configuration on purpose: the warning names the command, which drops its items
    /// and read failures.
    @Test func removedSourceIsDropped() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("bad.md", "---\ntitle: Bad\n  tags: [a, b\n---\n\nBody.\n")
        #expect(try run("sync").status == 65)
        let inPlanable = try planablePostIds()
        // A new source on another folder replaces the old one; on the same folder it would be a rename.
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("other"), withIntermediateDirectories: true)
        try writeConfiguration(sourceName: "blog", path: "other")
        let plan = try run("plan")
        #expect(
            plan.stderr.contains("2 synced items of source \"posts\", which the configuration no longer lists"),
            "\(plan.stderr)")
        #expect(
            plan.stderr.contains("to drop them, run `planable-sync forget --config \(configPath) --source posts`"),
            "\(plan.stderr)")
        // The report carries it too, for a reader of standard output only, such as a cron mail.
        #expect(
            plan.stdout.contains("2 synced items of source \"posts\", which the configuration no longer lists"),
            "\(plan.stdout)")

        let forget = try run("forget", ["--source", "posts"])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout.contains("read failure posts: bad.md\n"), "\(forget.stdout)")
        #expect(
            forget.stdout.contains("2 items, 4 post records, 1 read failure, 0 pending creates."), "\(forget.stdout)")
        #expect(try statusItems().isEmpty)
        let status = try run("status")
        #expect(!status.stdout.contains("Read failures"), "\(status.stdout)")
        #expect(try planablePostIds() == inPlanable, "forget changed posts in Planable")
        let after = try run("plan")
        #expect(!after.stderr.contains("which the configuration no longer lists"), "\(after.stderr)")
    }
}
