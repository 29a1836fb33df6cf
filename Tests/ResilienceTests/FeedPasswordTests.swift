import Foundation
import SQLite
import TestSupport
import Testing

/// Reads feeds whose URLs carry a password, through a 404, a redirect to a 404 and a redirect to a feed behind basic
/// authentication, then searches every output, the state database and the created posts for the password.
@Suite(.serialized) struct FeedPasswordTests {
    static let password = "S3cretPass"

    @Test func feedPasswordNeverLeaks() throws {
        let credentials = Data("client:\(Self.password)".utf8).base64EncodedString()
        let feed = """
            <?xml version="1.0"?>
            <rss version="2.0"><channel><title>Private</title><link>/</link>
            <item><title>First entry</title><link>/posts/1</link><guid isPermaLink="false">p1</guid>
            <description>One</description></item>
            <item><title>Second entry</title><link>/posts/2</link><guid isPermaLink="false">p2</guid>
            <description>Two</description></item>
            </channel></rss>
            """
        let feedServer = try LoopbackHTTPServer { request in
            switch request.path {
            case "/moved.xml":
                return .init(status: 301, headers: [("Location", "/feed.xml")])
            case "/hop.xml":
                return .init(status: 302, headers: [("Location", "/missing.xml")])
            case "/feed.xml":
                guard request.headers["authorization"] == "Basic \(credentials)" else {
                    return .init(status: 401, headers: [("WWW-Authenticate", "Basic realm=\"feeds\"")])
                }
                return .init(status: 200, headers: [("Content-Type", "application/rss+xml")], body: Array(feed.utf8))
            default:
                return .init(status: 404)
            }
        }
        defer { feedServer.stop() }
        let authority = "client:\(Self.password)@127.0.0.1:\(feedServer.port)"

        let fixture = try ReferenceFixture(name: "feed-password")
        // The template shows each entry's link, which the feed gives relative to the feed's URL.
        let feeds = [
            "  - name: priv", "    type: feed", "    url: http://\(authority)/nofeed.xml",
            "  - name: hop", "    type: feed", "    url: http://\(authority)/hop.xml",
            "  - name: auth", "    type: feed", "    url: http://\(authority)/moved.xml", "    backfill: 2",
        ]
        try fixture.writeConfiguration(
            template: "{{title}}\\n\\n{{text}}\\n\\n{{url}}", extra: feeds.joined(separator: "\n"))
        try fixture.writeItems(1)
        let config = fixture.configPath
        var outputs: [(String, String)] = []
        func record(_ label: String, _ result: ProductProcess.Result) {
            outputs.append((label + " stdout", result.stdout))
            outputs.append((label + " stderr", result.stderr))
        }

        let redacted = "http://client:***@127.0.0.1:\(feedServer.port)"
        let sync = try fixture.sync(["--log-level", "trace"])
        #expect(sync.stderr.contains("\(redacted)/nofeed.xml"), "\(sync.stderr)")
        record("sync", sync)
        record("sync json", try fixture.sync(["--format", "json", "--log-level", "trace"]))
        record("plan", try ProductProcess.run(["plan", "--config", config], environment: fixture.environment))
        record(
            "plan json",
            try ProductProcess.run(["plan", "--config", config, "--format", "json"], environment: fixture.environment))
        let status = try ProductProcess.run(["status", "--config", config], environment: fixture.environment)
        #expect(status.stdout.contains("\(redacted)/hop.xml"), "\(status.stdout)")
        record("status", status)
        let statusJSON = try ProductProcess.run(
            ["status", "--config", config, "--format", "json"], environment: fixture.environment)
        record("status json", statusJSON)
        record("check", try ProductProcess.run(["check", "--config", config], environment: fixture.environment))

        // The fetch still sends the credentials: the feed behind basic authentication was read and posted.
        let authorized = feedServer.requests.filter { $0.headers["authorization"] == "Basic \(credentials)" }
        #expect(!authorized.isEmpty, "no request sent the feed's credentials")
        let posts = try fixture.posts()
        let posted = posts.contains { $0.plainText.contains("First entry") }
        #expect(posted, "the entry behind basic authentication was not posted")

        var places = outputs
        places.append(("posts", String(decoding: try JSONEncoder().encode(posts), as: UTF8.self)))
        let stateFolder = fixture.root.appendingPathComponent("state")
        for name in try FileManager.default.contentsOfDirectory(atPath: stateFolder.path) {
            let data = try Data(contentsOf: stateFolder.appendingPathComponent(name))
            places.append(("state/\(name)", String(decoding: data, as: UTF8.self)))
        }
        for (label, text) in places {
            let leaks = text.contains(Self.password)
            #expect(!leaks, "\(label) contains the feed's password")
        }
    }

    /// A state of an earlier version stored the feed's URL with its password, and keyed entries without an id by
    /// their links, which carried the password once resolved against that URL. After the upgrade the feed is the
    /// same feed, and its entries keep their posts: none is posted again, also when the source is renamed at the
    /// same time.
    @Test(arguments: [false, true]) func upgradedStateKeepsEntriesOfFeedWithPassword(renamed: Bool) throws {
        let credentials = Data("client:\(Self.password)".utf8).base64EncodedString()
        let feed = """
            <?xml version="1.0"?>
            <rss version="2.0"><channel><title>Private</title><link>/</link>
            <item><title>First entry</title><link>/posts/1.html</link><description>One</description></item>
            <item><title>Second entry</title><link>/posts/2.html</link><description>Two</description></item>
            </channel></rss>
            """
        let feedServer = try LoopbackHTTPServer { request in
            guard request.headers["authorization"] == "Basic \(credentials)" else { return .init(status: 401) }
            return .init(status: 200, headers: [("Content-Type", "application/rss+xml")], body: Array(feed.utf8))
        }
        defer { feedServer.stop() }
        let host = "127.0.0.1:\(feedServer.port)"
        let fixture = try ReferenceFixture(name: "feed-password-upgrade")
        let url = "http://client:\(Self.password)@\(host)/feed.xml"
        try fixture.writeConfiguration(extra: "  - {name: auth, type: feed, url: \"\(url)\", backfill: 2}")
        try fixture.writeItems(1)
        let first = try fixture.sync()
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let postCount = try fixture.posts().count

        // The rows as the earlier version wrote them.
        let database = try SQLiteDatabase(path: fixture.statePath)
        let withPassword = "http://client:\(Self.password)@\(host)"
        try database.run("UPDATE feeds SET url = ? WHERE source = 'auth'", ["\(withPassword)/feed.xml"])
        for table in ["items", "posts"] {
            try database.run(
                "UPDATE \(table) SET identity = replace(identity, ?, ?) WHERE source = 'auth'",
                ["http://\(host)", withPassword])
        }
        try database.run(
            "UPDATE items SET location = replace(location, ?, ?) WHERE source = 'auth'",
            ["http://\(host)", withPassword])
        let keys = try database.query("SELECT identity FROM items WHERE source = 'auth'")
            .compactMap { $0.string("identity") }
        #expect(keys.count == 2, "\(keys)")
        #expect(keys.allSatisfy { $0.contains(Self.password) }, "\(keys)")

        if renamed {
            let configuration = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
            try configuration.replacingOccurrences(of: "{name: auth,", with: "{name: private,")
                .write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        }
        let next = try fixture.sync(["--format", "json"])
        #expect(next.status == 0, "\(next.stdout)\(next.stderr)")
        // The report and the log name the earlier keys, with the password redacted.
        #expect(!next.stdout.contains(Self.password), "\(next.stdout.prefix(1500))")
        #expect(!next.stderr.contains(Self.password), "\(next.stderr.suffix(1500))")
        let report = try JSONSerialization.jsonObject(with: Data(next.stdout.utf8)) as? [String: Any]
        #expect(report?["created"] as? Int == 0, "\(next.stdout.prefix(1500))")
        #expect(try fixture.posts().count == postCount)
        // The entries' keys moved to the links without the password.
        let movedKeys = try SQLiteDatabase(path: fixture.statePath)
            .query("SELECT identity FROM items WHERE source = ?", [renamed ? "private" : "auth"])
            .compactMap { $0.string("identity") }
        #expect(movedKeys.count == 2, "\(movedKeys)")
        #expect(!movedKeys.contains { $0.contains(Self.password) }, "\(movedKeys)")
    }

    /// A state of an earlier version stored messages with the feed's URL as given, password included: the failure
    /// of a feed's read, the feed's last error and the failure that ended the last run. `status` shows them with
    /// the password redacted.
    @Test func storedMessagesOfEarlierVersionAreRedacted() throws {
        let fixture = try ReferenceFixture(name: "feed-password-messages")
        // Port 9 on loopback has no listener, so the read fails at once.
        let url = "http://client:\(Self.password)@127.0.0.1:9/feed.xml"
        try fixture.writeConfiguration(extra: "  - {name: auth, type: feed, url: \"\(url)\"}")
        try fixture.writeItems(1)
        let first = try fixture.sync()
        #expect(first.status != 0 || first.stdout.contains("failed"), "\(first.stdout)\(first.stderr)")

        let database = try SQLiteDatabase(path: fixture.statePath)
        let message = "request to \(url) failed: Couldn't connect to server (curl error 7)"
        try database.run(
            """
            INSERT OR REPLACE INTO read_failures (source, location, entry, message, first_seen_at, last_seen_at)
            VALUES ('auth', ?, '', ?, '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z')
            """,
            [url, message])
        try database.run("UPDATE feeds SET last_error = ? WHERE source = 'auth'", [message])
        try database.run(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('last_failure', ?)",
            ["2026-12-01T00:00:00.000Z\t" + message])
        for arguments in [["status"], ["status", "--format", "json"]] {
            let status = try ProductProcess.run(
                arguments + ["--config", fixture.configPath], environment: fixture.environment)
            let output = status.stdout + status.stderr
            #expect(!output.contains(Self.password), "\(arguments): \(output)")
            #expect(output.contains("client:***@127.0.0.1:9"), "\(arguments): \(output)")
        }
    }
}
