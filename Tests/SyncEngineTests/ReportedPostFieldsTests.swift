import Foundation
import SQLite
import Testing

@testable import SyncEngine

/// A run's report carries every field of each post's payload, so that `plan` can show what a sync would send.
@Suite struct ReportedPostFieldsTests {
    static func workspace() throws -> TestWorkspace {
        try TestWorkspace(
            pages: ["Northwind LinkedIn", "Northwind YouTube"],
            extraConfiguration: """
                notify: true
                rules:
                  - name: fields
                    schedule: {time: "08:15", publish: true}
                    first_comment: "Read more: {{url}}"
                    internal_note: "From {{source}}"
                    team_only: true
                    youtube_title: "{{title}} (video)"
                    linkedin_video_title: "{{title}} clip"
                """,
            sourceSettings: "link: \"https://coffee.northwind.example/{{path}}/\"")
    }

    static func writeItem(_ workspace: TestWorkspace) throws {
        try workspace.writePost(
            "a.md", title: "Alpha", body: "Beans.",
            frontMatter: "date: 2031-02-03\nimage: https://media.northwind.example/a.mp4\n")
    }

    @Test func planReportsEveryPayloadField() throws {
        let workspace = try Self.workspace()
        defer { workspace.remove() }
        try Self.writeItem(workspace)
        let report = try workspace.run(.plan)
        let posts = try #require(report.items.first?.posts)
        #expect(posts.count == 2, "\(report.items.compactMap(\.message))")
        let linkedin = try #require(posts.first { $0.pages == ["Northwind LinkedIn"] })
        #expect(linkedin.media == ["https://media.northwind.example/a.mp4"])
        #expect(linkedin.scheduledAt == "2031-02-03T13:15:00.000Z")
        #expect(linkedin.publishAtScheduledDate == true)
        #expect(linkedin.firstComment == "Read more: https://coffee.northwind.example/a/")
        #expect(linkedin.internalNote == "From posts")
        #expect(linkedin.teamOnly == true)
        #expect(linkedin.linkedinVideoTitle == "Alpha clip")
        #expect(linkedin.youtubeTitle == nil)
        #expect(linkedin.notify == true)
        #expect(linkedin.decision == .create)
        #expect(linkedin.unchangedByUpdate == nil)
        let youtube = try #require(posts.first { $0.pages == ["Northwind YouTube"] })
        #expect(youtube.youtubeTitle == "Alpha (video)")
    }

    /// An edit to the text and the first comment updates the posts, and the report names the fields that the
    /// update leaves as the create set them.
    @Test func updateNamesFieldsItLeaves() throws {
        let workspace = try Self.workspace()
        defer { workspace.remove() }
        try Self.writeItem(workspace)
        let created = try workspace.run(.apply)
        #expect(created.created == 1, "\(created.items.compactMap(\.message))")
        try Self.replaceInConfiguration(workspace, "Read more: {{url}}", with: "Order at {{url}}")
        try workspace.writePost(
            "a.md", title: "Alpha", body: "Beans, roasted.",
            frontMatter: "date: 2031-02-03\nimage: https://media.northwind.example/a.mp4\n")

        let report = try workspace.run(.plan)
        let posts = try #require(report.items.first?.posts)
        let linkedin = try #require(posts.first { $0.pages == ["Northwind LinkedIn"] })
        #expect(linkedin.decision == .update)
        #expect(linkedin.firstComment == "Order at https://coffee.northwind.example/a/")
        #expect(linkedin.unchangedByUpdate == ["firstComment", "internalNote"])
        let youtube = try #require(posts.first { $0.pages == ["Northwind YouTube"] })
        #expect(youtube.unchangedByUpdate == ["firstComment", "internalNote", "youtubeTitle"])
    }

    /// A first comment that a rule starts to set cannot reach existing posts, because an update cannot add one. So
    /// no PATCH is sent for it, and the item's message gives the reason.
    @Test func addedFirstCommentSendsNoUpdate() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn", "Northwind Facebook"],
            extraConfiguration: "rules:\n  - name: comments\n    team_only: true\n")
        defer { workspace.remove() }
        try Self.writeItem(workspace)
        #expect(try workspace.run(.apply).created == 1)
        let configuration = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        try configuration.replacingOccurrences(
            of: "    team_only: true\n", with: "    team_only: true\n    first_comment: \"More soon\"\n"
        ).write(toFile: workspace.configPath, atomically: true, encoding: .utf8)

        let plan = try workspace.run(.plan)
        let planned = try #require(plan.items.first)
        #expect(planned.decision == .unchanged, "\(planned.message ?? "")")
        #expect(
            planned.message?.contains("the source changed the first comment, which an update cannot change") == true,
            "\(planned.message ?? "")")
        let sync = try workspace.run(.apply)
        #expect(sync.requests.write == 0)
        #expect(sync.updated == 0)
        #expect(sync.unchanged == 1)
        let again = try workspace.run(.apply)
        #expect(again.requests.write == 0)
        #expect(again.items.first?.message == nil, "the next run is quiet")

        // A text edit after it is sent as usual.
        try workspace.writePost(
            "a.md", title: "Alpha", body: "Beans, edited.",
            frontMatter: "date: 2031-02-03\nimage: https://media.northwind.example/a.mp4\n")
        #expect(try workspace.run(.apply).updated == 1)
    }

    /// A first comment, internal note or YouTube title that changes from one value to another cannot reach
    /// existing posts either, because no PATCH takes them. So no PATCH is sent, the message names the fields whose
    /// value differs from the one that the create sent, and the source going back to that value is no change.
    @Test func changedCreateOnlyFieldSendsNoUpdate() throws {
        let workspace = try Self.workspace()
        defer { workspace.remove() }
        try Self.writeItem(workspace)
        #expect(try workspace.run(.apply).created == 1)
        try Self.replaceInConfiguration(workspace, "Read more: {{url}}", with: "Order at {{url}}")

        let plan = try workspace.run(.plan)
        let planned = try #require(plan.items.first)
        #expect(planned.decision == .unchanged, "\(planned.message ?? "")")
        #expect(
            planned.message?.contains("the source changed the first comment, which an update cannot change") == true,
            "\(planned.message ?? "")")
        let sync = try workspace.run(.apply)
        #expect(sync.requests.write == 0)
        #expect(sync.unchanged == 1)
        #expect(sync.items.first?.message == planned.message)
        let again = try workspace.run(.apply)
        #expect(again.requests.write == 0)
        #expect(again.items.first?.message == nil, "the next run is quiet")

        // Two fields at once, one of them only on the YouTube post's group.
        try Self.replaceInConfiguration(workspace, "From {{source}}", with: "Via {{source}}")
        try Self.replaceInConfiguration(workspace, "{{title}} (video)", with: "{{title}} (film)")
        let both = try workspace.run(.apply)
        #expect(both.requests.write == 0)
        let message = both.items.first?.message ?? ""
        #expect(message.contains("the source changed the first comment and internal note,"), "\(message)")
        #expect(message.contains("the first comment, internal note and YouTube title"), "\(message)")

        // Back to the values that the create sent: nothing to report.
        try Self.replaceInConfiguration(workspace, "Order at {{url}}", with: "Read more: {{url}}")
        try Self.replaceInConfiguration(workspace, "Via {{source}}", with: "From {{source}}")
        try Self.replaceInConfiguration(workspace, "{{title}} (film)", with: "{{title}} (video)")
        let back = try workspace.run(.apply)
        #expect(back.requests.write == 0)
        #expect(back.unchanged == 1)
        #expect(back.items.first?.message == nil, "\(back.items.first?.message ?? "")")

        // A text edit is sent as usual.
        try workspace.writePost(
            "a.md", title: "Alpha", body: "Beans, edited.",
            frontMatter: "date: 2031-02-03\nimage: https://media.northwind.example/a.mp4\n")
        #expect(try workspace.run(.apply).updated == 1)
    }

    /// Posts read back after a create whose recording failed get the hashes of the create too, so a later change
    /// of the first comment alone sends no PATCH either.
    @Test func readBackPostsKeepTheHashes() throws {
        let workspace = try Self.workspace()
        defer { workspace.remove() }
        let statePath = workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
        try Self.writeItem(workspace)
        _ = try workspace.run(.plan)
        let database = try SQLiteDatabase(path: statePath)
        try database.execute(
            "CREATE TRIGGER fail_posts BEFORE INSERT ON posts BEGIN SELECT RAISE(ABORT, 'disk is full'); END")
        #expect(try workspace.run(.apply).failed == 1)
        try database.execute("DROP TRIGGER fail_posts")
        // The first group's posts are read back; the item's other group, not reached before, is created now.
        _ = try workspace.run(.apply)
        let posts = try StateStore(path: statePath).posts(source: "posts", identity: "a.md")
        #expect(posts.count == 2)
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 2, "no post twice")
        #expect(posts.allSatisfy { $0.updatableHash != nil })
        #expect(posts.allSatisfy { $0.createOnlyDigest != nil })

        try Self.replaceInConfiguration(workspace, "Read more: {{url}}", with: "Order at {{url}}")
        let changed = try workspace.run(.apply)
        #expect(changed.requests.write == 0)
        #expect(changed.items.first?.message?.contains("the source changed the first comment") == true)
    }

    /// Posts recorded by a version that kept no digest of the create-only fields still send no PATCH for an added
    /// first comment, and record the digest-free hash from then on.
    @Test func olderStateStillSkipsAddedFirstComment() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"], extraConfiguration: "rules:\n  - name: comments\n    team_only: true\n")
        defer { workspace.remove() }
        try Self.writeItem(workspace)
        #expect(try workspace.run(.apply).created == 1)
        do {
            let database = try SQLiteDatabase(
                path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
            try database.execute("UPDATE posts SET updatable_hash = NULL, sent_create_only = NULL")
        }
        try Self.replaceInConfiguration(
            workspace, "    team_only: true\n", with: "    team_only: true\n    first_comment: \"More soon\"\n")
        let sync = try workspace.run(.apply)
        #expect(sync.requests.write == 0)
        #expect(sync.items.first?.message?.contains("the first comment that the source now sets is not sent") == true)
    }

    static func replaceInConfiguration(_ workspace: TestWorkspace, _ old: String, with new: String) throws {
        let configuration = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        #expect(configuration.contains(old))
        try configuration.replacingOccurrences(of: old, with: new)
            .write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
    }
}
