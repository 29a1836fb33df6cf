import Foundation
import Testing

@testable import SyncEngine

/// Rules pick an item's pages and fields by source, path, tag, category and front matter field; several rules
/// may match one item, and front matter's `planable:` overrides them.
@Suite struct MappingRuleTests {
    static let rules = """
        templates:
          x: "X: {{title}}"
          Northwind Threads: "Threads: {{title}}"
        rules:
          - name: news to X
            match: {path: "news/**"}
            pages: [Northwind X]
          - name: coffee to Instagram
            match: {tags: [Coffee]}
            pages: [Northwind Threads]
            template: "Coffee: {{title}} {{tags}}"
          - name: releases
            match: {categories: [release], fields: {type: launch}}
            pages: [Northwind LinkedIn, Northwind X]
          - name: featured
            match: {fields: {featured: "*"}}
            pages: [Northwind Facebook]
          - name: private
            match: {fields: {visibility: internal}}
            skip: true
        """

    static func workspace() throws -> TestWorkspace {
        try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: rules)
    }

    /// The page names each item is planned for, all groups together.
    static func pages(_ report: RunReport) -> [String: Set<String>] {
        Dictionary(uniqueKeysWithValues: report.items.map { ($0.identity, Set($0.posts.flatMap(\.pages))) })
    }

    @Test func rulesPickPagesByPathTagCategoryAndField() throws {
        let workspace = try Self.workspace()
        defer { workspace.remove() }
        try workspace.writePost("plain.md", title: "Plain", body: "No rule matches.")
        try workspace.writePost("news/opening.md", title: "Opening", body: "News.")
        try workspace.writePost("beans.md", title: "Beans", body: "Tags.", frontMatter: "tags: [coffee, beans]\n")
        try workspace.writePost(
            "launch.md", title: "Launch", body: "Both conditions.", frontMatter: "categories: [release]\ntype: launch\n"
        )
        try workspace.writePost(
            "half.md", title: "Half", body: "One condition.", frontMatter: "categories: [release]\ntype: recap\n")
        try workspace.writePost("star.md", title: "Star", body: "Featured.", frontMatter: "featured: false\n")
        try workspace.writePost(
            "news/beans.md", title: "News beans", body: "Two rules.", frontMatter: "tags: [Coffee]\n")
        try workspace.writePost("memo.md", title: "Memo", body: "Skipped.", frontMatter: "visibility: internal\n")

        let report = try workspace.run(.plan)
        #expect(report.failed == 0, "\(report.items.compactMap(\.message))")
        let pages = Self.pages(report)
        #expect(pages["plain.md"] == ["Northwind LinkedIn"])
        #expect(pages["news/opening.md"] == ["Northwind X"])
        #expect(pages["beans.md"] == ["Northwind Threads"])
        #expect(pages["launch.md"] == ["Northwind LinkedIn", "Northwind X"])
        #expect(pages["half.md"] == ["Northwind LinkedIn"])
        #expect(pages["star.md"] == ["Northwind Facebook"])
        #expect(pages["news/beans.md"] == ["Northwind X", "Northwind Threads"])
        let memo = try #require(report.items.first { $0.identity == "memo.md" })
        #expect(memo.decision == .skipped)
        #expect(memo.message?.contains("rule \"private\"") == true)

        // Templates: a rule's own, else the page's, else the network's, else the default.
        func text(_ identity: String, _ page: String) -> String? {
            report.items.first { $0.identity == identity }?.posts.first { $0.pages.contains(page) }?.text
        }
        #expect(text("beans.md", "Northwind Threads") == "Coffee: Beans #coffee #beans")
        #expect(text("news/opening.md", "Northwind X") == "X: Opening")
        #expect(text("plain.md", "Northwind LinkedIn")?.hasPrefix("Plain") == true)
        #expect(text("news/beans.md", "Northwind X") == "X: News beans")
    }

    @Test func fieldValuesMatchAcrossScalarKinds() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"],
            extraConfiguration: """
                rules:
                  - name: flagged
                    match: {fields: {featured: true, params.weight: 3}}
                    pages: [Northwind X]
                """)
        defer { workspace.remove() }
        try workspace.writePost(
            "yes.md", title: "Yes", body: "Body.", frontMatter: "featured: true\nparams: {weight: 3}\n")
        try workspace.writePost(
            "no.md", title: "No", body: "Body.", frontMatter: "featured: false\nparams: {weight: 3}\n")
        let pages = Self.pages(try workspace.run(.plan))
        #expect(pages["yes.md"] == ["Northwind X"])
        #expect(pages["no.md"] == ["Northwind LinkedIn"])
    }

    @Test func frontMatterOverridesPagesAndSkip() throws {
        let workspace = try Self.workspace()
        defer { workspace.remove() }
        try workspace.writePost(
            "news/moved.md", title: "Moved", body: "Override.",
            frontMatter: "planable:\n  pages: [Northwind Facebook, Northwind Threads]\n")
        try workspace.writePost("quiet.md", title: "Quiet", body: "Skip me.", frontMatter: "planable: {skip: true}\n")
        try workspace.writePost(
            "unknown-page.md", title: "Unknown", body: "No such page.",
            frontMatter: "planable: {pages: [Northwind Myspace]}\n")
        try workspace.writePost(
            "typo.md", title: "Typo", body: "Misspelt key.", frontMatter: "planable: {page: Northwind X}\n")
        try workspace.writePost("kind.md", title: "Kind", body: "Wrong kind.", frontMatter: "planable: {skip: maybe}\n")
        // Every wrong key and page of one item is named in one run.
        try workspace.writePost(
            "several.md", title: "Several", body: "Three mistakes.",
            frontMatter: "planable: {lables: [a], pages: [Northwind Myspace], schedule: 3}\n")

        let report = try workspace.run(.plan)
        #expect(Self.pages(report)["news/moved.md"] == ["Northwind Facebook", "Northwind Threads"])
        let moved = report.items.first { $0.identity == "news/moved.md" }
        #expect(moved?.posts.first { $0.pages == ["Northwind Threads"] }?.text == "Threads: Moved")
        #expect(report.items.first { $0.identity == "quiet.md" }?.decision == .skipped)

        func failure(_ identity: String) -> String? {
            report.items.first { $0.identity == identity && $0.decision == .failed }?.message
        }
        #expect(failure("unknown-page.md")?.contains("planable.pages names \"Northwind Myspace\"") == true)
        #expect(failure("unknown-page.md")?.contains("its pages are \"Northwind LinkedIn\", ") == true)
        #expect(
            failure("typo.md")?.contains("planable.page is not a known setting") == true, "\(failure("typo.md") ?? "")")
        #expect(
            failure("kind.md")?.contains("planable.skip must be true or false") == true, "\(failure("kind.md") ?? "")")
        let several = failure("several.md") ?? ""
        #expect(
            several.hasPrefix("posts: several.md: front matter planable.lables is not a known setting"), "\(several)")
        #expect(several.contains("; front matter planable.schedule must be false or a date and time"), "\(several)")
        #expect(several.contains("; front matter planable.pages names \"Northwind Myspace\""), "\(several)")
        #expect(report.failed == 4)
    }

    /// A skipped item's media is not checked, so a missing image does not turn the skip into a failure.
    @Test func skippedItemMediaIsNotChecked() throws {
        let workspace = try TestWorkspace(
            pages: ["Northwind LinkedIn"], extraConfiguration: Self.rules,
            sourceSettings: "media_base_url: https://coffee.northwind.example/")
        defer { workspace.remove() }
        try workspace.writePost(
            "memo.md", title: "Memo", body: "Internal.", frontMatter: "visibility: internal\nimage: /missing-memo.png\n"
        )
        try workspace.writePost(
            "quiet.md", title: "Quiet", body: "Skip me.", frontMatter: "planable: {skip: true}\nimage: /nope.png\n")
        try workspace.writePost("shown.md", title: "Shown", body: "Posted.", frontMatter: "image: /absent.png\n")

        let report = try workspace.run(.plan)
        let decisions = Dictionary(uniqueKeysWithValues: report.items.map { ($0.identity, $0.decision) })
        #expect(decisions["memo.md"] == .skipped)
        #expect(decisions["quiet.md"] == .skipped)
        // The same missing image still fails an item that is posted.
        #expect(decisions["shown.md"] == .failed)
    }

    @Test func aRuleNamingAnUnknownPageIsAConfigurationError() throws {
        let workspace = try TestWorkspace(
            extraConfiguration: """
                rules:
                  - name: typo
                    pages: [Northwind Linkedin]
                """)
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "A", body: "Body.")
        let error = try #require(throws: MappingError.self) { try workspace.run(.plan) }
        #expect(error.isConfigurationError)
        #expect(error.message.contains("rule \"typo\" names page \"Northwind Linkedin\""))

        let result = try CommandRunner.run(["plan", "--config", workspace.configPath])
        #expect(result.status == 78, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("Northwind Linkedin"))
    }

    @Test(arguments: [
        ("match: {tag: [a], colour: blue}", "unknown match setting \"colour\"", 3),
        ("match: {fields: {type: [a, b]}}", "\"match.fields.type\" must be one value", 3),
        ("schedule: {time: \"09:00\", zone: UTC}", "unknown schedule setting \"zone\"", 3),
        ("pinterest: {board: b1, titel: x}", "unknown pinterest setting \"titel\"", 3),
        ("labels: [a]\n  - name: r\n    labels: [b]", "two rules are named \"r\"", 3),
        ("match: {source: blog}", "rule \"r\" matches source \"blog\", which is not a configured source", 3),
    ])
    func badRuleSettingsAreConfigurationErrors(setting: String, message: String, line: Int) throws {
        let text = """
            workspace: W
            pages: [P]
            rules:
              - name: r
                \(setting)
            sources:
              - {name: s, type: directory, path: content}
            """
        let error = try #require(throws: ConfigurationError.self) { try Configuration.parse(text, path: "c.yaml") }
        #expect(error.message.contains(message), "\(error)")
        #expect(error.line != nil && error.line! >= line, "\(error)")
    }

    /// One load lists every problem of a rule: an unknown key beside a bad value in its match and in its
    /// schedule, a value of the wrong kind beside them, and its template's syntax error.
    @Test func ruleProblemsListedTogether() throws {
        let text = """
            workspace: W
            pages: [P]
            rules:
              - name: r
                template: "{{#url}}{{url}}"
                match: {tag: [a], colour: blue, fields: {type: [a, b]}}
                schedule: {time: "25:00", publsh: true}
                team_only: sometimes
            sources:
              - {name: s, type: directory, path: content}
            """
        let error = try #require(throws: ConfigurationError.self) { try Configuration.parse(text, path: "c.yaml") }
        let messages = error.problems.map(\.message)
        #expect(messages.contains { $0.contains("unknown schedule setting \"publsh\"") }, "\(messages)")
        #expect(messages.contains { $0.contains("did you mean \"publish\"") }, "\(messages)")
        #expect(messages.contains { $0.contains("\"schedule.time\" must be a time of day") }, "\(messages)")
        #expect(messages.contains { $0.contains("team_only") }, "\(messages)")
        #expect(messages.contains { $0.contains("section \"url\" is never closed") }, "\(messages)")
        #expect(messages.contains { $0.contains("unknown match setting \"colour\"") }, "\(messages)")
        #expect(messages.contains { $0.contains("\"match.fields.type\" must be one value") }, "\(messages)")
    }

    @Test func templateKeysMustNameAPageOrNetwork() throws {
        let workspace = try TestWorkspace(templates: "  linkedln: \"{{title}}\"")
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "A", body: "Body.")
        let error = try #require(throws: MappingError.self) { try workspace.run(.plan) }
        #expect(error.isConfigurationError)
        #expect(error.message.contains("templates.linkedln names neither a page"), "\(error.message)")

        let valid = try TestWorkspace(templates: "  x: \"{{title}}\"\n  Northwind LinkedIn: \"{{title}}!\"")
        defer { valid.remove() }
        try valid.writePost("a.md", title: "A", body: "Body.")
        let texts = try valid.run(.plan).items.first?.posts.map(\.text)
        #expect(texts == ["A!", "A\n\nBody.", "A"])
    }

    @Test func templateErrorsNameTheTemplateLineAndColumn() throws {
        let broken = try TestWorkspace(
            extraConfiguration: """
                rules:
                  - name: broken
                    template: "{{title}}\\n{{#tags}}"
                """)
        defer { broken.remove() }
        try broken.writePost("a.md", title: "A", body: "Body.")
        let syntax = try #require(throws: MappingError.self) { try broken.run(.plan) }
        #expect(syntax.isConfigurationError)
        #expect(syntax.message.contains("template \"rules.broken.template\": line 2, column 1"), "\(syntax.message)")

        let undefined = try TestWorkspace(templates: "  x: \"{{title}} {{autor}}\"")
        defer { undefined.remove() }
        try undefined.writePost("a.md", title: "A", body: "Body.")
        try undefined.writePost("b.md", title: "B", body: "Body.", frontMatter: "autor: Avery\n")
        let report = try undefined.run(.plan)
        let failed = try #require(report.items.first { $0.identity == "a.md" })
        #expect(failed.decision == .failed)
        #expect(
            failed.message?.contains("template \"templates.x\": line 1, column 11") == true, "\(failed.message ?? "")")
        #expect(failed.message?.contains("autor") == true)
        #expect(report.items.first { $0.identity == "b.md" }?.posts.contains { $0.text == "B Avery" } == true)
    }
}

extension TestWorkspace {
    /// A workspace on the default three pages with `templates:` entries (each line indented by two spaces).
    init(templates: String) throws {
        try self.init(extraConfiguration: "templates:\n\(templates)")
    }
}

/// Runs the built `planable-sync` binary.
enum CommandRunner {
    struct Result {
        var status: Int32
        var stderr: String
    }

    static func run(_ arguments: [String]) throws -> Result {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let process = Process()
        process.executableURL = root.appendingPathComponent(".build/debug/planable-sync")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stderr: String(decoding: data, as: UTF8.self))
    }
}
