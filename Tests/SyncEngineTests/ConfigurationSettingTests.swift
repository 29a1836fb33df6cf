import Foundation
import Logging
import Testing

@testable import SyncEngine

@Suite struct ConfigurationSettingTests {
    private let folder = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")

    private func load(_ extra: String) throws -> Configuration {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("planable-sync.yaml").path
        let text = """
            workspace: Northwind Coffee
            pages: [Northwind X]
            sources:
              - name: posts
                type: directory
                path: content
            \(extra)
            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try Configuration.load(path: path)
    }

    /// A configuration path that does not exist, or names a folder, gets a message in plain words.
    @Test func unreadableFileMessages() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let missing = folder.appendingPathComponent("missing.yaml").path
        let absent = try #require(throws: ConfigurationError.self) { try Configuration.load(path: missing) }
        #expect(absent.description.contains(missing), "\(absent)")
        #expect(absent.description.contains("(No such file or directory)"), "\(absent)")
        #expect(!absent.description.contains("The operation could not be completed"), "\(absent)")
        let directory = try #require(throws: ConfigurationError.self) { try Configuration.load(path: folder.path) }
        #expect(directory.description.contains("is a folder"), "\(directory)")
    }

    @Test func apiTimeoutReachesClient() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = try load("api_timeout: 7.5")
        #expect(configuration.apiTimeout == 7.5)
        let runtime = try Runtime(
            configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: false)
        #expect(runtime.client.requestTimeout == 7.5)
        #expect(try load("").apiTimeout == nil)
    }

    @Test func apiTimeoutMustBePositive() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            try load("api_timeout: 0")
        } throws: { error in
            "\(error)".contains("planable-sync.yaml:7:14: \"api_timeout\" must be a positive number of seconds")
        }
    }

    @Test func rescanIntervalDefaultAndOff() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try load("").rescanInterval == 600)
        #expect(try load("rescan_interval: 0").rescanInterval == 0)
        #expect(try load("rescan_interval: 90").rescanInterval == 90)
    }

    @Test(arguments: ["-5", "0.5"])
    func rescanIntervalBelowOneRejected(value: String) throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            try load("rescan_interval: \(value)")
        } throws: { error in
            "\(error)".contains("\"rescan_interval\" must be 0 (no periodic rescan) or at least 1 second")
        }
    }

    @Test func deleteGracePeriodDefault() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try load("").deleteGracePeriod == 30)
        #expect(try load("delete_grace_period: 0").deleteGracePeriod == 0)
        #expect(try load("delete_grace_period: 90").deleteGracePeriod == 90)
    }

    @Test func negativeDeleteGraceRejected() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            try load("delete_grace_period: -1")
        } throws: { error in
            "\(error)".contains("\"delete_grace_period\" must be 0 (delete at once) or a positive number")
        }
    }

    /// A typo inside a source or the api mapping would otherwise drop the setting without a word.
    @Test(arguments: [
        ("    lnk: \"https://example.com/{{slug}}\"", "unknown directory source setting \"lnk\""),
        ("    exlude: [\"drafts/**\"]", "unknown directory source setting \"exlude\""),
    ])
    func unknownSourceKeyIsRejected(line: String, message: String) throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            try load(line)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func everyUnknownSourceKeyIsNamed() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            try load("    lnk: \"https://example.com/{{slug}}\"\n    exlude: [\"drafts/**\"]")
        } throws: { error in
            "\(error)".contains(
                "unknown directory source settings \"lnk\", \"exlude\"; did you mean \"link\" instead of \"lnk\", "
                    + "and \"exclude\" instead of \"exlude\"? known settings are ")
        }
    }

    @Test func unknownSourceKeySuggestsNearest() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            try load("    exlude: [\"drafts/**\"]")
        } throws: { error in
            "\(error)".contains(
                "unknown directory source setting \"exlude\"; did you mean \"exclude\"? known settings are ")
        }
    }

    /// A zero rate limit of the embedded server names its key and value, at the key's own line.
    @Test(arguments: [("reads_per_minute", 9, 600), ("writes_per_minute", 10, 120)])
    func embeddedRateLimitZeroRejected(key: String, line: Int, example: Int) throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let limits =
            key == "reads_per_minute"
            ? "reads_per_minute: 0\n    writes_per_minute: 5" : "reads_per_minute: 5\n    writes_per_minute: 0"
        let error = try #require(throws: ConfigurationError.self) {
            try load("api:\n  embedded:\n    \(limits)")
        }
        #expect(error.line == line, "\(error)")
        let expected =
            "\"api.embedded.\(key)\" must be a positive number of requests per minute, such as \(example), not 0"
        #expect(error.message == expected)
    }

    /// An unknown top-level setting near a known one names it; one near none lists the known settings only.
    @Test func unknownSettingSuggestsNearest() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            try load("pagse: [Northwind X]")
        } throws: { error in
            "\(error)".contains("unknown setting \"pagse\"; did you mean \"pages\"? known settings are ")
        }
        #expect {
            try load("colour: blue")
        } throws: { error in
            "\(error)".contains("unknown setting \"colour\"; known settings are ")
        }
    }

    @Test func unknownAPIKeyIsRejected() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            try load("api:\n  embedded:\n    writes_per_minit: 10")
        } throws: { error in
            "\(error)".contains("unknown api.embedded setting \"writes_per_minit\"")
        }
    }

    /// Settings that do not depend on a broken one are read too, so that one run names every problem.
    @Test func everyProblemIsReported() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let extra = """
              - name: news
                type: rss
                url: feed.xml
            bogus: 1
            rules:
              - name: r1
                match: {sources: [nope]}
            status_interval: -3
            notify: maybe
            """
        do {
            _ = try load(extra)
            Issue.record("the configuration loaded")
        } catch let error as ConfigurationError {
            let messages = error.problems.map { "\($0.line ?? 0): \($0.message)" }
            #expect(messages.count == 5)
            #expect(messages[0] == "8: unknown source type \"rss\"; use \"directory\" or \"feed\"")
            #expect(messages[1].hasPrefix("10: unknown setting \"bogus\""))
            #expect(messages[2].hasPrefix("13: rule \"r1\" matches source \"nope\", which is not a configured source"))
            #expect(messages[3] == "14: \"status_interval\" must not be negative")
            #expect(messages[4] == "15: \"notify\" must be true or false")
            #expect("\(error)".split(separator: "\n").count == 5)
        }
    }

    /// A feed URL that libcurl would refuse at every fetch, with a space or a port past 65535, is a configuration
    /// error, not a fetch failure that the next run tries again.
    @Test(arguments: [
        ("http://127.0.0.1:8765/b xml", "contains a space"), ("http://127.0.0.1:65536/b.xml", "invalid port 65536"),
        ("https://127.0.0.1:99999/b.xml", "invalid port 99999"),
        ("http://client:S3/cret@127.0.0.1:8765/b.xml", "contains \"/\", which ends a URL's host name; write it as %2F"),
        ("http://client:S3?cret@127.0.0.1:8765/b.xml", "contains \"?\", which ends a URL's host name; write it as %3F"),
    ])
    func malformedFeedURLIsRejected(url: String, problem: String) throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try load("  - name: news\n    type: feed\n    url: \"\(url)\"\n")
            Issue.record("the configuration loaded")
        } catch let error as ConfigurationError {
            #expect("\(error)".contains(problem), "\(error)")
            #expect(!"\(error)".contains("cret"), "\(error)")
        }
    }

    /// Each setting of one source is read too, so a source with several problems gets them all listed, and a
    /// repeated name is named although that source has problems of its own.
    @Test func everyProblemOfSourceIsReported() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let extra = """
              - name: news
                type: feed
                url: ftp://127.0.0.1/feed.xml
                backfill: -1
                poll_interval: -5
                max_new_share: 2
                content_images: some
              - name: news
                type: feed
                url: feed.xml
                pollinterval: 5
            """
        do {
            _ = try load(extra)
            Issue.record("the configuration loaded")
        } catch let error as ConfigurationError {
            let messages = error.problems.map { "\($0.line ?? 0): \($0.message)" }
            #expect(messages.count == 7, "\(messages)")
            #expect(messages.contains { $0.hasPrefix("9: \"url\" must be an http, https or file URL") }, "\(messages)")
            #expect(messages.contains("10: \"backfill\" must be 0 or more, not -1"), "\(messages)")
            #expect(messages.contains("11: \"poll_interval\" must be a number of seconds, 0 or more"), "\(messages)")
            #expect(messages.contains("12: \"max_new_share\" must be between 0 and 1"), "\(messages)")
            #expect(messages.contains { $0.hasPrefix("13: \"content_images\" must be") }, "\(messages)")
            #expect(messages.contains("14: two sources are named \"news\"; give each a unique name"), "\(messages)")
            #expect(
                messages.contains { $0.hasPrefix("17: unknown feed source setting \"pollinterval\"") }, "\(messages)")
        }
    }

    /// A feed's `url` takes http, https and file URLs and paths, whatever the scheme's case.
    @Test(arguments: ["https://news.example/feed.xml", "HTTP://news.example/feed", "file:///srv/feed.xml", "feed.xml"])
    func feedURLIsAccepted(url: String) throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = try load("  - name: news\n    type: feed\n    url: \(url)")
        #expect(configuration.sources.count == 2)
    }

    /// A rule that names a source whose own entry is broken gets no second error about that name.
    @Test func ruleNamingBrokenSourceIsNotReportedTwice() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let extra = """
              - name: news
                type: rss
            rules:
              - name: r1
                match: {sources: [news]}
            """
        do {
            _ = try load(extra)
            Issue.record("the configuration loaded")
        } catch let error as ConfigurationError {
            #expect(error.problems.map(\.message) == ["unknown source type \"rss\"; use \"directory\" or \"feed\""])
        }
    }

    @Test func logLevelMustBeKnown() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try load("log_level: debug").logLevel == "debug")
        #expect {
            try load("log_level: verbose")
        } throws: { error in
            "\(error)".contains("\"log_level\" must be one of trace, debug, info")
        }
    }

    @Test func removalGuardSettingsLoad() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let defaults = try #require(try load("").sources.first)
        #expect(defaults.allowsEmpty == false)
        #expect(defaults.maximumRemovedShare == 0.5)
        let set = try #require(try load("    allow_empty: true\n    max_removed_share: 0.8").sources.first)
        #expect(set.allowsEmpty)
        #expect(set.maximumRemovedShare == 0.8)
        #expect {
            try load("    max_removed_share: 1.5")
        } throws: { error in
            "\(error)".contains("\"max_removed_share\" must be between 0 and 1")
        }
    }
}
