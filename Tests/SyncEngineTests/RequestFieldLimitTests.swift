import Foundation
import Testing

@testable import SyncEngine

/// The limits of the API's `POST /posts` body that hold on every network: an item over one fails before anything
/// is sent, instead of getting a 400 from Planable.
@Suite struct RequestFieldLimitTests {
    private func failedItemMessage(
        pages: [String], extra: String = "", body: String = "Hello.", frontMatter: String = ""
    ) throws -> String? {
        let workspace = try MappingNetworkLimitTests.workspace(pages: pages, rule: "fields", extra: extra)
        defer { workspace.remove() }
        try workspace.writePost("item.md", title: "Item", body: body, frontMatter: frontMatter)
        let report = try workspace.run(.apply)
        #expect(report.requests.write == 0, "a failed item sends nothing")
        #expect(report.items.first?.decision == .failed)
        return report.items.first?.message
    }

    @Test func facebookTextOverTheAPILimit() throws {
        // Facebook's own limit is 63,206, but the API takes 25,000.
        let message = try failedItemMessage(pages: ["Northwind Facebook"], body: String(repeating: "a", count: 25_001))
        #expect(message?.contains("page \"Northwind Facebook\"") == true, "\(message ?? "")")
        #expect(
            message?.contains("text is 25001 characters; the Planable API accepts at most 25000") == true,
            "\(message ?? "")")
    }

    @Test func firstCommentAndNoteOverTheAPILimit() throws {
        let long = String(repeating: "c", count: 8_001)
        let message = try failedItemMessage(
            pages: ["Northwind Facebook"],
            extra: "    first_comment: \"{{comment}}\"\n    internal_note: \"{{comment}}\"",
            frontMatter: "comment: \(long)\n")
        #expect(
            message?.contains("first comment is 8001 characters; the Planable API accepts at most 8000") == true,
            "\(message ?? "")")
        #expect(
            message?.contains("internal note is 8001 characters; the Planable API accepts at most 8000") == true,
            "\(message ?? "")")
    }

    @Test func linkedinVideoTitleOverTheAPILimit() throws {
        let message = try failedItemMessage(
            pages: ["Northwind LinkedIn"], extra: "    linkedin_video_title: \"{{long}}\"",
            frontMatter: "long: \(String(repeating: "t", count: 151))\n")
        #expect(
            message?.contains("LinkedIn video title is 151 characters; the Planable API accepts at most 150") == true,
            "\(message ?? "")")
    }

    @Test func pinterestDescriptionAndLink() throws {
        let message = try failedItemMessage(
            pages: ["Northwind Pinterest"],
            extra: "    pinterest: {board: \"42\", description: \"{{long}}\", link: \"/news/item/\"}",
            frontMatter: "long: \(String(repeating: "d", count: 501))\nimage: https://media.northwind.example/pin.jpg\n"
        )
        #expect(
            message?.contains("Pinterest description is 501 characters; the Planable API accepts at most 500") == true,
            "\(message ?? "")")
        #expect(message?.contains("Pinterest link \"/news/item/\" is not an absolute URL") == true, "\(message ?? "")")
    }

    @Test func fieldsAtTheLimitsPass() throws {
        let workspace = try MappingNetworkLimitTests.workspace(
            pages: ["Northwind Facebook"], rule: "fields",
            extra: "    first_comment: \"{{comment}}\"\n    internal_note: \"{{comment}}\"")
        defer { workspace.remove() }
        try workspace.writePost(
            "item.md", title: "Item", body: String(repeating: "a", count: 25_000),
            frontMatter: "comment: \(String(repeating: "c", count: 8_000))\n")
        let report = try workspace.run(.plan)
        #expect(report.failed == 0, "\(report.items.compactMap(\.message))")
    }
}
