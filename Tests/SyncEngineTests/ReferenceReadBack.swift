import Foundation
import HTTPClient
import PlanableAPI
import PlanableReference
import Testing

/// The embedded server's data of a test workspace, opened after a run to read posts back as the API returns them.
final class ReferenceReadBack {
    let server: ReferenceServer
    let client: PlanableClient
    let token: String
    let workspaceId: String

    /// Starts a reference server on the `reference.sqlite` and token that runs in `stateFolder` left.
    init(stateFolder: URL) throws {
        token = try String(contentsOf: stateFolder.appendingPathComponent("reference-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        server = try ReferenceServer(
            options: ReferenceServerOptions(databasePath: stateFolder.appendingPathComponent("reference.sqlite").path))
        try server.start()
        client = PlanableClient(baseURL: server.baseURL, token: token, limiter: nil)
        let workspace = try #require(try client.listWorkspaces().first { $0.name == "Northwind Coffee" })
        workspaceId = workspace.id
    }

    deinit {
        server.stop()
    }

    /// Every post of the workspace.
    func posts() throws -> [Post] {
        var result: [Post] = []
        var offset = 0
        while true {
            let page = try client.listPosts(workspaceId: workspaceId, offset: offset, limit: 100)
            result += page.items
            offset += page.items.count
            if page.items.isEmpty || page.pagination?.hasMore != true { break }
        }
        return result
    }

    /// The distinct group ids of the posts, one per grouped create.
    func groupCount() throws -> Int {
        Set(try posts().map { $0.groupId ?? $0.id }).count
    }

    /// A post as raw JSON, with the fields the client's model leaves out.
    func rawPost(_ id: String) throws -> [String: Any] {
        try json("GET", "/posts/\(id)")
    }

    /// Creates a campaign and returns its id.
    func createCampaign(_ name: String) throws -> String {
        let body: [String: Any] = ["workspaceId": workspaceId, "name": name]
        let answer = try json("POST", "/campaigns", body: body)
        return try #require(answer["id"] as? String, "POST /campaigns answered \(answer)")
    }

    /// Sends a request with the token and returns the `data` object of the answer (or the whole answer).
    func json(_ method: String, _ path: String, body: [String: Any]? = nil) throws -> [String: Any] {
        let bytes = try body.map { [UInt8](try JSONSerialization.data(withJSONObject: $0)) }
        let response = try HTTPClient().send(
            HTTPRequest(
                method: method, url: server.baseURL + path,
                headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")], body: bytes))
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
        #expect((200..<300).contains(response.status), "\(method) \(path) answered \(response.status): \(object)")
        return object["data"] as? [String: Any] ?? object
    }
}
