import Foundation
import TestSupport
import Testing

/// Runs one `sync` over a content folder and feeds full of hostile input beside ordinary items, and checks that
/// each bad input gets its own clear error, the good items still sync, and time and memory stay bounded.
@Suite(.serialized) struct HostileInputTests {
    static let gigabyte = 1 << 30

    @Test func hostileInputFailsAloneAndBounded() throws {
        let fixture = try ReferenceFixture(name: "hostile")
        let root = fixture.root
        for index in 0..<5 {
            try fixture.writeContent("good-\(index).md", "---\ntitle: Good \(index)\n---\n\nFine text \(index).\n")
        }
        // Tags inside a value are text: rendering never parses a value as a template.
        try fixture.writeContent(
            "tags-in-value.md", "---\ntitle: \"{{title}} {{#title}}{{/title}} {{> partial}}\"\n---\n\nBody.\n")
        try writeHostileFiles(in: root.appendingPathComponent("content"))

        let feeds = root.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        try Self.billionLaughs.write(to: feeds.appendingPathComponent("laughs.xml"), atomically: true, encoding: .utf8)
        let depth = 100_000
        let deep =
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Deep</title><item><title>Deep</title>"
            + "<description>" + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
            + "</description></item></channel></rss>"
        try deep.write(to: feeds.appendingPathComponent("deep.xml"), atomically: true, encoding: .utf8)
        let illformed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/feedparser/illformed/rss_unclosed_tag.xml")
        if FileManager.default.fileExists(atPath: illformed.path) {
            try FileManager.default.copyItem(at: illformed, to: feeds.appendingPathComponent("illformed.xml"))
        }
        let huge = try StreamingFeedServer(limitBytes: Self.gigabyte)
        try fixture.writeConfiguration(
            extra: """
                  - name: laughs
                    type: feed
                    url: file://\(feeds.path)/laughs.xml
                    backfill: 10
                  - name: deep
                    type: feed
                    url: file://\(feeds.path)/deep.xml
                    backfill: 10
                  - name: huge
                    type: feed
                    url: \(huge.url)
                    backfill: 10
                """)

        let started = Date()
        let running = try ProductProcess.start(
            ["sync", "--config", fixture.configPath, "--format", "json"], environment: fixture.environment)
        var peakKilobytes = 0
        while running.process.isRunning && Date().timeIntervalSince(started) < 120 {
            peakKilobytes = max(peakKilobytes, PeakMemory.kilobytes(pid: running.process.processIdentifier) ?? 0)
            Thread.sleep(forTimeInterval: 0.05)
        }
        if running.process.isRunning { running.killNow() }
        running.process.waitUntilExit()
        defer { running.removeOutput() }
        let seconds = Date().timeIntervalSince(started)
        print(
            "hostile input: sync took \(String(format: "%.1f", seconds)) s, peak \(peakKilobytes / 1024) MB, "
                + "huge feed server sent \(huge.bytesSent >> 20) MB")

        #expect(seconds < 60, "sync took \(seconds) s")
        #expect(peakKilobytes < 400 * 1024, "peak resident memory \(peakKilobytes) kB")
        #expect(huge.bytesSent < 256 << 20, "the fetcher read \(huge.bytesSent) bytes of the endless feed")
        #expect(
            running.process.terminationStatus == 65 || running.process.terminationStatus == 75,
            "exit \(running.process.terminationStatus): \(running.stderr().suffix(1500))")

        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(running.stdout().utf8)) as? [String: Any],
            "no JSON summary: \(running.stderr().suffix(1500))")
        let items = summary["items"] as? [[String: Any]] ?? []
        let errors = summary["errors"] as? [String] ?? []
        func decision(_ identity: String) -> (String, String) {
            let item = items.first { ($0["identity"] as? String) == identity }
            return (item?["decision"] as? String ?? "absent", item?["message"] as? String ?? "")
        }
        for index in 0..<5 {
            #expect(decision("good-\(index).md").0 == "create", "good-\(index).md: \(decision("good-\(index).md"))")
        }
        #expect(decision("tags-in-value.md").0 == "create")
        let texts = try fixture.posts().map(\.plainText)
        #expect(texts.contains { $0.hasPrefix("{{title}} {{#title}}{{/title}} {{> partial}}") }, "\(texts.prefix(3))")

        for (file, expected) in Self.expectedFileErrors {
            let (state, message) = decision(file)
            #expect(state == "failed", "\(file) was \(state)")
            #expect(message.contains(file), "\(file): the message does not name the file: \(message)")
            #expect(message.lowercased().contains(expected), "\(file): \(message)")
        }
        // A feed over the size limit is a failed item of its own, named by its URL, and other read failures are errors.
        let failedMessages = items.filter { ($0["decision"] as? String) == "failed" }.compactMap {
            $0["message"] as? String
        }
        let allErrors = (errors + failedMessages).joined(separator: "\n")
        #expect(allErrors.contains("feed huge") && allErrors.contains("larger than the limit"), "\(allErrors)")
        // The size limit is no temporary failure, so the message requests a smaller feed instead of a retry.
        #expect(allErrors.contains("every run fails until the feed is smaller"), "\(allErrors)")
        let laughsOrEntries =
            allErrors.contains("feed laughs") || items.contains { ($0["source"] as? String) == "laughs" }
        #expect(laughsOrEntries, "the entity bomb feed left no trace: \(allErrors)")
        let laughsTexts = texts.filter { $0.contains("lol") }
        #expect(laughsTexts.allSatisfy { $0.utf8.count < 100_000 }, "an entity bomb expanded into a post")
    }

    /// Failing files and a word their error must contain.
    static let expectedFileErrors: [(String, String)] = [
        ("binary.md", "binary"),
        ("invalid-utf8.md", "utf-8"),
        ("list-front-matter.md", "mapping"),
        ("scalar-front-matter.md", "mapping"),
        ("alias-bomb.md", "nodes"),
        ("deep-json.md", "nesting"),
        ("loop-a.md", "symlink loop"),
        ("loop-b.md", "symlink loop"),
    ]

    private func writeHostileFiles(in content: URL) throws {
        var binary: [UInt8] = Array("---\ntitle: Binary\n---\n".utf8)
        for index in 0..<4096 { binary.append(UInt8(truncatingIfNeeded: index &* 31)) }
        try Data(binary).write(to: content.appendingPathComponent("binary.md"))
        try Data(Array("---\ntitle: Bad bytes\n---\n\nText \u{1}".utf8) + [0xFF, 0xFE, 0xC3, 0x28])
            .write(to: content.appendingPathComponent("invalid-utf8.md"))
        try "---\n- one\n- two\n---\n\nBody.\n".write(
            to: content.appendingPathComponent("list-front-matter.md"), atomically: true, encoding: .utf8)
        try "---\njust a sentence\n---\n\nBody.\n".write(
            to: content.appendingPathComponent("scalar-front-matter.md"), atomically: true, encoding: .utf8)
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<9 {
            yaml += "a\(level): &a\(level) [\(Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", "))]\n"
        }
        try ("---\n" + yaml + "---\n\nBody.\n").write(
            to: content.appendingPathComponent("alias-bomb.md"), atomically: true, encoding: .utf8)
        let nested = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        try "{\"title\": \"Deep\", \"deep\": \(nested)}\n\nBody.\n".write(
            to: content.appendingPathComponent("deep-json.md"), atomically: true, encoding: .utf8)
        let manager = FileManager.default
        try manager.createSymbolicLink(
            atPath: content.appendingPathComponent("loop-a.md").path, withDestinationPath: "loop-b.md")
        try manager.createSymbolicLink(
            atPath: content.appendingPathComponent("loop-b.md").path, withDestinationPath: "loop-a.md")
        try manager.createDirectory(at: content.appendingPathComponent("nested"), withIntermediateDirectories: true)
        try manager.createSymbolicLink(
            atPath: content.appendingPathComponent("nested/up").path, withDestinationPath: "..")
    }

    /// Nine levels of ten references each: 10^9 "lol"s if a parser expanded them.
    static let billionLaughs = """
        <?xml version="1.0"?>
        <!DOCTYPE rss [
          <!ENTITY lol "lol">
          <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
          <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
          <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
          <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
          <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
          <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
          <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
          <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
          <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
        ]>
        <rss version="2.0"><channel><title>Laughs</title><link>https://example.com/</link>
        <item><title>Laughs</title><guid>laughs-1</guid><description>&lol9;</description></item>
        </channel></rss>
        """
}
