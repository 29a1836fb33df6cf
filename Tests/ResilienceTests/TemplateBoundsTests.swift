import Foundation
import Templates
import Testing

/// Templates that try to recurse or blow up: each ends with a `TemplateError` in bounded time.
@Suite struct TemplateBoundsTests {
    private func timedError(_ body: () throws -> Void) -> (error: TemplateError?, seconds: Double) {
        let started = Date()
        do {
            try body()
            return (nil, Date().timeIntervalSince(started))
        } catch let error as TemplateError {
            return (error, Date().timeIntervalSince(started))
        } catch {
            return (nil, Date().timeIntervalSince(started))
        }
    }

    @Test func deepSectionNestingIsRejected() {
        let depth = 20_000
        let source = String(repeating: "{{#a}}", count: depth) + String(repeating: "{{/a}}", count: depth)
        let (error, seconds) = timedError { _ = try Template(name: "deep", source: source) }
        #expect(error != nil)
        #expect(error?.message.contains("64") == true, "\(String(describing: error))")
        #expect(seconds < 2)
    }

    @Test func nestedLoopsOverLongListStop() throws {
        let list = TemplateValue.list(Array(repeating: ["x": "y"], count: 1_000))
        let template = try Template(name: "loops", source: "{{#l}}{{#l}}{{#l}}{{#l}}.{{/l}}{{/l}}{{/l}}{{/l}}")
        let (error, seconds) = timedError { _ = try template.render(["l": list]) }
        #expect(
            error?.message.contains("steps") == true || error?.message.contains("bytes") == true,
            "\(String(describing: error))")
        #expect(seconds < 10)
    }

    @Test func outputBombStops() throws {
        let long = String(repeating: "z", count: 100_000)
        let list = TemplateValue.list(Array(repeating: .null, count: 1_000))
        let template = try Template(name: "bomb", source: "{{#l}}{{text}}{{/l}}")
        let (error, seconds) = timedError { _ = try template.render(["l": list, "text": .string(long)]) }
        #expect(error?.message.contains("bytes") == true, "\(String(describing: error))")
        #expect(seconds < 5)
    }

    /// A section over the context itself re-enters the same mapping at every level; the depth limit stops it.
    @Test func selfReferenceThroughDotStops() throws {
        let source = String(repeating: "{{#.}}", count: 200) + "x" + String(repeating: "{{/.}}", count: 200)
        let (error, seconds) = timedError {
            let template = try Template(name: "dots", source: source)
            _ = try template.render(["a": "b"])
        }
        #expect(error != nil)
        #expect(seconds < 2)
    }

    @Test func tagsInValuesAreNotRendered() throws {
        let template = try Template(name: "inject", source: "{{title}}|{{{title}}}")
        let text = try template.render(["title": "{{title}}{{#x}}{{/x}}"])
        #expect(text == "{{title}}{{#x}}{{/x}}|{{title}}{{#x}}{{/x}}")
    }
}
