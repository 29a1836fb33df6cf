import Testing
import YAML

@testable import Templates

/// Scalar text and truthiness of template values.
@Suite struct TemplateValueTests {
    @Test(arguments: [
        (TemplateValue.number(.integer(85)), "85"),
        (.number(.integer(-3)), "-3"),
        (.number(.double(1.21)), "1.21"),
        (.number(.double(4.0)), "4"),
        (.number(.double(-0.5)), "-0.5"),
        (.number(.double(1e300)), "1e+300"),
        (.bool(true), "true"),
        (.null, ""),
        (.string("<b>"), "<b>"),
    ])
    func scalarText(value: TemplateValue, expected: String) {
        #expect(value.scalarText == expected)
    }

    @Test func listsAndMappingsHaveNoText() {
        #expect(TemplateValue.list([]).scalarText == nil)
        #expect(TemplateValue.mapping([]).scalarText == nil)
    }

    @Test(arguments: [
        (TemplateValue.null, false), (.bool(false), false), (.list([]), false), (.string(""), false),
        (.number(.integer(0)), true), (.string("0"), true), (.mapping([]), true), (.list([.null]), true),
    ])
    func truthiness(value: TemplateValue, expected: Bool) {
        #expect(value.isTruthy == expected)
    }

    @Test func nestedYAMLConverts() throws {
        let yaml = try YAMLParser.parse("items:\n  - name: a\n    n: 1\n  - name: b\n    n: 2.5\n")
        let template = try Template(name: "list", source: "{{#items}}{{name}}={{n}};{{/items}}")
        #expect(try template.render(TemplateValue(yaml.value)) == "a=1;b=2.5;")
    }

    @Test func mappingLookupTakesFirstKey() {
        let value = TemplateValue.mapping([("a", 1), ("a", 2)])
        #expect(value["a"] == 1)
        #expect(value["b"] == nil)
    }

    @Test func crlfStandaloneLinesInPostText() throws {
        let template = try Template(name: "x", source: "Title\r\n{{#tags}}\r\n#{{.}}\r\n{{/tags}}\r\nEnd")
        #expect(try template.render(["tags": ["a", "b"]]) == "Title\r\n#a\r\n#b\r\nEnd")
    }
}
