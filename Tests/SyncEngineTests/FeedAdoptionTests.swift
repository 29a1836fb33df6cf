import Foundation
import Logging
import Testing

@testable import SyncEngine

/// A lost state database in front of a feed with `backfill`: the new state links the posted entries and keeps the
/// first-run baseline, so no entry that was baselined or posted before gets a post.
@Suite(.serialized) struct FeedAdoptionTests {
    let workspace: TestWorkspace
    let feedPath: URL

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-adoption-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        feedPath = root.appendingPathComponent("feed.xml")
        workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn", "Northwind Facebook"],
            extraConfiguration: """
                  - name: news
                    type: feed
                    url: \(feedPath.absoluteString)
                    backfill: 2
                """)
    }

    /// Writes a feed of entries `1...count`, newest (highest number) first, one day apart.
    func writeFeed(count: Int) throws {
        try writeFeed(1...count)
    }

    /// Writes a feed of the entries `numbers`, newest (highest number) first, one day apart, or without dates.
    func writeFeed(_ numbers: ClosedRange<Int>, dated: Bool = true) throws {
        let items = numbers.reversed().map { number in
            let date = dated ? "<pubDate>\(String(format: "%02d", number)) Nov 2026 09:00:00 GMT</pubDate>" : ""
            return """
                <item><guid isPermaLink="false">entry-\(number)</guid><title>Entry \(number)</title>
                <link>https://news.example/\(number)</link><description>Body of entry \(number)</description>
                \(date)</item>
                """
        }
        let text = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
            \(items.joined(separator: "\n"))
            </channel></rss>
            """
        try text.write(to: feedPath, atomically: true, encoding: .utf8)
    }

    /// Syncs 7 entries (6 and 7 are posted), then an 8th, and deletes the state database.
    func syncThenLoseState(dated: Bool = true) throws {
        try writeFeed(1...7, dated: dated)
        let first = try workspace.run(.apply)
        #expect(first.created == 2, "\(first.items.map { ($0.identity, $0.decision) })")
        try writeFeed(1...8, dated: dated)
        let second = try workspace.run(.apply)
        #expect(second.created == 1, "\(second.items.map { ($0.identity, $0.decision) })")
        let statePath = workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: statePath + suffix) }
    }

    func created(_ report: RunReport) -> [String] {
        report.items.filter { $0.decision == .create }.map(\.identity).sorted()
    }

    func postCount() throws -> Int {
        try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count
    }

    @Test func newStateCreatesNoEntry() throws {
        defer { workspace.remove() }
        try syncThenLoseState()
        #expect(try postCount() == 6)

        let plan = try workspace.run(.plan)
        #expect(created(plan) == [], "the plan on a new state creates entries")
        let sync = try workspace.run(.apply)
        #expect(created(sync) == [], "the sync on a new state creates entries")
        #expect(sync.requests.write == 0)
        #expect(try postCount() == 6)

        let again = try workspace.run(.apply)
        #expect(again.requests.write == 0)
        #expect(created(again) == [])
    }

    /// The entries that the linking records without a post are reported as baselined, with how to post them, and
    /// are not counted as unchanged. A later run counts them as unchanged.
    @Test func newStateReportsEntriesRecordedWithoutPost() throws {
        defer { workspace.remove() }
        try syncThenLoseState()
        let recorded = (1...5).map { "entry-\($0)" }
        for mode in [RunMode.plan, .apply] {
            let report = try workspace.run(mode)
            let baselined = report.items.filter { $0.decision == .baselined }
            #expect(baselined.map(\.identity).sorted() == recorded, "\(mode): \(baselined.map(\.identity))")
            #expect(report.baselined == 5, "\(mode)")
            #expect(report.unchanged == 3, "\(mode): only the linked entries 6, 7 and 8 are unchanged")
            let entry = try #require(baselined.first { $0.identity == "entry-3" })
            #expect(entry.title == "Entry 3")
            #expect(entry.message?.contains("newest entry with a post") == true, "\(entry.message ?? "")")
            #expect(entry.message?.contains("planable-sync post ") == true, "\(entry.message ?? "")")
        }
        let again = try workspace.run(.apply)
        #expect(again.baselined == 0)
        #expect(again.unchanged == 8)
    }

    @Test func newStateCreatesOnlyNewEntry() throws {
        defer { workspace.remove() }
        try syncThenLoseState()
        // An entry published after the state was lost is among the newest two and has no post.
        try writeFeed(count: 9)
        let plan = try workspace.run(.plan)
        #expect(created(plan) == ["entry-9"])
        let sync = try workspace.run(.apply)
        #expect(created(sync) == ["entry-9"])
        #expect(try postCount() == 8)
    }

    /// Entries 9 to 15 were published while the state was lost; only 14 and 15 are among the newest `backfill`.
    @Test func newStateCreatesEntriesAfterNewestLinked() throws {
        defer { workspace.remove() }
        try syncThenLoseState()
        try writeFeed(6...15)
        let expected = (9...15).map { "entry-\($0)" }.sorted()
        let plan = try workspace.run(.plan)
        #expect(created(plan) == expected)
        let sync = try workspace.run(.apply)
        #expect(created(sync) == expected)
        #expect(!sync.items.contains { $0.decision == .failed }, "\(sync.items.compactMap(\.message))")
        #expect(try postCount() == 20, "7 new entries on 2 pages each")
        let again = try workspace.run(.apply)
        #expect(again.requests.write == 0)
    }

    @Test func newStateCreatesUndatedEntriesListedFirst() throws {
        defer { workspace.remove() }
        try syncThenLoseState(dated: false)
        try writeFeed(6...15, dated: false)
        let sync = try workspace.run(.apply)
        #expect(created(sync) == (9...15).map { "entry-\($0)" }.sorted())
        #expect(try postCount() == 20, "7 new entries on 2 pages each")
    }

    @Test func rebuildStateCreatesNoEntry() throws {
        defer { workspace.remove() }
        try syncThenLoseState()
        let configuration = try Configuration.load(path: workspace.configPath)
        let runtime = try Runtime(
            configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: true)
        let engine = runtime.engine()
        let summary = try StateRebuilder(engine: engine).rebuild()
        #expect(summary.linkedByText == 3)
        #expect(summary.baselined == 5)
        #expect(summary.unlinked == 0)
        let sync = try engine.run(mode: .apply)
        #expect(created(sync) == [], "the sync after --rebuild-state creates entries")
        #expect(sync.requests.write == 0)
        #expect(try postCount() == 6)
    }
}

extension FeedAdoptionTests {
    @Test func unreadableFeedStopsAdoption() throws {
        defer { workspace.remove() }
        try syncThenLoseState()
        let saved = try Data(contentsOf: feedPath)
        try FileManager.default.removeItem(at: feedPath)
        let error = try #require(throws: SourceError.self) { try workspace.run(.apply) }
        #expect(!error.isDataError)
        #expect(error.message.contains(feedPath.absoluteString), "\(error.message)")
        #expect(error.message.contains("next run tries again"), "\(error.message)")
        #expect(try postCount() == 6)

        try saved.write(to: feedPath)
        let sync = try workspace.run(.apply)
        #expect(created(sync) == [])
        #expect(try postCount() == 6)
    }

    /// A pass over changed files or one feed, as the daemon runs between full passes, sends nothing on a new state
    /// that needs linking, since the linking reads every source. So while an unreadable feed keeps the full pass
    /// from linking, a touched file whose post exists is not created again, and once the feed reads, the full pass
    /// links it.
    @Test func partialPassWaitsForLinking() throws {
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Alpha", body: "First.")
        try writeFeed(count: 7)
        #expect(try workspace.run(.apply).created == 3)
        #expect(try postCount() == 6)
        let statePath = workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: statePath + suffix) }
        let saved = try Data(contentsOf: feedPath)
        try FileManager.default.removeItem(at: feedPath)

        let configuration = try Configuration.load(path: workspace.configPath)
        let runtime = try Runtime(
            configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: true)
        let engine = runtime.engine()
        let touched = { try engine.run(mode: .apply, sourceNames: ["posts"], changedPaths: ["posts": ["a.md"]]) }
        #expect(throws: StateNotLinkedError.self) { try touched() }
        #expect(throws: SourceError.self) { try engine.run(mode: .apply) }
        #expect(throws: StateNotLinkedError.self) { try touched() }
        #expect(try postCount() == 6, "a pass over a changed file created its post again")

        try saved.write(to: feedPath)
        #expect(throws: StateNotLinkedError.self) { try touched() }
        let full = try engine.run(mode: .apply)
        #expect(created(full) == [], "\(full.items.map { ($0.identity, $0.decision) })")
        #expect(full.requests.write == 0)
        let later = try touched()
        #expect(later.requests.write == 0)
        #expect(try postCount() == 6)
    }

    /// A feed that reads but is no feed stops the linking as bad data, with a message that tells how to go on and
    /// has no doubled full stop.
    @Test func nonFeedStopsAdoptionAsBadData() throws {
        defer { workspace.remove() }
        try syncThenLoseState()
        try "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [,]}".write(
            to: feedPath, atomically: true, encoding: .utf8)
        let error = try #require(throws: SourceError.self) { try workspace.run(.apply) }
        #expect(error.isDataError)
        #expect(!error.message.contains(".."), "\(error.message)")
        #expect(error.message.contains("nothing was sent for any source"), "\(error.message)")
        #expect(error.message.contains("remove the source from the configuration until it reads"), "\(error.message)")
        #expect(try postCount() == 6)
    }

    /// A folder that is missing on the first run of a new state would have its files created later as duplicates.
    @Test func missingFolderStopsAdoption() throws {
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Alpha", body: "First.")
        try workspace.writePost("b.md", title: "Beta", body: "Second.")
        try writeFeed(count: 7)
        #expect(try workspace.run(.apply).created == 4)
        #expect(try postCount() == 8)
        let statePath = workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: statePath + suffix) }
        let aside = workspace.root.appendingPathComponent("content-aside")
        try FileManager.default.moveItem(at: workspace.contentFolder, to: aside)
        let error = try #require(throws: SourceError.self) { try workspace.run(.apply) }
        #expect(error.message.contains(workspace.contentFolder.path), "\(error.message)")
        #expect(error.message.contains("next run tries again"), "\(error.message)")
        #expect(try postCount() == 8)

        try FileManager.default.moveItem(at: aside, to: workspace.contentFolder)
        let sync = try workspace.run(.apply)
        #expect(created(sync) == [])
        #expect(try postCount() == 8)
    }
}
