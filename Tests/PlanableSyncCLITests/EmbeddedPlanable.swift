import Foundation
import PlanableAPI
import PlanableReference
import Testing

/// Runs `body` with a client of the data that `api: embedded` keeps in `stateFolder`, as Planable's web app would
/// see it, and the id of the demo workspace Northwind Coffee. No sync may run on that folder meanwhile.
func withEmbeddedPlanable<T>(stateFolder: URL, _ body: (PlanableClient, String) throws -> T) throws -> T {
    let token = try String(contentsOf: stateFolder.appendingPathComponent("reference-token"), encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    let server = try ReferenceServer(
        options: ReferenceServerOptions(databasePath: stateFolder.appendingPathComponent("reference.sqlite").path))
    try server.start()
    defer { server.stop() }
    let client = PlanableClient(baseURL: server.baseURL, token: token, limiter: nil)
    let workspace = try #require(try client.listWorkspaces().first { $0.name == "Northwind Coffee" })
    return try body(client, workspace.id)
}
