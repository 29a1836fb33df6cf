import Foundation
import Testing

@testable import SyncEngine

/// Directory formats beyond YAML front matter go through the same rules and overrides: TOML (`+++`) and JSON
/// front matter, and plain HTML files titled by their `<title>`.
@Suite struct MappingFormatTests {
    @Test func tomlJSONAndHTMLItemsAreMapped() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"],
            extraConfiguration: """
                rules:
                  - name: releases
                    match: {tags: [release]}
                    pages: [Northwind X]
                    template: "Release: {{title}}"
                """)
        defer { workspace.remove() }
        try workspace.writeRaw(
            "toml.md",
            """
            +++
            title = "TOML release"
            tags = ["release"]
            date = 2030-01-15

            [planable]
            pages = ["Northwind X", "Northwind Threads"]
            +++

            Body from TOML.
            """)
        try workspace.writeRaw(
            "json.md",
            """
            {
              "title": "JSON page",
              "planable": {"pages": ["Northwind Facebook"]}
            }

            Body from JSON.
            """)
        try workspace.writeRaw(
            "page.html",
            "<!DOCTYPE html><html><head><title>Plain HTML page</title></head><body><p>Body from HTML.</p></body></html>"
        )
        try workspace.writeRaw("bad.md", "+++\ntitle = \"Unclosed\n+++\n\nBody.\n")

        let report = try workspace.run(.plan)
        func posts(_ identity: String) -> [ReportedPost] { report.items.first { $0.identity == identity }?.posts ?? [] }
        #expect(posts("toml.md").map(\.pages) == [["Northwind X"], ["Northwind Threads"]])
        #expect(posts("toml.md").first?.text == "Release: TOML release")
        #expect(posts("toml.md").last?.text == "TOML release\n\nBody from TOML.")
        #expect(posts("json.md").map(\.pages) == [["Northwind Facebook"]])
        #expect(posts("json.md").first?.text.hasPrefix("JSON page") == true)
        #expect(posts("page.html").first?.text.hasPrefix("Plain HTML page") == true)
        let bad = try #require(report.items.first { $0.identity == "bad.md" })
        #expect(bad.decision == .failed)
        #expect(bad.message?.contains("bad.md") == true)
        #expect(report.created == 3, "\(report.items.map { "\($0.identity): \($0.decision) \($0.message ?? "")" })")
    }
}

/// The mapper trims rendered text itself; it must trim exactly what Foundation's white space and newline set does.
@Suite struct MapperTrimTests {
    @Test func trimsLikeFoundation() {
        let blanks = ["", " ", "\t", "\n", "\r\n", "\u{85}", "\u{A0}", "\u{2028}", "\u{3000}", "\u{200B}", "\u{FEFF}"]
        let words = ["", "a", "Café ☕️", "x y", "👩‍👩‍👧"]
        for left in blanks {
            for word in words {
                for right in blanks {
                    let text = left + word + right
                    #expect(
                        Mapper.trimmed(text) == text.trimmingCharacters(in: .whitespacesAndNewlines),
                        "\(text.debugDescription)")
                }
            }
        }
    }
}
