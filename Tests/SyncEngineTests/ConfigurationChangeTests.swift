import Foundation
import Logging
import SQLite
import Testing

@testable import SyncEngine

/// Changes to settings that shape posts, and how they reach the items synced before them.
@Suite struct ConfigurationChangeTests {
    /// Replaces `old` with `new` in the workspace's configuration file.
    static func editConfiguration(_ workspace: TestWorkspace, replacing old: String, with new: String) throws {
        let text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        #expect(text.contains(old), "the configuration has no \(old)")
        try text.replacingOccurrences(of: old, with: new).write(
            toFile: workspace.configPath, atomically: true, encoding: .utf8)
    }

    /// Syncs one item, then records its LinkedIn post as published in the state, as a status poll records a post
    /// that a person published in Planable.
    private func syncWithLinkedInPublished(_ workspace: TestWorkspace) throws {
        try workspace.writePost("a.md", title: "Roast notes", body: "A new roast.")
        #expect(try workspace.run(.apply).created == 1)
        let state = try StateStore(path: try Configuration.load(path: workspace.configPath).statePath)
        let linkedIn = try #require(try state.pageNames().first { $0.value == "Northwind LinkedIn" }?.key)
        try state.withDatabase { database in
            _ = try database.run("UPDATE posts SET published = 1, status = 'published' WHERE page_id = ?", [linkedIn])
        }
    }

    /// A source renamed in the configuration hands its records over in a pass over changed files too, such as the
    /// daemon's first pass after a reload whose full pass failed, so a touched file is not created again.
    @Test func renamedSourceInPartialPass() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Alpha", body: "First.")
        try workspace.writePost("b.md", title: "Beta", body: "Second.")
        #expect(try workspace.run(.apply).created == 2)
        try Self.editConfiguration(workspace, replacing: "- name: posts\n", with: "- name: articles\n")

        let configuration = try Configuration.load(path: workspace.configPath)
        let runtime = try Runtime(
            configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: true)
        let engine = runtime.engine()
        let touched = try engine.run(mode: .apply, sourceNames: ["articles"], changedPaths: ["articles": ["a.md"]])
        #expect(touched.created == 0, "\(touched.items.map { ($0.identity, $0.decision) })")
        #expect(touched.requests.write == 0)
        let full = try engine.run(mode: .apply)
        #expect(full.created == 0)
        #expect(full.requests.write == 0)
    }

    /// A page added to a group that already has posts cannot join it through the API, so the item is blocked with
    /// the way out, even though its text did not change.
    @Test func addedPageBlocksItsGroup() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Roast notes", body: "A new roast.")
        let first = try workspace.run(.apply)
        #expect(first.created == 1, "\(first.items.compactMap(\.message))")

        try Self.editConfiguration(
            workspace, replacing: "  - Northwind Facebook\n", with: "  - Northwind Facebook\n  - Northwind Threads\n")
        let report = try workspace.run(.apply)
        let item = try #require(report.items.first { $0.identity == "a.md" })
        #expect(item.decision == .blocked)
        #expect(item.message?.contains("pages now group differently") == true, "\(item.message ?? "no message")")
        #expect(item.message?.contains("page \"Northwind Threads\" has no post") == true, "\(item.message ?? "")")
        #expect(report.requests.write == 0)

        // The first report read the posts before advising to delete them; later runs rely on the status polls.
        let again = try workspace.run(.apply)
        #expect(again.items.first { $0.identity == "a.md" }?.decision == .blocked)
        #expect(
            again.requests.read < report.requests.read, "\(again.requests.read) reads, then \(report.requests.read)")
    }

    /// When one of the posts is published, the blocked item's advice does not say to delete the posts and create
    /// the new grouping, which would publish the item a second time on that page.
    @Test func addedPageBesidePublishedPost() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook"])
        defer { workspace.remove() }
        try syncWithLinkedInPublished(workspace)

        try Self.editConfiguration(
            workspace, replacing: "  - Northwind Facebook\n", with: "  - Northwind Facebook\n  - Northwind Threads\n")
        let item = try #require(try workspace.run(.apply).items.first { $0.identity == "a.md" })
        #expect(item.decision == .blocked)
        let message = item.message ?? ""
        #expect(message.contains("page \"Northwind Threads\" has no post"), "\(message)")
        #expect(message.contains("already published on \"Northwind LinkedIn\""), "\(message)")
        #expect(!message.contains("delete them in Planable"), "\(message)")
        #expect(!message.contains("forget"), "\(message)")
    }

    /// A post published in Planable since the last status poll is still a draft in the state. The posts are read
    /// before the advice is given, so it does not say to delete them either.
    @Test func addedPageBesidePostPublishedSincePoll() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Roast notes", body: "A new roast.")
        #expect(try workspace.run(.apply).created == 1)
        let state = try StateStore(path: try Configuration.load(path: workspace.configPath).statePath)
        let linkedIn = try #require(try state.pageNames().first { $0.value == "Northwind LinkedIn" }?.key)
        let postId = try #require(try state.allPosts().first { $0.pageId == linkedIn }?.postId)
        // A person publishes the post in Planable, which the reference server's database records.
        let reference = try SQLiteDatabase(path: workspace.stateFolder.appendingPathComponent("reference.sqlite").path)
        _ = try reference.run(
            "UPDATE posts SET state = 'published', published_at = 1780000000, published_link = ? WHERE id = ?",
            ["https://www.linkedin.com/feed/update/1", postId])

        try Self.editConfiguration(
            workspace, replacing: "  - Northwind Facebook\n", with: "  - Northwind Facebook\n  - Northwind Threads\n")
        let item = try #require(try workspace.run(.apply).items.first { $0.identity == "a.md" })
        #expect(item.decision == .blocked)
        let message = item.message ?? ""
        #expect(message.contains("already published on \"Northwind LinkedIn\""), "\(message)")
        #expect(!message.contains("forget"), "\(message)")
    }

    /// A new template changes a published post's text while its file stays as it was, so the blocked item's
    /// message names the configuration, not a change to post in a new file.
    @Test func templateChangeOfPublishedPost() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try syncWithLinkedInPublished(workspace)

        try Self.editConfiguration(workspace, replacing: "  {{title}}\n", with: "  New: {{title}}\n")
        let item = try #require(try workspace.run(.apply).items.first { $0.identity == "a.md" })
        #expect(item.decision == .blocked)
        let message = item.message ?? ""
        #expect(message.contains("the configuration now makes its post differ"), "\(message)")
        #expect(!message.contains("new file"), "\(message)")
    }

    /// An edit that reaches only the drafts of a group is logged with the published posts that keep the old text,
    /// since the daemon shows no report.
    @Test func partlyPublishedUpdateIsLogged() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook"])
        defer { workspace.remove() }
        try syncWithLinkedInPublished(workspace)
        let state = try StateStore(path: try Configuration.load(path: workspace.configPath).statePath)
        let published = try state.allPosts().filter(\.published).map(\.postId)
        #expect(published.count == 1)

        try workspace.writePost("a.md", title: "Roast notes", body: "A new roast, edited.")
        let logs = LogCapture()
        let report = try workspace.run(.apply, logger: logs.logger)
        #expect(report.updated == 1, "\(report.items.compactMap(\.message))")
        let logged = try #require(logs.entries(startingWith: "updated only the drafts of a group").first)
        #expect(logged["post.ids"] == published.first)
        #expect(logged["note"]?.contains("already published on Northwind LinkedIn") == true, "\(logged)")
        let updated = try #require(logs.entries(startingWith: "updated draft").first)
        #expect(updated["post.ids"]?.contains(published.first ?? "-") == false, "\(updated)")
    }

    /// A published post of another group of the item counts too, since `forget` drops every post of the item.
    @Test func regroupBesidePublishedGroup() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook", "Northwind X"])
        defer { workspace.remove() }
        try syncWithLinkedInPublished(workspace)

        try Self.editConfiguration(
            workspace, replacing: "sources:\n", with: "templates:\n  x: \"X: {{title}}\"\nsources:\n")
        let item = try #require(try workspace.run(.apply).items.first { $0.identity == "a.md" })
        #expect(item.decision == .blocked)
        let message = item.message ?? ""
        #expect(message.contains("already published on \"Northwind LinkedIn\""), "\(message)")
        #expect(!message.contains("forget"), "\(message)")
    }

    /// A page added to an item whose existing post has text of its own makes a new group, and the plan marks the
    /// existing post as unchanged, so that it is not taken for a copy.
    @Test func planMarksUnchangedPostBesideNewOne() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind X"], extraConfiguration: "templates:\n  x: \"X: {{title}}\"\n")
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Roast notes", body: "A new roast.")
        #expect(try workspace.run(.apply).created == 1)

        try workspace.writePost(
            "a.md", title: "Roast notes", body: "A new roast.",
            frontMatter: "planable:\n  pages: [Northwind X, Northwind LinkedIn]\n")
        let plan = try workspace.run(.plan)
        let item = try #require(plan.items.first { $0.identity == "a.md" })
        #expect(item.decision == .create, "\(item)")
        let byPage = Dictionary(uniqueKeysWithValues: item.posts.map { ($0.pages.joined(), $0.decision) })
        #expect(byPage["Northwind X"] == .unchanged, "\(byPage)")
        #expect(byPage["Northwind LinkedIn"] == .create, "\(byPage)")
    }

    /// A blocked item is logged with its reason when it becomes blocked, and not again while nothing changes, so a
    /// daemon's log names it.
    @Test func blockedItemIsLoggedOnce() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Roast notes", body: "A new roast.")
        #expect(try workspace.run(.apply).created == 1)

        try Self.editConfiguration(
            workspace, replacing: "  - Northwind Facebook\n", with: "  - Northwind Facebook\n  - Northwind Threads\n")
        let logs = LogCapture()
        let report = try workspace.run(.apply, logger: logs.logger)
        #expect(report.blocked == 1)
        let warning = try #require(logs.entries(startingWith: "item blocked").first)
        #expect(warning["item.id"] == "a.md")
        #expect(warning["item.source"] == "posts")
        #expect(warning["reason"]?.contains("pages now group differently") == true, "\(warning)")
        #expect(warning["reason"]?.contains("forget") == true, "\(warning)")

        let again = LogCapture()
        #expect(try workspace.run(.apply, logger: again.logger).blocked == 1)
        #expect(again.entries(startingWith: "item blocked").isEmpty, "the unchanged blocked item was logged again")
    }

    /// Two groups blocked for the same reason give the item one message, which names the pages that the posts
    /// were created for as one group.
    @Test func regroupingIsReportedOnce() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook", "Northwind X"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Split", body: "One.")
        _ = try workspace.run(.apply)

        try Self.editConfiguration(
            workspace, replacing: "sources:\n",
            with: "templates:\n  facebook: \"F: {{title}}\"\n  x: \"X: {{title}}\"\nsources:\n")
        let report = try workspace.run(.apply)
        let item = try #require(report.items.first { $0.identity == "a.md" })
        #expect(item.decision == .blocked)
        let message = item.message ?? ""
        #expect(message.components(separatedBy: "pages now group differently").count == 2, "\(message)")
        #expect(
            message.contains(
                "than when its posts were created as one group on \"Northwind Facebook\", \"Northwind LinkedIn\", "
                    + "\"Northwind X\"; the existing posts"), "\(message)")
    }

    /// Posts created in two groups that the pages now share name both groups.
    @Test func mergedGroupsAreNamed() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn", "Northwind Facebook", "Northwind X"],
            extraConfiguration: "templates:\n  x: \"X: {{title}}\"\n")
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Split", body: "One.")
        #expect(try workspace.run(.apply).created == 1)

        try Self.editConfiguration(workspace, replacing: "templates:\n  x: \"X: {{title}}\"\n", with: "")
        let item = try #require(try workspace.run(.apply).items.first { $0.identity == "a.md" })
        #expect(item.decision == .blocked)
        #expect(
            item.message?.contains(
                "than when its posts were created in 2 groups, (\"Northwind Facebook\", \"Northwind LinkedIn\") "
                    + "and (\"Northwind X\"); the existing posts") == true, "\(item.message ?? "")")
    }

    /// A page removed from the configuration leaves items whose text did not change unchanged. A PATCH would also
    /// change the removed page's post, so an item whose text changed is blocked.
    @Test func removedPageKeepsUnchangedItems() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn", "Northwind Facebook"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Same", body: "One.")
        try workspace.writePost("b.md", title: "Edited", body: "Two.")
        _ = try workspace.run(.apply)

        try Self.editConfiguration(workspace, replacing: "  - Northwind Facebook\n", with: "")
        try workspace.writePost("b.md", title: "Edited", body: "Two, edited.")
        let report = try workspace.run(.apply)
        let decisions = Dictionary(uniqueKeysWithValues: report.items.map { ($0.identity, $0.decision) })
        #expect(decisions["a.md"] == .unchanged, "\(decisions)")
        #expect(decisions["b.md"] == .blocked, "\(decisions)")
        #expect(report.requests.write == 0)
        // The posts on the removed page stay, and each item's message names them, for the report and for `status`.
        let note = try #require(report.items.first { $0.identity == "a.md" }?.message)
        #expect(note.contains("a.md: the item no longer goes to the pages of post "), "\(note)")
        #expect(note.contains(" on page \"Northwind Facebook\", which are kept as they are"), "\(note)")
        let state = try StateStore(path: try Configuration.load(path: workspace.configPath).statePath)
        #expect(try state.item(source: "posts", identity: "a.md")?.lastError == note)

        // Once a person deleted those posts, as a status poll records it, the next scan drops the note.
        let facebook = try #require(try state.pageNames().first { $0.value == "Northwind Facebook" }?.key)
        try state.withDatabase { database in
            _ = try database.run("UPDATE posts SET status = 'deleted' WHERE page_id = ?", [facebook])
        }
        _ = try workspace.run(.apply)
        #expect(try state.item(source: "posts", identity: "a.md")?.lastError == nil)
    }

    /// An item whose front matter takes it off a page leaves its scheduled post there with a note that it may
    /// still be published.
    @Test func leftPageKeepsScheduledPost() throws {
        let rules = """
            rules:
              - name: scheduled
                schedule: {publish: true}
            """
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: rules)
        defer { workspace.remove() }
        try workspace.writePost(
            "a.md", title: "Launch", body: "Soon.",
            frontMatter: "date: 2030-05-05\nplanable:\n  pages: [Northwind LinkedIn, Northwind Facebook]\n")
        #expect(try workspace.run(.apply).created == 1)
        try workspace.writePost(
            "a.md", title: "Launch", body: "Soon.",
            frontMatter: "date: 2030-05-05\nplanable:\n  pages: [Northwind Facebook]\n")
        let report = try workspace.run(.apply)
        let message = try #require(report.items.first { $0.identity == "a.md" }?.message)
        #expect(message.contains("on page \"Northwind LinkedIn\" (scheduled)"), "\(message)")
        #expect(message.contains("a scheduled one may still be published"), "\(message)")
        #expect(!message.contains("Northwind Facebook"), "\(message)")
    }

    /// A changed template is applied to every synced item, and a second run sends no write.
    @Test func changedTemplateUpdatesSyncedItems() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Roast notes", body: "A new roast.")
        _ = try workspace.run(.apply)

        try Self.editConfiguration(
            workspace, replacing: "template: |\n  {{title}}", with: "template: |\n  New: {{title}}")
        let report = try workspace.run(.apply)
        #expect(report.items.first { $0.identity == "a.md" }?.decision == .update)
        #expect(report.requests.write == 1)
        #expect(try workspace.run(.apply).requests.write == 0)
    }
}
