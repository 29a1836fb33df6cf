import Foundation
import PlanableAPI
import TestSupport
import Testing

/// A create that the server carries out only after the client gave up on it and read back in vain.
@Suite(.serialized) struct LateCreateTests {
    /// The first create outlasts the client's wait, so the sync sends it again, and the second create also
    /// completes late. The item keeps one group, and each full run reports the other as a duplicate to delete,
    /// until its posts are deleted.
    @Test func lateDuplicateIsReported() throws {
        let fixture = try ReferenceFixture(name: "late-create")
        try fixture.writeConfiguration()
        try fixture.writeItems(1)
        // The client gives up after 2 s and waits until 6 s after each create's start (twice the limit and 2 s),
        // while the server commits each of the first two creates 7 s after it arrives.
        try fixture.addFault(operation: "POST /posts", "\"kind\": \"latency\", \"latencyMs\": 7000, \"count\": 2")
        let environment = ["PLANABLE_SYNC_API_TIMEOUT": "2"]
        let first = try fixture.sync(["--format", "json"], environment: environment)
        #expect(first.status == 0, "\(first.stderr.suffix(800))")

        let groups = { Set(try fixture.posts().map { $0.groupId ?? $0.id }) }
        #expect(try waitUntil(timeout: 30) { try groups().count == 2 }, "the second create never took effect")
        let status = try ProductProcess.run(
            ["status", "--config", fixture.configPath, "--format", "json"], environment: fixture.environment)
        // The first create's intent stays until a run reads it back.
        let summary = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let pending = summary?["pendingCreates"] as? [[String: Any]] ?? []
        #expect(pending.map { $0["identity"] as? String } == ["item-0.md"], "\(status.stdout.suffix(600))")

        let next = try fixture.sync(["--format", "json"], environment: environment)
        #expect(next.status == 65, "\(next.stderr.suffix(800))")
        #expect(
            next.stdout.contains("duplicates the item's posts; delete it in Planable"), "\(next.stdout.prefix(800))")
        #expect(try groups().count == 2, "a run after the duplicate created or deleted posts")

        // The group stays in the state, and every full run reports it, until a person deletes it.
        let listed = try duplicateGroups(fixture)
        #expect(listed.count == 1, "\(listed)")
        let postIds = listed.first?["postIds"] as? [String] ?? []
        #expect(postIds.count == 3, "one post on each demo page: \(listed)")
        let again = try fixture.sync(["--format", "json"], environment: environment)
        #expect(again.status == 65, "\(again.stderr.suffix(800))")
        #expect(again.stdout.contains("duplicates the item's posts"), "\(again.stdout.prefix(800))")

        // A lookup of the group that fails holds back neither the run nor its items. The client tries a read 5
        // times, so the group's first lookup takes all 5 errors, and the update's own reads succeed.
        try fixture.addFault(operation: "GET /posts/{id}", "\"kind\": \"error\", \"status\": 503, \"count\": 5")
        try fixture.writeContent("item-0.md", "---\ntitle: Item 0\n---\n\nBody of item 0, edited.\n")
        let unavailable = try fixture.sync(["--format", "json"], environment: environment)
        #expect(unavailable.status == 65, "\(unavailable.stderr.suffix(800))")
        #expect(unavailable.stdout.contains("\"updated\" : 1"), "\(unavailable.stdout.prefix(800))")
        #expect(unavailable.stdout.contains("duplicates the item's posts"), "\(unavailable.stdout.prefix(800))")
        #expect(
            unavailable.stderr.contains("could not look up a duplicate post group"), "\(unavailable.stderr.suffix(800))"
        )
        #expect(try duplicateGroups(fixture).count == 1)
        try fixture.clearFaults()

        let client = PlanableClient(baseURL: fixture.server.baseURL, token: fixture.token, limiter: nil)
        for id in postIds { try client.deletePost(id: id) }
        let quiet = try fixture.sync(environment: environment)
        #expect(quiet.status == 0, "\(quiet.stderr.suffix(800))")
        #expect(try duplicateGroups(fixture).isEmpty, "a deleted group is forgotten")
        #expect(try groups().count == 1)
    }

    /// Reads the `duplicateGroups` list of `status --format json`.
    private func duplicateGroups(_ fixture: ReferenceFixture) throws -> [[String: Any]] {
        let status = try ProductProcess.run(
            ["status", "--config", fixture.configPath, "--format", "json"], environment: fixture.environment)
        let summary = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        return summary?["duplicateGroups"] as? [[String: Any]] ?? []
    }
}
