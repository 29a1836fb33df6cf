import Foundation
import Testing

@testable import HTTPClient

@Suite struct HTTPClientTests {
    @Test func fileURLReadsBody() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("http-\(UUID().uuidString).txt")
        try Data("hello".utf8).write(to: path)
        let response = try HTTPClient().send(HTTPRequest(url: path.absoluteString))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "hello")
    }

    @Test func sizeLimitStopsTransfer() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("http-\(UUID().uuidString).txt")
        try Data(repeating: 65, count: 100_000).write(to: path)
        #expect(throws: HTTPClientError.responseTooLarge(limit: 1000, url: path.absoluteString)) {
            try HTTPClient().send(HTTPRequest(url: path.absoluteString, maximumResponseBytes: 1000))
        }
    }

    @Test func refusedConnectionIsTransportError() {
        // Port 1 on loopback has no listener on a normal machine, so the connection is refused at once.
        #expect(throws: HTTPClientError.self) {
            try HTTPClient().send(HTTPRequest(url: "http://127.0.0.1:1/", timeout: 5))
        }
    }
}

@Suite struct URLCredentialsTests {
    @Test(arguments: [
        ("http://client:S3cret@127.0.0.1:8080/feed.xml", "http://client:***@127.0.0.1:8080/feed.xml"),
        ("https://a:b:c@host/x?y=1#z", "https://a:***@host/x?y=1#z"),
        ("http://user@host/feed.xml", "http://***@host/feed.xml"),
        ("https://ghp_T0ken@127.0.0.1/feed.xml", "https://***@127.0.0.1/feed.xml"),
        ("http://user:@host/feed.xml", "http://user:@host/feed.xml"),
        ("http://host/path@with/at", "http://host/path@with/at"),
        ("http://u:p@ss@host/", "http://u:***@host/"),
        ("https://user:pa/ss@host/feed.xml", "https://user:***@host/feed.xml"),
        ("https://user:pa?ss@host/feed.xml?x=1", "https://user:***@host/feed.xml?x=1"),
        ("https://user:p#a/s@s@host/feed.xml", "https://user:***@host/feed.xml"),
        ("http://host:8080/path@with/at", "http://host:8080/path@with/at"),
        ("http://[::1]:8080/path@with/at", "http://[::1]:8080/path@with/at"),
        ("file:///tmp/feed.xml", "file:///tmp/feed.xml"),
        ("feeds/local.xml", "feeds/local.xml"),
    ])
    func passwordRedacted(url: String, expected: String) {
        #expect(URLCredentials.redactingPassword(in: url) == expected)
    }

    @Test func userinfoRemoved() {
        #expect(URLCredentials.removingUserinfo(from: "http://u:p@host:81/a/b") == "http://host:81/a/b")
        #expect(URLCredentials.removingUserinfo(from: "http://u:p/q@host/a") == "http://host/a")
        #expect(URLCredentials.removingUserinfo(from: "http://host/a@b") == "http://host/a@b")
    }

    @Test func passwordsInTextRedacted() {
        let text =
            "feed \"http://client:S3cret@127.0.0.1:9/feed.xml\" failed; see <https://u:pw@host/a> and "
            + "git+ssh://k:v@h/x, not http://host/path@x"
        #expect(
            URLCredentials.redactingPasswords(inText: text)
                == "feed \"http://client:***@127.0.0.1:9/feed.xml\" failed; see <https://u:***@host/a> and "
                + "git+ssh://k:***@h/x, not http://host/path@x")
        #expect(URLCredentials.redactingPasswords(inText: "no url here") == "no url here")
        #expect(URLCredentials.redactingPasswords(inText: "://x:y@z") == "://x:y@z")
    }

    @Test func transportErrorRedactsPassword() {
        let error = HTTPClientError.transport(code: 7, message: "Couldn't connect", url: "http://u:S3cret@127.0.0.1:1/")
        #expect(!error.description.contains("S3cret"))
        #expect(error.description.contains("http://u:***@127.0.0.1:1/"))
    }
}
