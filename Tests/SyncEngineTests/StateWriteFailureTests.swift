import Foundation
import Testing

@testable import SQLite
@testable import SyncEngine

/// A create that succeeded but could not be recorded, as on a full disk, must not be sent again by the next run.
@Suite struct StateWriteFailureTests {
    @Test func unrecordedCreateIsReadBack() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "First", body: "One.")
        #expect(try workspace.run(.apply).created == 1)

        // A trigger makes recording the new post fail after the API created it.
        let statePath = workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
        let database = try SQLiteDatabase(path: statePath)
        try database.execute(
            "CREATE TRIGGER fail_posts BEFORE INSERT ON posts BEGIN SELECT RAISE(ABORT, 'disk is full'); END")
        try workspace.writePost("b.md", title: "Second", body: "Two.")
        let failed = try workspace.run(.apply)
        #expect(failed.failed == 1, "\(failed.items.compactMap(\.message))")
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 2)

        try database.execute("DROP TRIGGER fail_posts")
        let next = try workspace.run(.apply)
        #expect(next.requests.write == 0, "the post of b.md was created again")
        #expect(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count == 2)
        #expect(try StateStore(path: statePath).posts(source: "posts", identity: "b.md").count == 1)
    }

    /// A full disk may pass by itself, so the daemon retries, while a corrupt database needs a rebuild.
    @Test func stateErrorsRetriedUnlessCorrupt() {
        let full = SQLiteError(code: 13, message: "database or disk is full", path: "state.sqlite")
        let corrupt = SQLiteError(code: 11, message: "database disk image is malformed", path: "state.sqlite")
        #expect(PassFailure.mayPassByItself(full))
        #expect(!PassFailure.mayPassByItself(corrupt))
        #expect(!PassFailure.mayPassByItself(MappingError("no such label")))
    }

    /// A plan cannot read an interrupted create back, which only a sync does, so its message states that the sync
    /// may link the post instead of creating it.
    @Test func planNamesInterruptedCreate() throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "First", body: "One.")
        _ = try workspace.run(.plan)
        let state = try StateStore(path: workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path)
        _ = try state.recordIntent(
            source: "posts", identity: "a.md", groupKey: "page", workspaceId: "workspace", pageIds: ["page"],
            text: "First", payloadHash: "hash", at: Date())

        let plan = try workspace.run(.plan)
        let item = try #require(plan.items.first { $0.identity == "a.md" })
        #expect(item.decision == .create)
        #expect(item.message?.contains("an earlier create got no answer") == true, "\(item.message ?? "none")")
    }

    /// A schema version that another program set to 0 or below, under existing tables, is a damaged file (exit 65)
    /// that `--rebuild-state` fixes, not a temporary failure.
    @Test(arguments: [0, -1])
    func mismatchedSchemaVersionIsCorruption(version: Int) throws {
        let workspace = try TestWorkspace(pages: ["Northwind LinkedIn"])
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "First", body: "One.")
        _ = try workspace.run(.apply)
        let statePath = workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path
        try SQLiteDatabase(path: statePath).execute("PRAGMA user_version = \(version)")
        #expect {
            _ = try StateStore(path: statePath)
        } throws: { error in
            guard case StateError.corrupt(_, let detail) = error else { return false }
            return detail == "schema version \(version) does not match its tables"
        }
    }
}
