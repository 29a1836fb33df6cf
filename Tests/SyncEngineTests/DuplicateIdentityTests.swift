import Foundation
import Testing

@testable import SyncEngine

/// Two files with the same front matter `id` would take turns updating one post, so the second one fails with an
/// error that names both, and the first keeps its post.
@Suite struct DuplicateIdentityTests {
    static func failure(_ report: RunReport, _ identity: String) -> String? {
        report.items.first { $0.identity == identity && $0.decision == .failed }?.message
    }

    @Test func secondFileWithSameIDFails() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "First", body: "One.", frontMatter: "id: same\n")
        try workspace.writePost("b.md", title: "Second", body: "Two.", frontMatter: "id: same\n")

        let first = try workspace.run(.apply)
        #expect(first.created == 1)
        #expect(first.updated == 0)
        let message = try #require(Self.failure(first, "b.md"))
        #expect(message.contains("b.md: its id \"same\" is also the id of a.md"), "\(message)")

        // The next runs leave the post alone and report the copy again.
        let second = try workspace.run(.apply)
        #expect(second.requests.write == 0)
        #expect(Self.failure(second, "b.md") != nil)
    }

    /// A copy made after the first file was synced fails, even when it sorts first.
    @Test func syncedFileKeepsItsID() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("b.md", title: "Original", body: "One.", frontMatter: "id: same\n")
        _ = try workspace.run(.apply)

        try workspace.writePost("a.md", title: "Copy", body: "Two.", frontMatter: "id: same\n")
        let report = try workspace.run(.apply)
        #expect(report.requests.write == 0)
        #expect(Self.failure(report, "a.md")?.contains("also the id of b.md") == true)
    }

    /// The daemon rescans only the changed file, which must still be checked against the file it copies.
    @Test func partialScanFindsCopy() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Original", body: "One.", frontMatter: "id: same\n")
        _ = try workspace.run(.apply)

        try workspace.writePost("copy.md", title: "Copy", body: "Two.", frontMatter: "id: same\n")
        let report = try ReadFailureTests().runPartial(workspace, paths: ["copy.md"])
        #expect(report.requests.write == 0)
        #expect(Self.failure(report, "copy.md")?.contains("also the id of a.md") == true)
    }

    /// A file whose id changed no longer owns its old id, although the state keeps the old id's row.
    @Test func changedIDFreesOldOne() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Renamed id", body: "One.", frontMatter: "id: zeta\n")
        _ = try workspace.run(.apply)
        try workspace.writePost("a.md", title: "Renamed id", body: "One.", frontMatter: "id: alpha\n")
        _ = try workspace.run(.apply)

        try workspace.writePost("b.md", title: "Takes the old id", body: "Two.", frontMatter: "id: zeta\n")
        let report = try workspace.run(.apply)
        #expect(Self.failure(report, "b.md") == nil, "\(Self.failure(report, "b.md") ?? "")")
    }

    /// The daemon reads a copy, then the original's deletion, in passes of their own. The copy then takes over the
    /// id and its post, instead of the draft being deleted and created again.
    @Test func copyTakesOverDeletedOriginal() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: "delete_drafts: true")
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Original", body: "One.", frontMatter: "id: same\n")
        _ = try workspace.run(.apply)
        let before = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().map(\.id)

        try workspace.writePost("b.md", title: "Original", body: "One.", frontMatter: "id: same\n")
        let copied = try ReadFailureTests().runPartial(workspace, paths: ["b.md"])
        #expect(Self.failure(copied, "b.md") != nil)
        try FileManager.default.removeItem(at: workspace.contentFolder.appendingPathComponent("a.md"))
        let deleted = try ReadFailureTests().runPartial(workspace, paths: ["a.md"])
        #expect(deleted.requests.write == 0, "\(deleted.items.map { "\($0.identity) \($0.decision)" })")
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().map(\.id) == before)

        let full = try workspace.run(.apply)
        #expect(full.failed == 0, "\(full.items.compactMap(\.message))")
        #expect(full.requests.write == 0)
    }

    /// The copy's failure as a duplicate goes in the same partial pass that lets it take over the id, instead of
    /// staying in the state until a full scan.
    @Test func takeoverClearsCopyFailure() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("promo-a.md", title: "Promo", body: "One.", frontMatter: "id: promo-1\n")
        try workspace.writePost("promo-b.md", title: "Promo", body: "Two.", frontMatter: "id: promo-1\n")
        let first = try workspace.run(.apply)
        #expect(first.created == 1)
        let state = try ReadFailureTests().state(workspace)
        #expect(try state.readFailures().map(\.location) == ["promo-b.md"])

        try FileManager.default.removeItem(at: workspace.contentFolder.appendingPathComponent("promo-a.md"))
        let takeover = try ReadFailureTests().runPartial(workspace, paths: ["promo-a.md"])
        #expect(takeover.updated == 1, "\(takeover.items.map { "\($0.identity) \($0.decision)" })")
        #expect(try state.item(source: "posts", identity: "promo-1")?.location == "promo-b.md")
        let failures = try state.readFailures()
        #expect(failures.isEmpty, "\(failures.map(\.message))")
    }

    /// A file that takes another id in a partial pass frees its old one, so the copy with the old id takes it over
    /// and loses its failure.
    @Test func changedIDClearsCopyFailure() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("promo-a.md", title: "Promo", body: "One.", frontMatter: "id: promo-1\n")
        try workspace.writePost("promo-b.md", title: "Promo", body: "Two.", frontMatter: "id: promo-1\n")
        _ = try workspace.run(.apply)
        let state = try ReadFailureTests().state(workspace)
        #expect(try state.readFailures().map(\.location) == ["promo-b.md"])

        try workspace.writePost("promo-a.md", title: "Promo", body: "One.", frontMatter: "id: promo-2\n")
        let changed = try ReadFailureTests().runPartial(workspace, paths: ["promo-a.md"])
        #expect(changed.failed == 0, "\(changed.items.compactMap(\.message))")
        #expect(try state.item(source: "posts", identity: "promo-1")?.location == "promo-b.md")
        let failures = try state.readFailures()
        #expect(failures.isEmpty, "\(failures.map(\.message))")

        // A full scan finds the same owners, so it changes nothing.
        let full = try workspace.run(.apply)
        #expect(full.failed == 0, "\(full.items.compactMap(\.message))")
        #expect(full.requests.write == 0)
    }

    /// Of two copies of a removed file, the first path takes over the id, and the other's failure names it.
    @Test func secondCopyNamesNewOwner() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        for name in ["promo-a.md", "promo-b.md", "promo-c.md"] {
            try workspace.writePost(name, title: "Promo", body: "Text of \(name).", frontMatter: "id: promo-1\n")
        }
        _ = try workspace.run(.apply)
        let state = try ReadFailureTests().state(workspace)
        #expect(try state.readFailures().map(\.location) == ["promo-b.md", "promo-c.md"])

        try FileManager.default.removeItem(at: workspace.contentFolder.appendingPathComponent("promo-a.md"))
        _ = try ReadFailureTests().runPartial(workspace, paths: ["promo-a.md"])
        let failures = try state.readFailures()
        #expect(failures.map(\.location) == ["promo-c.md"])
        let message = try #require(failures.first?.message)
        #expect(message.contains("its id \"promo-1\" is also the id of promo-b.md"), "\(message)")
    }

    /// A file renamed with its id is a move, not a copy.
    @Test func renamedFileKeepsPost() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: "delete_drafts: true")
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Moved", body: "One.", frontMatter: "id: same\n")
        _ = try workspace.run(.apply)

        try FileManager.default.moveItem(
            at: workspace.contentFolder.appendingPathComponent("a.md"),
            to: workspace.contentFolder.appendingPathComponent("b.md"))
        let report = try workspace.run(.apply)
        #expect(report.failed == 0, "\(report.items.compactMap(\.message))")
        #expect(report.created == 0)
        #expect(report.deleted == 0)
    }

    /// A page bundle moved with its picture keeps its post: the picture's new URL is an update, not a new post.
    @Test func movedBundleKeepsPost() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"], extraConfiguration: "delete_drafts: true",
            sourceSettings: "media_base_url: https://coffee.example/")
        defer { workspace.remove() }
        try workspace.writePost(
            "posts/opening-day/index.md", title: "Opening day", body: "We open at nine.",
            frontMatter: "image: cover.png\n")
        try workspace.writeFile("posts/opening-day/cover.png", bytes: MediaTestServer.pngBytes)
        let first = try workspace.run(.apply)
        #expect(first.created == 1, "\(first.items.compactMap(\.message))")
        let before = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().map(\.id)

        try FileManager.default.moveItem(
            at: workspace.contentFolder.appendingPathComponent("posts/opening-day"),
            to: workspace.contentFolder.appendingPathComponent("posts/second-store-opening"))
        let plan = try workspace.run(.plan)
        #expect(plan.created == 0, "\(plan.items.map { "\($0.identity) \($0.decision)" })")
        #expect(plan.deleted == 0)

        let moved = try workspace.run(.apply)
        #expect(moved.failed == 0, "\(moved.items.compactMap(\.message))")
        #expect(moved.created == 0)
        #expect(moved.deleted == 0)
        #expect(moved.updated == 1, "the picture's URL changed with the folder")
        let posts = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts()
        #expect(posts.map(\.id) == before)
        #expect(
            moved.items.first?.posts.first?.media == ["https://coffee.example/posts/second-store-opening/cover.png"])
    }
}

/// A front matter `id` added to a synced file, changed or removed, changes the item's identity but not its file,
/// so the item keeps its posts instead of getting a second one beside a record that no scan removes.
@Suite struct ChangedFileIDTests {
    static func items(_ workspace: TestWorkspace) throws -> [String] {
        let state = try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
        return try state.items(source: "posts").map(\.identity)
    }

    @Test func addedAndRemovedIDKeepPosts() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: "delete_drafts: true")
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Post A", body: "Body A.")
        try workspace.writePost("b.md", title: "Post B", body: "Body B.")
        #expect(try workspace.run(.apply).created == 2)

        try workspace.writePost("a.md", title: "Post A", body: "Body A.", frontMatter: "id: post-a\n")
        let plan = try workspace.run(.plan)
        #expect(plan.created == 0, "\(plan.items.map { "\($0.identity) \($0.decision)" })")
        let added = try workspace.run(.apply)
        #expect(added.requests.write == 0, "\(added.items.map { "\($0.identity) \($0.decision)" })")
        let message = try #require(added.items.first { $0.identity == "post-a" }?.message)
        #expect(message.contains("changed from a.md"), "\(message)")
        #expect(try Self.items(workspace) == ["b.md", "post-a"])
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 2)

        try workspace.writePost("a.md", title: "Post A", body: "Body A, edited.", frontMatter: "id: post-a\n")
        let edited = try workspace.run(.apply)
        #expect(edited.updated == 1)
        #expect(edited.created == 0)

        try workspace.writePost("a.md", title: "Post A", body: "Body A, edited.")
        let removed = try workspace.run(.apply)
        #expect(removed.requests.write == 0, "\(removed.items.map { "\($0.identity) \($0.decision)" })")
        #expect(try Self.items(workspace) == ["a.md", "b.md"])

        // The file's deletion deletes its one draft.
        try FileManager.default.removeItem(at: workspace.contentFolder.appendingPathComponent("a.md"))
        let deleted = try workspace.run(.apply)
        #expect(deleted.deleted == 1)
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 1)
    }

    /// The daemon's partial pass over the changed file moves the records too.
    @Test func partialPassMovesRecords() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Post A", body: "Body A.")
        #expect(try workspace.run(.apply).created == 1)

        try workspace.writePost("a.md", title: "Post A", body: "Body A.", frontMatter: "id: post-a\n")
        let partial = try ReadFailureTests().runPartial(workspace, paths: ["a.md"])
        #expect(partial.requests.write == 0, "\(partial.items.map { "\($0.identity) \($0.decision)" })")
        #expect(try Self.items(workspace) == ["post-a"])
        let full = try workspace.run(.apply)
        #expect(full.requests.write == 0, "\(full.items.map { "\($0.identity) \($0.decision)" })")
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 1)
    }

    static func identities(_ report: RunReport, _ decision: ItemDecision) -> [String] {
        report.items.filter { $0.decision == decision }.map(\.identity).sorted()
    }

    /// A file that takes the id of a removed item brings that item back with its post, and its own earlier item
    /// is removed, instead of the file being left out of every pass.
    @Test func idOfRemovedItemBringsItBack() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("old.md", title: "Launch", body: "Launch day.", frontMatter: "id: launch\n")
        try workspace.writePost("new.md", title: "News", body: "News.", frontMatter: "id: new\n")
        #expect(try workspace.run(.apply).created == 2)
        try FileManager.default.removeItem(at: workspace.contentFolder.appendingPathComponent("old.md"))
        #expect(try workspace.run(.apply).removed == 1)

        try workspace.writePost("new.md", title: "News", body: "News, edited.", frontMatter: "id: launch\n")
        let plan = try workspace.run(.plan)
        let sync = try workspace.run(.apply)
        #expect(Self.identities(sync, .update) == ["launch"], "\(sync.items.map { "\($0.identity) \($0.decision)" })")
        #expect(Self.identities(sync, .removed) == ["new"])
        #expect(Self.identities(plan, .update) == Self.identities(sync, .update))
        #expect(Self.identities(plan, .removed) == Self.identities(sync, .removed))
        #expect(sync.created == 0)
    }

    /// A file deleted and another renamed onto its path: the renamed file keeps its own draft, matched by its text,
    /// and the deleted file's draft is deleted. The path alone does not tie the two.
    @Test func renameOntoDeletedPathKeepsOwnDraft() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: "delete_drafts: true")
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Alpha", body: "Alpha text.", frontMatter: "id: post-a\n")
        try workspace.writePost("b.md", title: "Beta", body: "Beta text.")
        try workspace.writePost("c.md", title: "Gamma", body: "Gamma text.")
        #expect(try workspace.run(.apply).created == 3)
        let folder = workspace.contentFolder
        try FileManager.default.removeItem(at: folder.appendingPathComponent("a.md"))
        try FileManager.default.moveItem(
            at: folder.appendingPathComponent("b.md"), to: folder.appendingPathComponent("a.md"))

        let plan = try workspace.run(.plan)
        let sync = try workspace.run(.apply)
        #expect(sync.updated == 0, "\(sync.items.map { "\($0.identity) \($0.decision)" })")
        #expect(Self.identities(sync, .delete) == ["post-a"])
        #expect(Self.identities(plan, .delete) == ["post-a"])
        let texts = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().map(\.plainText).sorted()
        #expect(texts.count == 2)
        #expect(texts.contains { $0.contains("Beta") }, "\(texts)")
        #expect(!texts.contains { $0.contains("Alpha") }, "\(texts)")
    }

    /// A state that an earlier version left with two items at one path, one under the file's old identity and one
    /// under its new one, updates the new one and removes the old one.
    @Test func twoRecordsAtOnePathResolve() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("x.md", title: "Post A", body: "Body A.", frontMatter: "id: aa-old\n")
        try workspace.writePost("a.md", title: "Post A", body: "Body A.", frontMatter: "id: zz-new\n")
        try workspace.writePost("c.md", title: "Post C", body: "Body C.")
        #expect(try workspace.run(.apply).created == 3)
        try FileManager.default.removeItem(at: workspace.contentFolder.appendingPathComponent("x.md"))
        let state = try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
        try state.withDatabase { database in
            _ = try database.run("UPDATE items SET location = 'a.md' WHERE identity = 'aa-old'")
        }

        try workspace.writePost("a.md", title: "Post A", body: "Body A, edited.", frontMatter: "id: zz-new\n")
        let sync = try workspace.run(.apply)
        #expect(Self.identities(sync, .update) == ["zz-new"], "\(sync.items.map { "\($0.identity) \($0.decision)" })")
        #expect(Self.identities(sync, .removed) == ["aa-old"])
        let again = try workspace.run(.apply)
        #expect(again.requests.write == 0)
        #expect(
            again.items.allSatisfy { $0.decision == .unchanged },
            "\(again.items.map { "\($0.identity) \($0.decision)" })")
    }
}
