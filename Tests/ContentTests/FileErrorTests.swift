import Foundation
import Testing

@testable import Content

@Suite struct FileErrorTests {
    @Test func binaryFile() throws {
        let source = try TemporarySource()
        try source.write("a.md", bytes: Array("---\ntitle: x\n---\nab".utf8) + [0, 1, 2])
        let error = try #require(readError(source.reader(), "a.md"))
        #expect(
            error.description == "a.md:4:3: binary file (contains a NUL byte), not text; exclude it from the source")
    }

    @Test func invalidUTF8NamesPosition() throws {
        let source = try TemporarySource()
        try source.write("a.md", bytes: Array("---\ntitle: caf".utf8) + [0xE9] + Array("\n---\n".utf8))
        let error = try #require(readError(source.reader(), "a.md"))
        #expect(error.line == 2)
        #expect(error.column == 11)
        #expect(error.message == "invalid UTF-8; save the file as UTF-8 or exclude it from the source")
    }

    @Test func utf16File() throws {
        let source = try TemporarySource()
        try source.write("a.md", bytes: [0xFF, 0xFE, 0x41, 0x00])
        #expect(readError(source.reader(), "a.md")?.message == "file is encoded as UTF-16; save it as UTF-8")
    }

    @Test func byteOrderMarkIsRemoved() throws {
        let source = try TemporarySource()
        try source.write("a.md", bytes: [0xEF, 0xBB, 0xBF] + Array("---\ntitle: bom\n---\nText".utf8))
        #expect(try source.reader().read(relativePath: "a.md").item?.title == "bom")
    }

    @Test func sizeLimit() throws {
        let source = try TemporarySource()
        try source.write("big.md", String(repeating: "x", count: 2_000))
        var options = ContentReaderOptions()
        options.maximumFileSize = 1_000
        let error = try #require(readError(source.reader(options), "big.md"))
        #expect(
            error.message
                == "file is 2000 bytes, larger than the limit of 1000 bytes; raise the limit or exclude the file")
        #expect(ContentReaderOptions().maximumFileSize == 10 * 1024 * 1024)
    }

    /// libxml2's HTML parser checks a tag's attributes for duplicates in quadratic time, so a file with a tag of
    /// 200,000 attributes would hold a sync for hours. Such a file fails alone, and one at the limit reads.
    @Test func tagWithTooManyAttributes() throws {
        let source = try TemporarySource()
        let limit = 500
        func tag(_ count: Int) -> String {
            "<p " + (0..<count).map { "a\($0)=\"1\"" }.joined(separator: " ") + ">x</p>"
        }
        try source.write("over.html", "---\ntitle: Over\n---\n" + tag(limit + 1))
        try source.write("over.md", "---\ntitle: Over\n---\nText.\n\n" + tag(200_000))
        let inlineTag = "<img src=\"a.png\" " + (0..<limit).map { "a\($0)=\"1\"" }.joined(separator: " ") + ">"
        try source.write("inline.md", "---\ntitle: Inline\n---\nText \(inlineTag) more text.\n")
        try source.write("at.html", "---\ntitle: At\n---\n" + tag(limit))
        for name in ["over.html", "over.md", "inline.md"] {
            let error = try #require(readError(source.reader(), name))
            #expect(error.message.hasPrefix("a tag in the body has more than 500 attributes"), "\(error)")
            #expect(error.description.hasPrefix("\(name): "))
        }
        #expect(try source.reader().read(relativePath: "at.html").item?.title == "At")
    }

    /// A `<` in Markdown text or code is no tag for the HTML parser, which reads only raw HTML, so the words after
    /// it count as no attributes.
    @Test func lessThanInMarkdownTextReads() throws {
        let source = try TemporarySource()
        let words = (0..<600).map { "word\($0)" }.joined(separator: " ")
        try source.write("prose.md", "---\ntitle: Prose\n---\nWe check whether x<y holds for \(words).\n")
        let lines = (0..<600).map { "  total += value\($0);" }.joined(separator: "\n")
        try source.write(
            "code.md", "---\ntitle: Code\n---\nA loop:\n\n```c\nfor (i = 0; i <n; i++) {\n\(lines)\n}\n```\n")
        #expect(try source.reader().read(relativePath: "prose.md").item?.title == "Prose")
        #expect(try source.reader().read(relativePath: "code.md").item?.title == "Code")
    }

    @Test func symlinkOutsideRoot() throws {
        let outside = try TemporarySource()
        try outside.write("secret.md", "---\ntitle: secret\n---\nText")
        let source = try TemporarySource()
        try source.link("escape.md", to: outside.root + "/secret.md")
        let error = try #require(readError(source.reader(), "escape.md"))
        #expect(error.message.hasPrefix("symlink points outside the source root"))
    }

    @Test func symlinkLoop() throws {
        let source = try TemporarySource()
        try source.link("a.md", to: source.root + "/b.md")
        try source.link("b.md", to: source.root + "/a.md")
        #expect(readError(source.reader(), "a.md")?.message == "symlink loop; the file is not followed")
    }

    @Test func symlinkInsideRootIsRead() throws {
        let source = try TemporarySource()
        try source.write("real/a.md", "---\ntitle: real\n---\nText")
        try source.link("alias.md", to: source.root + "/real/a.md")
        #expect(try source.reader().read(relativePath: "alias.md").item?.title == "real")
    }

    @Test func missingAndFolderAndParentPaths() throws {
        let source = try TemporarySource()
        try source.write("folder.md/inner.md", "x")
        let reader = source.reader()
        #expect(readError(reader, "missing.md")?.message == "cannot open the file: No such file or directory")
        #expect(readError(reader, "folder.md")?.message == "not a regular file; exclude it from the source")
        #expect(readError(reader, "../x.md")?.message.hasPrefix("the path must be relative") == true)
        #expect(readError(reader, "/etc/passwd")?.message.hasPrefix("the path must be relative") == true)
    }

    // Root reads every file whatever its mode, so this case runs only for other users.
    @Test(.enabled(if: getuid() != 0, "root reads files whatever their mode"))
    func unreadableFile() throws {
        let source = try TemporarySource()
        try source.write("a.md", "---\ntitle: x\n---\n")
        chmod(source.root + "/a.md", 0)
        #expect(readError(source.reader(), "a.md")?.message == "cannot read the file: Permission denied")
    }

    @Test func oneBrokenFileLeavesOthers() throws {
        let source = try TemporarySource()
        try source.write("a.md", "---\ntitle: [unclosed\n---\n")
        try source.write("b.md", "---\ntitle: fine\n---\nText")
        let reader = source.reader()
        #expect(readError(reader, "a.md") != nil)
        #expect(try reader.read(relativePath: "b.md").item?.title == "fine")
    }

    @Test func hostileYAMLAliasBomb() throws {
        let source = try TemporarySource()
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<9 {
            let previous = "*a\(level - 1)"
            yaml += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        try source.write("bomb.md", "---\n" + yaml + "---\nText")
        let error = try #require(readError(source.reader(), "bomb.md"))
        #expect(error.message.contains("more than 1000000 nodes"))
    }

    @Test func deepJSONNesting() throws {
        let source = try TemporarySource()
        let nested = String(repeating: "[", count: 1_000) + String(repeating: "]", count: 1_000)
        try source.write("a.md", "{\"deep\": \(nested)}\nText")
        let error = try #require(readError(source.reader(), "a.md"))
        #expect(error.message.hasPrefix("invalid JSON front matter: nesting deeper than 256 levels"))
        #expect(error.line == 1)
    }

    @Test func deepTOMLNesting() throws {
        let source = try TemporarySource()
        let nested = String(repeating: "[", count: 1_000) + String(repeating: "]", count: 1_000)
        try source.write("a.md", "+++\ndeep = \(nested)\n+++\nText")
        let error = try #require(readError(source.reader(), "a.md"))
        #expect(error.message.hasPrefix("invalid TOML front matter: "))
        #expect(error.line == 2)
    }
}
