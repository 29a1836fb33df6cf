import Foundation
import PlanableAPI
import Testing

@testable import SyncEngine

/// Campaigns named by a rule or by front matter are resolved to their ids; a campaign the workspace lacks fails
/// the item, because planable-sync never creates campaigns.
@Suite struct MappingCampaignTests {
    static func workspace() throws -> TestWorkspace {
        try TestWorkspace(
            pages: ["Northwind LinkedIn"],
            extraConfiguration: """
                rules:
                  - name: spring
                    campaign: Spring launch
                """)
    }

    @Test func campaignNamesAreSentAsIds() throws {
        let workspace = try Self.workspace()
        defer { workspace.remove() }
        _ = try workspace.run(.plan)
        let spring: String
        let fall: String
        do {
            let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
            spring = try reference.createCampaign("Spring launch")
            fall = try reference.createCampaign("Fall menu")
        }
        try workspace.writePost("a.md", title: "A", body: "Beans.")
        try workspace.writePost("b.md", title: "B", body: "Pumpkin.", frontMatter: "planable: {campaign: Fall menu}\n")

        let report = try workspace.run(.apply)
        #expect(report.created == 2, "\(report.items.compactMap(\.message))")
        let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        for post in try reference.posts() {
            let json = try reference.rawPost(post.id)
            let expected = post.plainText.hasPrefix("A") ? spring : fall
            #expect(json["campaignId"] as? String == expected, "\(post.plainText)")
        }
    }

    @Test func anUnknownCampaignFailsTheItem() throws {
        let workspace = try Self.workspace()
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "A", body: "Beans.")
        let report = try workspace.run(.apply)
        #expect(report.failed == 1)
        #expect(report.requests.write == 0)
        let message = try #require(report.items.first?.message)
        #expect(message.contains("a.md"))
        #expect(message.contains("campaign \"Spring launch\" does not exist"), "\(message)")
    }
}
