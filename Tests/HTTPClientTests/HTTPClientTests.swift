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
