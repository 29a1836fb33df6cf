import Foundation
import PlanableAPI
import SQLite
import SyncEngine
import TestSupport
import Testing

/// A PATCH that reaches the server after the `sync` that sent it was killed, so the state never records it.
@Suite(.serialized) struct UnrecordedUpdateTests {
    /// The server delays the first PATCH by 4 s before it runs it, and `sync` is killed meanwhile. The next sync
    /// finds the draft showing the text it would send, updates it instead of reporting an edit made in Planable,
    /// and records the text, so the run after sends nothing.
    @Test func killedUpdateIsNotAnEdit() throws {
        let fixture = try Self.killDuringDelayedUpdate(name: "unrecorded-update")

        let next = try fixture.sync(["--format", "json"])
        #expect(next.status == 0, "\(next.stdout.prefix(1200)) \(next.stderr.suffix(800))")
        #expect(next.stdout.contains("\"blocked\" : 0"), "\(next.stdout.prefix(1200))")
        #expect(next.stdout.contains("\"updated\" : 2"), "\(next.stdout.prefix(1200))")
        #expect(!next.stdout.contains("edited in Planable"), "\(next.stdout.prefix(1200))")

        let posts = try fixture.posts()
        #expect(posts.count == 6)
        for post in posts { #expect(post.plainText.hasSuffix("#news"), "\(post.plainText)") }
        let database = try SQLiteDatabase(path: fixture.statePath, readOnly: true)
        for post in posts {
            let row = try database.queryFirst("SELECT planable_text_hash FROM posts WHERE post_id = ?", [post.id])
            #expect(row?.string("planable_text_hash") == StateStore.textHash(post.plainText), "post \(post.id)")
        }

        let quiet = try fixture.sync(["--format", "json"])
        #expect(quiet.status == 0, "\(quiet.stderr.suffix(800))")
        #expect(quiet.stdout.contains("\"unchanged\" : 2"), "\(quiet.stdout.prefix(1200))")
        #expect(quiet.stdout.contains("\"write\" : 0"), "\(quiet.stdout.prefix(1200))")
    }

    /// As above, but the source changes again before the next sync, so the drafts show neither the recorded text
    /// nor the text to send. The state recorded the killed PATCH's text before it was sent, so the next sync still
    /// distinguishes it from an edit made in Planable and updates the drafts to the newest text.
    @Test func killedUpdateThenSourceChangeIsNotAnEdit() throws {
        let fixture = try Self.killDuringDelayedUpdate(name: "unrecorded-update-changed")
        try fixture.writeConfiguration(template: "{{title}}\\n\\n{{text}}\\n\\n#today")
        let next = try fixture.sync(["--format", "json"])
        #expect(next.status == 0, "\(next.stdout.prefix(1200)) \(next.stderr.suffix(800))")
        #expect(next.stdout.contains("\"blocked\" : 0"), "\(next.stdout.prefix(1200))")
        #expect(next.stdout.contains("\"updated\" : 2"), "\(next.stdout.prefix(1200))")
        #expect(!next.stdout.contains("edited in Planable"), "\(next.stdout.prefix(1200))")
        let posts = try fixture.posts()
        #expect(posts.count == 6)
        for post in posts { #expect(post.plainText.hasSuffix("#today"), "\(post.plainText)") }
        let database = try SQLiteDatabase(path: fixture.statePath, readOnly: true)
        let pending = try database.queryFirst("SELECT count(*) AS n FROM posts WHERE sent_text_hash IS NOT NULL")
        #expect(pending?.int("n") == 0)
    }

    /// Syncs two items, changes the template, and kills a `sync` while the server delays its first PATCH by 4 s.
    /// Returns once the delayed PATCH took effect, so the drafts end with "#news" while the state records the text
    /// before it.
    static func killDuringDelayedUpdate(name: String) throws -> ReferenceFixture {
        let fixture = try ReferenceFixture(name: name)
        try fixture.writeConfiguration()
        try fixture.writeItems(2)
        let first = try fixture.sync()
        #expect(first.status == 0, "\(first.stderr.suffix(800))")

        try fixture.writeConfiguration(template: "{{title}}\\n\\n{{text}}\\n\\n#news")
        // A rule whose count is used up leaves the list, so a count of 2 keeps it there to show that it applied.
        try fixture.addFault(operation: "PATCH /posts/{id}", "\"kind\": \"latency\", \"latencyMs\": 4000, \"count\": 2")
        let running = try ProductProcess.start(
            ["sync", "--config", fixture.configPath], environment: fixture.environment)
        defer { running.removeOutput() }
        let delayed = try waitUntil(timeout: 60) { try fixture.faultsApplied()["latency", default: 0] >= 1 }
        running.killNow()
        #expect(delayed, "the PATCH never reached the server: \(running.stderr().suffix(800))")
        let patched = try waitUntil(timeout: 30) { try fixture.posts().contains { $0.plainText.hasSuffix("#news") } }
        #expect(patched, "the delayed PATCH never took effect")
        try fixture.clearFaults()
        return fixture
    }
}
