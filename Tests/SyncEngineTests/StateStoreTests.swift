import Foundation
import Testing

@testable import SyncEngine

@Suite struct StateStoreTests {
    /// A partial scan reads the rows for the watcher's paths only: the file itself and everything under a folder,
    /// and nothing from folders whose names merely start the same way.
    /// A state file that cannot be opened for writing names its folder, unless the state setting names a folder.
    @Test func inaccessibleStateNamesItsFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("planable-sync.sqlite").path
        let inFolder = StateError.inaccessible(path: file, detail: "attempt to write a readonly database")
        #expect(inFolder.description.contains("make its folder \(folder.path) writable for this user, or make"))
        let isFolder = StateError.inaccessible(path: folder.path, detail: "unable to open database file")
        #expect(!isFolder.description.contains("make its folder"), "\(isFolder)")
        #expect(isFolder.description.contains("state setting name a file in a folder that this user may write"))
    }

    @Test func itemsAtPathsTakesFilesAndFolderContents() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = try StateStore(path: folder.appendingPathComponent("planable-sync.sqlite").path)
        let locations = [
            "posts/a.md", "posts/deep/b.md", "posts-old/c.md", "posts2/d.md", "postsx.md", "posts.md", "other/e.md",
        ]
        for location in locations {
            try state.saveItem(
                ItemRecord(
                    source: "site", identity: location, title: "", location: location, status: "synced",
                    publishedEditReported: false))
        }
        try state.saveItem(
            ItemRecord(
                source: "blog", identity: "posts/a.md", title: "", location: "posts/a.md", status: "synced",
                publishedEditReported: false))

        let underFolder = try state.items(source: "site", at: ["posts"]).map(\.identity)
        #expect(underFolder == ["posts/a.md", "posts/deep/b.md"])
        let files = try state.items(source: "site", at: ["posts.md", "other/e.md", "missing.md"]).map(\.identity)
        #expect(files == ["other/e.md", "posts.md"])
        #expect(try state.items(source: "site", at: []).isEmpty)
    }
}

/// A lost or moved state database must not make a sync create every post again.
@Suite struct LostStateTests {
    @Test func newStateAdoptsMatchingPosts() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Alpha", body: "First post.")
        try workspace.writePost("b.md", title: "Beta", body: "Second post.")
        let first = try workspace.run(.apply)
        #expect(first.created == 2)

        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(
                at: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite" + suffix))
        }
        try workspace.writePost("c.md", title: "Gamma", body: "Third post.")
        let second = try workspace.run(.apply)
        #expect(second.created == 1)
        #expect(second.unchanged == 2)
        #expect(second.requests.write == 1)
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 6)

        let third = try workspace.run(.apply)
        #expect(third.requests.write == 0)
    }

    /// `plan` on a lost state shows the links the sync would make, and writes neither posts nor state.
    @Test func planOnNewStateShowsTheLinks() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Alpha", body: "First post.")
        try workspace.writePost("b.md", title: "Beta", body: "Second post.")
        #expect(try workspace.run(.apply).created == 2)

        let statePath = workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: statePath + suffix) }
        try workspace.writePost("c.md", title: "Gamma", body: "Third post.")
        let plan = try workspace.run(.plan)
        #expect(plan.created == 1)
        #expect(plan.unchanged == 2)
        #expect(plan.requests.write == 0)
        let state = try StateStore(path: statePath)
        #expect(try state.isEmpty())
        #expect(try state.setting("existing_posts_checked") == nil)

        let sync = try workspace.run(.apply)
        #expect(sync.created == 1)
        #expect(sync.unchanged == 2)
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 6)
    }
}

/// An item that failed and whose file is then deleted must not stay listed as failed. It never got a post, so the
/// state no longer keeps it.
@Suite struct FailedItemRemovalTests {
    @Test func deletedFailedItemIsForgotten() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("bad.md", title: "Bad", body: "Text.", frontMatter: "planable: {labels: [Nowhere]}\n")
        try workspace.writePost("good.md", title: "Good", body: "Text.")
        let first = try workspace.run(.apply)
        #expect(first.failed == 1)

        try FileManager.default.removeItem(at: workspace.contentFolder.appendingPathComponent("bad.md"))
        let second = try workspace.run(.apply)
        #expect(second.removed == 1)
        #expect(second.skipped == 0)
        let reported = second.items.first { $0.identity == "bad.md" }
        #expect(reported?.decision == .removed)
        #expect(reported?.message == "removed from the source; it has no post, so the state no longer keeps it")
        let state = try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
        #expect(try state.item(source: "posts", identity: "bad.md") == nil)
        #expect(try state.item(source: "posts", identity: "good.md")?.status == "synced")
    }
}
