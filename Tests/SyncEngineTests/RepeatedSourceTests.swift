import Foundation
import Testing

@testable import SyncEngine

/// Two sources that read the same folder with the same globs, or the same feed, would post every item twice, so
/// the configuration is rejected with both sources named.
@Suite struct RepeatedSourceTests {
    private let folder = FileManager.default.temporaryDirectory.appendingPathComponent("repeated-\(UUID().uuidString)")

    /// Writes a configuration whose `sources` list is `sources`, with a `tpl` folder beside it, and loads it.
    private func load(_ sources: String) throws -> Configuration {
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("tpl"), withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("planable-sync.yaml").path
        let text = """
            workspace: Northwind Coffee
            pages: [Northwind X]
            sources:
            \(sources)
            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try Configuration.load(path: path)
    }

    /// Loads `sources`, expects a configuration error, and returns its problems as `line: message`.
    private func problems(_ sources: String) throws -> [String] {
        do {
            _ = try load(sources)
            Issue.record("the configuration loaded")
            return []
        } catch let error as ConfigurationError {
            return error.problems.map { "\($0.line ?? 0): \($0.message)" }
        }
    }

    @Test(arguments: ["tpl", "./tpl/", "tpl/", "tpl/../tpl", "link"])
    func sameFolderTwiceIsRejected(secondPath: String) throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("link").path, withDestinationPath: "tpl")
        let messages = try problems(
            """
              - {name: a, type: directory, path: tpl}
              - {name: a2, type: directory, path: \(secondPath)}
            """)
        #expect(messages.count == 1, "\(messages)")
        let message = try #require(messages.first)
        #expect(message.hasPrefix("5: sources \"a\" (line 4) and \"a2\" (line 5) both read folder "), "\(message)")
        #expect(message.contains("/tpl with the same include and exclude"), "\(message)")
        #expect(message.contains("remove one of them"), "\(message)")
        #expect(!message.contains("Old"), "\(message)")
        #expect(!message.contains("N3w"), "\(message)")
    }

    /// Globs written in another order select the same files.
    @Test func sameGlobsInOtherOrderAreRejected() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let messages = try problems(
            """
              - {name: a, type: directory, path: tpl, include: ["**/*.md", "**/*.html"]}
              - {name: a2, type: directory, path: tpl, include: ["**/*.html", "**/*.md"]}
            """)
        #expect(messages.count == 1, "\(messages)")
        #expect(messages.first?.hasPrefix("5: sources \"a\" (line 4) and \"a2\" (line 5) both read folder") == true)
    }

    /// One folder with other globs may give each source its own files, which only a scan can tell.
    @Test func sameFolderWithOtherGlobsLoads() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = try load(
            """
              - {name: news, type: directory, path: tpl, include: ["news/**"]}
              - {name: blog, type: directory, path: tpl, include: ["blog/**"]}
              - {name: all, type: directory, path: ., include: ["tpl/**"]}
            """)
        #expect(configuration.sources.count == 3)
    }

    @Test(arguments: [
        ("dup.xml", "./dup.xml"),
        ("dup.xml", "tpl/../dup.xml"),
        ("https://News.Example/feed.xml", "https://news.example:443/feed.xml"),
        ("HTTP://news.example", "http://news.example:80/"),
        ("http://news.example/feed.xml#top", "http://news.example/feed.xml"),
        ("http://client:Old@127.0.0.1:9/feed.xml", "http://client:N3w@127.0.0.1:9/feed.xml"),
    ])
    func sameFeedTwiceIsRejected(first: String, second: String) throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let messages = try problems(
            """
              - {name: news, type: feed, url: "\(first)"}
              - {name: news2, type: feed, url: "\(second)"}
            """)
        #expect(messages.count == 1, "\(messages)")
        let message = try #require(messages.first)
        #expect(message.hasPrefix("5: sources \"news\" (line 4) and \"news2\" (line 5) both read feed "), "\(message)")
        #expect(message.contains("remove one of them"), "\(message)")
        #expect(!message.contains("Old"), "\(message)")
        #expect(!message.contains("N3w"), "\(message)")
    }

    /// The message for a feed read twice shows its URL without the password.
    @Test func repeatedFeedMessageHidesPassword() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let messages = try problems(
            """
              - {name: news, type: feed, url: "http://client:S3cret@127.0.0.1:9/feed.xml"}
              - {name: news2, type: feed, url: "http://client:S3cret@127.0.0.1:9/feed.xml"}
            """)
        let message = try #require(messages.first)
        #expect(message.contains("http://client:***@127.0.0.1:9/feed.xml"), "\(message)")
        #expect(!message.contains("S3cret"), "\(message)")
    }

    /// A local feed given as a path and as a file URL is one feed.
    @Test func feedPathAndFileURLAreOneFeed() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let fileURL = folder.appendingPathComponent("dup.xml").absoluteString
        let messages = try problems(
            """
              - {name: news, type: feed, url: dup.xml}
              - {name: news2, type: feed, url: "\(fileURL)"}
            """)
        #expect(messages.count == 1, "\(messages)")
    }

    @Test(arguments: [
        ("https://news.example/feed.xml", "https://news.example/feed.xml?page=2"),
        ("https://news.example/feed.xml", "http://news.example/feed.xml"),
        ("https://news.example/Feed.xml", "https://news.example/feed.xml"),
        ("https://news.example:8443/feed.xml", "https://news.example/feed.xml"),
        ("https://alice:pw@news.example/feed.xml", "https://bob:pw@news.example/feed.xml"),
    ])
    func differentFeedsLoad(first: String, second: String) throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = try load(
            """
              - {name: news, type: feed, url: "\(first)"}
              - {name: news2, type: feed, url: "\(second)"}
            """)
        #expect(configuration.sources.count == 2)
    }

    /// The repeated source is listed with the file's other problems, so that one run names them all.
    @Test func repeatedSourceJoinsOtherProblems() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let messages = try problems(
            """
              - {name: a, type: directory, path: tpl}
              - {name: a2, type: directory, path: tpl}
            notify: maybe
            """)
        #expect(messages.count == 2, "\(messages)")
        #expect(messages.first?.hasPrefix("5: sources \"a\" (line 4) and \"a2\" (line 5)") == true, "\(messages)")
        #expect(messages.last == "6: \"notify\" must be true or false", "\(messages)")
    }
}
