import Foundation
import Testing

@testable import SyncEngine

@Suite struct StateStoreTests {
    /// A partial scan reads the rows for the watcher's paths only: the file itself and everything under a folder,
    /// and nothing from folders whose names merely start the same way.
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
