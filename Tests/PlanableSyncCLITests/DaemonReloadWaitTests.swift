import Foundation
import PlanableAPI
import PlanableReference
import TestSupport
import Testing

/// A SIGHUP while the daemon waits for the API's rate limit ends the wait, so the pass ends after the item in
/// flight and the reloaded configuration writes the next post.
@Suite(.serialized) struct DaemonReloadWaitTests {
    let root: URL
    let server: ReferenceServer
    let token = "pln_" + String(repeating: "c7", count: 16)

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("planable-sync-reload-wait-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        var options = ReferenceServerOptions(databasePath: root.appendingPathComponent("reference.sqlite").path)
        options.seed = ReferenceSeed.demo(token: token)
        options.writeLimitPerMinute = 3
        server = try ReferenceServer(options: options)
        try server.start()
    }

    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }

    func writeConfiguration(template: String) throws {
        try """
        state: state/planable-sync.sqlite
        api:
          url: \(server.baseURL)
          token_env: PLANABLE_TEST_TOKEN
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn]
        template: "\(template)"
        status_read_budget: 5
        sources:
          - name: posts
            type: directory
            path: content
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    @Test func reloadEndsRateLimitWait() throws {
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
        try writeConfiguration(template: "{{title}}")
        for index in 0..<6 {
            try "---\ntitle: Post \(index)\n---\n\nBody.\n".write(
                to: root.appendingPathComponent("content/p\(index).md"), atomically: true, encoding: .utf8)
        }
        let notify = try NotifySocket()
        let daemon = try ProductProcess.start(
            ["run", "--config", configPath],
            environment: ["PLANABLE_TEST_TOKEN": token, "NOTIFY_SOCKET": notify.path])
        defer {
            if daemon.process.isRunning {
                daemon.process.terminate()
                daemon.process.waitUntilExit()
            }
        }
        let waiting = waitUntil(timeout: 30) { daemon.stderr().contains("waiting for the API rate limit") }
        #expect(waiting, "the daemon did not wait for the rate limit; stderr: \(daemon.stderr())")
        let writesBefore = server.requestCounts()["POST"] ?? 0

        try writeConfiguration(template: "Reloaded {{title}}")
        kill(daemon.process.processIdentifier, SIGHUP)
        let reloaded = waitUntil(timeout: 10) { daemon.stderr().contains("configuration reloaded") }
        #expect(reloaded, "the reload waited for the rate limit; stderr: \(daemon.stderr())")
        // The pass that waited sent no further post with the old template.
        #expect(server.requestCounts()["POST"] ?? 0 == writesBefore, "stderr: \(daemon.stderr())")
    }
}
