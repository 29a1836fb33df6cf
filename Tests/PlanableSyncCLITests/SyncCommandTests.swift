import Foundation
import PlanableReference
import SyncEngine
import TestSupport
import Testing

@Suite(.serialized) struct SyncCommandTests {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("planable-sync-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
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
        try configuration.write(
            to: root.appendingPathComponent("planable-sync.yaml"), atomically: true, encoding: .utf8)
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

    /// A process logs a broken file's error once, also when an earlier process stored it, as the daemon before a
    /// restart or the last cron run did, so that each process's log shows the problem.
    @Test func storedReadFailureIsLoggedByNextProcess() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("bad.md", "---\ntitle: Bad\n  tags: [a, b\n---\n\nBody.\n")
        for run in 1...2 {
            let result = try ProductProcess.run(["sync", "--config", configPath])
            #expect(result.status == 65, "run \(run): \(result.stderr)")
            let errors = result.stderr.split(separator: "\n").filter {
                $0.contains("error") && $0.contains("item read failed")
            }
            #expect(errors.count == 1, "run \(run): \(result.stderr)")
        }
    }

    /// A file moved out of the folder in one sync and back to another path in a later one keeps its posts, as a
    /// rename within one sync does, while its removed item still has them.
    @Test func fileBackAtAnotherPathKeepsPosts() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("one.md", "---\ntitle: One\n---\n\nMoved twice.\n")
        try write("two.md", "---\ntitle: Two\n---\n\nStays.\n")
        let first = try summary(try ProductProcess.run(["sync", "--config", configPath, "--format", "json"]))
        #expect(first["created"] as? Int == 2)
        let content = root.appendingPathComponent("content")
        let outside = root.appendingPathComponent("one.md.away")
        try FileManager.default.moveItem(at: content.appendingPathComponent("one.md"), to: outside)
        let removed = try summary(try ProductProcess.run(["sync", "--config", configPath, "--format", "json"]))
        #expect(removed["removed"] as? Int == 1, "\(removed)")

        try FileManager.default.createDirectory(
            at: content.appendingPathComponent("archive"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: outside, to: content.appendingPathComponent("archive/one.md"))
        let plan = try summary(try ProductProcess.run(["plan", "--config", configPath, "--format", "json"]))
        #expect(plan["created"] as? Int == 0, "\(plan)")
        let back = try ProductProcess.run(["sync", "--config", configPath, "--format", "json"])
        let json = try summary(back)
        #expect(json["created"] as? Int == 0, "\(back.stdout)\(back.stderr)")
        #expect((json["requests"] as? [String: Int])?["write"] == 0, "\(json)")
        let status = try ProductProcess.run(["status", "--config", configPath])
        #expect(status.stdout.contains("archive/one.md"), "\(status.stdout)")
        #expect(!status.stdout.contains("posts/one.md "), "\(status.stdout)")
    }

    /// A page's own URL in its front matter wins over the source's `link` template: an absolute one as written,
    /// and a path with the template's scheme and host.
    @Test func frontMatterURLWinsOverLinkTemplate() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let configuration = try String(contentsOfFile: configPath, encoding: .utf8)
        try configuration.replacingOccurrences(
            of: #"template: "{{title}}\n\n{{summary}}""#, with: #"template: "{{url}}""#
        )
        .replacingOccurrences(
            of: "    path: content", with: "    path: content\n    link: \"https://site.example/posts/{{path}}/\""
        )
        .write(toFile: configPath, atomically: true, encoding: .utf8)
        try write("plain.md", "---\ntitle: Plain\n---\n\nBody.\n")
        try write("custom.md", "---\ntitle: Custom\nurl: /custom/path/\n---\n\nBody.\n")
        try write("elsewhere.md", "---\ntitle: Elsewhere\nurl: https://other.example/page/\n---\n\nBody.\n")
        try write("pattern.md", "---\ntitle: Pattern\npermalink: /:categories/:title/\n---\n\nBody.\n")

        let plan = try summary(try ProductProcess.run(["plan", "--config", configPath, "--format", "json"]))
        let items = try #require(plan["items"] as? [[String: Any]])
        let texts = items.compactMap { ($0["posts"] as? [[String: Any]])?.first?["text"] as? String }.sorted()
        #expect(
            texts == [
                "https://other.example/page/", "https://site.example/custom/path/",
                "https://site.example/posts/pattern/", "https://site.example/posts/plain/",
            ])
    }

    /// A file back at its own path keeps its posts, and a copy of it at another path is new, not the removed
    /// item.
    @Test func fileBackWithCopyKeepsPostsApart() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: A\n---\n\nSame text.\n")
        try write("keep.md", "---\ntitle: Keep\n---\n\nStays.\n")
        _ = try summary(try ProductProcess.run(["sync", "--config", configPath, "--format", "json"]))
        let content = root.appendingPathComponent("content")
        let away = root.appendingPathComponent("a.md.away")
        try FileManager.default.moveItem(at: content.appendingPathComponent("a.md"), to: away)
        _ = try summary(try ProductProcess.run(["sync", "--config", configPath, "--format", "json"]))
        try FileManager.default.copyItem(at: away, to: content.appendingPathComponent("b.md"))
        try FileManager.default.moveItem(at: away, to: content.appendingPathComponent("a.md"))

        let plan = try summary(try ProductProcess.run(["plan", "--config", configPath, "--format", "json"]))
        #expect(plan["created"] as? Int == 1, "\(plan)")
        let sync = try summary(try ProductProcess.run(["sync", "--config", configPath, "--format", "json"]))
        let items = try #require(sync["items"] as? [[String: Any]])
        let created = items.filter { $0["decision"] as? String == "create" }.compactMap { $0["identity"] as? String }
        #expect(created == ["b.md"], "\(items)")
    }

    /// On a site with a time zone, `date.day` is the day of a date and time there, as the site's URL has it, while
    /// a date without a time keeps its day.
    @Test func dateKeysFollowSiteTimeZone() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try "title: Blog\ntimezone: Europe/Berlin\n".write(
            to: root.appendingPathComponent("_config.yml"), atomically: true, encoding: .utf8)
        let configuration = try String(contentsOfFile: configPath, encoding: .utf8)
        try configuration.replacingOccurrences(
            of: #"template: "{{title}}\n\n{{summary}}""#,
            with: #"template: "{{title}} {{date.year}}/{{date.month}}/{{date.day}}""#
        ).write(toFile: configPath, atomically: true, encoding: .utf8)
        try write("2024-03-01-early.md", "---\ntitle: Early\ndate: 2024-03-01 00:30:00\n---\n\nBody.\n")
        try write("2024-03-02-day.md", "---\ntitle: Day\ndate: 2024-03-02\n---\n\nBody.\n")

        let plan = try summary(try ProductProcess.run(["plan", "--config", configPath, "--format", "json"]))
        let items = try #require(plan["items"] as? [[String: Any]])
        let texts = items.compactMap { ($0["posts"] as? [[String: Any]])?.first?["text"] as? String }.sorted()
        #expect(texts == ["Day 2024/03/02", "Early 2024/03/01"], "\(plan)")
    }

    /// A feed source renamed with its URL changed in the same edit is not recognized. The warning names what
    /// happens to its entries and the order of edits that avoids it.
    @Test func renamedFeedWithNewURLWarnsOfBackfill() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let feed = """
            <?xml version="1.0"?>
            <rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
            <item><guid>https://news.example/a</guid><title>Alpha</title><description>One</description></item>
            </channel></rss>
            """
        try feed.write(to: root.appendingPathComponent("feed.xml"), atomically: true, encoding: .utf8)
        try feed.write(to: root.appendingPathComponent("moved.xml"), atomically: true, encoding: .utf8)
        let configuration = try String(contentsOfFile: configPath, encoding: .utf8)
        try (configuration + "\n  - {name: news, type: feed, url: feed.xml, backfill: 1}\n")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        _ = try ProductProcess.run(["sync", "--config", configPath])
        try (configuration + "\n  - {name: news2, type: feed, url: moved.xml, backfill: 1}\n")
            .write(toFile: configPath, atomically: true, encoding: .utf8)

        let check = try ProductProcess.run(["check", "--config", configPath])
        #expect(
            check.stdout.contains("the feed's newest entries, as many as its backfill, are posted again"),
            "\(check.stdout)")
        #expect(check.stdout.contains("change the URL in one sync and the name in the next"), "\(check.stdout)")
    }

    @Test func jsonSummaryHasRequestCounts() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: Alpha\n---\n\nFirst.\n")
        let first = try summary(try ProductProcess.run(["sync", "--config", configPath, "--format", "json"]))
        let requests = try #require(first["requests"] as? [String: Int])
        #expect(requests["write"] == 1)
        for key in ["created", "updated", "deleted", "unchanged", "skipped", "blocked", "failed"] {
            #expect(first[key] is Int, "missing \(key)")
        }
        let second = try summary(try ProductProcess.run(["sync", "--config", configPath, "--format", "json"]))
        #expect((second["requests"] as? [String: Int])?["write"] == 0)
    }

    /// A sync's text report lists no post text, but it lists each warning of a post it wrote, such as a schedule
    /// in the past. It also lists a feed's warning that its entries link to local files.
    @Test func textReportListsWarnings() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("late.md", "---\ntitle: Late\nplanable:\n  schedule: \"2020-01-02 09:00\"\n---\n\nBody.\n")
        try """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
          <title>Export</title><id>urn:export</id><updated>2026-01-01T00:00:00Z</updated>
          <entry><title>Relative</title><id>urn:rel</id><updated>2026-01-01T00:00:00Z</updated>
            <link href="/posts/rel/"/><summary>Text.</summary></entry>
        </feed>
        """.write(to: root.appendingPathComponent("atom.xml"), atomically: true, encoding: .utf8)
        let configuration = try String(contentsOfFile: configPath, encoding: .utf8)
        try (configuration + "\n  - {name: export, type: feed, url: atom.xml, backfill: 1}\n")
            .write(toFile: configPath, atomically: true, encoding: .utf8)

        let result = try ProductProcess.run(["sync", "--config", configPath])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let late = try #require(lines.firstIndex { $0.hasPrefix("create") && $0.contains("posts/late.md") })
        #expect(lines[late + 1].contains("! front matter planable.schedule"), "\(result.stdout)")
        #expect(lines[late + 1].contains("is in the past"), "\(result.stdout)")
        #expect(
            lines.contains { $0.hasPrefix("warning   feed export: 1 entry links to a local file") },
            "\(result.stdout)")
    }

    /// `date.iso` gives the date and time in the workspace's time zone, with its offset, so that a date without a
    /// time shows the day written, and `date.day` agrees with it. Northwind Coffee is in America/New_York.
    @Test func dateISOIsInWorkspaceZone() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let configuration = try String(contentsOfFile: configPath, encoding: .utf8)
        try configuration.replacingOccurrences(
            of: #"template: "{{title}}\n\n{{summary}}""#,
            with: #"template: "{{title}} {{date.iso}} {{date.year}}-{{date.month}}-{{date.day}}""#
        ).write(toFile: configPath, atomically: true, encoding: .utf8)
        try write("day.md", "---\ntitle: Day\ndate: 2027-01-01\n---\n\nBody.\n")
        try write("summer.md", "---\ntitle: Summer\ndate: 2026-07-15T18:30:00+02:00\n---\n\nBody.\n")
        // Jekyll builds a post's URL from its front matter date when it has one, not from the file name's.
        try write(
            "2019-08-19-release.md", "---\ntitle: Release\ndate: 2019-08-20 10:00:00 -0500\n---\n\nBody.\n")
        try write("2019-08-21-named.md", "---\ntitle: Named\n---\n\nBody.\n")

        let plan = try summary(try ProductProcess.run(["plan", "--config", configPath, "--format", "json"]))
        let items = try #require(plan["items"] as? [[String: Any]])
        let texts = items.compactMap { ($0["posts"] as? [[String: Any]])?.first?["text"] as? String }.sorted()
        #expect(
            texts == [
                "Day 2027-01-01T00:00:00.000-05:00 2027-01-01", "Named 2019-08-21T00:00:00.000-04:00 2019-08-21",
                "Release 2019-08-20T11:00:00.000-04:00 2019-08-20", "Summer 2026-07-15T12:30:00.000-04:00 2026-07-15",
            ])
    }

    @Test func heldLockExits75() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: Alpha\n---\n\nFirst.\n")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("state"), withIntermediateDirectories: true)
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
        for arguments in [["help"], ["--help"], ["-h"], ["help", "--help"]] {
            let result = try ProductProcess.run(arguments)
            #expect(result.status == 0, "\(arguments) exited with \(result.status)")
            #expect(result.stdout.hasPrefix("planable-sync: feeds content folders"), "\(arguments)")
            #expect(result.stdout.hasSuffix("configuration error.\n"), "\(arguments): \(result.stdout.suffix(80))")
        }
        // The general help sends readers of the reference command to its own help, which lists its options and
        // exit codes in the format of the other commands' help.
        let reference = try ProductProcess.run(["reference", "--help"])
        #expect(reference.status == 0, "reference --help exited with \(reference.status)")
        #expect(reference.stdout.hasPrefix("Usage: planable-sync reference --listen"), "\(reference.stdout.prefix(80))")
        #expect(reference.stdout.contains("--offline-media"))
        for code in ["0 stopped by SIGTERM or SIGINT", "64 usage error", "69 ", "75 ", "78 "] {
            #expect(reference.stdout.contains(code), "reference --help does not list exit code \(code)")
        }
        let referenceHelp = try ProductProcess.run(["help", "reference"])
        #expect(referenceHelp.status == 0)
        #expect(referenceHelp.stdout == reference.stdout)
    }

    /// Each command's own options, which its help must list.
    static let commandOptions: [String: [String]] = [
        "sync": ["--config", "--format", "--output", "--log-level", "--rebuild-state", "--dry-run", "Exit codes:"],
        "plan": ["--config", "--format", "--output", "--log-level", "html", "Exit codes:"],
        "status": ["--config", "--format", "--output", "--log-level", "Exit codes:"],
        "forget": ["--config", "--source", "--dry-run", "SOURCE/ITEM_ID", "Exit codes:"],
        "run": ["--config", "--log-level", "SIGHUP", "Exit codes:"],
        "check": ["--config", "--log-level", "Exit codes:"],
        "feed": ["feed inspect PATH_OR_URL", "--format", "Exit codes:"],
        "reference": [
            "--listen", "--database", "--seed", "--offline-media", "--allow-loopback-media", "Options:", "Exit codes:",
        ],
    ]

    @Test func commandHelpIsItsOwn() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let general = try ProductProcess.run(["help"]).stdout
        for (command, options) in Self.commandOptions.sorted(by: { $0.key < $1.key }) {
            for flag in ["--help", "-h"] {
                let result = try ProductProcess.run([command, flag])
                #expect(result.status == 0, "\(command) \(flag) exited with \(result.status): \(result.stderr)")
                #expect(result.stdout.hasPrefix("Usage: planable-sync \(command)"), "\(command) \(flag)")
                #expect(result.stdout != general, "\(command) \(flag) printed the general help")
                #expect(result.stderr.isEmpty, "\(command) \(flag): \(result.stderr)")
                for option in options {
                    #expect(result.stdout.contains(option), "\(command) \(flag) does not mention \(option)")
                }
            }
            let viaHelp = try ProductProcess.run(["help", command])
            #expect(viaHelp.status == 0, "help \(command) exited with \(viaHelp.status)")
            #expect(viaHelp.stdout == (try ProductProcess.run([command, "--help"])).stdout, "help \(command)")
        }
    }

    /// A usage error of `reference` points to its help, which lists every option, instead of repeating it.
    @Test func referenceUsageErrorPointsToHelp() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try ProductProcess.run(["reference", "--bogus"])
        #expect(result.status == 64)
        #expect(
            result.stderr
                == "planable-sync reference: unknown argument --bogus\n"
                + "Run `planable-sync reference --help` for its options.\n",
            "\(result.stderr)")
    }

    /// `feed` alone has one subcommand, so every way of asking for its help prints that of `feed inspect`.
    @Test func feedHelpWorks() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let expected = try ProductProcess.run(["help", "feed"]).stdout
        #expect(expected.hasPrefix("Usage: planable-sync feed inspect PATH_OR_URL [--format json|text]"))
        for arguments in [["feed", "--help"], ["feed", "-h"], ["feed", "help"], ["feed", "inspect", "--help"]] {
            let result = try ProductProcess.run(arguments)
            #expect(result.status == 0, "\(arguments) exited with \(result.status): \(result.stderr)")
            #expect(result.stdout == expected, "\(arguments)")
        }
        let unknown = try ProductProcess.run(["help", "fed"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("unknown command \"fed\""), "\(unknown.stderr)")
    }

    /// A dry run writes nothing, so it cannot rebuild the state. The message names the options that were typed.
    @Test func rebuildStateRejectsDryRun() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let sync = try ProductProcess.run(["sync", "--config", configPath, "--rebuild-state", "--dry-run"])
        #expect(sync.status == 64, "\(sync.stderr)")
        #expect(sync.stderr.contains("--rebuild-state cannot be combined with --dry-run"), "\(sync.stderr)")
        #expect(!sync.stderr.contains("not plan"), "\(sync.stderr)")
        let plan = try ProductProcess.run(["plan", "--config", configPath, "--rebuild-state"])
        #expect(plan.status == 64, "\(plan.stderr)")
        #expect(plan.stderr.contains("--rebuild-state is for sync, not plan"), "\(plan.stderr)")
    }

    @Test func versionOptionPrintsVersion() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try ProductProcess.run(["--version"])
        #expect(result.status == 0, "--version exited with \(result.status): \(result.stderr)")
        let pattern = #/planable-sync [0-9]+\.[0-9]+\.[0-9]+\n/#
        #expect(result.stdout.wholeMatch(of: pattern) != nil, "\(result.stdout)")
        #expect(result.stderr.isEmpty)
    }

    /// Foundation's path methods crash on a path of one character, which once made every command crash.
    @Test func oneCharacterConfigurationName() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(atPath: configPath, toPath: root.appendingPathComponent("c").path)
        let result = try ProductProcess.run(["plan", "--config", "c"], currentDirectory: root)
        #expect(result.status == 0, "exit \(result.status): \(result.stderr.suffix(400))")
    }

    /// A state path below a regular file cannot hold the lock file, which a retry does not fix, so sync exits
    /// with 78, a configuration error, instead of 75, which would make systemd restart it again and again.
    @Test func stateBelowFileIsConfigurationError() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try "not a folder".write(to: root.appendingPathComponent("plain"), atomically: true, encoding: .utf8)
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
            .replacingOccurrences(of: "state: state/planable-sync.sqlite", with: "state: plain/sync.sqlite")
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
        let result = try ProductProcess.run(["sync", "--config", configPath])
        #expect(result.status == 78, "exit \(result.status): \(result.stderr.suffix(300))")
        #expect(result.stderr.contains("cannot create the lock file"), "\(result.stderr.suffix(300))")
        #expect(result.stderr.contains("change the state setting"), "\(result.stderr.suffix(300))")
    }

    /// A state path that names a folder is a configuration error, for every command, and never a crash.
    @Test func stateFolderPathIsConfigurationError() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
            .replacingOccurrences(of: "state: state/planable-sync.sqlite", with: "state: content")
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
        for command in ["status", "plan", "sync"] {
            let result = try ProductProcess.run([command, "--config", configPath])
            #expect(result.status == 78, "\(command) exited with \(result.status): \(result.stderr.suffix(300))")
            #expect(result.stderr.contains("state setting name a file"), "\(command): \(result.stderr.suffix(300))")
        }
    }

    /// An --output path that cannot be written stops the sync before it sends anything.
    @Test func unwritableOutputStopsBeforeSync() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: Alpha\n---\n\nBody.\n")
        let output = root.appendingPathComponent("missing/report.txt").path
        let result = try ProductProcess.run(["sync", "--config", configPath, "--output", output])
        #expect(result.status == 64, "exit \(result.status): \(result.stderr.suffix(300))")
        #expect(result.stderr.contains("cannot write --output"), "\(result.stderr.suffix(300))")
        let again = try ProductProcess.run(["sync", "--config", configPath, "--format", "json"])
        #expect(again.stdout.contains("\"created\" : 1"), "\(again.stdout.prefix(300))")
    }

    /// `status` checks its --output path as `sync` does: a missing folder or a folder given as the file is a usage
    /// error (64) that names the path, not a raw error with exit 70.
    @Test func statusRejectsUnwritableOutput() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: Alpha\n---\n\nBody.\n")
        _ = try ProductProcess.run(["sync", "--config", configPath])
        let missing = root.appendingPathComponent("missing/status.txt").path
        let result = try ProductProcess.run(["status", "--config", configPath, "--output", missing])
        #expect(result.status == 64, "exit \(result.status): \(result.stderr.suffix(300))")
        #expect(result.stderr.contains("cannot write --output \(missing)"), "\(result.stderr.suffix(300))")
        let folder = try ProductProcess.run(["status", "--config", configPath, "--output", root.path])
        #expect(folder.status == 64, "exit \(folder.status): \(folder.stderr.suffix(300))")
        #expect(folder.stderr.contains("it is a folder"), "\(folder.stderr.suffix(300))")
    }

    /// A run that fails leaves the last report in the --output file, instead of an empty file.
    @Test func failedRunKeepsOutput() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: Alpha\n---\n\nBody.\n")
        let output = root.appendingPathComponent("report.json").path
        let first = try ProductProcess.run(["sync", "--config", configPath, "--format", "json", "--output", output])
        #expect(first.status == 0, "\(first.stderr.suffix(300))")
        let report = try String(contentsOfFile: output, encoding: .utf8)
        #expect(report.contains("\"created\" : 1"), "\(report.prefix(300))")

        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        try text.replacingOccurrences(of: "Northwind X]", with: "Nowhere]")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let failed = try ProductProcess.run(["sync", "--config", configPath, "--format", "json", "--output", output])
        #expect(failed.status == 78, "\(failed.stderr.suffix(300))")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == report)
    }

    /// A standard list written as a variable tag fails every item, so check reports it as an error.
    @Test func checkRejectsListVariable() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        try text.replacingOccurrences(of: "{{summary}}\"", with: "{{summary}} {{categories}}\"")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let result = try ProductProcess.run(["check", "--config", configPath])
        #expect(result.status == 78, "\(result.stdout)")
        #expect(result.stdout.contains("template uses {{categories}}, which is a list"), "\(result.stdout)")
    }

    /// A reference server started on the embedded database holds it, which a run reports as temporary, exit 75.
    @Test func embeddedDatabaseInUseExits75() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: Alpha\n---\n\nBody.\n")
        #expect(try ProductProcess.run(["sync", "--config", configPath]).status == 0)
        var options = ReferenceServerOptions(databasePath: root.appendingPathComponent("state/reference.sqlite").path)
        options.exclusiveDatabase = true
        let server = try ReferenceServer(options: options)
        defer { server.stop() }
        let result = try ProductProcess.run(["plan", "--config", configPath])
        #expect(result.status == 75, "\(result.stderr.suffix(300))")
        #expect(result.stderr.contains("another process holds the embedded server's database"), "\(result.stderr)")

        // A sync that fails this way, before its pass begins, shows in status too.
        #expect(try ProductProcess.run(["sync", "--config", configPath]).status == 75)
        let status = try ProductProcess.run(["status", "--config", configPath])
        #expect(status.stdout.contains("The last run failed at "), "\(status.stdout)")
        #expect(status.stdout.contains("another process holds the embedded server's database"), "\(status.stdout)")
    }

    /// A plan without a state file, in a workspace that has posts, names the configured state file in its warning,
    /// not the empty database in memory that replaces it for the plan.
    @Test func adoptionPreviewNamesStateFile() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: Alpha\n---\n\nBody.\n")
        #expect(try ProductProcess.run(["sync", "--config", configPath]).status == 0)
        let statePath = root.appendingPathComponent("state/planable-sync.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: statePath + suffix) }

        let result = try ProductProcess.run(["plan", "--config", configPath])
        #expect(result.status == 0, "\(result.stderr.suffix(300))")
        let warning = try #require(
            result.stderr.split(separator: "\n").first { $0.contains("state database is new") }, "\(result.stderr)")
        #expect(warning.contains("state.path=\(statePath)"), "\(warning)")
        #expect(!FileManager.default.fileExists(atPath: statePath), "plan created the state file")
    }

    /// --output takes a device such as /dev/stdout, which is written in place.
    @Test func outputToDevice() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: Alpha\n---\n\nBody.\n")
        let result = try ProductProcess.run(
            ["plan", "--config", configPath, "--format", "json", "--output", "/dev/stdout"])
        #expect(result.status == 0, "\(result.stderr.suffix(300))")
        #expect(try summary(result)["created"] as? Int == 1, "\(result.stdout.prefix(300))")
    }

    /// status shows the failure of the last run, until a run completes.
    @Test func statusShowsFailedRun() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: Alpha\n---\n\nBody.\n")
        #expect(try ProductProcess.run(["sync", "--config", configPath]).status == 0)
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        try text.replacingOccurrences(of: "Northwind X]", with: "Nowhere]")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        #expect(try ProductProcess.run(["sync", "--config", configPath]).status == 78)
        // A JSON report on standard output carries the error.
        let jsonFailure = try ProductProcess.run(["sync", "--config", configPath, "--format", "json"])
        #expect(jsonFailure.status == 78)
        let failure = try summary(jsonFailure)
        #expect(failure["exitCode"] as? Int == 78, "\(jsonFailure.stdout)")
        let error = failure["error"] as? String ?? ""
        #expect(error.contains("page \"Nowhere\" is not found"), "\(jsonFailure.stdout)")

        let failed = try ProductProcess.run(["status", "--config", configPath])
        #expect(failed.stdout.contains("The last run failed at "), "\(failed.stdout)")
        #expect(failed.stdout.contains("page \"Nowhere\" is not found"), "\(failed.stdout)")
        let json = try ProductProcess.run(["status", "--config", configPath, "--format", "json"])
        #expect(json.stdout.contains("\"lastFailure\" : {"), "\(json.stdout.suffix(400))")

        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
        #expect(try ProductProcess.run(["sync", "--config", configPath]).status == 0)
        let fixed = try ProductProcess.run(["status", "--config", configPath])
        #expect(!fixed.stdout.contains("failed at"), "\(fixed.stdout)")
        #expect(fixed.stdout.contains("; last completed run "), "\(fixed.stdout)")
    }

    /// status before any sync reports that no state exists yet, and creates no state file.
    @Test func statusBeforeSyncCreatesNothing() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try ProductProcess.run(["status", "--config", configPath])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("0 items: no state database at "), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("state").path))
        let json = try ProductProcess.run(["status", "--config", configPath, "--format", "json"])
        #expect(json.stdout.contains("\"items\" : ["), "\(json.stdout)")
    }

    /// A plan before the first sync lists every item as a create and leaves the state file missing.
    @Test func planBeforeSyncCreatesNoState() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: Alpha\n---\n\nFirst.\n")
        let plan = try ProductProcess.run(["plan", "--config", configPath, "--format", "json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(try summary(plan)["created"] as? Int == 1, "\(plan.stdout.prefix(400))")
        let statePath = root.appendingPathComponent("state/planable-sync.sqlite").path
        #expect(!FileManager.default.fileExists(atPath: statePath))

        #expect(try ProductProcess.run(["sync", "--config", configPath]).status == 0)
        let again = try ProductProcess.run(["plan", "--config", configPath, "--format", "json"])
        #expect(try summary(again)["created"] as? Int == 0, "\(again.stdout.prefix(400))")
    }

    /// A create whose response was lost is listed by its item, in text and JSON, until a sync reads it back.
    @Test func statusNamesPendingCreate() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: Alpha\n---\n\nBody.\n")
        #expect(try ProductProcess.run(["sync", "--config", configPath]).status == 0)
        let state = try StateStore(path: root.appendingPathComponent("state/planable-sync.sqlite").path)
        _ = try state.recordIntent(
            source: "posts", identity: "lost.md", groupKey: "page", workspaceId: "workspace", pageIds: ["page"],
            text: "Lost", payloadHash: "hash", at: Date(timeIntervalSince1970: 1_800_000_000))

        let text = try ProductProcess.run(["status", "--config", configPath]).stdout
        #expect(text.contains("Creates awaiting read-back"), "\(text)")
        #expect(text.contains("  posts/lost.md, started 2027-01-15T08:00:00"), "\(text)")
        let json = try ProductProcess.run(["status", "--config", configPath, "--format", "json"]).stdout
        #expect(json.contains("\"identity\" : \"lost.md\""), "\(json.suffix(400))")
    }

    @Test func checkValidatesConfiguration() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let good = try ProductProcess.run(["check", "--config", configPath])
        #expect(good.status == 0, "check failed: \(good.stderr)")
        #expect(good.stdout.contains("page \"Northwind X\": found, x, connected"))
        // Before the first sync, a check reports the missing state file and does not create it.
        let statePath = root.appendingPathComponent("state/planable-sync.sqlite").path
        #expect(good.stdout.contains("state \(statePath): does not exist yet"), "\(good.stdout)")
        #expect(!FileManager.default.fileExists(atPath: statePath))
        try write("a.md", "---\ntitle: Alpha\n---\n\nFirst.\n")
        #expect(try ProductProcess.run(["sync", "--config", configPath]).status == 0)
        let synced = try ProductProcess.run(["check", "--config", configPath])
        #expect(synced.stdout.contains("state \(statePath): belongs to this workspace"), "\(synced.stdout)")

        let broken = root.appendingPathComponent("broken.yaml").path
        try "workspace: Northwind Coffee\npages: [Northwind X]\nsources:\n  - name: a\n    type: folder\nnotify: 2\n"
            .write(toFile: broken, atomically: true, encoding: .utf8)
        // Every problem of a configuration that does not load is listed on standard output, as check's others are.
        let bad = try ProductProcess.run(["check", "--config", broken])
        #expect(bad.status == 78)
        #expect(bad.stdout.contains("broken.yaml:5:11: unknown source type \"folder\""), "stdout: \(bad.stdout)")
        #expect(bad.stdout.contains("broken.yaml:6:9: \"notify\" must be true or false"), "stdout: \(bad.stdout)")
        #expect(bad.stderr.contains("check of \(broken) found 2 problems"), "stderr: \(bad.stderr)")
        #expect(bad.stdout.contains("pages, labels, campaigns and sources: not checked"), "stdout: \(bad.stdout)")

        let unknownPage = root.appendingPathComponent("page.yaml").path
        try
            "state: s/x.sqlite\nworkspace: Northwind Coffee\npages: [Nowhere]\nsources:\n  - name: a\n    type: directory\n    path: content\n"
            .write(toFile: unknownPage, atomically: true, encoding: .utf8)
        let missing = try ProductProcess.run(["check", "--config", unknownPage])
        #expect(missing.status == 78)
        #expect(missing.stdout.contains("page \"Nowhere\": not found in workspace"), "\(missing.stdout)")
        #expect(missing.stderr.contains("check of \(unknownPage) found 1 problem"), "\(missing.stderr)")
    }

    /// A source renamed in the configuration keeps its items: the sync moves them to the new name, and plan and
    /// check report it. A source removed for good is only warned about.
    @Test func renamedSourceKeepsItsItems() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("a.md", "---\ntitle: A\n---\n\nText.\n")
        // A file that fails, here on X's limit, is recorded without a post, and its record moves too.
        try write("b.md", "---\ntitle: \(String(repeating: "b", count: 300))\n---\n\nText.\n")
        let first = try ProductProcess.run(["sync", "--config", configPath])
        #expect(first.status == 65, "\(first.stderr)")
        let original = try String(contentsOfFile: configPath, encoding: .utf8)
        try original.replacingOccurrences(of: "name: posts", with: "name: blog")
            .write(toFile: configPath, atomically: true, encoding: .utf8)

        let check = try ProductProcess.run(["check", "--config", configPath])
        #expect(check.stdout.contains("source \"blog\": takes over the items of source \"posts\""), "\(check.stdout)")
        let plan = try ProductProcess.run(["plan", "--config", configPath, "--format", "json"])
        #expect(try summary(plan)["created"] as? Int == 0, "\(plan.stdout.prefix(400))")
        #expect(try summary(plan)["unchanged"] as? Int == 1)
        let sync = try ProductProcess.run(["sync", "--config", configPath, "--format", "json"])
        #expect(try summary(sync)["created"] as? Int == 0, "\(sync.stderr)")
        #expect(sync.stderr.contains("source was renamed in the configuration"), "\(sync.stderr)")
        #expect(sync.stderr.contains(" items=2"), "\(sync.stderr)")
        let status = try ProductProcess.run(["status", "--config", configPath])
        #expect(status.stdout.contains("blog/a.md"), "\(status.stdout)")

        // A source pointed at another folder is a different source, so the old one is only warned about.
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("other"), withIntermediateDirectories: true)
        try original.replacingOccurrences(of: "name: posts", with: "name: notes")
            .replacingOccurrences(of: "path: content", with: "path: other")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let moved = try ProductProcess.run(["check", "--config", configPath])
        #expect(moved.stdout.contains("1 synced item of source \"blog\", which the configuration no longer lists"))
        #expect(!moved.stdout.contains("takes over"), "\(moved.stdout)")
    }

    /// A source split in two by `include` on the same folder hands each item to the source that takes its file.
    @Test func splitSourceKeepsEachItem() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        for folder in ["en", "de"] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("content/\(folder)"), withIntermediateDirectories: true)
        }
        try write("en/a.md", "---\ntitle: English\n---\n\nText.\n")
        try write("de/b.md", "---\ntitle: Deutsch\n---\n\nText.\n")
        #expect(try ProductProcess.run(["sync", "--config", configPath]).status == 0)
        let split = try String(contentsOfFile: configPath, encoding: .utf8).replacingOccurrences(
            of: "  - name: posts\n    type: directory\n    path: content",
            with: """
                  - name: posts-en
                    type: directory
                    path: content
                    include: ["en/**"]
                  - name: posts-de
                    type: directory
                    path: content
                    include: ["de/**"]
                """)
        try split.write(toFile: configPath, atomically: true, encoding: .utf8)

        let plan = try ProductProcess.run(["plan", "--config", configPath, "--format", "json"])
        #expect(try summary(plan)["created"] as? Int == 0, "\(plan.stdout.prefix(600))")
        let sync = try ProductProcess.run(["sync", "--config", configPath, "--format", "json"])
        #expect(try summary(sync)["created"] as? Int == 0, "\(sync.stderr)")
        #expect(try summary(sync)["deleted"] as? Int == 0)
        let status = try ProductProcess.run(["status", "--config", configPath]).stdout
        #expect(status.contains("posts-en/en/a.md"), "\(status)")
        #expect(status.contains("posts-de/de/b.md"), "\(status)")
    }

    /// A warning of a written post reaches the log once, so cron and journald see it; an unchanged rerun is quiet.
    @Test func postWarningsAreLoggedOnce() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("old.md", "---\ntitle: Old\nplanable: {schedule: \"2020-01-01 09:00\"}\n---\n\nText.\n")
        let first = try ProductProcess.run(["sync", "--config", configPath, "--log-level", "warning"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("item written with a warning"), "\(first.stderr)")
        #expect(first.stderr.contains("planable.schedule 2020-01-01"), "\(first.stderr)")
        let again = try ProductProcess.run(["sync", "--config", configPath, "--log-level", "warning"])
        #expect(!again.stderr.contains("item written with a warning"), "\(again.stderr)")
    }

    /// The text report of `sync` lists an unchanged item that carries a message, such as a feed entry whose link
    /// changed and whose draft moved to its new key, while its text, which leaves out the link, stayed the same. It
    /// leaves out the other unchanged items.
    @Test func textReportListsUnchangedItemsWithMessages() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        func writeFeed(query: String) throws {
            let items = (1...2).map { number in
                "<item><title>Entry \(number)</title><link>https://n.example/\(number)\(number == 1 ? query : "")"
                    + "</link><pubDate>Mon, 0\(number) Jun 2026 09:00:00 GMT</pubDate></item>"
            }
            let rss = """
                <?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>https://n.example/</link>
                \(items.joined())</channel></rss>
                """
            try rss.write(to: root.appendingPathComponent("news.xml"), atomically: true, encoding: .utf8)
        }
        try writeFeed(query: "")
        let configuration = """
            state: state/planable-sync.sqlite
            api: embedded
            workspace: Northwind Coffee
            pages: [Northwind LinkedIn]
            template: "{{title}}"
            sources:
              - {name: news, type: feed, url: news.xml, backfill: 2}
            """
        let path = root.appendingPathComponent("feeds.yaml").path
        try configuration.write(toFile: path, atomically: true, encoding: .utf8)
        let first = try ProductProcess.run(["sync", "--config", path])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("create 2"), "\(first.stdout)")

        try writeFeed(query: "?page=moved")
        let moved = try ProductProcess.run(["sync", "--config", path])
        #expect(moved.status == 0, "\(moved.stdout)\(moved.stderr)")
        #expect(moved.stdout.contains("unchanged news/link:http://n.example/1?page=moved"), "\(moved.stdout)")
        #expect(moved.stdout.contains("its key changed from link:http://n.example/1"), "\(moved.stdout)")
        #expect(!moved.stdout.contains("news/link:http://n.example/2"), "\(moved.stdout)")
        #expect(moved.stdout.contains("create 0"), "\(moved.stdout)")
    }

    /// The log's last line counts the feed entries that a first read recorded without a post, so that a log reader
    /// sees why the feed made no posts.
    @Test func runFinishedLineCountsBaselinedEntries() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let rss = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>https://n.example/</link>
            <item><title>One</title><link>https://n.example/1</link><guid>1</guid></item>
            <item><title>Two</title><link>https://n.example/2</link><guid>2</guid></item></channel></rss>
            """
        try rss.write(to: root.appendingPathComponent("news.xml"), atomically: true, encoding: .utf8)
        let configuration = """
            state: state/planable-sync.sqlite
            api: embedded
            workspace: Northwind Coffee
            pages: [Northwind LinkedIn]
            template: "{{title}}"
            sources:
              - {name: news, type: feed, url: news.xml, backfill: 1}
            """
        let path = root.appendingPathComponent("feeds.yaml").path
        try configuration.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try ProductProcess.run(["sync", "--config", path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let finished = run.stderr.split(separator: "\n").first { $0.contains("run finished") } ?? ""
        #expect(finished.contains(" baselined=1"), "\(run.stderr)")
        #expect(finished.contains(" created=1 "), "\(finished)")
    }

    /// `check` reads the feeds at once, as a sync does, and warns of a poll_interval that the daemon raises. Feed a's
    /// response waits for feed b's request and is 503 after 10 s without it.
    @Test func checkReadsFeedsAtOnce() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let arrived = LockedValue(Set<String>())
        let feeds = try LoopbackHTTPServer { request in
            arrived.withLock { _ = $0.insert(request.path) }
            if request.path == "/a.xml" {
                let deadline = Date().addingTimeInterval(10)
                while !arrived.withLock({ $0.contains("/b.xml") }) {
                    guard Date() < deadline else { return .init(status: 503) }
                    Thread.sleep(forTimeInterval: 0.01)
                }
            }
            let rss = """
                <?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>https://n.example/</link>
                <item><title>One</title><link>https://n.example/1</link><guid>1</guid></item></channel></rss>
                """
            return .init(status: 200, headers: [("Content-Type", "application/rss+xml")], body: Array(rss.utf8))
        }
        defer { feeds.stop() }
        let configuration = """
            state: state/planable-sync.sqlite
            api: embedded
            workspace: Northwind Coffee
            pages: [Northwind LinkedIn]
            template: "{{title}}"
            sources:
              - {name: a, type: feed, url: "\(feeds.baseURL)/a.xml", poll_interval: 5}
              - {name: b, type: feed, url: "\(feeds.baseURL)/b.xml"}
            """
        let path = root.appendingPathComponent("feeds.yaml").path
        try configuration.write(toFile: path, atomically: true, encoding: .utf8)
        let check = try ProductProcess.run(["check", "--config", path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(
            check.stdout.contains("source \"a\": feed \(feeds.baseURL)/a.xml read, rss20, 1 entry"), "\(check.stdout)")
        #expect(
            check.stdout.contains("warning: source \"a\": poll_interval 5 is below the minimum of 10 seconds"),
            "\(check.stdout)")
        #expect(!check.stdout.contains("source \"b\": poll_interval"), "\(check.stdout)")
    }

    /// `check` reads each feed once and warns of template variables that only some front matter could define.
    @Test func checkReadsFeedsAndWarnsOfTemplateVariables() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let rss = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>https://n.example/</link>
            <item><title>One</title><link>https://n.example/1</link><guid>1</guid></item></channel></rss>
            """
        try rss.write(to: root.appendingPathComponent("news.xml"), atomically: true, encoding: .utf8)
        try "not a feed".write(to: root.appendingPathComponent("broken.xml"), atomically: true, encoding: .utf8)
        let configuration = """
            state: state/planable-sync.sqlite
            api: embedded
            workspace: Northwind Coffee
            pages: [Northwind LinkedIn]
            template: "{{titel}} {{#image}}{{image}}{{/image}} {{customer}}"
            sources:
              - {name: posts, type: directory, path: content}
              - {name: news, type: feed, url: news.xml}
            """
        let path = root.appendingPathComponent("feeds.yaml").path
        try configuration.write(toFile: path, atomically: true, encoding: .utf8)
        let good = try ProductProcess.run(["check", "--config", path])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("source \"news\": feed file://\(root.path)/news.xml read, rss20, 1 entry"))
        #expect(good.stdout.contains("template uses {{titel}}"), "\(good.stdout)")
        #expect(good.stdout.contains("did you mean {{title}}?"), "\(good.stdout)")
        #expect(good.stdout.contains("template uses {{customer}}"), "\(good.stdout)")
        #expect(!good.stdout.contains("{{image}}, which"), "a variable inside its own section is guarded")

        try configuration.replacingOccurrences(of: "news.xml", with: "broken.xml")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let bad = try ProductProcess.run(["check", "--config", path])
        #expect(bad.status == 65, "a document that is not a feed is bad data, as in sync")
        #expect(bad.stdout.contains("broken.xml is not a feed planable-sync can read"), "\(bad.stdout)")
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
              - name: bakery
                type: directory
                path: bakery
            """
        try text.write(toFile: other, atomically: true, encoding: .utf8)
        let bakery = root.appendingPathComponent("bakery")
        try FileManager.default.createDirectory(at: bakery, withIntermediateDirectories: true)
        try "---\ntitle: Bread\n---\n\nBread.\n".write(
            to: bakery.appendingPathComponent("bread.md"), atomically: true, encoding: .utf8)
        let statePath = root.appendingPathComponent("state/planable-sync.sqlite").path
        for command in ["sync", "plan", "check"] {
            let result = try ProductProcess.run([command, "--config", other])
            #expect(result.status == 78, "\(command) exited with \(result.status): \(result.stderr)")
            let output = result.stdout + result.stderr
            #expect(output.contains(statePath), "\(command): \(output)")
            #expect(output.contains("belongs to workspace \"Northwind Coffee\""), "\(command): \(output)")
            #expect(output.contains("names workspace \"Contoso Bakery\""), "\(command): \(output)")
            // Its sources are another client's, so no advice to forget them comes before the error.
            #expect(!output.contains("no longer lists"), "\(command): \(output)")
        }
        let check = try ProductProcess.run(["check", "--config", configPath])
        #expect(check.status == 0, "\(check.stdout)")
    }
}
