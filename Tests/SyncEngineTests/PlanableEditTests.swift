import Foundation
import PlanableAPI
import Testing

@testable import SyncEngine

/// A post whose text someone edited in Planable after the last sync, as a client may: a source edit does not
/// replace that text unless the configuration allows it.
@Suite(.serialized) struct PlanableEditTests {
    @Test func editInPlanableBlocksUpdate() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Opening", body: "We open at nine.")
        #expect(try workspace.run(.apply).created == 1)
        let postId: String
        do {
            let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
            postId = try #require(try reference.posts().first?.id)
            _ = try reference.client.updatePost(id: postId, UpdatePostRequest(text: "Client's wording"))
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
}
