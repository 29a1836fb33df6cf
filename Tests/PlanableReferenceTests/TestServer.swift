import Foundation
import HTTPClient

@testable import PlanableReference

/// A reference server on a loopback port with the demo seed in a temporary folder.
///
/// Media on hosts other than loopback is recorded without a download unless a test turns `offlineMedia` off, so
/// no test sends a packet off the machine.
final class TestServer {
    static let token = "pln_testDemoWriteToken0123456789abcdefghij"
    let directory: URL
    let clock: ReferenceClock
    let server: ReferenceServer
    let client = HTTPClient()

    init(
        seed: ReferenceSeed = ReferenceSeed.demo(token: TestServer.token), readLimit: Int = 600, writeLimit: Int = 120,
        clock: ReferenceClock = ReferenceClock(frozenAt: 1_780_000_000), allowLoopbackMedia: Bool = false,
        offlineMedia: Bool = true, directory: URL? = nil
    ) throws {
        self.directory =
            directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                "reference-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        self.clock = clock
        var options = ReferenceServerOptions(
            databasePath: self.directory.appendingPathComponent("reference.sqlite").path, seed: seed,
            readLimitPerMinute: readLimit, writeLimitPerMinute: writeLimit, allowLoopbackMedia: allowLoopbackMedia,
            clock: clock)
        options.offlineMedia = offlineMedia
        server = try ReferenceServer(options: options)
        try server.start()
    }

    deinit {
        server.stop()
    }

    func removeFiles() {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    struct Reply {
        var status: Int
        var headers: [String: String]
        var json: JSONValue
        var text: String

        var data: JSONValue { json["data"] ?? .null }
        var errorCode: String? { json["error"]?["code"]?.stringValue }
    }

    /// Sends a request to `path` under /api/v1 (or a full path starting with /reference) and parses the JSON body.
    @discardableResult
    func send(
        _ method: String, _ path: String, body: JSONValue? = nil, token: String? = TestServer.token,
        headers extra: [(String, String)] = [], client: HTTPClient? = nil
    ) throws -> Reply {
        let url = path.hasPrefix("/reference") ? "http://127.0.0.1:\(server.port)\(path)" : server.baseURL + path
        var headers = extra
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let response = try (client ?? self.client).send(
            HTTPRequest(method: method, url: url, headers: headers, body: body?.serialized, timeout: 10))
        let text = String(decoding: response.body, as: UTF8.self)
        let json = response.body.isEmpty ? JSONValue.null : (try? JSONParser.parse(response.body)) ?? .null
        return Reply(status: response.status, headers: response.headers, json: json, text: text)
    }

    /// The id of the demo workspace named `name`.
    func workspaceID(_ name: String) throws -> String {
        let workspaces = try send("GET", "/workspaces").data.arrayValue ?? []
        guard let id = workspaces.first(where: { $0["name"]?.stringValue == name })?["id"]?.stringValue else {
            throw TestFailure("workspace \(name) not in GET /workspaces")
        }
        return id
    }

    /// The id of the page named `name`.
    func pageID(_ name: String) throws -> String {
        let pages = try send("GET", "/pages?limit=100").data.arrayValue ?? []
        guard let id = pages.first(where: { $0["name"]?.stringValue == name })?["id"]?.stringValue else {
            throw TestFailure("page \(name) not in GET /pages")
        }
        return id
    }

    /// Creates one draft on `page` of `workspace` and returns it.
    func createPost(workspace: String, page: String, extra: [(String, JSONValue)] = []) throws -> JSONValue {
        let body: JSONValue = .object(
            [
                ("workspaceId", .string(try workspaceID(workspace))), ("pageId", .string(try pageID(page))),
                ("text", "Hello"),
            ]
                + extra)
        let reply = try send("POST", "/posts", body: body)
        guard reply.status == 201, let post = reply.json["posts"]?.arrayValue?.first else {
            throw TestFailure("POST /posts answered \(reply.status): \(reply.text)")
        }
        return post
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
