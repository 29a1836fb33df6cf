import Foundation
import PlanableAPI
import Testing

@testable import SyncEngine

/// `scheduledAt` from an item's date or its front matter, in explicit time zones: a date without a time is taken
/// in the workspace's zone (Northwind Coffee is America/New_York) at the rule's time of day.
@Suite struct MappingScheduleTests {
    static func parse(_ text: String?) -> Date? {
        guard let text else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    static let rules = """
        rules:
          - name: scheduled
            schedule: {time: "09:30", publish: true}
        """

    /// A page whose `expiryDate` has passed is posted with a warning, because Hugo no longer publishes it.
    @Test func passedExpiryDateWarns() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("gone.md", title: "Gone", body: "Body.", frontMatter: "expiryDate: 2020-01-15\n")
        try workspace.writePost("later.md", title: "Later", body: "Body.", frontMatter: "expiryDate: 2999-01-15\n")

        let plan = try workspace.run(.plan)
        let gone = try #require(plan.items.first { $0.identity == "gone.md" }?.posts.first)
        #expect(
            gone.warnings.contains { $0.hasPrefix("the front matter's expiryDate 2020-01-15 has passed") },
            "\(gone.warnings)")
        let later = try #require(plan.items.first { $0.identity == "later.md" }?.posts.first)
        #expect(!later.warnings.contains { $0.contains("expiryDate") }, "\(later.warnings)")
    }

    /// A link with a space, as `{{path}}` gives for a file name with spaces, is posted with a warning.
    @Test func linkWithSpaceWarns() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"], extraConfiguration: "templates:\n  linkedin: \"{{title}} {{url}}\"")
        defer { workspace.remove() }
        try workspace.writePost("spaced.md", title: "Spaced", body: "Body.", frontMatter: "url: /my spaced post/\n")
        try workspace.writePost("plain.md", title: "Plain", body: "Body.", frontMatter: "url: /plain/\n")

        let plan = try workspace.run(.plan)
        let spaced = try #require(plan.items.first { $0.identity == "spaced.md" }?.posts.first)
        #expect(
            spaced.warnings.contains { $0.hasPrefix("the link \"/my spaced post/\" contains a space") },
            "\(spaced.warnings)")
        let plain = try #require(plan.items.first { $0.identity == "plain.md" }?.posts.first)
        #expect(!plain.warnings.contains { $0.contains("contains a space") }, "\(plain.warnings)")
    }

    /// The warning of a post left unscheduled names what would schedule it.
    @Test func unscheduledPostSaysWhatToDo() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: Self.rules)
        defer { workspace.remove() }
        try workspace.writePost("old.md", title: "Old", body: "Body.", frontMatter: "date: 2020-01-15T10:00:00Z\n")
        try workspace.writePost("undated.md", title: "Undated", body: "Body.")

        let plan = try workspace.run(.plan)
        let old = try #require(plan.items.first { $0.identity == "old.md" }?.posts.first)
        #expect(old.scheduledAt == nil)
        #expect(old.warnings.contains { $0.hasSuffix("set keep_past: true in the rule's schedule") }, "\(old.warnings)")
        let undated = try #require(plan.items.first { $0.identity == "undated.md" }?.posts.first)
        #expect(undated.scheduledAt == nil)
        #expect(
            undated.warnings.contains {
                $0.hasSuffix("give the file a date or a planable.schedule in its front matter")
            },
            "\(undated.warnings)")
    }

    /// With keep_past, a past date stays the post's date, and the post is not asked to publish at it, which
    /// Planable rejects.
    @Test func keptPastDateIsNotPublishedAt() throws {
        let rules = """
            rules:
              - name: archive
                schedule: {publish: true, keep_past: true}
            """
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: rules)
        defer { workspace.remove() }
        try workspace.writePost("old.md", title: "Old", body: "Body.", frontMatter: "date: 2020-01-15T10:00:00Z\n")
        try workspace.writePost("new.md", title: "New", body: "Body.", frontMatter: "date: 2030-01-15T10:00:00Z\n")

        let plan = try workspace.run(.plan)
        let old = try #require(plan.items.first { $0.identity == "old.md" }?.posts.first)
        #expect(old.scheduledAt == "2020-01-15T10:00:00.000Z")
        #expect(old.publishAtScheduledDate == false)
        #expect(
            old.warnings.contains { $0.contains("is in the past, so the post keeps it as its date") }, "\(old.warnings)"
        )
        let new = try #require(plan.items.first { $0.identity == "new.md" }?.posts.first)
        #expect(new.publishAtScheduledDate == true)

        let report = try workspace.run(.apply)
        #expect(report.failed == 0, "\(report.items.compactMap(\.message))")
        #expect(report.created == 2)
    }

    /// A post created before its schedule date is unchanged after the date passed, when its item is mapped again
    /// for a setting that does not shape posts. Past its date, the payload has no schedule, or with keep_past no
    /// request to publish at it. That is no edit, so no PATCH goes to a draft not asked to publish, and a published
    /// post is not reported as edited after publication.
    @Test(arguments: [(false, true), (true, true), (false, false), (true, false)])
    func passedScheduleDateIsNoEdit(keepPast: Bool, publish: Bool) throws {
        let (workspace, date) = try workspaceWithItemDueSoon(publish: publish, keepPast: keepPast)
        defer { workspace.remove() }
        let first = try workspace.run(.apply)
        #expect(first.created == 1, "\(first.items.compactMap(\.message))")
        #expect(first.items.first?.posts.first?.publishAtScheduledDate == (publish ? true : false))

        // With publish, the reference server publishes the post at its date, which takes it 2 seconds. A draft
        // still asked to publish at a past date would get an update that withdraws the request.
        Thread.sleep(forTimeInterval: max(0, date.timeIntervalSinceNow) + (publish ? 2.5 : 0.5))
        try mapEveryItemAgain(workspace)
        let plan = try workspace.run(.plan)
        let planned = try #require(plan.items.first)
        #expect(planned.decision == .unchanged, "\(planned)")
        let report = try workspace.run(.apply)
        #expect(report.unchanged == 1, "\(report.items.compactMap(\.message))")
        #expect(report.requests.write == 0)
        #expect(report.items.allSatisfy { $0.message == nil }, "\(report.items)")
    }

    /// A post that is still publishing at its date when the run maps its item again, so that the update waits
    /// until it is published, is no edit made after publication either.
    @Test func postPublishingDuringRunIsNoEdit() throws {
        let (workspace, date) = try workspaceWithItemDueSoon(publish: true, keepPast: false)
        defer { workspace.remove() }
        #expect(try workspace.run(.apply).created == 1)
        // The reference server takes 2 seconds to publish, so the run below finds the post publishing.
        Thread.sleep(forTimeInterval: max(0, date.timeIntervalSinceNow) + 0.3)
        try mapEveryItemAgain(workspace)
        let report = try workspace.run(.apply)
        let item = try #require(report.items.first)
        #expect(item.decision == .unchanged, "\(report.items)")
        #expect(item.message == nil, "\(report.items)")
    }

    /// Makes a workspace whose rule schedules each item at its date, with `soon.md` dated 2 seconds from now, and
    /// returns it with that date.
    private func workspaceWithItemDueSoon(publish: Bool, keepPast: Bool) throws -> (TestWorkspace, Date) {
        let rules = """
            rules:
              - name: scheduled
                schedule: {publish: \(publish), keep_past: \(keepPast)}
            """
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: rules)
        let date = Date().addingTimeInterval(2)
        try workspace.writePost(
            "soon.md", title: "Soon", body: "Body.", frontMatter: "date: \(ScheduleResolver.format(date))\n")
        return (workspace, date)
    }

    /// Turns `check_media` off, a setting in the mapping fingerprint, so that the next run maps every item again.
    private func mapEveryItemAgain(_ workspace: TestWorkspace) throws {
        let configuration = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        try (configuration + "\ncheck_media: false\n").write(
            toFile: workspace.configPath, atomically: true, encoding: .utf8)
    }

    @Test func datesBecomeScheduledTimesInExplicitZones() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: Self.rules)
        defer { workspace.remove() }
        let cases: [(file: String, frontMatter: String, expected: String?)] = [
            // Winter: New York is UTC-5, so 09:30 there is 14:30 UTC.
            ("winter.md", "date: 2030-01-15\n", "2030-01-15T14:30:00Z"),
            // Summer: daylight saving time, UTC-4.
            ("summer.md", "date: 2030-07-15\n", "2030-07-15T13:30:00Z"),
            // A time with its own offset is kept as it is.
            ("offset.md", "date: 2030-07-15T18:30:00+02:00\n", "2030-07-15T16:30:00Z"),
            // A time without a zone is in the workspace's zone.
            ("local.md", "date: \"2030-07-15 18:30\"\n", "2030-07-15T22:30:00Z"),
            // The front matter's own time wins, in the workspace's zone unless it names one.
            ("override.md", "date: 2030-07-15\nplanable: {schedule: \"2030-03-01 10:00\"}\n", "2030-03-01T15:00:00Z"),
            (
                "override-utc.md", "date: 2030-07-15\nplanable: {schedule: \"2030-03-01T10:00:00Z\"}\n",
                "2030-03-01T10:00:00Z"
            ),
            ("unscheduled.md", "date: 2030-07-15\nplanable: {schedule: false}\n", nil),
            // A past date leaves the post unscheduled rather than failing it, and so does a past override.
            ("past.md", "date: 2020-01-15\n", nil),
            ("past-override.md", "date: 2030-07-15\nplanable: {schedule: \"2020-01-01 09:00\"}\n", nil),
            ("undated.md", "", nil),
            // Hugo's publishDate, the time the page goes live, wins over a date that it follows.
            ("hugo.md", "date: 2020-01-01\npublishDate: 2030-03-01T09:00:00-05:00\n", "2030-03-01T14:00:00Z"),
            ("hugo-day.md", "date: 2020-01-01\npublishDate: 2030-03-01\n", "2030-03-01T14:30:00Z"),
        ]
        for entry in cases {
            try workspace.writePost(entry.file, title: entry.file, body: "Body.", frontMatter: entry.frontMatter)
        }
        // The plan shows each post's schedule before anything is sent.
        let plan = try workspace.run(.plan)
        for entry in cases {
            let planned = try #require(plan.items.first { $0.identity == entry.file }?.posts.first)
            #expect(Self.parse(planned.scheduledAt) == Self.parse(entry.expected), "plan of \(entry.file)")
        }

        let report = try workspace.run(.apply)
        #expect(report.failed == 0, "\(report.items.compactMap(\.message))")
        #expect(report.created == cases.count)
        let past = try #require(report.items.first { $0.identity == "past.md" })
        #expect(past.posts.first?.warnings.contains { $0.contains("in the past") } == true)
        let pastOverride = try #require(report.items.first { $0.identity == "past-override.md" })
        #expect(
            pastOverride.posts.first?.warnings.contains { $0.contains("planable.schedule 2020-01-01T14:00:00.000Z") }
                == true, "\(pastOverride.posts.first?.warnings ?? [])")

        let posts = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts()
        for entry in cases {
            let post = try #require(posts.first { $0.plainText.hasPrefix(entry.file) })
            #expect(
                Self.parse(post.scheduledAt) == Self.parse(entry.expected),
                "\(entry.file): \(post.scheduledAt ?? "none")")
            #expect(post.scheduledSet == (entry.expected != nil), "\(entry.file)")
        }
        let raw = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        let winter = try #require(posts.first { $0.plainText.hasPrefix("winter.md") })
        let json = try raw.rawPost(winter.id)
        #expect(json["scheduledSet"] as? Bool == true)
    }

    @Test func aBadScheduleOverrideFailsOnlyItsItem() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: Self.rules)
        defer { workspace.remove() }
        try workspace.writePost(
            "bad.md", title: "Bad", body: "Body.", frontMatter: "planable: {schedule: \"next tuesday\"}\n")
        try workspace.writePost("good.md", title: "Good", body: "Body.", frontMatter: "date: 2030-01-15\n")
        let report = try workspace.run(.apply)
        #expect(report.created == 1)
        let bad = try #require(report.items.first { $0.identity == "bad.md" })
        #expect(bad.decision == .failed)
        #expect(bad.message?.contains("planable.schedule \"next tuesday\"") == true, "\(bad.message ?? "")")
    }

    @Test func resolverTakesDateOnlyValuesInTheGivenZone() throws {
        var rule = ScheduleRule()
        rule.timeOfDay = "09:00"
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = berlin
        let midnight = try #require(calendar.date(from: DateComponents(year: 2031, month: 6, day: 1)))
        let (value, note) = ScheduleResolver.scheduledAt(
            date: midnight, dateHasTime: false, rule: rule, timeZone: berlin, now: Date(timeIntervalSince1970: 0))
        #expect(note == nil)
        #expect(Self.parse(value) == Self.parse("2031-06-01T07:00:00Z"))
        #expect(
            ScheduleResolver.parseOverride("2031-06-01 09:00", timeZone: berlin) == Self.parse("2031-06-01T07:00:00Z"))
    }
}
