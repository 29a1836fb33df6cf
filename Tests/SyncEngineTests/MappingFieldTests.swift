import Foundation
import PlanableAPI
import Testing
import YAML

@testable import SyncEngine

/// The post fields a rule sets: labels, campaign, schedule, first comment, internal note, team-only, and the
/// network fields (YouTube title, LinkedIn document and video titles, Pinterest board, title and link).
@Suite struct MappingFieldTests {
    static let configuration = """
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn, Northwind YouTube, Northwind Pinterest]
        sources:
          - {name: posts, type: directory, path: content}
        rules:
          - name: fields
            labels: [Blog]
            campaign: Spring
            schedule: {time: "08:15", publish: true}
            first_comment: "Read more: {{url}}"
            internal_note: "From {{source}}"
            team_only: true
            youtube_title: "{{title}} (video)"
            linkedin_document_title: "{{title}} slides"
            linkedin_video_title: "{{title}} clip"
            pinterest: {board: board-1, title: "{{title}} pin", link: "{{url}}"}
        """

    static func pages() -> [ResolvedPage] {
        [
            ("p1", "Northwind LinkedIn", "linkedin"), ("p2", "Northwind YouTube", "youtube"),
            ("p3", "Northwind Pinterest", "pinterest"),
        ]
        .map { ResolvedPage(id: $0.0, name: $0.1, platform: $0.2, isConnected: true) }
    }

    static func mapper(_ text: String = configuration) throws -> Mapper {
        let configuration = try Configuration.parse(text, path: "/tmp/fields.yaml")
        let workspace = try JSONDecoder().decode(
            Workspace.self,
            from: Data(
                #"{"id": "w1", "name": "Northwind Coffee", "companyId": "c1", "timezone": "America/New_York"}"#.utf8))
        return try Mapper(
            configuration: configuration,
            context: WorkspaceContext(
                workspace: workspace,
                pages: configuration.pages.compactMap { name in pages().first { $0.name == name } },
                allPages: pages()))
    }

    static func item(media: [SourceMedia] = [], overrides: YAMLValue? = nil) -> SourceItem {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/New_York")!
        let date = calendar.date(from: DateComponents(year: 2031, month: 2, day: 3))
        return SourceItem(
            source: "posts", identity: "a.md", location: "a.md", title: "Alpha", summary: "Summary.", text: "Text.",
            url: "https://coffee.northwind.example/alpha/", date: date, dateHasTime: false, media: media,
            overrides: overrides, contentHash: "h")
    }

    /// The configuration on LinkedIn and YouTube only, which both take a video.
    static let videoConfiguration = configuration.replacingOccurrences(
        of: "pages: [Northwind LinkedIn, Northwind YouTube, Northwind Pinterest]",
        with: "pages: [Northwind LinkedIn, Northwind YouTube]")

    /// A template that renders nothing for an item without media would make an empty post, so the item fails with
    /// the page and template named. With media, an empty text is a picture or video post without a caption.
    @Test func emptyTextWithoutMediaFails() throws {
        let text = """
            workspace: Northwind Coffee
            pages: [Northwind LinkedIn]
            template: "{{#subtitle}}{{subtitle}}{{/subtitle}}"
            sources:
              - {name: posts, type: directory, path: content}
            """
        let mapper = try Self.mapper(text)
        #expect {
            try mapper.plan(Self.item(), media: [], now: Date(timeIntervalSince1970: 0))
        } throws: { error in
            "\(error)".contains("page \"Northwind LinkedIn\": the template renders no text for this item")
        }
        let image = CheckedMedium(url: "https://media.northwind.example/a.png", kind: .image)
        let plan = try mapper.plan(Self.item(), media: [image], now: Date(timeIntervalSince1970: 0))
        #expect(plan.groups.first?.payload.text == "")
    }

    @Test func everyFieldReachesItsNetworksPayload() throws {
        let mapper = try Self.mapper(Self.videoConfiguration)
        let plan = try mapper.plan(
            Self.item(overrides: .mapping([("labels", .list([.string("Seasonal")]))])),
            media: [CheckedMedium(url: "https://media.northwind.example/a.mp4", kind: .video)],
            now: Date(timeIntervalSince1970: 0))
        #expect(plan.groups.count == 2)
        let linkedin = try #require(plan.groups.first { $0.pages.map(\.name) == ["Northwind LinkedIn"] }?.payload)
        #expect(linkedin.labels == ["Blog", "Seasonal"])
        #expect(linkedin.campaign == "Spring")
        #expect(linkedin.scheduledAt == "2031-02-03T13:15:00.000Z")
        #expect(linkedin.publishAtScheduledDate == true)
        #expect(linkedin.firstComment == "Read more: https://coffee.northwind.example/alpha/")
        #expect(linkedin.internalNote == "From posts")
        #expect(linkedin.teamOnly == true)
        #expect(linkedin.linkedinPdfTitle == "Alpha slides")
        #expect(linkedin.linkedinVideoTitle == "Alpha clip")
        #expect(linkedin.youtubeTitle == nil)
        #expect(linkedin.pinterest == nil)
        let youtube = try #require(plan.groups.first { $0.pages.map(\.name) == ["Northwind YouTube"] }?.payload)
        #expect(youtube.youtubeTitle == "Alpha (video)")
        #expect(youtube.linkedinVideoTitle == nil)

        let request = linkedin.createRequest(
            workspaceId: "w1", pageIds: ["p1"], notify: false, labelIds: ["l1", "l2"], campaignId: "c9")
        #expect(request.campaignId == "c9")
        #expect(request.labels == ["l1", "l2"])
        #expect(request.firstComment == linkedin.firstComment)
    }

    @Test func pinterestGetsItsBoardTitleAndLink() throws {
        let mapper = try Self.mapper()
        let image = CheckedMedium(url: "https://media.northwind.example/a.png", kind: .image)
        let text = Self.configuration.replacingOccurrences(
            of: "pages: [Northwind LinkedIn, Northwind YouTube, Northwind Pinterest]",
            with: "pages: [Northwind Pinterest]")
        let plan = try Self.mapper(text).plan(Self.item(), media: [image], now: Date(timeIntervalSince1970: 0))
        let pin = try #require(plan.groups.first?.payload.pinterest)
        #expect(pin.boardId == "board-1")
        #expect(pin.title == "Alpha pin")
        #expect(pin.link == "https://coffee.northwind.example/alpha/")
        // The same item fails on YouTube without a video, naming the page and the rule.
        #expect(throws: MappingError.self) {
            try mapper.plan(Self.item(), media: [image], now: Date(timeIntervalSince1970: 0))
        }
    }

    @Test func overridesSetCommentNoteAndCampaign() throws {
        let overrides: YAMLValue = .mapping([
            ("first_comment", .string("Own comment")), ("internal_note", .string("Own note")),
            ("campaign", .string("Fall")),
            ("pages", .list([.string("Northwind LinkedIn")])),
        ])
        let plan = try Self.mapper().plan(
            Self.item(overrides: overrides), media: [], now: Date(timeIntervalSince1970: 0))
        let payload = try #require(plan.groups.first?.payload)
        #expect(plan.groups.count == 1)
        #expect(payload.firstComment == "Own comment")
        #expect(payload.internalNote == "Own note")
        #expect(payload.campaign == "Fall")
    }

    @Test func teamOnlyNoteAndPinterestReachTheServer() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn", "Northwind Pinterest"],
            extraConfiguration: """
                rules:
                  - name: fields
                    team_only: true
                    internal_note: "Check the roast date"
                    schedule: {time: "08:15"}
                    pinterest: {board: board-7, title: "{{title}}"}
                """)
        defer { workspace.remove() }
        try workspace.writePost(
            "a.md", title: "Alpha", body: "Beans.",
            frontMatter: "date: 2031-02-03\nimage: https://media.northwind.example/a.png\n")
        let report = try workspace.run(.apply)
        #expect(report.created == 1, "\(report.items.compactMap(\.message))")
        let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        let posts = try reference.posts()
        #expect(posts.count == 2)
        for post in posts {
            let json = try reference.rawPost(post.id)
            #expect(json["teamOnly"] as? Bool == true)
            #expect(json["notesCounter"] as? Int == 1)
            #expect(MappingScheduleTests.parse(post.scheduledAt) == MappingScheduleTests.parse("2031-02-03T13:15:00Z"))
            if json["type"] as? String == "pinterest" {
                let pin = try #require(json["pinterest"] as? [String: Any])
                #expect(pin["boardId"] as? String == "board-7")
                #expect(pin["title"] as? String == "Alpha")
            }
        }
        // Pinterest's fields are its own, so its post is not grouped with LinkedIn's.
        #expect(Set(posts.compactMap(\.groupId)).count == 2)
    }
}
