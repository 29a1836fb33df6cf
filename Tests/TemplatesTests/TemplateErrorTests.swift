import Testing

@testable import Templates

/// Syntax and render errors, with the exact line and column of the tag at fault.
@Suite struct TemplateErrorTests {
    private func parseError(_ source: String, name: String = "linkedin") -> TemplateError? {
        do {
            _ = try Template(name: name, source: source)
            return nil
        } catch {
            return error
        }
    }

    private func renderError(_ source: String, _ context: TemplateValue) throws -> TemplateError? {
        let template = try Template(name: "x", source: source)
        do {
            _ = try template.render(context)
            return nil
        } catch {
            return error
        }
    }

    @Test func unclosedSectionNamesItsStart() throws {
        let error = try #require(parseError("New post: {{title}}\nTags: {{#tags}}#{{.}} \n"))
        #expect(error.templateName == "linkedin")
        #expect(error.line == 2)
        #expect(error.column == 7)
        #expect(error.message == "section \"tags\" is never closed; add {{/tags}}")
        #expect(
            error.description
                == "template \"linkedin\": line 2, column 7: section \"tags\" is never closed; add {{/tags}}")
    }

    @Test func unclosedSectionAtColumnFourteen() throws {
        let error = try #require(parseError("{{title}}\nRead more at {{#tags}}{{.}}"))
        #expect(
            error.description
                == "template \"linkedin\": line 2, column 14: section \"tags\" is never closed; add {{/tags}}")
    }

    @Test func innermostUnclosedSectionIsReported() throws {
        let error = try #require(parseError("{{#a}}\n  {{#b}}\n{{/a}}"))
        #expect(error.line == 3)
        #expect(error.column == 1)
        #expect(error.message.contains("section end \"a\" does not match the open section \"b\" from line 2, column 3"))
        #expect(error.message.hasSuffix("close that one first with {{/b}}"))
    }

    @Test func unclosedTag() throws {
        let error = try #require(parseError("Hello\n  world {{title\n"))
        #expect(error.line == 2)
        #expect(error.column == 9)
        #expect(error.message == "tag {{ is never closed; add }}")
    }

    @Test func unclosedTripleMustache() throws {
        let error = try #require(parseError("{{{body}}"))
        #expect(error.line == 1)
        #expect(error.column == 1)
        #expect(error.message == "tag {{{ is never closed; add }}}")
    }

    @Test func sectionEndWithoutStart() throws {
        let error = try #require(parseError("text\n\n   {{/tags}}"))
        #expect(error.line == 3)
        #expect(error.column == 4)
        #expect(error.message == "section end \"tags\" has no matching section start; remove it")
    }

    @Test func closeHintUsesCurrentDelimiters() throws {
        let error = try #require(parseError("{{=<% %>=}}\n<%#tags%>"))
        #expect(error.line == 2)
        #expect(error.column == 1)
        #expect(error.message == "section \"tags\" is never closed; add <%/tags%>")
    }

    @Test(arguments: ["{{ a b }}", "{{a..b}}", "{{.a}}", "{{#}}x{{/}}", "{{}}"])
    func invalidNameIsRejected(source: String) throws {
        let error = try #require(parseError(source))
        #expect(error.line == 1)
        #expect(error.column == 1)
        #expect(error.message.contains("name"))
    }

    @Test func partialsAreRejected() throws {
        let error = try #require(parseError("a\n {{> footer}}"))
        #expect(error.line == 2)
        #expect(error.column == 2)
        #expect(error.message.contains("partials"))
    }

    @Test func invalidSetDelimiters() throws {
        let error = try #require(parseError("ok {{=<%=}}"))
        #expect(error.column == 4)
        #expect(error.message.contains("two delimiters"))
    }

    @Test func undefinedVariableInPostText() throws {
        let error = try #require(try renderError("Title: {{title}}\nBy {{author}}", ["title": "Hi"]))
        #expect(error.line == 2)
        #expect(error.column == 4)
        #expect(
            error.message == "variable \"author\" is not defined; define it, or guard it with {{#author}}…{{/author}}")
    }

    @Test func brokenDottedNameNamesTheMissingKey() throws {
        let error = try #require(try renderError("{{author.name}}", ["author": ["email": "a@example.com"]]))
        #expect(error.line == 1)
        #expect(error.column == 1)
        #expect(
            error.message.hasPrefix("variable \"author.name\" is not defined because \"author\" has no key \"name\""))
    }

    @Test func undefinedVariableInsideListItem() throws {
        let context: TemplateValue = ["tags": [["name": "swift"], ["label": "linux"]]]
        let error = try #require(try renderError("{{#tags}}\n  #{{name}}\n{{/tags}}", context))
        #expect(error.line == 2)
        #expect(error.column == 4)
    }

    @Test func sectionGuardsUndefinedName() throws {
        let template = try Template(
            name: "x", source: "{{#subtitle}}{{subtitle}} {{/subtitle}}{{^subtitle}}none{{/subtitle}}")
        #expect(try template.render([:]) == "none")
        #expect(try template.render(["subtitle": "Sub"]) == "Sub ")
    }

    @Test func undefinedVariableIsEmptyInSpecMode() throws {
        let template = try Template(name: "x", source: "[{{missing}}]")
        #expect(try template.render([:], mode: .spec) == "[]")
    }

    @Test func listInVariableTagIsAnError() throws {
        let error = try #require(try renderError("{{tags}}", ["tags": ["a", "b"]]))
        #expect(error.message.contains("is a list"))
        #expect(error.message.contains("{{#tags}}{{.}} {{/tags}}"))
    }

    @Test func mappingInVariableTagIsAnError() throws {
        let error = try #require(try renderError("{{author}}", ["author": ["name": "Ann"]]))
        #expect(error.message.contains("is a mapping"))
    }
}
