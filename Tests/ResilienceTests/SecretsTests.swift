import Foundation
import SQLite
import TestSupport
import Testing

/// Runs every command through its error paths with known tokens, then searches every output, the state database
/// and the plan report for those tokens.
@Suite(.serialized) struct SecretsTests {
    @Test func tokensNeverLeak() throws {
        let fixture = try ReferenceFixture(name: "secrets")
        try fixture.writeConfiguration()
        try fixture.writeItems(5)
        var outputs: [(String, String)] = []
        func record(_ label: String, _ result: ProductProcess.Result) {
            outputs.append((label + " stdout", result.stdout))
            outputs.append((label + " stderr", result.stderr))
        }
        let config = fixture.configPath
        let variable = ReferenceFixture.tokenVariable

        // A good run, its plan, status and check, so every normal output is searched too.
        record("sync", try fixture.sync(["--format", "json"]))
        try fixture.writeContent("item-0.md", "---\ntitle: Item 0\n---\n\nChanged body.\n")
        record(
            "plan json",
            try ProductProcess.run(["plan", "--config", config, "--format", "json"], environment: fixture.environment))
        let htmlPath = fixture.root.appendingPathComponent("plan.html").path
        record(
            "plan html",
            try ProductProcess.run(
                ["plan", "--config", config, "--format", "html", "--output", htmlPath], environment: fixture.environment
            ))
        record(
            "status",
            try ProductProcess.run(
                ["status", "--config", config, "--format", "json"], environment: fixture.environment))
        record("check", try ProductProcess.run(["check", "--config", config], environment: fixture.environment))

        // A value that is not a token, an unknown token (401) and a read-only token (403 on create).
        let malformed = "notatoken_" + UUID().uuidString
        let unknown = "pln_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let created = try fixture.control("POST", "/tokens", "{\"scope\": \"read\", \"name\": \"read only\"}").body
        let readOnly = try #require(
            (try JSONSerialization.jsonObject(with: Data(created)) as? [String: Any])?["token"] as? String)
        let malformedRun = try ProductProcess.run(["sync", "--config", config], environment: [variable: malformed])
        #expect(malformedRun.status == 78, "exit \(malformedRun.status): \(malformedRun.stderr)")
        record("malformed token", malformedRun)
        let unknownRun = try ProductProcess.run(["sync", "--config", config], environment: [variable: unknown])
        #expect(unknownRun.status != 0)
        #expect(
            unknownRun.stderr.contains("401") || unknownRun.stderr.lowercased().contains("token"),
            "\(unknownRun.stderr)")
        record("401 sync", unknownRun)
        record("401 check", try ProductProcess.run(["check", "--config", config], environment: [variable: unknown]))
        try fixture.writeContent("new.md", "---\ntitle: New\n---\n\nNeeds a write.\n")
        let readOnlyRun = try ProductProcess.run(["sync", "--config", config], environment: [variable: readOnly])
        #expect(readOnlyRun.status != 0)
        #expect(
            readOnlyRun.stderr.contains("403") || readOnlyRun.stdout.contains("403"),
            "\(readOnlyRun.stderr.suffix(800))")
        record("403 sync", readOnlyRun)

        // Every request fails with 500, a temporary failure.
        try fixture.addFault(operation: "*", "\"kind\": \"error\", \"status\": 500, \"count\": 1000")
        let failing = try fixture.sync(["--format", "json"], environment: ["PLANABLE_SYNC_API_TIMEOUT": "2"])
        #expect(failing.status == 75, "exit \(failing.status): \(failing.stderr.suffix(800))")
        record("5xx sync", failing)
        try fixture.clearFaults()

        // A killed run's partial output.
        let killed = try ProductProcess.start(
            ["sync", "--config", config, "--log-level", "trace"], environment: fixture.environment)
        Thread.sleep(forTimeInterval: 0.3)
        killed.killNow()
        outputs.append(("killed stderr", killed.stderr()))
        killed.removeOutput()

        // A configuration that does not parse, and one that reads the token from a file other users can read.
        let brokenPath = fixture.root.appendingPathComponent("broken.yaml").path
        try "state: s.sqlite\napi:\n  url: \(fixture.server.baseURL)\n  token_env: \(variable)\n workspace: [\n"
            .write(toFile: brokenPath, atomically: true, encoding: .utf8)
        let broken = try ProductProcess.run(["sync", "--config", brokenPath], environment: fixture.environment)
        #expect(broken.status == 78)
        record("broken config", broken)
        let tokenFile = fixture.root.appendingPathComponent("token")
        try (fixture.token + "\n").write(to: tokenFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: tokenFile.path)
        let fileConfig = try String(contentsOfFile: config, encoding: .utf8)
            .replacingOccurrences(of: "token_env: \(variable)", with: "token_file: token")
        let fileConfigPath = fixture.root.appendingPathComponent("file-token.yaml").path
        try fileConfig.write(toFile: fileConfigPath, atomically: true, encoding: .utf8)
        let shared = try ProductProcess.run(["sync", "--config", fileConfigPath], environment: [:])
        #expect(shared.status == 0, "\(shared.stderr.suffix(800))")
        #expect(shared.stderr.contains("readable by other users"), "no warning about the shared token file")
        record("shared token file", shared)

        // Search everything for every secret, and for the part after the pln_ prefix.
        var places = outputs
        places.append(("plan.html", (try? String(contentsOfFile: htmlPath, encoding: .utf8)) ?? ""))
        let stateFolder = fixture.root.appendingPathComponent("state")
        for name in try FileManager.default.contentsOfDirectory(atPath: stateFolder.path) {
            let data = try Data(contentsOf: stateFolder.appendingPathComponent(name))
            places.append(("state/\(name)", String(decoding: data, as: UTF8.self)))
        }
        #expect(places.count > 20)
        for secret in [fixture.token, unknown, readOnly, malformed] {
            let fragment = String(secret.dropFirst(4))
            for (label, text) in places {
                #expect(!text.contains(fragment), "\(label) contains a token")
            }
        }
    }
}
