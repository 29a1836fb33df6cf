import Foundation
import Testing

@testable import SyncEngine

/// `TemplateCheck` compiles each template on its own, so `check` lists every syntax error in one run.
@Suite struct TemplateCheckTests {
    /// Loads a configuration that sets every template setting, with `broken` in place of some of them.
    func configuration(broken: String = "{{title}}", extra: String = "") throws -> Configuration {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "template-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("planable-sync.yaml").path
        try """
        api: embedded
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn]
        template: "{{title}}"
        templates:
          x: "\(broken)"
          linkedin: "{{summary}}"
        rules:
          - name: every
            template: "{{title}}"
            first_comment: "\(broken)"
            internal_note: "{{url}}"
            youtube_title: "{{title}}"
            linkedin_document_title: "{{title}}"
            linkedin_video_title: "{{title}}"
            pinterest: {board: Recipes, title: "{{title}}", link: "{{url}}", description: "{{summary}}"}
        sources:
          - {name: posts, type: directory, path: content, link: "https://coffee.example/{{slug}}/"}
        \(extra)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return try Configuration.load(path: path)
    }

    /// Every template that `CompiledTemplates` compiles is checked, so a new template setting needs both.
    @Test func sourcesMatchCompiledTemplates() throws {
        let loaded = try configuration()
        let compiled = try CompiledTemplates(configuration: loaded)
        let names = TemplateCheck.templateSources(loaded).map(\.0)
        let compiledNames =
            ["template"] + compiled.byPageOrNetwork.keys.map { "templates.\($0)" }
            + compiled.rules.keys.map { "rules.\($0).template" } + compiled.fields.values.map(\.name)
            + compiled.links.keys.map { "sources.\($0).link" }
        #expect(names.sorted() == compiledNames.sorted())
        #expect(TemplateCheck.syntaxProblems(loaded).isEmpty)
    }

    /// A variable that no item defines is named with where an item may get it, which is a feed entry as well as
    /// front matter.
    @Test func unknownVariableWarningNamesBothOrigins() throws {
        let warnings = try TemplateCheck.warnings(try configuration(broken: "{{titel}}"))
        #expect(
            warnings.contains {
                $0.hasPrefix(
                    "templates.x uses {{titel}}, which is not a standard variable, so each item needs a field "
                        + "titel, from its front matter or feed entry, or fails to render; did you mean {{title}}?")
            }, "\(warnings)")
    }

    /// `{{date}}` is a mapping of the date's parts, so it fails to render for every dated item, as a list would.
    @Test func dateMappingIsRejected() throws {
        let problems = try TemplateCheck.listVariableProblems(try configuration(broken: "{{date}} {{date.iso}}"))
        #expect(problems.count == 2, "\(problems)")
        #expect(
            problems.contains {
                $0.hasPrefix("templates.x uses {{date}}, which is a mapping and fails to render for every item with a ")
            }, "\(problems)")
        #expect(problems.allSatisfy { $0.contains("{{date.iso}}") }, "\(problems)")
    }

    @Test func syntaxErrorsAreAllListed() throws {
        let problems = TemplateCheck.syntaxProblems(try configuration(broken: "{{#title}}"))
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.contains { $0.contains("template \"templates.x\"") }, "\(problems)")
        #expect(problems.contains { $0.contains("template \"rules.every.first_comment\"") }, "\(problems)")
    }

    /// A configuration with other problems is not loaded, so the loader lists the syntax errors with them.
    @Test func syntaxErrorsJoinOtherProblems() throws {
        let error = try #require(
            throws: ConfigurationError.self, performing: { try configuration(broken: "{{#title}}", extra: "bogus: 1") })
        let problems = error.problems.map(\.description)
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains { $0.contains("template \"templates.x\"") }, "\(problems)")
        #expect(problems.contains { $0.contains("template \"rules.every.first_comment\"") }, "\(problems)")
        #expect(problems.contains { $0.contains("bogus") }, "\(problems)")
        // Each is listed at its line, in file order.
        #expect(error.problems.map(\.line) == error.problems.map(\.line).sorted { ($0 ?? .max) < ($1 ?? .max) })
        #expect(error.problems.allSatisfy { $0.line != nil }, "\(problems)")
    }

    /// Two rules with one name are reported even when both have problems of their own, and a rule without a name
    /// has the name it is given, "rule N".
    @Test func duplicateRuleNamesWithOtherProblems() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rule-names-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("planable-sync.yaml").path
        try """
        api: embedded
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn]
        sources:
          - {name: posts, type: directory, path: content}
        rules:
          - name: twin
            match: {tagz: [a]}
          - name: twin
            skip: maybe
          - name: rule 4
            template: "{{title}}"
          - template: "{{summary}}"
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: ConfigurationError.self, performing: { try Configuration.load(path: path) })
        let problems = error.problems.map(\.description)
        #expect(problems.contains { $0.contains("two rules are named \"twin\"") }, "\(problems)")
        #expect(problems.contains { $0.contains("tagz") }, "\(problems)")
        #expect(problems.contains { $0.contains("skip") }, "\(problems)")
        #expect(problems.contains { $0.contains("two rules are named \"rule 4\"") }, "\(problems)")
    }
}
