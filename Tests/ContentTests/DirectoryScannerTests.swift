import Foundation
import Testing

@testable import Content

@Suite struct GlobPatternTests {
    @Test(arguments: [
        ("**/*.md", "a.md", true),
        ("**/*.md", "posts/2024/a.md", true),
        ("**/*.md", "a.markdown", false),
        ("*.md", "deep/down/a.md", true),
        ("posts/*.md", "posts/a.md", true),
        ("posts/*.md", "posts/sub/a.md", false),
        ("posts/**", "posts/sub/a.md", true),
        ("**/drafts/**", "x/drafts/y/z.md", true),
        ("**/*.{md,markdown}", "a/b.markdown", true),
        ("**/?.md", "a/b.md", true),
        ("**/?.md", "a/bc.md", false),
        ("**/[a-c]*.md", "x/beta.md", true),
        ("**/[!a-c]*.md", "x/beta.md", false),
        ("docs/**/index.md", "docs/index.md", true),
        ("docs/**/index.md", "docs/a/b/index.md", true),
        ("docs/**/index.md", "other/index.md", false),
    ])
    func matches(pattern: String, path: String, expected: Bool) {
        #expect(GlobPattern(pattern).matches(path) == expected)
    }
}

@Suite struct DirectoryScannerTests {
    @Test func defaultsSortAndMetadata() throws {
        let source = try TemporarySource()
        try source.write("b.md", "bb")
        try source.write("a/z.markdown", "z")
        try source.write("a/page.html", "<p>x</p>")
        try source.write("a/old.htm", "<p>x</p>")
        try source.write("a/image.png", "png")
        try source.write("a/notes.mdx", "not Markdown")
        try source.write(".git/notes.md", "hidden")
        try source.write("a/.hidden.md", "hidden")
        // Windows exports may name files in capitals; Jekyll reads them, whatever the extension's case.
        try source.write("EXPORT.MD", "upper")
        try source.write("a/Index.HTML", "<p>x</p>")
        let scan = DirectoryScanner(root: source.root).scan()
        #expect(scan.errors.isEmpty)
        #expect(
            scan.files.map(\.relativePath) == [
                "EXPORT.MD", "a/Index.HTML", "a/old.htm", "a/page.html", "a/z.markdown", "b.md",
            ])
        let b = try #require(scan.files.last)
        #expect(b.size == 2)
        let attributes = try FileManager.default.attributesOfItem(atPath: source.root + "/b.md")
        let modified = try #require(attributes[.modificationDate] as? Date)
        #expect(abs(b.modificationTime.timeIntervalSince(modified)) < 0.001)
    }

    @Test func includeAndExclude() throws {
        let source = try TemporarySource()
        for path in ["posts/a.md", "posts/drafts/b.md", "notes/c.md", "posts/d.txt"] { try source.write(path, "x") }
        let scan = DirectoryScanner(root: source.root, include: ["posts/**/*.md", "**/*.txt"], exclude: ["**/drafts"])
            .scan()
        #expect(scan.files.map(\.relativePath) == ["posts/a.md", "posts/d.txt"])
    }

    @Test func modificationIsSeen() throws {
        let source = try TemporarySource()
        try source.write("a.md", "one")
        let before = try #require(DirectoryScanner(root: source.root).scan().files.first)
        let later = Date(timeIntervalSinceNow: 10)
        try source.write("a.md", "longer")
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: source.root + "/a.md")
        let after = try #require(DirectoryScanner(root: source.root).scan().files.first)
        #expect(after.size != before.size)
        #expect(after.modificationTime > before.modificationTime)
    }

    @Test func symlinks() throws {
        let outside = try TemporarySource()
        try outside.write("out.md", "x")
        let source = try TemporarySource()
        try source.write("real/a.md", "x")
        try source.link("alias/linked.md", to: source.root + "/real/a.md")
        try source.link("linked-folder", to: source.root + "/real")
        try source.link("escape.md", to: outside.root + "/out.md")
        try source.link("escape-folder", to: outside.root)
        try source.link("real/loop", to: source.root + "/real")
        try source.link("broken.md", to: source.root + "/nothing.md")
        let scan = DirectoryScanner(root: source.root).scan()
        // A link to a file that is listed under its real path too would give that file a second post.
        #expect(scan.files.map(\.relativePath) == ["real/a.md"])
        let messages = Dictionary(uniqueKeysWithValues: scan.errors.map { ($0.path, $0.message) })
        #expect(messages["alias/linked.md"]?.hasPrefix("a second path to file real/a.md") == true)
        #expect(messages["escape.md"]?.hasPrefix("symlink points outside the source root") == true)
        #expect(messages["escape-folder"]?.hasPrefix("symlink points outside the source root") == true)
        #expect(messages["broken.md"]?.hasPrefix("broken symlink") == true)
        // The real folder is listed under its real path; linked-folder and the loop back to it are reported.
        #expect(messages["linked-folder"]?.hasPrefix("symlink to a folder that is already scanned") == true)
        #expect(messages["real/loop"]?.hasPrefix("symlink to a folder that is already scanned") == true)
        #expect(!scan.files.contains { $0.relativePath.contains("outside") || $0.relativePath.hasPrefix("escape") })
    }

    /// A link back to the root is a second path to every file, so it is reported and not walked.
    @Test func linkToRootIsNotWalked() throws {
        let source = try TemporarySource()
        try source.write("z.md", "x")
        try source.write("nested/b.md", "x")
        try source.link("nested/up", to: "..")
        let scan = DirectoryScanner(root: source.root).scan()
        #expect(scan.files.map(\.relativePath) == ["nested/b.md", "z.md"])
        let messages = Dictionary(uniqueKeysWithValues: scan.errors.map { ($0.path, $0.message) })
        #expect(messages["nested/up"]?.hasPrefix("symlink to a folder that is already scanned") == true, "\(messages)")
    }

    /// Two hard links to one file are one file, listed under the first path in sorted order.
    @Test func hardLinkedFileIsListedOnce() throws {
        let source = try TemporarySource()
        try source.write("b.md", "x")
        #expect(link(source.root + "/b.md", source.root + "/a.md") == 0)
        let scan = DirectoryScanner(root: source.root).scan()
        #expect(scan.files.map(\.relativePath) == ["a.md"])
        #expect(scan.errors.first?.path == "b.md")
        #expect(scan.errors.first?.message.hasPrefix("a second path to file a.md") == true)
        #expect(scan.errors.first?.message.hasSuffix("add this path to the source's exclude") == true)
    }

    @Test func missingRoot() {
        let scan = DirectoryScanner(root: "/nonexistent-content-root-\(UUID().uuidString)").scan()
        #expect(scan.files.isEmpty)
        #expect(scan.errors.first?.message == "cannot open the source folder: No such file or directory")
    }
}
