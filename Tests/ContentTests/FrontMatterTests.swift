import Foundation
import Testing
import YAML

@testable import Content

@Suite struct FrontMatterTests {
    @Test func yamlFields() throws {
        let source = try TemporarySource()
        try source.write(
            "posts/a.md",
            """
            ---
            title: "Hello: world"
            date: 2024-03-01 09:30:00 +0100
            tags: [swift, linux]
            categories: news
            count: 3
            ---
            Body text.
            """)
        let item = try #require(try source.reader().read(relativePath: "posts/a.md").item)
        #expect(item.format == .yaml)
        #expect(item.title == "Hello: world")
        #expect(item.tags == ["swift", "linux"])
        #expect(item.categories == ["news"])
        #expect(item.frontMatter["count"] == .integer(3))
        #expect(item.text == "Body text.")
        #expect(item.date == Date(timeIntervalSince1970: 1_709_281_800))
    }

    @Test func tomlFields() throws {
        let source = try TemporarySource()
        try source.write(
            "post.md",
            """
            +++
            title = "TOML post"
            date = 2024-03-01T09:30:00Z
            tags = ["a", "b"]
            draft = false

            [planable]
            pages = ["Main page"]
            skip = false
            +++
            Hello from TOML.
            """)
        let item = try #require(try source.reader().read(relativePath: "post.md").item)
        #expect(item.format == .toml)
        #expect(item.title == "TOML post")
        #expect(item.tags == ["a", "b"])
        #expect(item.date == Date(timeIntervalSince1970: 1_709_285_400))
        #expect(item.dateHasTime)
        #expect(item.dateHasZone)
        #expect(item.overrides?["pages"] == .list([.string("Main page")]))
        #expect(item.overrides?["skip"] == .bool(false))
        #expect(item.text == "Hello from TOML.")
    }

    @Test func tomlLocalDateHasNoZone() throws {
        let source = try TemporarySource()
        try source.write("post.md", "+++\ntitle = \"x\"\ndate = 2024-03-01\n+++\nText.\n")
        let item = try #require(try source.reader().read(relativePath: "post.md").item)
        #expect(item.date == Date(timeIntervalSince1970: 1_709_251_200))
        #expect(!item.dateHasTime)
        #expect(!item.dateHasZone)
    }

    @Test func tomlTablesAndSpecialValues() throws {
        let source = try TemporarySource()
        try source.write(
            "post.md",
            """
            +++
            date = 1979-05-27T00:32:00.5
            big = inf
            hex = 0x1F
            [[images]]
            src = "a.png"
            alt = "First"
            [[images]]
            src = "b.png"
            +++
            Text.
            """)
        let item = try #require(try source.reader().read(relativePath: "post.md").item)
        #expect(item.date == Date(timeIntervalSince1970: 296_613_120.5))
        #expect(item.dateHasTime)
        #expect(!item.dateHasZone)
        #expect(item.frontMatter["big"] == .string("Infinity"))
        #expect(item.frontMatter["hex"] == .integer(31))
        #expect(item.media.map(\.reference) == ["a.png", "b.png"])
        #expect(item.media.first?.alt == "First")
    }

    @Test func jsonFields() throws {
        let source = try TemporarySource()
        try source.write(
            "post.md",
            """
            {
              "title": "JSON post",
              "tags": ["x"],
              "planable": {"labels": ["l1"], "id": "custom"},
              "nested": {"ok": true, "n": 1.5, "none": null, "escape": "a\\u00e9\\n"}
            }
            JSON body.
            """)
        let item = try #require(try source.reader().read(relativePath: "post.md").item)
        #expect(item.format == .json)
        #expect(item.title == "JSON post")
        #expect(item.tags == ["x"])
        #expect(item.overrides?["labels"] == .list([.string("l1")]))
        #expect(item.frontMatter["nested"]?["n"] == .double(1.5))
        #expect(item.frontMatter["nested"]?["none"] == .null)
        #expect(item.frontMatter["nested"]?["escape"] == .string("aé\n"))
        #expect(item.text == "JSON body.")
    }

    @Test func malformedYAMLNamesLineAndColumn() throws {
        let source = try TemporarySource()
        try source.write("posts/a.md", "---\ntitle: ok\ntags: a: b\n---\nBody\n")
        let error = try #require(readError(source.reader(), "posts/a.md"))
        #expect(error.path == "posts/a.md")
        #expect(error.line == 3)
        #expect(error.column == 8)
        #expect(
            error.description
                == "posts/a.md:3:8: invalid YAML front matter: mapping values are not allowed in this context; "
                + "quote a value that contains \": \", and indent each key like the keys beside it, "
                + "or leave the file out with the source's exclude setting"
        )
    }

    /// A problem without a hint of its own gets the general advice.
    @Test func yamlProblemWithoutHintSaysFixIt() throws {
        let source = try TemporarySource()
        try source.write("a.md", "---\ntitle: *missing\n---\nBody\n")
        let error = try #require(readError(source.reader(), "a.md"))
        #expect(
            error.message
                == "invalid YAML front matter: unknown alias *missing; fix the front matter, or leave the file out "
                + "with the source's exclude setting")
    }

    @Test func unclosedYAMLQuoteNamesItsStart() throws {
        let source = try TemporarySource()
        try source.write("a.md", "---\ntitle: \"Broken\nsummary: more text\n---\nBody\n")
        let error = try #require(readError(source.reader(), "a.md"))
        #expect(error.line == 4)
        #expect(error.column == 1)
        #expect(
            error.description
                == "a.md:4:1: invalid YAML front matter: found unexpected end of stream while scanning a quoted scalar "
                + "that starts at line 2, column 8; close the quote, or leave the file out with the source's exclude "
                + "setting"
        )
    }

    @Test func malformedTOMLNamesLineAndColumn() throws {
        let source = try TemporarySource()
        try source.write("a.md", "+++\ntitle = \"ok\"\ndate = = 3\n+++\nBody\n")
        let error = try #require(readError(source.reader(), "a.md"))
        #expect(error.line == 3)
        #expect(error.column == 8)
        #expect(error.message.hasPrefix("invalid TOML front matter: "))
        #expect(
            error.message.hasSuffix("fix the front matter, or leave the file out with the source's exclude setting"))
    }

    @Test func malformedJSONNamesLineAndColumn() throws {
        let source = try TemporarySource()
        try source.write("a.md", "{\n  \"title\": \"ok\",\n  \"tags\" [\"a\"]\n}\nBody\n")
        let error = try #require(readError(source.reader(), "a.md"))
        #expect(error.line == 3)
        #expect(error.column == 10)
        #expect(error.message.hasPrefix("invalid JSON front matter: expected ':' after the object key"))
    }

    @Test func unclosedFrontMatter() throws {
        let source = try TemporarySource()
        try source.write("a.md", "---\ntitle: never closed\n\nBody\n")
        let error = try #require(readError(source.reader(), "a.md"))
        #expect(error.line == 1)
        #expect(error.message.contains("no closing --- line"))
    }

    @Test func frontMatterMustBeMapping() throws {
        let source = try TemporarySource()
        try source.write("a.md", "---\n- one\n- two\n---\nBody\n")
        let error = try #require(readError(source.reader(), "a.md"))
        #expect(error.line == 2)
        #expect(error.column == 1)
        #expect(error.message.hasPrefix("front matter is a list, expected a mapping"))
    }

    @Test func emptyFrontMatterIsEmptyMapping() throws {
        let source = try TemporarySource()
        try source.write("2020-01-02-empty.md", "---\n---\n# Heading title\n\nText.\n")
        let item = try #require(try source.reader().read(relativePath: "2020-01-02-empty.md").item)
        #expect(item.frontMatter == .mapping([]))
        #expect(item.title == "Heading title")
        #expect(item.slug == "empty")
    }

    @Test func closingDotsEndYAML() throws {
        let source = try TemporarySource()
        try source.write("a.md", "---\ntitle: dots\n...\nBody\n")
        let item = try #require(try source.reader().read(relativePath: "a.md").item)
        #expect(item.title == "dots")
        #expect(item.text == "Body")
    }

    @Test func crlfLineEnds() throws {
        let source = try TemporarySource()
        try source.write("a.md", "---\r\ntitle: windows\r\n---\r\nLine one\r\nline two\r\n")
        let item = try #require(try source.reader().read(relativePath: "a.md").item)
        #expect(item.title == "windows")
        #expect(item.text == "Line one line two")
    }

    @Test func planableMustBeMapping() throws {
        let source = try TemporarySource()
        try source.write("a.md", "---\ntitle: x\nplanable: yes please\n---\nBody\n")
        let error = try #require(readError(source.reader(), "a.md"))
        #expect(error.line == 3)
        #expect(error.column == 11)
        #expect(error.message.hasPrefix("planable: is a scalar, expected a mapping"))
    }
}
