import Testing

@testable import YAML

@Suite struct YAMLParserTests {
    @Test func mappingWithTypedScalars() throws {
        let node = try YAMLParser.parse("title: Hello\ncount: 3\ndraft: false\ntags: [a, b]\nquoted: \"3\"\n")
        #expect(node["title"]?.string == "Hello")
        #expect(node["count"]?.value == .integer(3))
        #expect(node["draft"]?.value == .bool(false))
        #expect(node["tags"]?.value == .list([.string("a"), .string("b")]))
        #expect(node["quoted"]?.value == .string("3"))
    }

    @Test func marksAreOneBased() throws {
        let node = try YAMLParser.parse("a: 1\nb:\n  c: 2\n")
        #expect(node["b"]?["c"]?.mark == YAMLMark(line: 3, column: 6))
    }

    @Test func errorCarriesPosition() {
        #expect {
            try YAMLParser.parse("title: [unclosed\nother: 1\n", lineOffset: 1)
        } throws: { error in
            guard let error = error as? YAMLError else { return false }
            return error.mark.line >= 2
        }
    }

    /// A repeated key is an error that names both lines, in a nested mapping too; a merge key may repeat.
    @Test func repeatedKeyIsError() throws {
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse("state: a.sqlite\nstate: b.sqlite\n") }
        #expect(error.message == "the key \"state\" appears twice in one mapping, at lines 1 and 2; keep one of them")
        #expect(error.mark.line == 2)
        #expect(throws: YAMLError.self) { try YAMLParser.parse("api:\n  url: a\n  url: b\n") }
        let merged = try YAMLParser.parse("base: &b {x: 1}\nmore: &m {y: 2}\nitem:\n  <<: *b\n  <<: *m\n")
        #expect(merged["item"]?["y"]?.scalarValue?.text == "2")
        // The same key in two mappings is no repetition.
        #expect(try YAMLParser.parse("a: {k: 1}\nb: {k: 2}\n")["b"]?["k"]?.scalarValue?.text == "2")
    }

    @Test func unclosedQuoteNamesItsStart() throws {
        let error = try #require(throws: YAMLError.self) {
            try YAMLParser.parse("title: \"Broken\nsummary: more text\n", lineOffset: 1)
        }
        #expect(error.mark == YAMLMark(line: 4, column: 1))
        #expect(error.contextMark == YAMLMark(line: 2, column: 8))
        #expect(
            error.description
                == "line 4, column 1: found unexpected end of stream while scanning a quoted scalar "
                + "that starts at line 2, column 8; close the quote")
    }

    /// Each typical mistake gets the hint for its cause.
    @Test(arguments: [
        ("a: 1\n\tb: 2\n", "found a tab character", "indent with spaces"),
        ("key: @value\n", "found character that cannot start any token", "quote a value that starts with @"),
        ("title: Roast: dark\n", "mapping values are not allowed", "quote a value that contains \": \""),
        ("a:\n  b: 1\n c: 2\n", "did not find expected key", "indent this line like the other keys"),
        ("a:\n  - x\n  y\n", "could not find expected ':'", "start a list item with `- `"),
        ("tags: [a, b\nc: 1\n", "did not find expected ',' or ']'", "close the list with ]"),
        ("a: {b: 1\n", "did not find expected ',' or '}'", "close the mapping with }"),
    ])
    func typicalMistakesGetHints(text: String, problem: String, hint: String) throws {
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse(text) }
        #expect(error.message.hasPrefix(problem), "\(error.message)")
        let expected = try #require(YAMLParser.hints.first { problem.hasPrefix($0.problem) }?.hint)
        #expect(expected.contains(hint), "\(expected)")
        #expect(error.message.hasSuffix("; " + expected), "\(error.message)")
    }

    @Test func contextAtProblemNamesNoStart() throws {
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse("key: @value\n") }
        #expect(error.contextMark == nil)
        #expect(
            error.description
                == "line 1, column 6: found character that cannot start any token while scanning for the next token; "
                + "indent with spaces, since YAML allows no tabs there, and quote a value that starts with @ or `")
    }

    @Test func aliasBombIsRejected() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<9 {
            let previous = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(previous)]\n"
        }
        #expect(throws: YAMLError.self) { try YAMLParser.parse(text) }
    }

    @Test func mergeKeysApply() throws {
        let node = try YAMLParser.parse("base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\n")
        #expect(node["child"]?["x"]?.value == .integer(1))
        #expect(node["child"]?["y"]?.value == .integer(3))
    }

    @Test func emptyDocumentIsNull() throws {
        let node = try YAMLParser.parse("")
        #expect(node.scalarValue?.isNull == true)
    }
}
