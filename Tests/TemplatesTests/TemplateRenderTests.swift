import Testing
import YAML

@testable import Templates

/// Post-text rendering, values converted from YAML, set delimiters and the size and time bounds.
@Suite struct TemplateRenderTests {
    @Test func postTextDoesNotEscapeHTML() throws {
        let template = try Template(name: "x", source: "{{title}} & {{{title}}}")
        #expect(try template.render(["title": "Q&A <live> \"now\""]) == "Q&A <live> \"now\" & Q&A <live> \"now\"")
        #expect(try template.render(["title": "<b>"], mode: .spec) == "&lt;b&gt; & <b>")
    }

    @Test func frontMatterRendersThroughYAMLValue() throws {
        let yaml = try YAMLParser.parse(
            "title: Swift on Linux\ncount: 3\nratio: 2.5\nwhole: 4.0\ndraft: false\ntags: [swift, linux]\nauthor:\n  name: Ann\n"
        )
        let context = TemplateValue(yaml.value)
        let source =
            "{{title}} ({{count}}, {{ratio}}, {{whole}}, {{draft}}) by {{author.name}}\n{{#tags}}#{{.}} {{/tags}}"
        let template = try Template(name: "linkedin", source: source)
        #expect(try template.render(context) == "Swift on Linux (3, 2.5, 4, false) by Ann\n#swift #linux ")
    }

    @Test func yamlMappingKeepsKeyOrder() throws {
        let value = TemplateValue(.mapping([("b", .integer(1)), ("a", .null)]))
        #expect(value == .mapping([("b", .number(.integer(1))), ("a", .null)]))
    }

    @Test func emptyStringIsFalsey() throws {
        let template = try Template(name: "x", source: "{{#subtitle}}[{{subtitle}}]{{/subtitle}}")
        #expect(try template.render(["subtitle": ""]) == "")
        #expect(try template.render(["subtitle": "s"]) == "[s]")
    }

    @Test func setDelimitersApplyToLaterTags() throws {
        let template = try Template(name: "x", source: "{{=<% %>=}}<%title%> {{literal}}\n<%={{ }}=%>{{title}}")
        #expect(try template.render(["title": "T"]) == "T {{literal}}\nT")
    }

    @Test func variableNamesListsTagNames() throws {
        let template = try Template(
            name: "x", source: "{{title}} {{#tags}}{{.}}{{name}}{{/tags}} {{^a.b}}{{/a.b}} {{! c }}")
        #expect(template.variableNames == ["title", "tags", "name", "a.b"])
    }

    @Test func hugeOutputFails() throws {
        let limits = TemplateLimits(maxOutputBytes: 1000)
        let template = try Template(name: "big", source: "start\n{{#items}}{{text}}{{/items}}", limits: limits)
        let items = TemplateValue.list(Array(repeating: ["text": "0123456789"], count: 200))
        #expect {
            try template.render(["items": items])
        } throws: { error in
            guard let error = error as? TemplateError else { return false }
            return error.line == 2 && error.message.contains("exceeds 1000 bytes")
        }
        #expect(try template.render(["items": .list(Array(items.listItems.prefix(99)))]).utf8.count == 996)
    }

    @Test func nestedLoopsOverLongListsFail() throws {
        let list = TemplateValue.list(Array(repeating: 1, count: 200))
        let source = "{{#l}}{{#l}}{{#l}}{{#l}}{{/l}}{{/l}}{{/l}}{{/l}}"
        let template = try Template(name: "loops", source: source, limits: TemplateLimits(maxRenderSteps: 100_000))
        #expect {
            try template.render(["l": list])
        } throws: { error in
            (error as? TemplateError)?.message.contains("more than 100000 steps") == true
        }
        let short = TemplateValue.list(Array(repeating: 1, count: 10))
        #expect(try template.render(["l": short]) == "")
    }

    @Test func deepNestingFails() {
        let source = String(repeating: "{{#a}}", count: 65) + String(repeating: "{{/a}}", count: 65)
        #expect {
            try Template(name: "deep", source: source)
        } throws: { error in
            guard let error = error as? TemplateError else { return false }
            return error.column == 64 * 6 + 1 && error.message.contains("deeper than 64 levels")
        }
        #expect(throws: Never.self) {
            try Template(
                name: "ok", source: String(repeating: "{{#a}}", count: 64) + String(repeating: "{{/a}}", count: 64))
        }
    }

    @Test func oversizeSourceFails() {
        let limits = TemplateLimits(maxSourceBytes: 100)
        #expect {
            try Template(name: "long", source: String(repeating: "x", count: 101), limits: limits)
        } throws: { error in
            (error as? TemplateError)?.message.contains("template is 101 bytes; the maximum is 100") == true
        }
    }

    @Test func columnsCountUnicodeScalars() throws {
        do {
            _ = try Template(name: "x", source: "héllo 👋 {{#a}}")
            Issue.record("an unclosed section parsed")
        } catch {
            #expect(error.column == 9)
        }
    }
}

extension TemplateValue {
    fileprivate var listItems: [TemplateValue] {
        if case .list(let items) = self { return items }
        return []
    }
}
