import Foundation
import Logging
import PlanableAPI
import Testing

@testable import SyncEngine

@Suite struct SyncEngineTests {
    @Test func firstSyncCreatesOneGroupPerItem() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Alpha", body: "First post.")
        try workspace.writePost("b.md", title: "Beta", body: "Second post.")

        let report = try workspace.run(.apply)
        #expect(report.created == 2)
        #expect(report.failed == 0)
        #expect(report.requests.write == 2)
        for item in report.items {
            #expect(item.posts.count == 1)
            #expect(item.posts[0].postIds.count == 3)
            #expect(item.posts[0].pages.count == 3)
        }
    }

    @Test func unchangedRerunSendsNoWrite() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Alpha", body: "First post.")
        _ = try workspace.run(.apply)

        let second = try workspace.run(.apply)
        #expect(second.requests.write == 0)
        #expect(second.created == 0)
        #expect(second.unchanged == 1)
    }

    /// An embedded database whose token file is gone gets a new token, and keeps its drafts. It was seeded again,
    /// so a plan, a check or a sync lost every draft, and the state still counted them as synced.
    @Test func lostEmbeddedTokenKeepsDrafts() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Alpha", body: "First post.")
        #expect(try workspace.run(.apply).created == 1)
        let tokenFile = workspace.stateFolder.appendingPathComponent("reference-token")
        let oldToken = try String(contentsOf: tokenFile, encoding: .utf8)
        try FileManager.default.removeItem(at: tokenFile)

        let plan = try workspace.run(.plan)
        #expect(plan.unchanged == 1, "\(plan.items.compactMap(\.message))")
        let newToken = try String(contentsOf: tokenFile, encoding: .utf8)
        #expect(newToken != oldToken)
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 3)

        try workspace.writePost("a.md", title: "Alpha", body: "First post, edited.")
        let edit = try workspace.run(.apply)
        #expect(edit.updated == 1, "\(edit.items.compactMap(\.message))")
        #expect(edit.created == 0)
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 3)
    }

    /// A synced file that is emptied, or marked as a draft, is skipped and keeps its posts. Its item carries a note
    /// about the skip for `status` until the file is read with content again.
    @Test func skippedSyncedFileGetsNote() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Alpha", body: "First post.")
        try workspace.writePost("b.md", title: "Beta", body: "Second post.")
        #expect(try workspace.run(.apply).created == 2)
        let state = try StateStore(path: try Configuration.load(path: workspace.configPath).statePath)

        try workspace.writeRaw("a.md", "")
        try workspace.writePost("b.md", title: "Beta", body: "Second post.", frontMatter: "draft: true\n")
        let skipped = try workspace.run(.apply)
        #expect(skipped.skipped == 2)
        #expect(skipped.requests.write == 0)
        let emptied = try #require(try state.item(source: "posts", identity: "a.md"))
        #expect(emptied.status == "synced")
        #expect(
            emptied.lastError
                == "the last scan skipped the file (the file is empty; it is read again once it has content), so its "
                + "posts are kept as they are")
        let draft = try #require(try state.item(source: "posts", identity: "b.md"))
        #expect(draft.lastError?.contains("(draft: true in the front matter)") == true, "\(draft)")

        // A restore that keeps the file's time, as `cp -p` does, clears the note too.
        let path = workspace.contentFolder.appendingPathComponent("a.md").path
        let synced = try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
        try workspace.writePost("a.md", title: "Alpha", body: "First post.")
        try FileManager.default.setAttributes([.modificationDate: synced], ofItemAtPath: path)
        let restored = try workspace.run(.apply)
        #expect(restored.unchanged == 1, "\(restored.items)")
        #expect(try state.item(source: "posts", identity: "a.md")?.lastError == nil)

        // A file that the mapping skips, by planable.skip, gets that reason instead.
        try workspace.writePost("b.md", title: "Beta", body: "Second post.", frontMatter: "planable:\n  skip: true\n")
        #expect(try workspace.run(.apply).skipped == 1)
        let mapperSkipped = try #require(try state.item(source: "posts", identity: "b.md"))
        #expect(mapperSkipped.lastError?.contains("(front matter sets planable.skip)") == true, "\(mapperSkipped)")
    }

    @Test func editedFileSendsOnePatch() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Alpha", body: "First post.")
        try workspace.writePost("b.md", title: "Beta", body: "Second post.")
        _ = try workspace.run(.apply)

        try workspace.writePost("a.md", title: "Alpha, revised", body: "First post, revised.")
        let report = try workspace.run(.apply)
        #expect(report.updated == 1)
        #expect(report.unchanged == 1)
        #expect(report.requests.write == 1)
    }

    @Test func planSendsNoWrite() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Alpha", body: "First post.")

        let fresh = try workspace.run(.plan)
        #expect(fresh.created == 1)
        #expect(fresh.requests.write == 0)
        #expect(fresh.items.first?.posts.first?.text.contains("Alpha") == true)

        _ = try workspace.run(.apply)
        try workspace.writePost("a.md", title: "Alpha 2", body: "Changed.")
        let after = try workspace.run(.plan)
        #expect(after.updated == 1)
        #expect(after.requests.write == 0)
    }

    @Test func malformedFrontMatterFailsOnlyItsFile() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.writePost("good.md", title: "Good", body: "Fine.")
        try workspace.writeRaw("bad.md", "---\ntitle: \"Bad\ntags: [a\n---\n\nBody.\n")

        let report = try workspace.run(.apply)
        #expect(report.created == 1)
        #expect(report.failed == 1)
        let failure = try #require(report.items.first { $0.decision == .failed })
        #expect(failure.message?.contains("bad.md:") == true)
    }

    @Test func differingTemplatesSplitGroups() throws {
        let workspace = try TestWorkspace(extraConfiguration: "templates:\n  x: \"{{title}} (short)\"\n")
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Alpha", body: "First post.")

        let report = try workspace.run(.apply)
        let item = try #require(report.items.first)
        #expect(item.posts.count == 2)
        #expect(report.requests.write == 2)
        let xPost = try #require(item.posts.first { $0.networks == ["x"] })
        #expect(xPost.text == "Alpha (short)")
    }

    @Test func draftIsSkipped() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.writePost("draft.md", title: "Draft", body: "Not yet.", frontMatter: "draft: true\n")
        let report = try workspace.run(.apply)
        #expect(report.skipped == 1)
        #expect(report.requests.write == 0)
    }
}
