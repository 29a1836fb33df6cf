import Foundation
import PlanableAPI
import SQLite
import Testing

@testable import SyncEngine

/// A post whose text someone edited in Planable after the last sync, as a client may: a source edit does not
/// replace that text unless the configuration allows it.
@Suite(.serialized) struct PlanableEditTests {
    /// Syncs the file `a.md` to its one post, then hands the post's id to `change`, which acts as a person in
    /// Planable would, and returns the id.
    static func syncOnePost(
        _ workspace: TestWorkspace, then change: (PlanableClient, String) throws -> Void
    ) throws -> String {
        try workspace.writePost("a.md", title: "Opening", body: "We open at nine.")
        #expect(try workspace.run(.apply).created == 1)
        let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        let postId = try #require(try reference.posts().first?.id)
        try change(reference.client, postId)
        return postId
    }

    /// A post deleted in Planable is created again by the next edit of its item, and the report gives the reason,
    /// because a client may have deleted it on purpose.
    @Test func recreatedPostReportsReason() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        let postId = try Self.syncOnePost(workspace) { client, id in try client.deletePost(id: id) }

        try workspace.writePost("a.md", title: "Opening day", body: "We open at nine.")
        let edited = try workspace.run(.apply)
        let item = try #require(edited.items.first)
        #expect(item.decision == .create, "\(item.message ?? "")")
        #expect(
            item.message?.hasPrefix("its post \(postId) was deleted in Planable, so the edit created it again") == true,
            "\(item.message ?? "")")
        let posts = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts()
        #expect(posts.map(\.plainText) == ["Opening day\n\nWe open at nine."], "\(posts.map(\.plainText))")
    }

    @Test func editInPlanableBlocksUpdate() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        _ = try Self.syncOnePost(workspace) { client, id in
            _ = try client.updatePost(id: id, UpdatePostRequest(text: "Client's wording"))
        }

        try workspace.writePost("a.md", title: "Opening day", body: "We open at nine.")
        let planned = try #require(try workspace.run(.plan).items.first)
        #expect(planned.decision == .blocked, "\(planned.message ?? "")")
        #expect(planned.message?.contains("would not be sent") == true, "\(planned.message ?? "")")
        let blocked = try workspace.run(.apply)
        let item = try #require(blocked.items.first)
        #expect(item.decision == .blocked, "\(item.message ?? "")")
        #expect(item.message?.contains("was edited in Planable since the last sync") == true, "\(item.message ?? "")")
        #expect(item.message?.contains("overwrite_planable_edits: true") == true)
        #expect(blocked.requests.write == 0)
        let textAfterBlock = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().first?.plainText
        #expect(textAfterBlock == "Client's wording")

        let configuration = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        try (configuration + "\noverwrite_planable_edits: true\n").write(
            toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let replaced = try workspace.run(.apply)
        #expect(replaced.updated == 1, "\(replaced.items.compactMap(\.message))")
        let text = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().first?.plainText ?? ""
        #expect(text.hasPrefix("Opening day"), "\(text)")
    }

    /// An item that stays blocked by an edit in Planable logs its warning when it becomes blocked, not at each
    /// later read, as each rescan of its file or poll of its feed would.
    @Test func blockWarningIsLoggedOnce() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        _ = try Self.syncOnePost(workspace) { client, id in
            _ = try client.updatePost(id: id, UpdatePostRequest(text: "Client's wording"))
        }
        try workspace.writePost("a.md", title: "Opening day", body: "We open at nine.")
        let logs = LogCapture()
        for _ in 0..<3 {
            let report = try workspace.run(.apply, logger: logs.logger)
            #expect(report.blocked == 1, "\(report.items.compactMap(\.message))")
        }
        #expect(logs.entries(startingWith: "post edited in Planable since the last sync").count == 1)
    }

    /// The program's own updates are not taken for edits in Planable.
    @Test func ownUpdatesAreNotEdits() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Opening", body: "We open at nine.")
        #expect(try workspace.run(.apply).created == 1)
        for title in ["Opening day", "Opening day, updated"] {
            try workspace.writePost("a.md", title: title, body: "We open at nine.")
            let report = try workspace.run(.apply)
            #expect(report.updated == 1, "\(report.items.compactMap(\.message))")
            #expect(report.blocked == 0)
        }
    }

    /// A draft that shows the text the update would send got an earlier PATCH whose response was never recorded, so
    /// it is no edit made in Planable. The update goes ahead and records the text, and the next run is quiet.
    @Test(arguments: [true, false]) func unrecordedUpdateIsNotAnEdit(wholeGroup: Bool) throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Opening", body: "We open at nine.")
        #expect(try workspace.run(.apply).created == 1)
        try workspace.writePost("a.md", title: "Opening day", body: "We open at nine.")
        let text = try #require(try workspace.run(.plan).items.first?.posts.first?.text)

        // The PATCH reached the whole group, or, when the group's posts were not kept in sync, only its LinkedIn
        // post, while the state still records the text of the create.
        let pageIds = try Self.pageIds(workspace)
        let patched = wholeGroup ? ["Northwind LinkedIn", "Northwind Facebook"] : ["Northwind LinkedIn"]
        try Self.setReferenceText(workspace, text, pageIds: patched.compactMap { pageIds[$0] })

        let report = try workspace.run(.apply)
        let item = try #require(report.items.first)
        #expect(item.decision == .update, "\(item.message ?? "")")
        #expect(report.blocked == 0)
        let posts = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts()
        #expect(posts.count == 2)
        for post in posts { #expect(post.plainText == text, "\(post.pageId)") }
        let recorded = try Self.recordedTextHashes(workspace)
        #expect(recorded == [StateStore.textHash(text)], "\(recorded)")

        let rerun = try workspace.run(.apply)
        #expect(rerun.unchanged == 1, "\(rerun.items.compactMap(\.message))")
        #expect(rerun.requests.write == 0)
    }

    /// In a group where one draft got the unrecorded PATCH and a person edited another, the item is blocked, and
    /// the message names only the page that the person edited.
    @Test func editBesideUnrecordedUpdateBlocks() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Opening", body: "We open at nine.")
        #expect(try workspace.run(.apply).created == 1)
        try workspace.writePost("a.md", title: "Opening day", body: "We open at nine.")
        let text = try #require(try workspace.run(.plan).items.first?.posts.first?.text)
        let pageIds = try Self.pageIds(workspace)
        try Self.setReferenceText(workspace, text, pageIds: [try #require(pageIds["Northwind LinkedIn"])])
        try Self.setReferenceText(workspace, "Client's wording", pageIds: [try #require(pageIds["Northwind Facebook"])])

        let report = try workspace.run(.apply)
        let item = try #require(report.items.first)
        #expect(item.decision == .blocked, "\(item.message ?? "")")
        let message = item.message ?? ""
        #expect(message.contains("the text on Northwind Facebook was edited in Planable"), "\(message)")
        #expect(!message.contains("Northwind LinkedIn"), "\(message)")
        #expect(report.requests.write == 0)
    }

    /// An update whose response was never recorded covers only the text it sent. A draft that a person changed to other
    /// text after it still blocks the next update, and one that shows the sent text does not.
    @Test(arguments: [true, false]) func pendingUpdateCoversOnlyItsText(personEdited: Bool) throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Opening", body: "We open at nine.")
        #expect(try workspace.run(.apply).created == 1)
        // The state records the text of an update as sent, and the server shows it, or a person's text in its place.
        let sentText = "Opening day\n\nWe open at nine."
        let statePath = workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
        try SQLiteDatabase(path: statePath).execute(
            "UPDATE posts SET sent_text_hash = '\(StateStore.textHash(sentText))'")
        let pageIds = try Self.pageIds(workspace)
        let shown = personEdited ? "Client's wording" : sentText
        try Self.setReferenceText(workspace, shown, pageIds: [try #require(pageIds["Northwind LinkedIn"])])

        try workspace.writePost("a.md", title: "Opening week", body: "We open at nine.")
        let report = try workspace.run(.apply)
        let item = try #require(report.items.first)
        #expect(item.decision == (personEdited ? .blocked : .update), "\(item.message ?? "")")
        let post = try #require(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().first)
        if personEdited {
            #expect(post.plainText == shown)
        } else {
            #expect(post.plainText.hasPrefix("Opening week"), "\(post.plainText)")
        }
    }

    /// Maps each page name of the embedded server's workspace to its id.
    private static func pageIds(_ workspace: TestWorkspace) throws -> [String: String] {
        let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        let pages = try reference.client.listPages(workspaceId: reference.workspaceId)
        return Dictionary(uniqueKeysWithValues: pages.map { ($0.name, $0.id) })
    }

    /// Sets the text of the posts on `pageIds` in the embedded server's database, which no server has open
    /// between runs. The API cannot do it, because a PATCH changes every post of a group.
    private static func setReferenceText(_ workspace: TestWorkspace, _ text: String, pageIds: [String]) throws {
        let path = workspace.stateFolder.appendingPathComponent("reference.sqlite").path
        let database = try SQLiteDatabase(path: path)
        for pageId in pageIds {
            let changed = try database.run("UPDATE posts SET text = ? WHERE page_id = ?", [text, pageId])
            #expect(changed == 1, "page \(pageId)")
        }
    }

    /// Reads the distinct text hashes that the state records for the posts.
    private static func recordedTextHashes(_ workspace: TestWorkspace) throws -> Set<String> {
        let path = workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
        let rows = try SQLiteDatabase(path: path, readOnly: true).query("SELECT planable_text_hash FROM posts")
        return Set(rows.compactMap { $0.string("planable_text_hash") })
    }
}
