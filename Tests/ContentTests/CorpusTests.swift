import Foundation
import Testing

@testable import Content

@Suite struct CorpusTests {
    @Test func jekyllBlogReads() throws {
        let root = repositoryRoot + "/examples/jekyll-blog"
        let scan = DirectoryScanner(root: root).scan()
        #expect(scan.errors.isEmpty, "\(scan.errors)")
        #expect(scan.files.count == 102)
        let reader = ContentReader(root: root)
        var items: [ContentItem] = []
        var skipped: [String] = []
        var errors: [ContentError] = []
        for file in scan.files {
            do {
                switch try reader.read(relativePath: file.relativePath) {
                case .item(let item): items.append(item)
                case .skipped(let path, let reason): skipped.append("\(path): \(reason)")
                }
            } catch {
                errors.append(error)
            }
        }
        print("jekyll: \(items.count) publishable, \(skipped.count) skipped, \(errors.count) errors")
        for line in skipped { print("  skipped \(line)") }
        #expect(errors.isEmpty, "\(errors)")
        #expect(items.count + skipped.count == scan.files.count)
        for item in items {
            #expect(!item.title.isEmpty, "\(item.relativePath)")
            #expect(item.date != nil, "\(item.relativePath)")
            #expect(!item.text.isEmpty, "\(item.relativePath)")
            #expect(!item.summary.isEmpty, "\(item.relativePath)")
            let source = try String(contentsOfFile: root + "/" + item.relativePath, encoding: .utf8)
            if !source.contains("{% raw %}") {
                #expect(!item.text.contains("{%"), "\(item.relativePath)")
                #expect(!item.text.contains("{{"), "\(item.relativePath)")
            }
        }
        if let dump = ProcessInfo.processInfo.environment["CONTENT_DUMP"] {
            for item in items where item.relativePath.contains(dump) {
                print(
                    "== \(item.relativePath) | \(item.title) | \(item.date!) | \(item.slug) | \(item.tags) | \(item.categories)"
                )
                print("summary: \(item.summary)")
                print(item.text)
                print("links: \(item.links)")
                print("media: \(item.media)")
            }
        }
    }
}

@Suite struct HugoCorpusTests {
    static let root = repositoryRoot + "/Tests/Fixtures/hugo-docs"

    static func readAll(
        _ options: ContentReaderOptions
    ) -> (
        items: [ContentItem], skipped: [String], errors: [ContentError], files: Int
    ) {
        let scan = DirectoryScanner(root: root).scan()
        let reader = ContentReader(root: root, options: options)
        var items: [ContentItem] = []
        var skipped: [String] = []
        var errors = scan.errors
        for file in scan.files {
            do {
                switch try reader.read(relativePath: file.relativePath) {
                case .item(let item): items.append(item)
                case .skipped(let path, let reason): skipped.append("\(path): \(reason)")
                }
            } catch {
                errors.append(error)
            }
        }
        return (items, skipped, errors, scan.files.count)
    }

    @Test func everyPageParses() throws {
        var options = ContentReaderOptions()
        options.readUnderscoreFolders = true
        options.skipSectionIndexes = false
        let result = Self.readAll(options)
        print(
            "hugo, nothing skipped by path: \(result.items.count) items, \(result.skipped.count) skipped, "
                + "\(result.errors.count) errors")
        #expect(result.files == 992)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.items.count + result.skipped.count == 992)
        for line in result.skipped { print("  skipped \(line)") }
        for item in result.items {
            #expect(!item.title.isEmpty, "\(item.relativePath)")
            for marker in ["{{<", "{{%"] where item.text.contains(marker) {
                let source = try String(contentsOfFile: Self.root + "/" + item.relativePath, encoding: .utf8)
                // Only escaped shortcodes ({{</* ... */>}}) stay, as the literal text Hugo renders them to.
                #expect(source.contains("{{</*") || source.contains("{{%/*"), "\(item.relativePath)")
            }
        }
        let netlify = try #require(result.items.first { $0.relativePath == "host-and-deploy/host-on-netlify/index.md" })
        #expect(netlify.media.count == 10)
        #expect(netlify.media.allSatisfy { $0.kind == .relativePath })
        #expect(netlify.media.allSatisfy { $0.fileExists })
        #expect(netlify.media.allSatisfy { $0.alt == "screen capture" })
        let pagesWithMedia = result.items.filter { !$0.media.isEmpty }
        #expect(pagesWithMedia.count >= 40)
        let multilingual = try #require(result.items.first { $0.relativePath == "content-management/multilingual.md" })
        #expect(multilingual.text.contains("prefixed with {{ .LanguagePrefix }}"))
        let shortcodes = try #require(result.items.first { $0.relativePath == "content-management/shortcodes.md" })
        #expect(shortcodes.summary.hasPrefix("Use embedded, custom, or inline shortcodes"))
        #expect(shortcodes.text.contains("There are three types of shortcodes: embedded, custom, and inline."))
        #expect(!shortcodes.text.contains("enableInlineShortcodes"))
        if let dump = ProcessInfo.processInfo.environment["CONTENT_DUMP"] {
            for item in result.items where item.relativePath.contains(dump) {
                print(
                    "== \(item.relativePath) | \(item.title) | \(String(describing: item.date)) | \(item.slug) | \(item.tags) | \(item.categories)"
                )
                print("summary: \(item.summary)")
                print(item.text)
                print("links: \(item.links)")
                print("media: \(item.media)")
            }
        }
    }

    @Test func defaultRulesSkipSectionsAndHeadless() {
        let result = Self.readAll(ContentReaderOptions())
        print(
            "hugo, default rules: \(result.items.count) items, \(result.skipped.count) skipped, "
                + "\(result.errors.count) errors")
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.items.count + result.skipped.count == 992)
        #expect(result.skipped.filter { $0.contains("_index") }.count >= 60)
        #expect(result.skipped.contains { $0.hasPrefix("_common/") })
    }
}

@Suite struct CorpusDumpTests {
    @Test func dumpHugoMedia() {
        guard ProcessInfo.processInfo.environment["CONTENT_MEDIA_DUMP"] != nil else { return }
        var options = ContentReaderOptions()
        options.readUnderscoreFolders = true
        for item in HugoCorpusTests.readAll(options).items where !item.media.isEmpty {
            print(
                "\(item.relativePath): \(item.media.map { "\($0.kind) \($0.reference) exists=\($0.fileExists) alt=\($0.alt ?? "-")" })"
            )
        }
    }
}
