import Foundation
import TestSupport
import Testing

/// `planable-sync plan --format html --output FILE` on a small tree, run as a subprocess, and the file it writes
/// rendered in headless Chromium.
///
/// Chromium comes from the Debian package `chromium` (`PLANABLE_SYNC_TEST_EXTRAS=1 scripts/install-deps`); without
/// it the rendering test is skipped and reported as skipped.
@Suite(.serialized) struct PlanHTMLTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// A folder with three posts (one too long for X) and a configuration for four networks.
    static func makeTree() throws -> (root: URL, config: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-html-\(UUID().uuidString)")
        let content = root.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        let posts = [
            (
                "opening.md", "New roastery opens", "tags: [coffee, news]",
                "Our second roastery opens on Friday in Brooklyn."
            ),
            (
                "beans.md", "Single origin beans", "tags: [coffee]",
                "Three new single origin beans from Ethiopia and Peru."
            ),
            ("long.md", "A long read", "", String(repeating: "Every cup starts with a bean. ", count: 20)),
        ]
        for (name, title, frontMatter, body) in posts {
            try "---\ntitle: \(title)\n\(frontMatter)\n---\n\n\(body)\n"
                .write(to: content.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let config = root.appendingPathComponent("planable-sync.yaml").path
        try """
        state: state/planable-sync.sqlite
        api: embedded
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn, Northwind Facebook, Northwind X, Northwind Threads]
        template: "{{title}}\\n\\n{{summary}} {{tags}}"
        sources:
          - name: posts
            type: directory
            path: content
        """.write(toFile: config, atomically: true, encoding: .utf8)
        return (root, config)
    }

    @Test func planWritesASelfContainedPage() throws {
        let (root, config) = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("plan.html")
        let result = try ProductProcess.run(["plan", "--config", config, "--format", "html", "--output", output.path])
        // One item breaks X's limit, so the plan exits 65 and still writes the page.
        #expect(result.status == 65, "stderr: \(result.stderr)")
        let html = try String(contentsOf: output, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for text in [
            "New roastery opens", "Single origin beans", "Northwind Threads", "long.md", "X allows at most 280",
        ] {
            #expect(html.contains(text), "the page lacks \(text)")
        }
        // The failed item comes first, before beans.md, which sorts before it by path.
        let failed = try #require(html.range(of: "posts/long.md"))
        let created = try #require(html.range(of: "posts/beans.md"))
        #expect(failed.lowerBound < created.lowerBound)
        // Self-contained: no script, style sheet or image is loaded from elsewhere.
        for reference in ["<script src", "<link rel=\"stylesheet\"", "src=\"http", "@import"] {
            #expect(!html.contains(reference), "the page refers to \(reference)")
        }
    }

    @Test func summaryCountsUnlistedUnchangedItems() throws {
        let (root, config) = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let sync = try ProductProcess.run(["sync", "--config", config])
        #expect(sync.status == 65, "stderr: \(sync.stderr)")
        let output = root.appendingPathComponent("plan.html")
        let text = try ProductProcess.run(["plan", "--config", config])
        #expect(text.stdout.contains("unchanged 2"), "text plan: \(text.stdout)")
        _ = try ProductProcess.run(["plan", "--config", config, "--format", "html", "--output", output.path])
        let html = try String(contentsOf: output, encoding: .utf8)
        #expect(html.contains("<span class=\"n\">2</span> unchanged"))
        #expect(html.contains("<span class=\"n\">1</span> failed"))
        #expect(html.contains(" · 3 items · "))
        #expect(html.contains("read request"))
        #expect(html.contains("no write was sent"))
        #expect(!html.contains("no request was sent"))
        #expect(!html.contains("No source items were found."))
        #expect(html.contains("2 unchanged items are counted above but not listed."))
    }

    /// A dry run sends no write, so its page counts what the sync would create and update, as the text plan does.
    @Test func dryRunSummarySaysWould() throws {
        let (root, config) = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("plan.html")
        _ = try ProductProcess.run(
            ["sync", "--dry-run", "--config", config, "--format", "html", "--output", output.path])
        let html = try String(contentsOf: output, encoding: .utf8)
        #expect(html.contains("<span class=\"n\">2</span> would create</li>"), "\(html.prefix(3000))")
        #expect(html.contains("<span class=\"n\">0</span> would update</li>"))
        #expect(html.contains("<span class=\"n\">0</span> would delete</li>"))
        #expect(!html.contains("</span> created</li>"), "the plan says created")

        _ = try ProductProcess.run(["sync", "--config", config])
        let edited = root.appendingPathComponent("content/beans.md")
        try "---\ntitle: Single origin beans, restocked\n---\n\nBack in stock.\n"
            .write(to: edited, atomically: true, encoding: .utf8)
        _ = try ProductProcess.run(["plan", "--config", config, "--format", "html", "--output", output.path])
        let update = try String(contentsOf: output, encoding: .utf8)
        #expect(update.contains("<span class=\"n\">1</span> would update</li>"), "\(update.prefix(3000))")
        #expect(update.contains("<span class=\"n\">0</span> would create</li>"))
        #expect(!update.contains("</span> updated</li>"), "the plan says updated")
    }

    /// A feed's first run records its entries without posting them. The page counts them as baselined, apart
    /// from the items that a rule or front matter skips, as the text and JSON plans do.
    @Test func baselinedEntriesAreNotSkipped() throws {
        let (root, config) = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        try "---\ntitle: Draft\nplanable: {skip: true}\n---\n\nNot yet.\n"
            .write(to: root.appendingPathComponent("content/draft.md"), atomically: true, encoding: .utf8)
        let entries = (1...3).map { number in
            "<item><guid>entry-\(number)</guid><title>Entry \(number)</title>"
                + "<link>https://news.northwind.example/\(number)</link><description>Entry \(number).</description>"
                + "<pubDate>0\(number) Nov 2026 09:00:00 GMT</pubDate></item>"
        }
        try """
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>News</title><link>https://news.northwind.example/</link>
        \(entries.joined(separator: "\n"))
        </channel></rss>
        """.write(to: root.appendingPathComponent("feed.xml"), atomically: true, encoding: .utf8)
        let configuration = try String(contentsOfFile: config, encoding: .utf8)
        try (configuration + "\n  - name: news\n    type: feed\n    url: feed.xml\n")
            .write(toFile: config, atomically: true, encoding: .utf8)

        let json = try ProductProcess.run(["plan", "--config", config, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["skipped"] as? Int == 1, "stderr: \(json.stderr.suffix(400))")
        #expect(report["baselined"] as? Int == 3)
        let text = try ProductProcess.run(["plan", "--config", config])
        #expect(text.stdout.contains("skipped 1, "), "\(text.stdout.suffix(300))")
        #expect(text.stdout.contains(", baselined 3;"), "\(text.stdout.suffix(300))")

        let output = root.appendingPathComponent("plan.html")
        _ = try ProductProcess.run(["plan", "--config", config, "--format", "html", "--output", output.path])
        let html = try String(contentsOf: output, encoding: .utf8)
        #expect(html.contains("<li class=\"count d-skip\"><span class=\"n\">1</span> skipped</li>"))
        #expect(html.contains("<li class=\"count d-baselined\"><span class=\"n\">3</span> baselined</li>"))
        #expect(html.components(separatedBy: "<span class=\"badge\">baselined</span>").count - 1 == 3)
        #expect(html.components(separatedBy: "<span class=\"badge\">skip</span>").count - 1 == 1)
        #expect(html.contains(".d-baselined {"), "the style sheet has no colour for baselined entries")
        #expect(html.contains(" · 7 items · "))
    }

    @Test(.enabled(if: chromium != nil, "the Debian package chromium is not installed"))
    func theWrittenPageRendersInChromium() throws {
        let (root, config) = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let page = root.appendingPathComponent("plan.html")
        _ = try ProductProcess.run(["plan", "--config", config, "--format", "html", "--output", page.path])
        let blank = root.appendingPathComponent("blank.html")
        try "<!DOCTYPE html><html><body></body></html>".write(to: blank, atomically: true, encoding: .utf8)

        let planPNG = try screenshot(of: page, in: root, name: "plan")
        let blankPNG = try screenshot(of: blank, in: root, name: "blank")
        let bytes = [UInt8](planPNG.prefix(24))
        try #require(bytes.count == 24, "the screenshot has \(planPNG.count) bytes")
        #expect(bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "the screenshot is not a PNG file")
        let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1200)
        #expect(height == 1400)
        // A blank page compresses to a few kilobytes; cards, text and network colours take far more.
        #expect(planPNG.count > blankPNG.count * 10, "plan \(planPNG.count) bytes, blank page \(blankPNG.count) bytes")
        if let copy = ProcessInfo.processInfo.environment["PLANABLE_SYNC_CLI_PREVIEW_PNG"] {
            try planPNG.write(to: URL(fileURLWithPath: copy))
        }
    }

    /// Runs Chromium on `page` with no network (a proxy on a closed loopback port) and returns the PNG's bytes.
    private func screenshot(of page: URL, in folder: URL, name: String) throws -> Data {
        let output = folder.appendingPathComponent("\(name).png")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.chromium))
        process.arguments = [
            "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--no-first-run",
            "--proxy-server=127.0.0.1:9", "--disable-background-networking", "--disable-component-update",
            "--user-data-dir=\(folder.appendingPathComponent("profile-\(name)").path)",
            "--screenshot=\(output.path)", "--window-size=1200,1400", page.absoluteString,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            process.terminate()
            Issue.record("chromium did not finish within 120 seconds")
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "chromium exited with status \(process.terminationStatus)")
        return try Data(contentsOf: output)
    }
}
