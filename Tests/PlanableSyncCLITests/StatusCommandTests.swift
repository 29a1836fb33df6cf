import Foundation
import TestSupport
import Testing

/// `status` lists the files and feeds that `sync` could not read, from the state database, in text and JSON.
@Suite(.serialized) struct StatusCommandTests {
    static let brokenFrontMatter = "---\ntitle: Bad\n  tags: [a, b\n---\n\nBody.\n"

    let root: URL
    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }
    var feedURL: URL { root.appendingPathComponent("feed.xml") }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-status-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        try writeConfiguration(sources: ["posts"])
    }

    /// Writes the configuration with the named sources: `posts`, a folder, and `news`, a feed file beside it.
    func writeConfiguration(sources: [String]) throws {
        var lines = [
            "state: state/planable-sync.sqlite", "api: embedded", "workspace: Northwind Coffee",
            "pages: [Northwind LinkedIn]", "template: \"{{title}}\"", "sources:",
        ]
        if sources.contains("posts") {
            lines += ["  - name: posts", "    type: directory", "    path: content"]
        }
        if sources.contains("news") {
            lines += ["  - name: news", "    type: feed", "    url: \(feedURL.absoluteString)"]
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: root.appendingPathComponent("content/\(name)"), atomically: true, encoding: .utf8)
    }

    func status(_ extra: [String] = []) throws -> String {
        let result = try ProductProcess.run(["status", "--config", configPath] + extra)
        #expect(result.status == 0, "status failed: \(result.stderr)")
        return result.stdout
    }

    func readFailures() throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(try status(["--format", "json"]).utf8))
        let summary = try #require(object as? [String: Any])
        return try #require(summary["readFailures"] as? [[String: Any]], "no readFailures array in \(summary.keys)")
    }

    @Test func textListsBrokenFileUntilFixed() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("good.md", "---\ntitle: Good\n---\n\nFine.\n")
        try write("bad.md", Self.brokenFrontMatter)
        let sync = try ProductProcess.run(["sync", "--config", configPath])
        #expect(sync.status == 65, "stderr: \(sync.stderr)")

        let text = try status()
        #expect(text.contains("Read failures (these files and feeds could not be read"), "\(text)")
        #expect(text.contains("  posts: bad.md:3:7\n"), "\(text)")
        #expect(text.contains("\n          invalid YAML front matter: "), "\(text)")
        #expect(text.contains("first seen 20"), "\(text)")
        #expect(text.contains(", last seen 20"), "\(text)")
        #expect(text.contains("1 item, 1 post, 0 items published, 1 read failure;"), "\(text)")
        #expect(text.contains(", page \"Northwind LinkedIn\" ("), "the page is named: \(text)")
        let json = try JSONSerialization.jsonObject(with: Data(try status(["--format", "json"]).utf8))
        let items = (json as? [String: Any])?["items"] as? [[String: Any]]
        let post = (items?.first?["posts"] as? [[String: Any]])?.first
        #expect(post?["pageName"] as? String == "Northwind LinkedIn", "\(post ?? [:])")

        try write("bad.md", "---\ntitle: Bad, fixed\n---\n\nBody.\n")
        let fixed = try ProductProcess.run(["sync", "--config", configPath])
        #expect(fixed.status == 0, "stderr: \(fixed.stderr)")
        let after = try status()
        #expect(!after.contains("Read failures"), "\(after)")
        #expect(after.contains("2 items, 2 posts, 0 items published; last completed run"), "\(after)")
    }

    @Test func textCountsFailedItems() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("good.md", "---\ntitle: Good\n---\n\nFine.\n")
        // LinkedIn takes at most 3,000 characters, so this item fails.
        try write("long.md", "---\ntitle: \(String(repeating: "word ", count: 700))\n---\n\nBody.\n")
        let sync = try ProductProcess.run(["sync", "--config", configPath])
        #expect(sync.status == 65, "stderr: \(sync.stderr)")

        let text = try status()
        #expect(text.contains("2 items, 1 post, 0 items published, 1 item failed;"), "\(text)")
    }

    @Test func jsonCarriesReadFailures() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("bad.md", Self.brokenFrontMatter)
        _ = try ProductProcess.run(["sync", "--config", configPath])

        let failures = try readFailures()
        #expect(failures.count == 1)
        let failure = try #require(failures.first)
        #expect(failure["source"] as? String == "posts")
        #expect(failure["location"] as? String == "bad.md")
        #expect(failure["entry"] == nil)
        #expect((failure["message"] as? String)?.contains("bad.md:3:") == true, "\(failure)")
        let first = try #require(failure["firstSeenAt"] as? String)
        #expect(failure["lastSeenAt"] as? String == first)
        #expect(failure["sourceConfigured"] as? Bool == true)

        try FileManager.default.removeItem(at: root.appendingPathComponent("content/bad.md"))
        _ = try ProductProcess.run(["sync", "--config", configPath])
        #expect(try readFailures().isEmpty)
    }

    /// A read failure shows its file, line and column once, in its heading, and the message without them.
    @Test func textShowsLocationOnce() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("broken.md", "---\ntitle: Broken\ndate: 2024-13-45\n---\n\nBody.\n")
        let sync = try ProductProcess.run(["sync", "--config", configPath])
        #expect(sync.status == 65, "stderr: \(sync.stderr)")

        let text = try status()
        #expect(
            text.contains("  posts: broken.md:3:7\n          invalid date \"2024-13-45\" in the front matter;"),
            "\(text)")
        #expect(text.components(separatedBy: "broken.md").count == 2, "the path appears once: \(text)")
        let failure = try #require(try readFailures().first)
        #expect(failure["location"] as? String == "broken.md")
        #expect((failure["message"] as? String)?.hasPrefix("posts: broken.md:3:7: invalid date") == true, "\(failure)")
    }

    /// A synced file that is deleted counts as removed in the sync summary, as `status` lists it. Its item stays,
    /// because its post stays in Planable.
    @Test func removedFileCountsAsRemoved() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("one.md", "---\ntitle: One\n---\n\nFirst.\n")
        try write("two.md", "---\ntitle: Two\n---\n\nSecond.\n")
        #expect(try ProductProcess.run(["sync", "--config", configPath]).status == 0)

        try FileManager.default.removeItem(at: root.appendingPathComponent("content/one.md"))
        let sync = try ProductProcess.run(["sync", "--config", configPath])
        #expect(sync.status == 0, "stderr: \(sync.stderr)")
        #expect(sync.stdout.contains("removed   posts/one.md \"One\"\n"), "\(sync.stdout)")
        #expect(sync.stdout.contains("removed from the source; its posts are left in Planable\n"), "\(sync.stdout)")
        #expect(sync.stdout.contains("unchanged 1, skipped 0, blocked 0, failed 0, removed 1;"), "\(sync.stdout)")
        #expect(try status().contains("removed   posts/one.md \"One\"\n"))

        try FileManager.default.removeItem(at: root.appendingPathComponent("content/two.md"))
        try write("three.md", "---\ntitle: Three\n---\n\nThird.\n")
        let json = try ProductProcess.run(["sync", "--config", configPath, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["removed"] as? Int == 1, "\(report)")
        #expect(report["skipped"] as? Int == 0, "\(report)")
        let item = (report["items"] as? [[String: Any]])?.first { $0["identity"] as? String == "two.md" }
        #expect(item?["decision"] as? String == "removed", "\(item ?? [:])")
    }

    /// A file that failed before it got a post leaves nothing in the state once deleted, and its removal does not
    /// claim that posts are left in Planable.
    @Test func removedFailedItemIsForgotten() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        // LinkedIn takes at most 3,000 characters.
        try write("long.md", "---\ntitle: \(String(repeating: "word ", count: 700))\n---\n\nToo long.\n")
        try write("good.md", "---\ntitle: Good\n---\n\nFine.\n")
        #expect(try ProductProcess.run(["sync", "--config", configPath]).status == 65)
        #expect(try status().contains("failed    posts/long.md"))

        try FileManager.default.removeItem(at: root.appendingPathComponent("content/long.md"))
        let sync = try ProductProcess.run(["sync", "--config", configPath])
        #expect(sync.status == 0, "stderr: \(sync.stderr)")
        #expect(sync.stdout.contains("removed   posts/long.md"), "\(sync.stdout)")
        #expect(sync.stdout.contains("removed from the source; it has no post, so the state no longer keeps it\n"))
        #expect(!sync.stdout.contains("left in Planable"), "\(sync.stdout)")
        #expect(!sync.stderr.contains("left in Planable"), "\(sync.stderr)")
        let after = try status()
        #expect(!after.contains("long.md"), "\(after)")
        #expect(after.contains("1 item, 1 post,"), "\(after)")
        let again = try ProductProcess.run(["sync", "--config", configPath])
        #expect(!again.stdout.contains("long.md"), "\(again.stdout)")
    }

    @Test func unparsableFeedShows() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try writeConfiguration(sources: ["news"])
        try "<html><body>Moved</body></html>".write(to: feedURL, atomically: true, encoding: .utf8)
        let sync = try ProductProcess.run(["sync", "--config", configPath])
        #expect(sync.status == 65, "stderr: \(sync.stderr)")

        let text = try status()
        #expect(text.contains("  news: \(feedURL.absoluteString)\n"), "\(text)")
        #expect(text.contains("cannot be read"), "\(text)")
        let failure = try #require(try readFailures().first)
        #expect(failure["location"] as? String == feedURL.absoluteString)
    }

    @Test func removedSourceIsMarkedThenForgotten() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("bad.md", Self.brokenFrontMatter)
        try "<html></html>".write(to: feedURL, atomically: true, encoding: .utf8)
        try writeConfiguration(sources: ["posts", "news"])
        _ = try ProductProcess.run(["sync", "--config", configPath])
        #expect(try readFailures().count == 2)

        try writeConfiguration(sources: ["news"])
        let text = try status()
        #expect(text.contains("  posts: bad.md:3:7 (source no longer in the configuration"), "\(text)")
        let marked = try readFailures()
        #expect(marked.first { $0["source"] as? String == "posts" }?["sourceConfigured"] as? Bool == false)
        #expect(marked.first { $0["source"] as? String == "news" }?["sourceConfigured"] as? Bool == true)

        _ = try ProductProcess.run(["sync", "--config", configPath])
        #expect(try readFailures().map { $0["source"] as? String } == ["news"])
    }

    /// A report option that a command does not write is rejected before the configuration is read, not ignored.
    @Test(arguments: [
        (["status", "--format", "html"], "status prints text or json, so it takes no --format html"),
        (["forget", "--output", "forget.txt", "posts/a.md"], "forget prints to standard output only"),
        (["post", "--output", "post.txt", "news/a"], "post prints to standard output only"),
    ])
    func unwrittenReportOptionRejected(arguments: [String], message: String) throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try ProductProcess.run(arguments + ["--config", configPath])
        #expect(result.status == 64, "\(arguments) exited with \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(arguments): \(result.stdout)")
    }

    /// Without `--config` and without a default file, every command names the files it looked for, and the
    /// message starts with no file name, because there is no file to name.
    @Test(
        .enabled(
            if: !FileManager.default.fileExists(atPath: "/etc/planable-sync/config.yaml"),
            "/etc/planable-sync/config.yaml exists, so the commands would load it"))
    func missingConfigurationNamesNoFile() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let empty = root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let expected =
            "planable-sync: no configuration found at /etc/planable-sync/config.yaml or ./planable-sync.yaml "
            + "(current folder "
        let commands = [["status"], ["sync"], ["plan"], ["check"], ["run"], ["forget", "posts/a.md"]]
        for arguments in commands {
            let result = try ProductProcess.run(arguments, currentDirectory: empty)
            #expect(result.status == 78, "\(arguments) exited with \(result.status): \(result.stderr)")
            #expect(result.stderr.hasPrefix(expected), "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasSuffix("); pass --config PATH\n"), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("planable-sync.yaml: "), "\(arguments): \(result.stderr)")
        }
        // A JSON report on standard output carries the same message.
        let json = try ProductProcess.run(["sync", "--format", "json"], currentDirectory: empty)
        let failure = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let message = try #require(failure["error"] as? String)
        #expect(message.hasPrefix("no configuration found at /etc/planable-sync/config.yaml"), "\(message)")
        #expect(failure["exitCode"] as? Int == 78)
    }
}
