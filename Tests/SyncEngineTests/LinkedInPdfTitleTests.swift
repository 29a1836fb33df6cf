import Foundation
import PlanableAPI
import SQLite
import Testing

@testable import SyncEngine

/// `linkedinPdfTitle` turns a LinkedIn post with several images into a PDF carousel, and only an empty string in a
/// PATCH turns that off again.
@Suite struct LinkedInPdfTitleTests {
    /// Reads the `linkedinPdfTitle` that the embedded server stored for each post, which no server has open between
    /// runs. The API's post responses leave the field out.
    private static func storedTitles(_ workspace: TestWorkspace) throws -> [String?] {
        let path = workspace.stateFolder.appendingPathComponent("reference.sqlite").path
        let rows = try SQLiteDatabase(path: path, readOnly: true).query("SELECT extras FROM posts")
        return try rows.map { row in
            let extras = Data((row.string("extras") ?? "{}").utf8)
            let object = try JSONSerialization.jsonObject(with: extras) as? [String: Any]
            return object?["linkedinPdfTitle"] as? String
        }
    }

    @Test func droppedTitleIsClearedOnUpdate() throws {
        let rule = """
            rules:
              - name: slides
                linkedin_document_title: "{{title}} (slides)"
            """
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: rule)
        defer { workspace.remove() }
        let images = "images: [https://media.northwind.example/a.jpg, https://media.northwind.example/b.jpg]\n"
        try workspace.writePost("deck.md", title: "Roast day", body: "Photos.", frontMatter: images)
        #expect(try workspace.run(.apply).created == 1)
        #expect(try Self.storedTitles(workspace) == ["Roast day (slides)"])

        let configuration = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        try configuration.replacingOccurrences(of: rule, with: "")
            .write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        try workspace.writePost("deck.md", title: "Roast day", body: "More photos.", frontMatter: images)
        let report = try workspace.run(.apply)
        #expect(report.updated == 1, "\(report.items.compactMap(\.message))")
        #expect(try Self.storedTitles(workspace) == [""])
    }

    /// A title that a person set in Planable, where no rule sets one, stays through an update.
    @Test func handSetTitleStaysOnUpdate() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        let images = "images: [https://media.northwind.example/a.jpg, https://media.northwind.example/b.jpg]\n"
        try workspace.writePost("deck.md", title: "Roast day", body: "Photos.", frontMatter: images)
        #expect(try workspace.run(.apply).created == 1)
        do {
            let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
            let post = try #require(try reference.posts().first)
            var request = UpdatePostRequest()
            request.linkedinPdfTitle = "Slides by hand"
            _ = try reference.client.updatePost(id: post.id, request)
        }
        #expect(try Self.storedTitles(workspace) == ["Slides by hand"])

        try workspace.writePost("deck.md", title: "Roast day", body: "More photos.", frontMatter: images)
        let report = try workspace.run(.apply)
        #expect(report.updated == 1, "\(report.items.compactMap(\.message))")
        #expect(try Self.storedTitles(workspace) == ["Slides by hand"])
    }
}
