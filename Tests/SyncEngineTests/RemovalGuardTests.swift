import Foundation
import Logging
import Testing

@testable import SyncEngine

/// With `delete_drafts: true`, a source folder that turns up empty, or that lost most of its files in one pass,
/// deletes nothing: it fails like a missing folder until the files come back or the source allows it.
@Suite(.serialized) struct RemovalGuardTests {
    func makeWorkspace(sourceSettings: String = "") throws -> TestWorkspace {
        try TestWorkspace(
            pages: ["Northwind LinkedIn"], extraConfiguration: "delete_drafts: true", sourceSettings: sourceSettings)
    }

    func writePosts(_ workspace: TestWorkspace, count: Int) throws {
        for number in 1...count {
            try workspace.writePost("post-\(number).md", title: "Guarded post \(number)", body: "Body \(number).")
        }
    }

    func removeFiles(_ workspace: TestWorkspace, _ numbers: ClosedRange<Int>) throws {
        for number in numbers {
            try FileManager.default.removeItem(at: workspace.contentFolder.appendingPathComponent("post-\(number).md"))
        }
    }

    func postCount(_ workspace: TestWorkspace) throws -> Int {
        try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count
    }

    /// Makes the content folder's `sub` unreadable to a scan. Root reads any folder whatever its mode, so `sub` is
    /// moved outside the source and replaced with a link to it, which the scan does not follow.
    func hideSubfolder(_ workspace: TestWorkspace) throws {
        let subfolder = workspace.contentFolder.appendingPathComponent("sub")
        let outside = workspace.root.appendingPathComponent("outside")
        try FileManager.default.moveItem(at: subfolder, to: outside)
        try FileManager.default.createSymbolicLink(at: subfolder, withDestinationURL: outside)
    }

    /// Puts back the folder that `hideSubfolder` moved.
    func restoreSubfolder(_ workspace: TestWorkspace) throws {
        let subfolder = workspace.contentFolder.appendingPathComponent("sub")
        try FileManager.default.removeItem(at: subfolder)
        try FileManager.default.moveItem(at: workspace.root.appendingPathComponent("outside"), to: subfolder)
    }

    func removals(_ report: RunReport) -> [ReportedItem] {
        report.items.filter { $0.message?.hasPrefix("removed from the source") == true }
    }

    @Test func emptyFolderDeletesNothing() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try writePosts(workspace, count: 3)
        #expect(try workspace.run(.apply).created == 3)
        try removeFiles(workspace, 1...3)

        let plan = try workspace.run(.plan)
        #expect(removals(plan).isEmpty, "\(removals(plan).map(\.identity))")
        #expect(plan.errors.count == 1)
        let sync = try workspace.run(.apply)
        #expect(removals(sync).isEmpty, "\(removals(sync).map(\.identity))")
        #expect(sync.requests.write == 0)
        #expect(try postCount(workspace) == 3)
        let message = try #require(sync.errors.first)
        #expect(message.contains(workspace.contentFolder.path), "\(message)")
        #expect(message.contains("3 items"), "\(message)")
        #expect(message.contains("allow_empty: true"), "\(message)")
        let state = try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
        #expect(try state.readFailures().map(\.location) == [workspace.contentFolder.path])

        // The share is mounted again: nothing was lost, so nothing is sent.
        try writePosts(workspace, count: 3)
        let back = try workspace.run(.apply)
        #expect(back.errors.isEmpty, "\(back.errors)")
        #expect(back.requests.write == 0)
        #expect(try state.readFailures().isEmpty)
    }

    @Test func allowEmptyDeletesDrafts() throws {
        let workspace = try makeWorkspace(sourceSettings: "allow_empty: true")
        defer { workspace.remove() }
        try writePosts(workspace, count: 3)
        #expect(try workspace.run(.apply).created == 3)
        try removeFiles(workspace, 1...3)

        let sync = try workspace.run(.apply)
        #expect(sync.errors.isEmpty, "\(sync.errors)")
        #expect(removals(sync).count == 3)
        #expect(removals(sync).allSatisfy { $0.message == "removed from the source; deleting 1 draft post" })
        #expect(try postCount(workspace) == 0)
    }

    @Test func mostFilesRemovedDeletesNothing() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try writePosts(workspace, count: 10)
        #expect(try workspace.run(.apply).created == 10)
        try removeFiles(workspace, 1...6)

        let sync = try workspace.run(.apply)
        #expect(removals(sync).isEmpty, "\(removals(sync).map(\.identity))")
        #expect(sync.requests.write == 0)
        #expect(try postCount(workspace) == 10)
        let message = try #require(sync.errors.first)
        #expect(message.contains("6 of 10"), "\(message)")
        #expect(message.contains("max_removed_share"), "\(message)")
    }

    /// Files that failed have no post, so they do not dilute the share: 6 of 10 items with posts gone is more than
    /// the default share of 0.5, however many failed files stay.
    @Test func failedItemsDoNotDiluteTheShare() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try writePosts(workspace, count: 10)
        for number in 1...6 {
            try workspace.writePost(
                "unmapped-\(number).md", title: "Unmapped \(number)", body: "No page.",
                frontMatter: "planable: {pages: \"No such page\"}\n")
        }
        let created = try workspace.run(.apply)
        #expect(created.created == 10)
        #expect(created.failed == 6)
        try removeFiles(workspace, 1...6)

        let sync = try workspace.run(.apply)
        #expect(removals(sync).isEmpty, "\(removals(sync).map(\.identity))")
        #expect(sync.requests.write == 0)
        #expect(try postCount(workspace) == 10)
        let message = try #require(sync.errors.first)
        #expect(message.contains("6 of 10"), "\(message)")
    }

    /// The size that makes the guard apply counts the failed files too: 9 synced files and 1 failed file are a
    /// source of 10 items, so losing the 9 is held.
    @Test func failedItemsCountTowardTheSize() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try writePosts(workspace, count: 9)
        try workspace.writePost(
            "unmapped.md", title: "Unmapped", body: "No page.", frontMatter: "planable: {pages: \"No such page\"}\n")
        let created = try workspace.run(.apply)
        #expect(created.created == 9)
        #expect(created.failed == 1)
        try removeFiles(workspace, 1...9)

        let sync = try workspace.run(.apply)
        #expect(removals(sync).isEmpty, "\(removals(sync).map(\.identity))")
        #expect(sync.requests.write == 0)
        #expect(try postCount(workspace) == 9)
        let message = try #require(sync.errors.first)
        #expect(message.contains("9 of 9"), "\(message)")
    }

    @Test func raisedShareDeletesDrafts() throws {
        let workspace = try makeWorkspace(sourceSettings: "max_removed_share: 1")
        defer { workspace.remove() }
        try writePosts(workspace, count: 10)
        #expect(try workspace.run(.apply).created == 10)
        try removeFiles(workspace, 1...6)

        let sync = try workspace.run(.apply)
        #expect(sync.errors.isEmpty, "\(sync.errors)")
        #expect(removals(sync).count == 6)
        #expect(try postCount(workspace) == 4)
    }

    /// The daemon reads files deleted one at a time in passes of their own. The removals of the last hour count
    /// together, so a slow deletion meets the same limit.
    @Test func slowDeletionMeetsTheLimit() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try writePosts(workspace, count: 10)
        #expect(try workspace.run(.apply).created == 10)

        let configuration = try Configuration.load(path: workspace.configPath)
        let runtime = try Runtime(
            configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: true)
        var heldPass: RunReport?
        for number in 1...6 {
            try removeFiles(workspace, number...number)
            let partial = try runtime.engine().run(
                mode: .apply, sourceNames: ["posts"], changedPaths: ["posts": ["post-\(number).md"]],
                refreshStatus: false)
            if !partial.errors.isEmpty {
                heldPass = partial
                break
            }
        }
        let report = try #require(heldPass, "six files deleted one by one were all removed")
        #expect(report.errors.first?.contains("6 of 10 items (60%)") == true, "\(report.errors)")
        #expect(try postCount(workspace) == 5)
    }

    /// The daemon rescans only the paths that changed: deleting every file reports each of them.
    @Test func emptiedFolderPartialScanDeletesNothing() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try writePosts(workspace, count: 3)
        #expect(try workspace.run(.apply).created == 3)
        try removeFiles(workspace, 1...3)

        let configuration = try Configuration.load(path: workspace.configPath)
        let runtime = try Runtime(
            configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: true)
        let paths: Set<String> = ["post-1.md", "post-2.md", "post-3.md"]
        let partial = try runtime.engine().run(
            mode: .apply, sourceNames: ["posts"], changedPaths: ["posts": paths], refreshStatus: false)
        #expect(removals(partial).isEmpty, "\(removals(partial).map(\.identity))")
        #expect(partial.errors.count == 1)
        #expect(partial.requests.write == 0)
        #expect(try postCount(workspace) == 3)
    }

    /// A subfolder that the scan cannot enter keeps the drafts of its files, which may still exist.
    @Test func unreadSubfolderDeletesNothing() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try writePosts(workspace, count: 8)
        for number in 1...2 {
            try workspace.writePost("sub/inner-\(number).md", title: "Inner post \(number)", body: "Inner \(number).")
        }
        #expect(try workspace.run(.apply).created == 10)

        try hideSubfolder(workspace)
        let sync = try workspace.run(.apply)
        #expect(removals(sync).isEmpty, "\(removals(sync).map(\.identity))")
        #expect(sync.requests.write == 0)
        #expect(sync.failed == 1, "\(sync.items.map { ($0.identity, $0.decision) })")
        #expect(try postCount(workspace) == 10)

        // Once the folder can be read again, its files are unchanged and nothing is sent.
        try restoreSubfolder(workspace)
        let back = try workspace.run(.apply)
        #expect(back.requests.write == 0)
        #expect(back.failed == 0)
    }

    /// A template change while a subfolder cannot be read reaches the subfolder's posts once it can be read again.
    @Test func unreadSubfolderGetsNewTemplate() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try writePosts(workspace, count: 2)
        try workspace.writePost("sub/inner.md", title: "Inner post", body: "Inner.")
        #expect(try workspace.run(.apply).created == 3)

        try hideSubfolder(workspace)
        try ConfigurationChangeTests.editConfiguration(
            workspace, replacing: "template: |\n  {{title}}", with: "template: |\n  New: {{title}}")
        #expect(try workspace.run(.apply).updated == 2)

        try restoreSubfolder(workspace)
        let back = try workspace.run(.apply)
        let inner = back.items.first { $0.identity == "sub/inner.md" }
        #expect(inner?.decision == .update, "\(back.items.map(\.identity))")
        let texts = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().map(\.plainText)
        #expect(texts.contains { $0.hasPrefix("New: Inner post") }, "\(texts)")
    }

    /// While a subfolder cannot be read, a copy elsewhere with the same front matter id does not take over the
    /// item of the file in the subfolder.
    @Test func unreadSubfolderKeepsItsIds() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try writePosts(workspace, count: 2)
        try workspace.writePost("sub/inner.md", title: "Inner post", body: "Inner.", frontMatter: "id: shared\n")
        #expect(try workspace.run(.apply).created == 3)

        try hideSubfolder(workspace)
        try workspace.writePost("copy.md", title: "Copy", body: "Copy.", frontMatter: "id: shared\n")
        let sync = try workspace.run(.apply)
        #expect(sync.requests.write == 0, "\(sync.items.map { ($0.identity, $0.decision) })")
        let texts = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().map(\.plainText)
        #expect(!texts.contains { $0.contains("Copy") }, "\(texts)")
    }

    /// An item that an interrupted create left, whose file was deleted before the next run read the create back,
    /// counts as removed once a full scan does not find it, so its draft is deleted instead of staying pending.
    @Test func reconciledItemWithoutFileIsRemoved() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try writePosts(workspace, count: 2)
        #expect(try workspace.run(.apply).created == 2)

        // The interrupted run's post exists, and its intent is still in the state.
        let text = "Gone\n\nThis file was deleted."
        do {
            let readBack = try ReferenceReadBack(stateFolder: workspace.stateFolder)
            let page = try #require(try readBack.client.listPages(workspaceId: readBack.workspaceId).first)
            _ = try readBack.json(
                "POST", "/posts", body: ["workspaceId": readBack.workspaceId, "pageId": page.id, "text": text])
            let state = try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
            _ = try state.recordIntent(
                source: "posts", identity: "gone.md", groupKey: page.id, workspaceId: readBack.workspaceId,
                pageIds: [page.id], text: text, payloadHash: "hash", at: Date())
        }
        #expect(try postCount(workspace) == 3)

        let report = try workspace.run(.apply)
        let removed = try #require(report.items.first { $0.identity == "gone.md" }, "\(report.items.map(\.identity))")
        #expect(removed.decision == .delete)
        #expect(try postCount(workspace) == 2)
    }
}

extension RemovalGuardTests {
    /// Items without a post, such as ones that failed to map, that were removed in the last hour count toward the
    /// limit like the others, although the state forgets them, so removing them first does not let a later pass
    /// through.
    @Test func forgottenRemovalsMeetTheLimit() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try writePosts(workspace, count: 9)
        for number in 1...3 {
            try workspace.writePost(
                "unmapped-\(number).md", title: "Unmapped \(number)", body: "No page.",
                frontMatter: "planable: {pages: \"No such page\"}\n")
        }
        let created = try workspace.run(.apply)
        #expect(created.created == 9)
        #expect(created.failed == 3)
        for number in 1...3 {
            let file = workspace.contentFolder.appendingPathComponent("unmapped-\(number).md")
            try FileManager.default.removeItem(at: file)
        }
        let first = try workspace.run(.apply)
        #expect(first.errors.isEmpty, "\(first.errors)")
        #expect(first.removed == 3)

        // 5 more of the 12 items, 8 of 12 within the hour, are more than the default share of 0.5.
        try removeFiles(workspace, 1...5)
        let sync = try workspace.run(.apply)
        #expect(removals(sync).isEmpty, "\(removals(sync).map(\.identity))")
        #expect(sync.requests.write == 0)
        #expect(try postCount(workspace) == 9)
        let message = try #require(sync.errors.first)
        #expect(message.contains("8 of 12"), "\(message)")
    }
}

extension RemovalGuardTests {
    func state(_ workspace: TestWorkspace) throws -> StateStore {
        try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
    }

    /// A few removed files, under the share, have their drafts deleted. An item whose drafts were all deleted
    /// leaves the state, so `status` does not list it for good, but its removal still counts toward the limit
    /// for the hour.
    @Test func deletedDraftsLeaveTheState() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try writePosts(workspace, count: 10)
        #expect(try workspace.run(.apply).created == 10)
        try removeFiles(workspace, 1...5)

        let sync = try workspace.run(.apply)
        #expect(sync.errors.isEmpty, "\(sync.errors)")
        #expect(removals(sync).count == 5)
        #expect(sync.deleted == 5)
        #expect(try postCount(workspace) == 5)
        let state = try state(workspace)
        #expect(try state.item(source: "posts", identity: "post-1.md") == nil)
        #expect(try state.items(source: "posts").count == 5)
        #expect(try state.allPosts().count == 5)
        let windowStart = Date().addingTimeInterval(-SyncEngine.removalGuardWindow)
        #expect(try state.forgottenRemovals(source: "posts", since: windowStart) == 5)

        // 6 of the 10 items within the hour are more than the default share of 0.5.
        try removeFiles(workspace, 6...6)
        let held = try workspace.run(.apply)
        #expect(removals(held).isEmpty, "\(removals(held).map(\.identity))")
        #expect(try postCount(workspace) == 5)
        let message = try #require(held.errors.first)
        #expect(message.contains("6 of 10"), "\(message)")
    }

    /// A file restored after its drafts were deleted gets a new draft, linked to no deleted post.
    @Test func restoredFileGetsNewDraft() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try writePosts(workspace, count: 3)
        #expect(try workspace.run(.apply).created == 3)
        let deletedIds = try state(workspace).posts(source: "posts", identity: "post-1.md").map(\.postId)
        #expect(deletedIds.count == 1)
        try removeFiles(workspace, 1...1)
        #expect(try workspace.run(.apply).deleted == 1)

        try writePosts(workspace, count: 3)
        let restored = try workspace.run(.apply)
        #expect(restored.created == 1, "\(restored.items.map { "\($0.identity) \($0.decision)" })")
        #expect(restored.updated == 0)
        let posts = try state(workspace).posts(source: "posts", identity: "post-1.md")
        #expect(posts.count == 1)
        #expect(posts.allSatisfy { !deletedIds.contains($0.postId) }, "\(posts.map(\.postId)) \(deletedIds)")
        #expect(try state(workspace).item(source: "posts", identity: "post-1.md")?.status == "synced")
        let texts = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().map(\.plainText)
        #expect(texts.filter { $0.hasPrefix("Guarded post 1\n") }.count == 1, "\(texts)")
    }

    /// A state written by an earlier version keeps the row of an item whose drafts were deleted, as removed and
    /// without a post. The next pass that finds its file gone deletes the row and counts the removal for the hour.
    @Test func earlierRemovedRowIsForgotten() throws {
        let workspace = try makeWorkspace()
        defer { workspace.remove() }
        try writePosts(workspace, count: 2)
        #expect(try workspace.run(.apply).created == 2)
        let state = try state(workspace)
        var record = try #require(try state.item(source: "posts", identity: "post-1.md"))
        let postIds = try state.posts(source: "posts", identity: "post-1.md").map(\.postId)
        do {
            let readBack = try ReferenceReadBack(stateFolder: workspace.stateFolder)
            for id in postIds { try readBack.client.deletePost(id: id) }
        }
        try state.deletePostRecords(postIds: postIds)
        record.status = "removed"
        try state.saveItem(record)
        try removeFiles(workspace, 1...1)

        let sync = try workspace.run(.apply)
        #expect(sync.items.isEmpty, "\(sync.items.map { "\($0.identity) \($0.decision)" })")
        #expect(sync.requests.write == 0)
        #expect(try state.item(source: "posts", identity: "post-1.md") == nil)
        #expect(try state.items(source: "posts").map(\.identity) == ["post-2.md"])
        let windowStart = Date().addingTimeInterval(-SyncEngine.removalGuardWindow)
        #expect(try state.forgottenRemovals(source: "posts", since: windowStart) == 1)
    }
}
