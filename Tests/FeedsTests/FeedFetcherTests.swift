import Foundation
import HTTPClient
import TestSupport
import Testing

@testable import Feeds

/// Fetching over a loopback server and from files.
@Suite struct FeedFetcherTests {
    static let feedBody = Array(
        "<rss version=\"2.0\"><channel><title>Loop</title><item><guid>1</guid></item></channel></rss>".utf8)

    func fetcher(timeout: Double = 5, maximumBytes: Int = 1 << 20) -> FeedFetcher {
        FeedFetcher(client: HTTPClient(), timeout: timeout, maximumBytes: maximumBytes)
    }

    @Test func conditionalGETWithStoredValidators() throws {
        let server = try LoopbackHTTPServer { request in
            if request.headers["if-none-match"] == "\"v1\""
                || request.headers["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"
            {
                return .init(status: 304)
            }
            return .init(
                status: 200,
                headers: [
                    ("Content-Type", "application/rss+xml; charset=utf-8"), ("ETag", "\"v1\""),
                    ("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT"),
                ],
                body: Self.feedBody)
        }
        defer { server.stop() }
        let first = try fetcher().fetch(url: server.baseURL + "/feed", etag: nil, lastModified: nil)
        guard case .fetched(let data, let contentType, let etag, let lastModified, let finalURL, let redirects) = first
        else {
            Issue.record("expected a body, got \(first)")
            return
        }
        #expect(data == Self.feedBody)
        #expect(contentType == "application/rss+xml; charset=utf-8")
        #expect(etag == "\"v1\"")
        #expect(lastModified == "Mon, 01 Jan 2024 00:00:00 GMT")
        #expect(finalURL == server.baseURL + "/feed")
        #expect(redirects.isEmpty)

        let byETag = try fetcher().fetch(url: server.baseURL + "/feed", etag: etag, lastModified: nil)
        #expect(byETag.isNotModified)
        let byDate = try fetcher().fetch(url: server.baseURL + "/feed", etag: nil, lastModified: lastModified)
        #expect(byDate.isNotModified)
        #expect(server.requests.count == 3)
        #expect(server.requests[1].headers["if-none-match"] == "\"v1\"")
    }

    @Test func redirectsAreFollowedAndRecorded() throws {
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/old": return .init(status: 301, headers: [("Location", "/middle")])
            case "/middle": return .init(status: 302, headers: [("Location", "/feed.xml")])
            default: return .init(status: 200, headers: [("Content-Type", "application/xml")], body: Self.feedBody)
            }
        }
        defer { server.stop() }
        let result = try fetcher().fetch(url: server.baseURL + "/old", etag: nil, lastModified: nil)
        guard case .fetched(_, _, _, _, let finalURL, let redirects) = result else {
            Issue.record("expected a body")
            return
        }
        #expect(redirects == [server.baseURL + "/middle", server.baseURL + "/feed.xml"])
        #expect(finalURL == server.baseURL + "/feed.xml")
    }

    @Test func redirectLoopFails() throws {
        let server = try LoopbackHTTPServer { _ in .init(status: 302, headers: [("Location", "/again")]) }
        defer { server.stop() }
        #expect(throws: FeedError.self) {
            try fetcher().fetch(url: server.baseURL + "/loop", etag: nil, lastModified: nil)
        }
    }

    @Test func bodyOverSizeCapFails() throws {
        let server = try LoopbackHTTPServer { _ in .init(status: 200, body: [UInt8](repeating: 0x20, count: 200_000)) }
        defer { server.stop() }
        #expect {
            try fetcher(maximumBytes: 10_000).fetch(url: server.baseURL + "/big", etag: nil, lastModified: nil)
        } throws: { error in
            (error as? FeedError)?.code == .tooLarge
                && (error as? FeedError)?.message.contains("larger than the limit of 10000 bytes") == true
        }
    }

    @Test func slowServerTimesOut() throws {
        let server = try LoopbackHTTPServer { _ in .init(status: 200, body: Self.feedBody, delay: 3) }
        defer { server.stop() }
        let start = Date()
        #expect {
            try fetcher(timeout: 0.5).fetch(url: server.baseURL + "/slow", etag: nil, lastModified: nil)
        } throws: { error in
            (error as? FeedError)?.message.contains("timed out") == true
        }
        #expect(Date().timeIntervalSince(start) < 2.5)
    }

    @Test func httpErrorStatusFails() throws {
        let server = try LoopbackHTTPServer { _ in .init(status: 404) }
        defer { server.stop() }
        #expect {
            try fetcher().fetch(url: server.baseURL + "/missing", etag: nil, lastModified: nil)
        } throws: { error in
            (error as? FeedError)?.message.contains("HTTP status 404") == true
        }
    }

    /// A client error says that the URL names no feed, and a server error or a rate limit that a later read may
    /// pass.
    @Test(arguments: [
        (404, FeedError.Remedy.fixConfiguration), (410, .fixConfiguration), (401, .fixConfiguration),
        (500, .retry), (503, .retry), (429, .retry), (408, .retry),
    ])
    func httpErrorStatusRemedy(status: Int, remedy: FeedError.Remedy) throws {
        let server = try LoopbackHTTPServer { _ in .init(status: status) }
        defer { server.stop() }
        let error = try #require(throws: FeedError.self) {
            try fetcher().fetch(url: server.baseURL + "/feed.xml", etag: nil, lastModified: nil)
        }
        #expect(error.code == .fetchFailed)
        #expect(error.remedy == remedy, "\(error)")
    }

    @Test func fileURLFeed() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("feeds-\(UUID().uuidString).xml")
        try Data(Self.feedBody).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try fetcher().fetch(url: file.absoluteString, etag: nil, lastModified: nil)
        guard case .fetched(let data, let contentType, _, _, _, _) = result else {
            Issue.record("expected a body")
            return
        }
        #expect(data == Self.feedBody)
        #expect(contentType == nil, "a local file has no media type, so the XML declaration decides the encoding")
        let missing = file.deletingLastPathComponent().appendingPathComponent("absent-\(UUID().uuidString).xml")
        let error = try #require(throws: FeedError.self) {
            try fetcher().fetch(url: missing.absoluteString, etag: nil, lastModified: nil)
        }
        #expect(error.remedy == .fixConfiguration, "a missing file is the URL's problem, not a passing one")
    }

    /// A `file:` URL that cannot be read fails with the file's path and the reason, not libcurl's error 37.
    @Test func unreadableFileURLNamesPath() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feeds file \(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func message(_ url: URL) -> String {
            do {
                _ = try fetcher().fetch(url: url.absoluteString, etag: nil, lastModified: nil)
                return "fetched"
            } catch {
                return "\(error)"
            }
        }

        let missing = folder.appendingPathComponent("missing.xml")
        let missingMessage = message(missing)
        #expect(missingMessage.contains("file \(missing.path) does not exist"), "\(missingMessage)")
        #expect(!missingMessage.contains("curl error"), "\(missingMessage)")
        let folderMessage = message(folder)
        #expect(folderMessage.contains("\(folder.path) is a folder"), "\(folderMessage)")

        // Root reads any file, so only another user sees the permission error.
        guard getuid() != 0 else { return }
        let locked = folder.appendingPathComponent("locked.xml")
        try Data(Self.feedBody).write(to: locked)
        chmod(locked.path, 0)
        let lockedMessage = message(locked)
        #expect(lockedMessage.contains("cannot read file \(locked.path): Permission denied"), "\(lockedMessage)")
    }
}

extension FeedFetchResult {
    var isNotModified: Bool {
        if case .notModified = self { return true }
        return false
    }
}
