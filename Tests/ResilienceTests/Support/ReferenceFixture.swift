import Foundation
import HTTPClient
import PlanableAPI
import PlanableReference
import TestSupport

/// A reference server on a loopback port with the demo seed, a known token, and helpers for its
/// `/reference/...` controls. `sync` runs against it as a remote API, with the token in an environment variable.
final class ReferenceFixture {
    static let tokenVariable = "PLANABLE_SYNC_TEST_TOKEN"
    static let workspaceName = "Northwind Coffee"
    static let pageNames = ["Northwind LinkedIn", "Northwind Facebook", "Northwind X"]

    let root: URL
    let token: String
    let server: ReferenceServer
    private let http = HTTPClient()

    /// Starts a server with a fresh database in a new temporary folder.
    ///
    /// - Parameter rateLimitWindow: the server's rate-limit window in seconds; a short one makes a 429's reset
    ///   come soon.
    ///   - offlineMedia: whether media on hosts other than loopback are recorded without a download; false makes the
    ///     server refuse loopback media as the real API would, and no test sends it a URL on another host.
    init(
        name: String = "resilience", threadCount: Int = 8, rateLimitWindow: Double = 60, offlineMedia: Bool = true
    )
        throws
    {
        root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        token = "pln_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        var options = ReferenceServerOptions(
            databasePath: root.appendingPathComponent("reference.sqlite").path, seed: ReferenceSeed.demo(token: token),
            readLimitPerMinute: 1_000_000, writeLimitPerMinute: 1_000_000, threadCount: threadCount)
        options.offlineMedia = offlineMedia
        options.rateLimitWindowSeconds = rateLimitWindow
        server = try ReferenceServer(options: options)
        try server.start(host: "127.0.0.1", port: 0)
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: root)
    }

    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }
    var statePath: String { root.appendingPathComponent("state/planable-sync.sqlite").path }
    var environment: [String: String] { [Self.tokenVariable: token] }

    /// Writes a configuration for one directory source, `content`, posting to the three demo pages.
    func writeConfiguration(template: String = "{{title}}\\n\\n{{text}}", extra: String = "") throws {
        let text = """
            state: state/planable-sync.sqlite
            api:
              url: \(server.baseURL)
              token_env: \(Self.tokenVariable)
            workspace: \(Self.workspaceName)
            pages: [\(Self.pageNames.joined(separator: ", "))]
            template: "\(template)"
            # Every run follows status, as these tests move posts between runs.
            status_interval: 0
            sources:
              - name: posts
                type: directory
                path: content
            \(extra)
            """
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Writes `count` Markdown items, `item-0.md` and on, each with a distinct title.
    func writeItems(_ count: Int, prefix: String = "Item") throws {
        for index in 0..<count {
            try writeContent(
                "item-\(index).md", "---\ntitle: \(prefix) \(index)\n---\n\nBody of \(prefix.lowercased()) \(index).\n")
        }
    }

    func writeContent(_ name: String, _ text: String) throws {
        let url = root.appendingPathComponent("content").appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func sync(
        _ extraArguments: [String] = [], environment extraEnvironment: [String: String] = [:]
    ) throws
        -> ProductProcess.Result
    {
        try ProductProcess.run(
            ["sync", "--config", configPath] + extraArguments,
            environment: environment.merging(extraEnvironment) { $1 })
    }

    // MARK: Controls

    var controlURL: String { String(server.baseURL.dropLast("/api/v1".count)) + "/reference" }

    /// Sends a control request. With `newConnection`, the request opens a connection of its own instead of reusing
    /// the fixture's, whose server thread may be held by a request that a latency fault delays.
    @discardableResult
    func control(
        _ method: String, _ path: String, _ body: String? = nil, newConnection: Bool = false
    ) throws -> HTTPResponse {
        let request = HTTPRequest(
            method: method, url: controlURL + path, headers: [("Content-Type", "application/json")],
            body: body.map { Array($0.utf8) }, timeout: 10)
        let response = try (newConnection ? HTTPClient() : http).send(request)
        guard (200..<300).contains(response.status) else {
            throw FixtureError(
                "\(method) \(path) returned \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        }
        return response
    }

    /// Adds a fault rule; `rule` is the JSON object's members, such as `"kind": "drop", "probability": 0.1`.
    func addFault(operation: String, _ rule: String) throws {
        try control("POST", "/faults", "{\"operation\": \"\(operation)\", \(rule)}")
    }

    func clearFaults() throws {
        try control("DELETE", "/faults")
    }

    /// Counts how often the fault rules fired, by kind.
    func faultsApplied() throws -> [String: Int] {
        // A delayed request may occupy the server thread of the fixture's connection, which would delay this
        // response until the delay ends.
        let body = try control("GET", "/faults", newConnection: true).body
        let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        var counts: [String: Int] = [:]
        for rule in object?["data"] as? [[String: Any]] ?? [] {
            counts[rule["kind"] as? String ?? "?", default: 0] += rule["applied"] as? Int ?? 0
        }
        return counts
    }

    // MARK: Reading back

    /// Reads every post of the workspace through the API.
    func posts() throws -> [Post] {
        let client = PlanableClient(baseURL: server.baseURL, token: token, limiter: nil)
        guard let workspace = try client.listWorkspaces().first(where: { $0.name == Self.workspaceName }) else {
            throw FixtureError("workspace \(Self.workspaceName) not found")
        }
        var posts: [Post] = []
        var offset = 0
        while true {
            let page = try client.listPosts(workspaceId: workspace.id, offset: offset, limit: 100)
            posts += page.items
            offset += page.items.count
            if page.items.isEmpty || page.pagination?.hasMore != true { break }
        }
        return posts
    }

    /// Maps each post text to the distinct group ids that carry it.
    func groupsByText() throws -> [String: Set<String>] {
        var groups: [String: Set<String>] = [:]
        for post in try posts() { groups[post.plainText, default: []].insert(post.groupId ?? post.id) }
        return groups
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
