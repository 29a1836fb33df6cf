import Foundation
import Testing

@testable import SyncEngine

/// The log of a new state's first pass in a workspace that has posts: its counts match what the run does, and
/// a plain sync does not claim a rebuild.
@Suite(.serialized) struct AdoptionSummaryTests {
    /// A post whose title was edited since it was created is linked to its item by the URL that the source's
    /// `link` gives, when the state database is lost, as it is by a URL in the front matter.
    @Test func linksByLinkTemplateURL() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn", "Northwind Facebook"], sourceSettings: "link: \"https://s.example/{{path}}/\""
        )
        defer { workspace.remove() }
        try ConfigurationChangeTests.editConfiguration(
            workspace, replacing: "  {{summary}}\n", with: "  {{summary}}\n\n  {{url}}\n")
        try workspace.writePost("p1.md", title: "Roast notes", body: "A new roast.")
        try workspace.writePost("p2.md", title: "Brew guide", body: "How to brew.")
        #expect(try workspace.run(.apply).created == 2)
        try workspace.writePost("p2.md", title: "Brew guide, revised", body: "How to brew.")
        workspace.deleteState()

        let logs = LogCapture()
        let report = try workspace.run(.apply, logger: logs.logger)
        #expect(report.created == 0, "\(report.items.map { ($0.identity, $0.decision, $0.message ?? "") })")
        let linked = logs.entries(startingWith: "linked an item to a post whose text differs")
        let edited = try #require(linked.first { $0["item.id"] == "p2.md" }, "\(linked)")
        #expect(edited["linked.by"] == "url", "\(edited)")
    }

    @Test func countsMatchTheRun() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook"])
        defer { workspace.remove() }
        let feedPath = workspace.root.appendingPathComponent("feed.xml")
        try workspace.writePost("a.md", title: "Alpha", body: "First post.")
        try workspace.writePost("b.md", title: "Beta", body: "Second post.")
        #expect(try workspace.run(.apply).created == 2)
        workspace.deleteState()

        // The new configuration adds a feed of 8 entries, of which its first run posts the newest.
        let items = (1...8).reversed().map { number in
            """
            <item><guid isPermaLink="false">entry-\(number)</guid><title>Entry \(number)</title>
            <link>https://news.example/\(number)</link><description>Body of entry \(number)</description>
            <pubDate>\(String(format: "%02d", number)) Nov 2026 09:00:00 GMT</pubDate></item>
            """
        }
        try """
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
        \(items.joined(separator: "\n"))
        </channel></rss>
        """.write(to: feedPath, atomically: true, encoding: .utf8)
        let configuration = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        try (configuration + "\n  - name: news\n    type: feed\n    url: \(feedPath.absoluteString)\n    backfill: 1\n")
            .write(toFile: workspace.configPath, atomically: true, encoding: .utf8)

        let planLogs = LogCapture()
        let plan = try workspace.run(.plan, logger: planLogs.logger)
        #expect(plan.created == 1)
        #expect(plan.baselined == 7)
        let planWarning = try #require(planLogs.entries(startingWith: "state database is new").first)
        #expect(planWarning["linked"] == "2")
        #expect(planWarning["baselined"] == "7")
        #expect(planWarning["to_create"] == "1")

        let logs = LogCapture()
        let sync = try workspace.run(.apply, logger: logs.logger)
        #expect(sync.created == 1)
        #expect(sync.baselined == 7)
        let warning = try #require(logs.entries(startingWith: "state database is new").first)
        #expect(warning["linked"] == "2")
        #expect(warning["baselined"] == "7")
        #expect(warning["to_create"] == "1")
        #expect(logs.entries(startingWith: "linked items to existing posts").count == 1)
        #expect(logs.entries(startingWith: "state rebuilt").isEmpty, "a plain sync logged a rebuild")
    }
}
