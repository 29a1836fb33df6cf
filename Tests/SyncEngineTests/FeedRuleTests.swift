import Foundation
import Testing

@testable import SyncEngine

/// Rules over feed entries, whose items have only the fields of `SourceItem.feedFieldNames`.
@Suite(.serialized) struct FeedRuleTests {
    /// Writes a JSON Feed of entries `r-1` to `r-3` into a folder of its own and returns a workspace that reads it
    /// as source `recipes`, with `rules` before its sources.
    static func workspace(rules: String) throws -> TestWorkspace {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("planable-sync-feed-rules-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let items = (1...3).map { number in
            """
            {"id": "r-\(number)", "url": "https://recipes.example/\(number)", "title": "Recipe \(number)",
             "content_text": "Recipe number \(number).", "date_published": "2026-12-0\(number)T09:00:00Z"}
            """
        }
        let feed = folder.appendingPathComponent("feed.json")
        try """
        {"version": "https://jsonfeed.org/version/1.1", "title": "Recipes", "items": [\(items.joined(separator: ","))]}
        """.write(to: feed, atomically: true, encoding: .utf8)
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"],
            extraConfiguration: """
                  - name: recipes
                    type: feed
                    url: \(feed.absoluteString)
                    backfill: 3
                """)
        try ConfigurationChangeTests.editConfiguration(workspace, replacing: "sources:\n", with: rules + "sources:\n")
        return workspace
    }

    /// A rule can skip one feed entry by the id the feed gives it.
    @Test func ruleSkipsEntryById() throws {
        let workspace = try Self.workspace(
            rules: "rules:\n  - name: no r-2\n    match: {source: recipes, fields: {id: r-2}}\n    skip: true\n")
        defer { workspace.remove() }
        let report = try workspace.run(.apply)
        #expect(report.created == 2, "\(report.items.map { "\($0.identity) \($0.decision)" })")
        let skipped = try #require(report.items.first { $0.decision == .skipped })
        #expect(skipped.identity == "r-2")
        #expect(TemplateCheck.ruleWarnings(try Configuration.load(path: workspace.configPath)).isEmpty)
    }

    /// A rule over feed sources alone that matches on a field no feed entry has is named by `check`'s warnings,
    /// since it silently matches nothing. One that can also match a folder's items is not.
    @Test func ruleOnMissingFeedFieldWarned() throws {
        let workspace = try Self.workspace(
            rules: """
                rules:
                  - name: by guid
                    match: {source: recipes, fields: {guid: r-2}}
                    skip: true
                  - name: any source
                    match: {fields: {guid: r-2}}
                    skip: true

                """)
        defer { workspace.remove() }
        let warnings = TemplateCheck.ruleWarnings(try Configuration.load(path: workspace.configPath))
        #expect(
            warnings == [
                "rule \"by guid\" matches the field guid, which feed entries do not have, so it matches no entry of "
                    + "source \"recipes\"; feed entries have the fields id, title, link, author, summary, content, "
                    + "categories"
            ], "\(warnings)")
        #expect(try workspace.run(.plan).items.filter { $0.decision == .skipped }.isEmpty)
    }
}
