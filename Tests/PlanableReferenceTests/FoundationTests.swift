import Foundation
import Hashing
import Testing
import Timestamps

@testable import PlanableReference

@Suite struct FoundationTests {
    @Test func embeddedDocumentMatchesResource() throws {
        let resource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/PlanableReference/Resources/openapi.json")
        let text = try String(contentsOf: resource, encoding: .utf8)
        #expect(text == OpenAPIDocument.embedded.text)
        #expect(OpenAPIDocument.embedded.operations.count == 51)
        #expect(Set(OpenAPIDocument.embedded.operations.map(\.template)).count == 37)
    }

    @Test func routingPrefersLiteralSegments() {
        let document = OpenAPIDocument.embedded
        guard case .operation(let count, _) = document.match(method: "GET", path: "/posts/count") else {
            Issue.record("GET /posts/count did not match")
            return
        }
        #expect(count.key == "GET /posts/count")
        guard case .operation(let post, let parameters) = document.match(method: "GET", path: "/posts/abc") else {
            Issue.record("GET /posts/abc did not match")
            return
        }
        #expect(post.key == "GET /posts/{id}")
        #expect(parameters == ["id": "abc"])
        guard case .methodNotAllowed(let allowed) = document.match(method: "PUT", path: "/posts/abc") else {
            Issue.record("PUT /posts/abc was not refused")
            return
        }
        #expect(allowed.sorted() == ["DELETE", "GET", "PATCH"])
        for path in ["/posts", "/posts/"] {
            guard case .operation(let list, let none) = document.match(method: "GET", path: path) else {
                Issue.record("GET \(path) did not match")
                continue
            }
            #expect(list.key == "GET /posts")
            #expect(none.isEmpty)
        }
        guard case .methodNotAllowed(let listAllowed) = document.match(method: "PUT", path: "/posts") else {
            Issue.record("PUT /posts was not refused")
            return
        }
        #expect(listAllowed.sorted() == ["GET", "POST"])
    }

    @Test func jsonRoundTripKeepsOrderAndTypes() throws {
        let text = #"{"b":1,"a":[true,null,2.5,"\u00e9\n"],"c":{"d":-3}}"#
        let value = try JSONParser.parse(text)
        #expect(value["b"] == .integer(1))
        #expect(value["a"]?.arrayValue?[2] == .number(2.5))
        #expect(value["a"]?.arrayValue?[3] == .string("é\n"))
        #expect(value.serializedString == #"{"b":1,"a":[true,null,2.5,"é\n"],"c":{"d":-3}}"#)
    }

    /// The writer tests eight bytes at a time for characters to escape, so each one is tried at every offset.
    @Test func jsonEscapesAtEveryOffset() throws {
        for length in 1...19 {
            for offset in 0..<length {
                for special in ["\"", "\\", "\u{0}", "\u{1F}", "\n"] {
                    for filler in ["a", "é"] {
                        var characters = Array(repeating: filler, count: length)
                        characters[offset] = special
                        let text = characters.joined()
                        let written = JSONValue.string(text).serializedString
                        #expect(written.contains("\\"), "\(text.debugDescription) was not escaped")
                        #expect(try JSONParser.parse(written) == .string(text))
                    }
                }
            }
            let plain = String(repeating: "a~\u{7F}é", count: length)
            #expect(JSONValue.string(plain).serializedString == "\"" + plain + "\"")
        }
    }

    @Test func jsonWritesEveryIntegerAndEscape() throws {
        for number in [0, 7, 10, -1, -10, 1_772_357_400, Int.max, Int.min] {
            #expect(JSONValue.integer(number).serializedString == String(number))
        }
        #expect(JSONValue.number(3).serializedString == "3")
        #expect(JSONValue.number(-0.25).serializedString == "-0.25")
        #expect(JSONValue.string("a\"b\\c\t\r\n\u{01}").serializedString == #""a\"b\\c\t\r\n\u0001""#)
        #expect(try JSONParser.parse(JSONValue.string("\u{1F}x\u{7F}").serializedString) == .string("\u{1F}x\u{7F}"))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\":1,}", "01", "\"\\x\"", "tru", "1 2", "\"\u{01}\""])
    func jsonRejectsInvalidText(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    /// Strings without an escape take a shorter path than strings with one; both check the UTF-8 and the end.
    @Test func jsonRejectsBrokenStringsOnBothPaths() throws {
        let broken: [[UInt8]] = [
            [0x22, 0x61, 0xC3, 0x22], [0x22, 0x5C, 0x6E, 0xFF, 0x22], [0x22, 0x61, 0x62], [0x22, 0x5C, 0x6E, 0x62],
            [0x22, 0x5C, 0x6E, 0x0A, 0x22],
        ]
        for bytes in broken {
            #expect(throws: JSONParseError.self, "\(bytes) was accepted") { try JSONParser.parse(bytes) }
        }
        #expect(try JSONParser.parse(Array("\"caf\u{E9}\\u00e9\"".utf8)) == .string("caf\u{E9}\u{E9}"))
    }

    /// A value written through `JSONStream` container by container gives the bytes of its serialization.
    @Test func jsonStreamWritesWhatTheTreeSerializes() {
        var generator = SplitMix(seed: 7)
        func randomValue(depth: Int) -> JSONValue {
            switch generator.next() % (depth > 3 ? 5 : 7) {
            case 0: return .null
            case 1: return .bool(generator.next() % 2 == 0)
            case 2: return .integer(Int(truncatingIfNeeded: generator.next()) >> Int(generator.next() % 60))
            case 3: return .number(Double(generator.next() % 10_000) / 8)
            case 4: return .string(["", "a", "é\"\\\n", "plain text", "\u{1}"][Int(generator.next() % 5)])
            case 5: return .array((0..<Int(generator.next() % 4)).map { _ in randomValue(depth: depth + 1) })
            default:
                return .object(
                    (0..<Int(generator.next() % 4)).map { index in ("k\(index)\"", randomValue(depth: depth + 1)) })
            }
        }
        func stream(_ value: JSONValue, into json: inout JSONStream) {
            switch value {
            case .array(let items):
                json.beginArray()
                for item in items { stream(item, into: &json) }
                json.endArray()
            case .object(let members):
                json.beginObject()
                for (name, member) in members {
                    json.key(escaping: name)
                    stream(member, into: &json)
                }
                json.endObject()
            case .string(let text): json.string(text)
            case .integer(let number): json.integer(number)
            case .bool(let flag): json.bool(flag)
            case .null: json.null()
            case .number: json.value(value)
            }
        }
        for _ in 0..<500 {
            let value = randomValue(depth: 0)
            var json = JSONStream()
            stream(value, into: &json)
            #expect(json.bytes == value.serialized, "\(value.serializedString)")
        }
        var json = JSONStream()
        json.beginObject()
        json.key("a")
        json.serialized(Array("[1,2]".utf8))
        json.key("b")
        json.string(nil as String?)
        json.endObject()
        #expect(String(decoding: json.bytes, as: UTF8.self) == #"{"a":[1,2],"b":null}"#)
    }

    @Test func validatorReportsEachProblem() {
        let schema: JSONValue = [
            "type": "object", "required": ["name", "count"],
            "properties": [
                "name": ["type": "string", "minLength": 2], "count": ["type": "integer", "minimum": 1],
                "when": ["type": "string", "format": "date-time"], "kind": ["type": "string", "enum": ["a", "b"]],
                "tags": ["type": "array", "maxItems": 1, "items": ["type": "string"]],
                "link": ["type": ["string", "null"], "format": "uri"],
            ],
        ]
        let valid: JSONValue = ["name": "ok", "count": 2, "when": "2026-01-01T00:00:00Z", "kind": "a", "link": nil]
        #expect(SchemaValidator.validate(valid, against: schema, at: "body").isEmpty)
        let invalid: JSONValue = ["name": "x", "when": "yesterday", "kind": "c", "tags": [1, 2], "link": "not a uri"]
        let problems = SchemaValidator.validate(invalid, against: schema, at: "body")
        #expect(problems.contains("body.count is required"))
        #expect(problems.contains("body.name must be at least 2 characters long"))
        #expect(
            SchemaValidator.validate(.array([]), against: ["type": "array", "minItems": 1], at: "body.postIds")
                == ["body.postIds must have at least 1 item"])
        #expect(problems.contains { $0.hasPrefix("body.when must be an RFC 3339 date-time") })
        #expect(problems.contains { $0.hasPrefix("body.kind must be one of") })
        #expect(problems.contains("body.tags must have at most 1 item"))
        #expect(problems.contains("body.tags[0] must be a string, not integer"))
        #expect(problems.contains { $0.hasPrefix("body.link must be an absolute URI") })
    }

    /// A value that matches no form of `anyOf` gets every problem of the closest form, as POST /workspaces
    /// without both flags of its approval settings does. `oneOf` also rejects a value that matches two forms.
    @Test func validatorNamesClosestFormsProblems() {
        let flags: JSONValue = [
            "type": "object", "required": ["autoSchedule", "autoLock"],
            "properties": ["autoSchedule": ["type": "boolean"], "autoLock": ["type": "boolean"]],
        ]
        let schema: JSONValue = [
            "anyOf": [
                [
                    "allOf": [
                        flags,
                        ["type": "object", "required": ["type"], "properties": ["type": ["enum": ["MULTIPLE"]]]],
                    ]
                ],
                [
                    "allOf": [
                        flags, ["type": "object", "required": ["type"], "properties": ["type": ["enum": ["NONE"]]]],
                    ]
                ],
            ]
        ]
        let problems = SchemaValidator.validate(["type": "NONE"], against: schema, at: "body.approvalSettings")
        #expect(
            problems == [
                "body.approvalSettings does not match any allowed form (body.approvalSettings.autoSchedule is required; "
                    + "body.approvalSettings.autoLock is required)"
            ], "\(problems)")
        let either: JSONValue = ["oneOf": [["type": "integer"], ["type": "number"]]]
        #expect(
            SchemaValidator.validate(3, against: either, at: "body.n")
                == ["body.n matches more than one allowed form, where exactly one is allowed"])
    }

    @Test func timestampsParseAndFormat() {
        #expect(Timestamp.parse("2026-03-01T09:30:00Z") == 1_772_357_400)
        #expect(Timestamp.parse("2026-03-01T11:30:00.500+02:00") == 1_772_357_400.5)
        #expect(Timestamp.parse("2026-02-30T00:00:00Z") == nil)
        #expect(Timestamp.parse("2026-03-01") == nil)
        #expect(Timestamp.format(1_772_357_400.25) == "2026-03-01T09:30:00.250Z")
    }

    @Test func sha256MatchesKnownDigests() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = String(repeating: "a", count: 1000)
        #expect(SHA256.hex(long) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        #expect(SHA256.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!SHA256.constantTimeEqual([1, 2, 3], [1, 2, 4]))
    }
}

/// A small deterministic generator, so a failing case can be run again.
private struct SplitMix {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
