import Foundation
import Testing

@testable import Templates

/// Runs the official Mustache spec suites, read from `Tests/Fixtures/mustache-spec` at test time.
@Suite struct MustacheSpecTests {
    private struct SpecFile: Decodable {
        var tests: [SpecCase]
    }

    private struct SpecCase: Decodable {
        var name: String
        var desc: String
        var data: JSONValue
        var template: String
        var expected: String
    }

    /// A JSON value decoded into a `TemplateValue`. Integers stay integers, so `85` renders as `85`.
    private struct JSONValue: Decodable {
        var value: TemplateValue

        init(from decoder: any Decoder) throws {
            if var array = try? decoder.unkeyedContainer() {
                var items: [TemplateValue] = []
                while !array.isAtEnd { items.append(try array.decode(JSONValue.self).value) }
                value = .list(items)
                return
            }
            if let object = try? decoder.container(keyedBy: AnyKey.self) {
                let pairs = try object.allKeys.map {
                    ($0.stringValue, try object.decode(JSONValue.self, forKey: $0).value)
                }
                value = .mapping(pairs.sorted { $0.0 < $1.0 })
                return
            }
            let scalar = try decoder.singleValueContainer()
            if scalar.decodeNil() {
                value = .null
            } else if let bool = try? scalar.decode(Bool.self) {
                value = .bool(bool)
            } else if let integer = try? scalar.decode(Int.self) {
                value = .number(.integer(integer))
            } else if let double = try? scalar.decode(Double.self) {
                value = .number(.double(double))
            } else {
                value = .string(try scalar.decode(String.self))
            }
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/mustache-spec")

    @Test(arguments: ["comments", "interpolation", "sections", "inverted"])
    func specSuitePasses(suite: String) throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("\(suite).json"))
        let file = try JSONDecoder().decode(SpecFile.self, from: data)
        #expect(!file.tests.isEmpty, "\(suite).json has no tests")
        var passed = 0
        for test in file.tests {
            do {
                let template = try Template(name: test.name, source: test.template)
                let output = try template.render(test.data.value, mode: .spec)
                #expect(output == test.expected, "\(suite) / \(test.name): \(test.desc)")
                if output == test.expected { passed += 1 }
            } catch {
                Issue.record("\(suite) / \(test.name) threw \(error)")
            }
        }
        print("mustache spec \(suite): \(passed) of \(file.tests.count) cases passed")
        #expect(passed == file.tests.count)
    }
}
