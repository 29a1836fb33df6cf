import Foundation
import Logging
import Testing

@testable import SyncEngine

/// Tests that a file under the folders of two directory sources is read by the first of them in configuration order
/// only, and that the other source reports it as failed instead of posting it a second time.
@Suite(.serialized) struct OverlappingFolderTests {
    /// Makes a workspace whose `posts` source reads `content`, followed by `secondSource`, with `content/b.md` and
    /// `content/tpl/a.md` written.
    func makeWorkspace(secondSource: String, postsSettings: String = "") throws -> TestWorkspace {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"], extraConfiguration: secondSource + "\ndelete_drafts: true",
            sourceSettings: postsSettings)
        try workspace.writePost("b.md", title: "Beans", body: "Beans body.")
        try workspace.writePost("tpl/a.md", title: "Roast", body: "Roast body.")
        return workspace
    }

    func failures(_ report: RunReport) -> [ReportedItem] {
        report.items.filter { $0.decision == .failed }
    }

    @Test(arguments: [
        ("  - {name: nested, type: directory, path: content/tpl}", ["a.md"]),
        ("  - {name: nested, type: directory, path: ./content/tpl/}", ["a.md"]),
        (
            "  - {name: nested, type: directory, path: ., include: [\"content/**\"]}",
            ["content/b.md", "content/tpl/a.md"]
        ),
    ])
    func fileIsPostedOnce(secondSource: String, rejected: [String]) throws {
        let workspace = try makeWorkspace(secondSource: secondSource)
        defer { workspace.remove() }

        let plan = try workspace.run(.plan)
        #expect(plan.created == 2, "\(plan.items.map { "\($0.source)/\($0.identity) \($0.decision)" })")
        #expect(failures(plan).map(\.identity).sorted() == rejected)
        let message = try #require(failures(plan).first?.message)
        #expect(message.contains("source \"nested\""), "\(message)")
        #expect(message.contains("also read by source \"posts\""), "\(message)")
        #expect(message.contains("exclude"), "\(message)")

        let sync = try workspace.run(.apply)
        #expect(sync.created == 2)
        #expect(failures(sync).map(\.identity).sorted() == rejected)
        #expect(failures(sync).allSatisfy { $0.source == "nested" })
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 2)

        let again = try workspace.run(.apply)
        #expect(again.created == 0)
        #expect(again.deleted == 0)
        #expect(failures(again).count == rejected.count)
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 2)
    }

    /// A folder that the earlier source excludes by name is never entered by its scan, so the nested source that
    /// reads that folder posts its files.
    @Test func excludedFolderIsLeftToNestedSource() throws {
        let workspace = try makeWorkspace(
            secondSource: "  - {name: nested, type: directory, path: content/tpl}", postsSettings: "exclude: [tpl]")
        defer { workspace.remove() }

        let sync = try workspace.run(.apply)
        #expect(failures(sync).isEmpty, "\(failures(sync).map { $0.message ?? "" })")
        #expect(sync.created == 2)
        let nestedItem = try #require(sync.items.first { $0.source == "nested" && $0.identity == "a.md" })
        #expect(nestedItem.decision == .create)
    }

    /// A state that already has posts of the file from both sources, as one that an earlier version synced, keeps
    /// them all: the second source's item is not removed, so `delete_drafts` does not delete its draft.
    @Test func earlierPostsOfSecondSourceAreKept() throws {
        let workspace = try makeWorkspace(
            secondSource: "  - {name: nested, type: directory, path: content/tpl}",
            postsSettings: "exclude: [\"tpl/**\"]")
        defer { workspace.remove() }
        let first = try workspace.run(.apply)
        #expect(first.created == 2)
        let state = try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
        #expect(try state.posts(source: "nested", identity: "a.md").count == 1)

        // Without the exclude, the `posts` source reads tpl/a.md too, and comes first.
        let text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        try text.replacingOccurrences(of: "exclude: [\"tpl/**\"]", with: "")
            .write(toFile: workspace.configPath, atomically: true, encoding: .utf8)

        let plan = try workspace.run(.plan)
        #expect(plan.deleted == 0)
        #expect(plan.removed == 0)
        #expect(failures(plan).map { "\($0.source)/\($0.identity)" } == ["nested/a.md"])

        let sync = try workspace.run(.apply)
        #expect(sync.deleted == 0)
        #expect(sync.removed == 0)
        #expect(failures(sync).map { "\($0.source)/\($0.identity)" } == ["nested/a.md"])
        let message = try #require(failures(sync).first?.message)
        #expect(message.contains("any posts it has of the file are kept"), "\(message)")
        #expect(try state.posts(source: "nested", identity: "a.md").count == 1)
        #expect(try state.item(source: "nested", identity: "a.md")?.status != "removed")
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 3)

        let again = try workspace.run(.apply)
        #expect(again.deleted == 0)
        #expect(try state.posts(source: "nested", identity: "a.md").count == 1)
    }

    /// A daemon's pass over changed files leaves a shared file to the first source too.
    @Test func changedSharedFileIsPostedOnce() throws {
        let workspace = try makeWorkspace(secondSource: "  - {name: nested, type: directory, path: content/tpl}")
        defer { workspace.remove() }
        #expect(try workspace.run(.apply).created == 2)
        try workspace.writePost("tpl/a.md", title: "Roast", body: "Roast body, edited.")

        let configuration = try Configuration.load(path: workspace.configPath)
        let runtime = try Runtime(
            configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: true)
        let nestedOnly = try runtime.engine().run(
            mode: .apply, sourceNames: ["nested"], changedPaths: ["nested": ["a.md"]], refreshStatus: false)
        #expect(nestedOnly.created == 0)
        #expect(nestedOnly.updated == 0)
        #expect(failures(nestedOnly).map { "\($0.source)/\($0.identity)" } == ["nested/a.md"])

        let both = try runtime.engine().run(
            mode: .apply, changedPaths: ["nested": ["a.md"], "posts": ["tpl/a.md"]], refreshStatus: false)
        #expect(both.created == 0)
        #expect(both.updated == 1)
        #expect(failures(both).map { "\($0.source)/\($0.identity)" } == ["nested/a.md"])
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 2)
    }
}
