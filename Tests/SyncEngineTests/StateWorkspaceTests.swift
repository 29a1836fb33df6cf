import Foundation
import Logging
import SQLite
import Testing

@testable import SyncEngine

/// A state database belongs to the workspace of its first sync: a configuration for another workspace that points
/// its `state` at the same file is rejected before it sends anything.
@Suite(.serialized) struct StateWorkspaceTests {
    let workspace: TestWorkspace
    /// A second client's configuration beside the first, with the same `state` path.
    var otherConfigPath: String { workspace.root.appendingPathComponent("contoso.yaml").path }
    var statePath: String { workspace.stateFolder.appendingPathComponent("planable-sync.sqlite").path }

    init() throws {
        workspace = try TestWorkspace(pages: ["Northwind LinkedIn"], extraConfiguration: "delete_drafts: true")
        let otherContent = workspace.root.appendingPathComponent("contoso-content")
        try FileManager.default.createDirectory(at: otherContent, withIntermediateDirectories: true)
        try "---\ntitle: Croissant week\n---\n\nFresh every morning.\n".write(
            to: otherContent.appendingPathComponent("croissant.md"), atomically: true, encoding: .utf8)
        let configuration = """
            state: state/planable-sync.sqlite
            api: embedded
            workspace: Contoso Bakery
            pages:
              - Contoso Facebook
            template: "{{title}}"
            delete_drafts: true
            sources:
              - name: posts
                type: directory
                path: contoso-content
            """
        try configuration.write(toFile: otherConfigPath, atomically: true, encoding: .utf8)
    }

    /// Runs one pass of the configuration at `path` in a fresh runtime.
    func run(_ mode: RunMode, configPath: String) throws -> RunReport {
        let configuration = try Configuration.load(path: configPath)
        let runtime = try Runtime(
            configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: mode == .apply)
        return try runtime.engine().run(mode: mode)
    }

    /// Syncs three posts of the first configuration into Northwind Coffee.
    func syncFirstClient() throws {
        for number in 1...3 {
            try workspace.writePost("post-\(number).md", title: "Northwind post \(number)", body: "Body \(number).")
        }
        let first = try workspace.run(.apply)
        #expect(first.created == 3)
    }

    func postCount() throws -> Int {
        try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().count
    }

    func expectRejected(_ mode: RunMode) throws {
        let error = try #require(throws: MappingError.self) { try run(mode, configPath: otherConfigPath) }
        #expect(error.isConfigurationError)
        #expect(error.message.contains(statePath), "\(error.message)")
        #expect(error.message.contains("\"Northwind Coffee\""), "\(error.message)")
        #expect(error.message.contains("\"Contoso Bakery\""), "\(error.message)")
        #expect(error.message.contains("its own state"), "\(error.message)")
    }

    @Test func otherWorkspacePlanRejected() throws {
        defer { workspace.remove() }
        try syncFirstClient()
        try expectRejected(.plan)
    }

    @Test func otherWorkspaceSyncRejected() throws {
        defer { workspace.remove() }
        try syncFirstClient()
        let before = try postCount()
        try expectRejected(.apply)
        #expect(try postCount() == before, "the rejected sync changed the posts")

        let again = try workspace.run(.apply)
        #expect(again.requests.write == 0)
        #expect(again.created == 0)
    }

    /// The rejected sync records no failure in the state, which is the other client's, so that client's `status`
    /// does not report a failed run.
    @Test func otherWorkspaceFailureNotRecorded() throws {
        defer { workspace.remove() }
        try syncFirstClient()
        try expectRejected(.apply)
        #expect(try StateStore(path: statePath).lastRunFailure() == nil)
    }

    @Test func stateWithoutWorkspaceAdoptsIt() throws {
        defer { workspace.remove() }
        try syncFirstClient()
        // A state database written before the workspace was stored.
        let database = try SQLiteDatabase(path: statePath)
        try database.execute("DELETE FROM settings WHERE key LIKE 'workspace%'")
        let again = try workspace.run(.apply)
        #expect(again.requests.write == 0)
        #expect(try StateStore(path: statePath).setting("workspace_id") != nil)
        try expectRejected(.apply)
    }
}
