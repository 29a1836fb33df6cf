import Foundation
import Logging
import PlanableAPI
import SQLite
import Testing
import Timestamps

@testable import SyncEngine

/// A schedule or campaign removed from the source is cleared on its post, unless a person changed it in Planable
/// since the last sync.
@Suite(.serialized) struct ClearedFieldsTests {
    static let rules = """
        rules:
          - name: scheduled
            schedule: {time: "09:30", publish: true}
        """
    /// 09:30 on this date in New York, Northwind Coffee's time zone, is 14:30 UTC. Without the date, the rule
    /// leaves the post unscheduled, with a warning that the item has no date.
    static let dated = "date: 2030-01-15\n"
    static let scheduledAt = "2030-01-15T14:30:00.000Z"

    static func statePath(_ workspace: TestWorkspace) -> String {
        workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
    }

    static func sentFields(_ workspace: TestWorkspace, identity: String = "a.md") throws -> [SentFields] {
        try StateStore(path: statePath(workspace)).posts(source: "posts", identity: identity).map(\.sent)
    }

    static func messages(_ report: RunReport) -> String {
        "\(report.items.compactMap(\.message))"
    }

    @Test func removedScheduleIsCleared() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn", "Northwind Facebook"], extraConfiguration: Self.rules)
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Opening", body: "We open at nine.", frontMatter: Self.dated)
        #expect(try workspace.run(.apply).created == 1)
        let created = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts()
        #expect(created.count == 2)
        for post in created { #expect(post.scheduledSet, "\(post.pageId): \(post.status)") }
        #expect(
            try Self.sentFields(workspace) == Array(repeating: SentFields(scheduledAt: Self.scheduledAt), count: 2))

        try workspace.writePost("a.md", title: "Opening", body: "We open at nine.")
        let plan = try workspace.run(.plan)
        let planned = try #require(plan.items.first?.posts.first)
        #expect(planned.decision == .update, "\(Self.messages(plan))")
        #expect(planned.clearedByUpdate == ["scheduledAt"])
        #expect(!planned.warnings.contains { $0.contains("changed in Planable") }, "\(planned.warnings)")

        let report = try workspace.run(.apply)
        #expect(report.updated == 1, "\(Self.messages(report))")
        #expect(report.requests.write == 1)
        #expect(report.items.first?.posts.first?.clearedByUpdate == ["scheduledAt"])
        for post in try ReferenceReadBack(stateFolder: workspace.stateFolder).posts() {
            #expect(post.scheduledAt == nil, "\(post.pageId): \(post.scheduledAt ?? "")")
            #expect(!post.scheduledSet, "\(post.pageId)")
            #expect(post.status == "draft", "\(post.pageId)")
        }
        #expect(try Self.sentFields(workspace) == [SentFields(), SentFields()])
        #expect(try workspace.run(.apply).requests.write == 0)
    }

    @Test func removedCampaignIsCleared() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        _ = try workspace.run(.plan)
        let campaignId = try ReferenceReadBack(stateFolder: workspace.stateFolder).createCampaign("Fall menu")
        try workspace.writePost(
            "a.md", title: "Pumpkin", body: "Spice.", frontMatter: "planable: {campaign: Fall menu}\n")
        #expect(try workspace.run(.apply).created == 1)
        let postId: String
        do {
            let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
            postId = try #require(try reference.posts().first?.id)
            #expect(try reference.rawPost(postId)["campaignId"] as? String == campaignId)
        }
        #expect(try Self.sentFields(workspace) == [SentFields(campaignId: campaignId)])

        try workspace.writePost("a.md", title: "Pumpkin", body: "Spice.")
        let planned = try #require(try workspace.run(.plan).items.first?.posts.first)
        #expect(planned.clearedByUpdate == ["campaign"])
        let report = try workspace.run(.apply)
        #expect(report.updated == 1, "\(Self.messages(report))")
        let post = try ReferenceReadBack(stateFolder: workspace.stateFolder).rawPost(postId)
        #expect(post["campaignId"] is NSNull, "\(post["campaignId"] ?? "missing")")
        #expect(try Self.sentFields(workspace) == [SentFields()])
    }

    /// A rebuilt state records as sent the schedule and campaign that the source sets and the linked posts show, so
    /// removing them from the source later clears them, as after a create.
    @Test func rebuiltStateRecordsSentFields() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: Self.rules)
        defer { workspace.remove() }
        _ = try workspace.run(.plan)
        let campaignId = try ReferenceReadBack(stateFolder: workspace.stateFolder).createCampaign("Fall menu")
        let both = Self.dated + "planable: {campaign: Fall menu}\n"
        try workspace.writePost("a.md", title: "Pumpkin", body: "Spice.", frontMatter: both)
        #expect(try workspace.run(.apply).created == 1)
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: Self.statePath(workspace) + suffix)
        }

        do {
            let configuration = try Configuration.load(path: workspace.configPath)
            let runtime = try Runtime(
                configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: true)
            let summary = try StateRebuilder(engine: runtime.engine()).rebuild()
            #expect(summary.linkedByText == 1)
        }
        #expect(
            try Self.sentFields(workspace) == [SentFields(scheduledAt: Self.scheduledAt, campaignId: campaignId)])

        try workspace.writePost("a.md", title: "Pumpkin", body: "Spice.")
        let report = try workspace.run(.apply)
        #expect(report.updated == 1, "\(Self.messages(report))")
        #expect(report.items.first?.posts.first?.clearedByUpdate == ["scheduledAt", "campaign"])
        let post = try #require(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().first)
        #expect(post.scheduledAt == nil)
        #expect(post.campaignId == nil)
    }

    /// A person moved the post in Planable, so the update leaves that schedule and warns about it.
    @Test func scheduleChangedInPlanableIsKept() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn", "Northwind Facebook"], extraConfiguration: Self.rules)
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Opening", body: "We open at nine.", frontMatter: Self.dated)
        #expect(try workspace.run(.apply).created == 1)
        let moved = "2030-02-01T16:00:00.000Z"
        do {
            let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
            let postId = try #require(try reference.posts().first?.id)
            var request = UpdatePostRequest()
            request.scheduledAt = .set(moved)
            _ = try reference.client.updatePost(id: postId, request)
        }

        try workspace.writePost("a.md", title: "Opening", body: "We open at nine.")
        let planned = try #require(try workspace.run(.plan).items.first?.posts.first)
        #expect(planned.decision == .update)
        #expect(planned.clearedByUpdate == nil)
        let planWarning = try #require(planned.warnings.first { $0.contains("changed in Planable") })
        #expect(planWarning.contains("the schedule on"), "\(planWarning)")

        let logs = LogCapture()
        let report = try workspace.run(.apply, logger: logs.logger)
        #expect(report.updated == 1, "\(Self.messages(report))")
        let post = try #require(report.items.first?.posts.first)
        #expect(post.clearedByUpdate == nil)
        let warning = try #require(post.warnings.first { $0.contains("changed in Planable") }, "\(post.warnings)")
        #expect(warning.contains("Northwind LinkedIn"), "\(warning)")
        #expect(warning.contains("Northwind Facebook"), "\(warning)")
        #expect(warning.contains("the source no longer sets one"), "\(warning)")
        let logged = try #require(
            logs.entries(startingWith: "item written with a warning").first { $0["warning"] == warning })
        #expect(logged["item.source"] == "posts")
        #expect(logged["item.id"] == "a.md")
        for post in try ReferenceReadBack(stateFolder: workspace.stateFolder).posts() {
            #expect(post.scheduledAt.flatMap(Timestamp.date) == Timestamp.date(moved), "\(post.pageId)")
        }

        // The state no longer records a schedule as sent, so later updates leave it quietly.
        #expect(try Self.sentFields(workspace) == [SentFields(), SentFields()])
        try workspace.writePost("a.md", title: "Opening day", body: "We open at nine.")
        let next = try workspace.run(.apply)
        #expect(next.updated == 1, "\(Self.messages(next))")
        let nextWarnings = next.items.first?.posts.first?.warnings ?? []
        #expect(!nextWarnings.contains { $0.contains("changed in Planable") }, "\(nextWarnings)")
        for post in try ReferenceReadBack(stateFolder: workspace.stateFolder).posts() {
            #expect(post.scheduledAt.flatMap(Timestamp.date) == Timestamp.date(moved), "\(post.pageId)")
        }
    }

    /// A state written before the sent schedule and campaign were kept gains their columns. Its posts record
    /// nothing as sent, so the first update keeps their schedule, and later updates clear what they send.
    @Test func stateWithoutSentColumnsMigrates() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: Self.rules)
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Opening", body: "We open at nine.", frontMatter: Self.dated)
        #expect(try workspace.run(.apply).created == 1)
        // Version 5 is the last schema without the columns, which were appended to the posts table, as were the
        // columns of later versions to the posts, items and feeds tables, so dropping them all gives that schema back.
        let previousVersion = 5
        do {
            let database = try SQLiteDatabase(path: Self.statePath(workspace))
            try OlderStateSchema.dropLaterColumns(database)
            try database.execute("ALTER TABLE posts DROP COLUMN sent_text_hash")
            try database.execute("ALTER TABLE posts DROP COLUMN sent_scheduled_at")
            try database.execute("ALTER TABLE posts DROP COLUMN sent_campaign_id")
            try database.execute("ALTER TABLE items DROP COLUMN entry_date")
            try database.execute("PRAGMA user_version = \(previousVersion)")
        }

        try workspace.writePost("a.md", title: "Opening", body: "We open at nine.")
        let report = try workspace.run(.apply)
        #expect(report.updated == 1, "\(Self.messages(report))")
        #expect(report.items.first?.posts.first?.clearedByUpdate == nil)
        let warnings = report.items.first?.posts.first?.warnings ?? []
        #expect(!warnings.contains { $0.contains("changed in Planable") }, "\(warnings)")
        let unrecorded = try #require(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().first)
        #expect(unrecorded.scheduledAt.flatMap(Timestamp.date) == Timestamp.date(Self.scheduledAt))
        do {
            let database = try SQLiteDatabase(path: Self.statePath(workspace))
            let columns = try database.query("PRAGMA table_info(posts)").compactMap { $0.string("name") }
            #expect(columns.contains("sent_scheduled_at"), "\(columns)")
            #expect(columns.contains("sent_campaign_id"), "\(columns)")
            let version = try database.queryFirst("PRAGMA user_version")?.int("user_version")
            #expect(version == StateStore.migrations.count)
        }

        try workspace.writePost("a.md", title: "Opening", body: "We open at nine.", frontMatter: Self.dated)
        #expect(try workspace.run(.apply).updated == 1)
        #expect(try Self.sentFields(workspace) == [SentFields(scheduledAt: Self.scheduledAt)])
        try workspace.writePost("a.md", title: "Opening", body: "We open at nine.")
        #expect(try workspace.run(.apply).updated == 1)
        let cleared = try #require(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().first)
        #expect(cleared.scheduledAt == nil)
    }

    @Test func updateRequestSendsNullOnlyToClear() throws {
        func body(_ request: UpdatePostRequest) throws -> [String: Any] {
            let data = try JSONEncoder().encode(request)
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        var payload = PostPayload(text: "Hello")
        let omitted = try body(payload.updateRequest(notify: false))
        #expect(omitted["scheduledAt"] == nil)
        #expect(omitted["publishAtScheduledDate"] == nil)
        #expect(omitted["campaignId"] == nil)

        let cleared = try body(payload.updateRequest(notify: false, clearing: [.schedule, .campaign]))
        #expect(cleared["scheduledAt"] is NSNull)
        #expect(cleared["publishAtScheduledDate"] as? Bool == false)
        #expect(cleared["campaignId"] is NSNull)

        payload.scheduledAt = Self.scheduledAt
        let set = try body(payload.updateRequest(notify: false, campaignId: "campaign-1", clearing: [.schedule]))
        #expect(set["scheduledAt"] as? String == Self.scheduledAt)
        #expect(set["campaignId"] as? String == "campaign-1")
    }
}
