import Foundation
import SQLite
import Testing
@testable import PlanableReference

@Suite struct StoreTests {
    @Test func postColumnsKeepTheirPositions() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let columns = try server.server.store.withLock { store in
            try store.database.query("PRAGMA table_info(posts)").compactMap { $0.string("name") }
        }
        #expect(Array(columns.prefix(ReferenceStore.postColumns.count)) == ReferenceStore.postColumns)
    }

    @Test func schemaVersionIsRecorded() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let version = try server.server.store.withLock { try $0.database.userVersion }
        #expect(version == StoreSchema.migrations.count)
    }

    @Test func pageBeyondEndKeepsTotal() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        _ = try server.createPost(workspace: "Northwind Coffee", page: "Northwind LinkedIn")
        let workspace = try server.workspaceID("Northwind Coffee")
        let reply = try server.send("GET", "/posts?workspaceId=\(workspace)&offset=5&limit=2")
        #expect(reply.data == .array([]))
        #expect(reply.json["pagination"]?["hasMore"] == .bool(false))
    }
}
