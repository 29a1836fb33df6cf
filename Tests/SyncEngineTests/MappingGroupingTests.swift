import Foundation
import Networks
import PlanableAPI
import Testing

@testable import SyncEngine

/// Pages whose rendered content is identical share one grouped post; pages whose content differs get their own
/// posts, all linked in the state to the same item.
@Suite struct MappingGroupingTests {
    @Test func identicalContentSharesOneGroupedPost() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Alpha", body: "Same everywhere.")
        let report = try workspace.run(.apply)
        let posts = try #require(report.items.first?.posts)
        #expect(posts.count == 1)
        #expect(posts[0].pages == ["Northwind LinkedIn", "Northwind Facebook", "Northwind X"])
        #expect(report.requests.write == 1)

        let stored = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts()
        #expect(stored.count == 3)
        #expect(Set(stored.compactMap(\.groupId)).count == 1)
        #expect(stored.allSatisfy { $0.groupPageIds?.count == 3 })
    }

    @Test func differingContentGetsItsOwnPostsLinkedToTheSameItem() throws {
        let workspace = try TestWorkspace(templates: "  x: \"{{title}} on X\"")
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "Alpha", body: "Differs on X.")
        let report = try workspace.run(.apply)
        let posts = try #require(report.items.first?.posts)
        #expect(posts.map(\.pages) == [["Northwind LinkedIn", "Northwind Facebook"], ["Northwind X"]])
        #expect(posts[1].text == "Alpha on X")
        #expect(report.requests.write == 2)

        let state = try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
        let records = try state.posts(source: "posts", identity: "a.md")
        #expect(records.count == 3)
        #expect(Set(records.map(\.groupKey)).count == 2)
        #expect(Set(records.compactMap(\.groupId)).count == 2)

        let stored = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts()
        #expect(Set(stored.compactMap(\.groupId)) == Set(records.compactMap(\.groupId)))
        #expect(try workspace.run(.apply).requests.write == 0)
    }

    @Test func mediaAndOptionsSplitGroupsToo() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn", "Northwind Facebook", "Northwind YouTube"],
            extraConfiguration: """
                rules:
                  - name: video
                    youtube_title: "{{title}}"
                    first_comment: "More at {{url}}"
                """)
        defer { workspace.remove() }
        // Off loopback, so the embedded run judges the medium by its name and never fetches it.
        try workspace.writePost(
            "clip.md", title: "Roasting day", body: "Watch us roast.",
            frontMatter:
                "url: https://coffee.northwind.example/roasting/\nimage: https://media.northwind.example/roast.mp4\n")
        let report = try workspace.run(.plan)
        #expect(report.failed == 0, "\(report.items.compactMap(\.message))")
        let posts = try #require(report.items.first?.posts)
        // Same text and medium, but only YouTube carries a title.
        #expect(posts.map(\.pages) == [["Northwind LinkedIn", "Northwind Facebook"], ["Northwind YouTube"]])
        #expect(posts.allSatisfy { $0.media == ["https://media.northwind.example/roast.mp4"] })
    }

    @Test func truncationKeepsTheLinkAndCutsAtAWord() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn", "Northwind X"],
            extraConfiguration: """
                truncate: true
                templates:
                  x: "{{title}}: {{text}} {{url}}"
                  linkedin: "{{title}}: {{text}} {{url}}"
                """)
        defer { workspace.remove() }
        let words = (1...80).map { "word\($0)" }.joined(separator: " ")
        let link = "https://coffee.northwind.example/posts/a-very-long-read/"
        try workspace.writePost("long.md", title: "Long", body: words, frontMatter: "url: \(link)\n")
        try workspace.writePost("nolink.md", title: "No link", body: words)

        let report = try workspace.run(.plan)
        #expect(report.failed == 0, "\(report.items.compactMap(\.message))")
        let posts = try #require(report.items.first { $0.identity == "long.md" }?.posts)
        #expect(posts.count == 2)
        let linkedin = try #require(posts.first { $0.pages == ["Northwind LinkedIn"] })
        #expect(linkedin.text == "Long: \(words) \(link)")
        let x = try #require(posts.first { $0.pages == ["Northwind X"] })
        #expect(x.characters <= 280)
        #expect(x.characters > 250, "the cut leaves as much as fits: \(x.characters)")
        #expect(x.text.hasSuffix("… \(link)"), "\(x.text)")
        let kept = String(x.text.dropLast("… \(link)".count))
        #expect(("Long: \(words)").hasPrefix(kept + " "), "the cut falls between words: \(kept)")
        #expect(x.warnings.contains { $0.contains("text cut from") && $0.contains("to fit X") })

        // Without a link in the text, truncation adds none.
        let plain = try #require(
            report.items.first { $0.identity == "nolink.md" }?.posts.first { $0.pages == ["Northwind X"] })
        #expect(plain.text.hasSuffix("…"), "\(plain.text)")
        #expect(!plain.text.contains("http"))
    }

    @Test func withoutTruncationALongTextFails() throws {
        let workspace = try TestWorkspace(pages: ["Northwind X"], extraConfiguration: "templates:\n  x: \"{{text}}\"")
        defer { workspace.remove() }
        try workspace.writePost("long.md", title: "Long", body: (1...80).map { "word\($0)" }.joined(separator: " "))
        let report = try workspace.run(.plan)
        #expect(report.failed == 1)
        #expect(report.items.first?.message?.contains("X allows at most 280") == true)
    }
}
