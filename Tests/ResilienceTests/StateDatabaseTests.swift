import Foundation
import PlanableAPI
import SQLite
import Testing

/// A state database that is corrupt, from a newer program, or lost: each gets a clear message and exit code,
/// and `sync --rebuild-state` rebuilds it from the API without creating a post twice.
@Suite(.serialized) struct StateDatabaseTests {
    static let itemCount = 12

    private func syncedFixture() throws -> ReferenceFixture {
        let fixture = try ReferenceFixture(name: "state")
        try fixture.writeConfiguration()
        try fixture.writeItems(Self.itemCount, prefix: "Rebuild item")
        let first = try fixture.sync()
        #expect(first.status == 0, "\(first.stderr.suffix(800))")
        return fixture
    }

    /// Overwrites the bytes after the first page, so the header still opens but the tables do not.
    private func corrupt(_ path: String) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data((0..<16_384).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }))
    }

    @Test func corruptStateExitsWithMessage() throws {
        let fixture = try syncedFixture()
        try corrupt(fixture.statePath)
        let result = try fixture.sync()
        #expect(result.status == 65)
        #expect(result.stderr.contains("is corrupt"), "\(result.stderr)")
        #expect(result.stderr.contains("--rebuild-state"), "\(result.stderr)")
        #expect(result.stderr.contains(fixture.statePath), "\(result.stderr)")
    }

    @Test func newerSchemaExitsWithMessage() throws {
        let fixture = try syncedFixture()
        let database = try SQLiteDatabase(path: fixture.statePath)
        try database.execute("PRAGMA user_version = 99")
        let result = try fixture.sync()
        #expect(result.status == 78)
        #expect(result.stderr.contains("schema version 99"), "\(result.stderr)")
        #expect(result.stderr.contains("upgrade planable-sync"), "\(result.stderr)")
    }

    @Test func rebuildRelinksWithoutDuplicates() throws {
        let fixture = try syncedFixture()
        // An item edited since its post was created is found by its title and updated, not created again.
        try fixture.writeContent("item-3.md", "---\ntitle: Rebuild item 3\n---\n\nEdited after the crash.\n")
        try corrupt(fixture.statePath)

        let rebuilt = try fixture.sync(["--rebuild-state", "--format", "json"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr.suffix(1500))")
        #expect(rebuilt.stderr.contains("moved the corrupt state database aside"))
        #expect(rebuilt.stderr.contains("the sync updates the post to the item's text"), "\(rebuilt.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(rebuilt.stdout.utf8)) as? [String: Any]
        #expect(summary?["created"] as? Int == 0, "\(rebuilt.stdout.prefix(600))")
        #expect(summary?["updated"] as? Int == 1)
        let audit = try StateAudit(fixture: fixture, itemCount: Self.itemCount, prefix: "Rebuild item")
        #expect(audit.isClean, "\(audit.summary)")
        let moved = try FileManager.default.contentsOfDirectory(
            atPath: fixture.root.appendingPathComponent("state").path)
        #expect(moved.contains { $0.contains(".corrupt-") }, "\(moved)")

        let again = try fixture.sync(["--format", "json"])
        let requests = (try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])?["requests"]
        #expect((requests as? [String: Int])?["write"] == 0, "\(again.stdout.prefix(600))")
    }

    @Test func rebuildFromMissingState() throws {
        let fixture = try syncedFixture()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: fixture.statePath + suffix) }
        let rebuilt = try fixture.sync(["--rebuild-state", "--format", "json"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr.suffix(1500))")
        let summary = try JSONSerialization.jsonObject(with: Data(rebuilt.stdout.utf8)) as? [String: Any]
        #expect(summary?["created"] as? Int == 0)
        #expect(try StateAudit(fixture: fixture, itemCount: Self.itemCount, prefix: "Rebuild item").isClean)
    }

    /// A `plan` after the loss creates no state file, so the rebuild that follows still finds it missing.
    @Test func rebuildAfterPlanOnMissingState() throws {
        let fixture = try syncedFixture()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: fixture.statePath + suffix) }
        let plan = try fixture.sync(["--dry-run"])
        #expect(plan.status == 0, "\(plan.stderr.suffix(800))")
        #expect(!FileManager.default.fileExists(atPath: fixture.statePath))
        let rebuilt = try fixture.sync(["--rebuild-state", "--format", "json"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr.suffix(800))")
        let summary = try JSONSerialization.jsonObject(with: Data(rebuilt.stdout.utf8)) as? [String: Any]
        #expect(summary?["created"] as? Int == 0)
    }

    /// A person deleted one page's post of a group in Planable, then the state was lost. The rebuild links the
    /// posts that remain, so the item is blocked as with the kept state, instead of getting a second group.
    @Test func rebuildLinksGroupMissingDeletedPost() throws {
        let fixture = try syncedFixture()
        let text = "Rebuild item 0\n\nBody of rebuild item 0."
        let group = try fixture.posts().filter { $0.plainText == text }
        #expect(group.count == 3, "\(group.map(\.id))")
        let client = PlanableClient(baseURL: fixture.server.baseURL, token: fixture.token, limiter: nil)
        try client.deletePost(id: try #require(group.first).id)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: fixture.statePath + suffix) }

        let rebuilt = try fixture.sync(["--rebuild-state", "--format", "json"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr.suffix(1500))")
        let summary = try JSONSerialization.jsonObject(with: Data(rebuilt.stdout.utf8)) as? [String: Any]
        #expect(summary?["created"] as? Int == 0, "\(rebuilt.stdout.prefix(600))")
        #expect(summary?["blocked"] as? Int == 0, "\(rebuilt.stdout.prefix(600))")
        let remaining = try fixture.posts().filter { $0.plainText == text }
        #expect(remaining.count == 2, "the rebuild created the group again: \(remaining.map(\.id))")

        // The deleted post's page goes without one, and an edit updates the rest of the group, as with a kept
        // state.
        try fixture.writeContent("item-0.md", "---\ntitle: Rebuild item 0\n---\n\nBody of rebuild item 0, edited.\n")
        let edited = try fixture.sync(["--format", "json"])
        let after = try JSONSerialization.jsonObject(with: Data(edited.stdout.utf8)) as? [String: Any]
        #expect(after?["updated"] as? Int == 1, "\(edited.stdout.prefix(600))")
        #expect(after?["blocked"] as? Int == 0, "\(edited.stdout.prefix(600))")
        let texts = try fixture.posts().map(\.plainText)
        #expect(texts.filter { $0.hasSuffix("rebuild item 0, edited.") }.count == 2, "\(texts)")
    }

    /// A person published one page's post of a group, then changed the text of the rest in Planable, and the
    /// state was lost. Only the published post still shows the item's text, and the title is in no post, yet the
    /// group is linked instead of created again.
    @Test func rebuildLinksGroupExactOnOnePage() throws {
        let fixture = try syncedFixture()
        let text = "Rebuild item 0\n\nBody of rebuild item 0."
        let group = try fixture.posts().filter { $0.plainText == text }
        #expect(group.count == 3, "\(group.map(\.id))")
        let published = try #require(group.first)
        try fixture.control("POST", "/posts/\(published.id)/publish")
        let client = PlanableClient(baseURL: fixture.server.baseURL, token: fixture.token, limiter: nil)
        let draft = try #require(group.last)
        _ = try client.updatePost(id: draft.id, UpdatePostRequest(text: "The client's own words"))
        let postsBefore = try fixture.posts().count
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: fixture.statePath + suffix) }

        let rebuilt = try fixture.sync(["--rebuild-state", "--format", "json"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr.suffix(1500))")
        let summary = try JSONSerialization.jsonObject(with: Data(rebuilt.stdout.utf8)) as? [String: Any]
        #expect(summary?["created"] as? Int == 0, "\(rebuilt.stdout.prefix(600))")
        #expect(try fixture.posts().count == postsBefore)
        #expect(rebuilt.stderr.contains("linked.by=text"), "\(rebuilt.stderr.suffix(1500))")
    }

    @Test func rebuildRejectsSoundState() throws {
        let fixture = try syncedFixture()
        let result = try fixture.sync(["--rebuild-state"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("is sound"), "\(result.stderr)")
    }
}
