import Foundation
import HTTPClient
import PlanableAPI
import PlanableReference
import TestSupport
import Testing

/// `check` against a reference server in the test process: every problem that `sync` would fail on, found in
/// one run.
@Suite(.serialized) struct CheckCommandTests {
    let root: URL
    let server: ReferenceServer
    let token = "pln_" + String(repeating: "d4", count: 16)

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("planable-sync-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        var options = ReferenceServerOptions(databasePath: root.appendingPathComponent("reference.sqlite").path)
        options.seed = ReferenceSeed.demo(token: token)
        server = try ReferenceServer(options: options)
        try server.start()
        try token.write(to: root.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        chmod(root.appendingPathComponent("token").path, 0o600)
    }

    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }

    func cleanUp() {
        server.stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// Writes the configuration with `extra` appended as top-level settings. `token` is the `api` setting that
    /// names the token.
    func writeConfiguration(
        pages: String = "[Northwind LinkedIn]", template: String = "{{title}}", path: String = "content",
        state: String = "state/planable-sync.sqlite", token: String = "token_file: token",
        workspace: String = "Northwind Coffee", extra: String = ""
    ) throws {
        try """
        state: \(state)
        api:
          url: \(server.baseURL)
          \(token)
        workspace: \(workspace)
        pages: \(pages)
        template: "\(template)"
        sources:
          - name: posts
            type: directory
            path: \(path)
        \(extra)
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Sends a request with the token to the reference server and returns the `data` object of the response.
    @discardableResult
    func post(_ path: String, _ body: [String: Any]) throws -> [String: Any] {
        let response = try HTTPClient().send(
            HTTPRequest(
                method: "POST", url: server.baseURL + path,
                headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
                body: [UInt8](try JSONSerialization.data(withJSONObject: body))))
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
        #expect((200..<300).contains(response.status), "POST \(path) responded \(response.status): \(object)")
        return object["data"] as? [String: Any] ?? object
    }

    func workspaceId() throws -> String {
        let client = PlanableClient(baseURL: server.baseURL, token: token, limiter: nil)
        return try #require(try client.listWorkspaces().first { $0.name == "Northwind Coffee" }).id
    }

    /// A rule's label or campaign that the workspace lacks fails every item it applies to, so check reports it.
    /// A label that differs only in case matches, as in sync.
    /// With `api: embedded` and no state yet, check and plan leave no folder or file behind.
    @Test func embeddedCheckLeavesNoFiles() throws {
        defer { cleanUp() }
        try """
        state: typo/deeper/planable-sync.sqlite
        api: embedded
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn]
        sources:
          - name: posts
            type: directory
            path: content
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
        try "---\ntitle: Hello\n---\n\nBody.\n".write(
            to: root.appendingPathComponent("content/a.md"), atomically: true, encoding: .utf8)
        let check = try ProductProcess.run(["check", "--config", configPath])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let plan = try ProductProcess.run(["plan", "--config", configPath])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("would create 1"), "\(plan.stdout)")
        // The log line of a plan names the plan, because its counts are what a sync would do.
        #expect(plan.stderr.contains("info planable-sync: plan finished created=1"), "\(plan.stderr)")
        #expect(!plan.stderr.contains("run finished"), "\(plan.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("typo").path))
    }

    @Test func missingLabelsAndCampaigns() throws {
        defer { cleanUp() }
        let workspace = try workspaceId()
        try post("/labels", ["workspaceId": workspace, "text": "Hiring", "color": "blue-chalk"])
        try post("/campaigns", ["workspaceId": workspace, "name": "Spring launch"])
        let rules = """
            rules:
              - name: jobs
                labels: [Hirring, hiring]
                campaign: Sprng launch
              - name: spring
                campaign: Spring launch
            """
        try writeConfiguration(extra: rules)

        let check = try ProductProcess.run(["check", "--config", configPath])
        #expect(check.status == 78, "\(check.stdout)\(check.stderr)")
        #expect(
            check.stdout.contains(
                "label \"Hirring\" (rule \"jobs\"): does not exist in workspace \"Northwind Coffee\"; its labels are "
                    + "\"Hiring\". To fix, create it in Planable, fix the name, or set create_labels: true"),
            "\(check.stdout)")
        #expect(check.stdout.contains("label \"hiring\" (rule \"jobs\"): found"), "\(check.stdout)")
        #expect(
            check.stdout.contains("campaign \"Sprng launch\" (rule \"jobs\"): does not exist in workspace"),
            "\(check.stdout)")
        #expect(check.stdout.contains("campaign \"Spring launch\" (rule \"spring\"): found"), "\(check.stdout)")
        #expect(check.stderr.contains("found 2 problems"), "\(check.stderr)")

        // Plan fails the item on the missing campaign, one of the problems that check reports ahead of it, and
        // the one that sync looks up first.
        try "---\ntitle: A\n---\n\nText.\n".write(
            to: root.appendingPathComponent("content/a.md"), atomically: true, encoding: .utf8)
        let plan = try ProductProcess.run(["plan", "--config", configPath])
        #expect(plan.stdout.contains("campaign \"Sprng launch\" does not exist in the workspace"), "\(plan.stdout)")

        // With create_labels: true a missing label is created by sync, so check only mentions it.
        try writeConfiguration(extra: "create_labels: true\n" + rules.replacingOccurrences(of: "Sprng", with: "Spring"))
        let creating = try ProductProcess.run(["check", "--config", configPath])
        #expect(creating.status == 0, "\(creating.stdout)\(creating.stderr)")
        #expect(creating.stdout.contains("label \"Hirring\" (rule \"jobs\"): not in workspace"), "\(creating.stdout)")
    }

    /// Two labels that differ only in case make a name that equals neither of them ambiguous.
    @Test func labelMatchingTwoCaseVariants() throws {
        defer { cleanUp() }
        let workspace = try workspaceId()
        try post("/labels", ["workspaceId": workspace, "text": "Seasonal", "color": "blue-chalk"])
        try post("/labels", ["workspaceId": workspace, "text": "SEASONAL", "color": "blue-chalk"])
        try writeConfiguration(extra: "rules:\n  - name: autumn\n    labels: [seasonal]\n")
        let check = try ProductProcess.run(["check", "--config", configPath])
        #expect(check.status == 78)
        #expect(
            check.stdout.contains("label \"seasonal\" (rule \"autumn\"): matches \"Seasonal\", \"SEASONAL\""),
            "\(check.stdout)")
    }

    /// A page that only rules name gets posts too, so check lists it, with its rules, and reports it when it is
    /// not connected.
    @Test func rulePagesAreChecked() throws {
        defer { cleanUp() }
        try writeConfiguration(
            extra: "rules:\n  - name: a\n    pages: [Northwind X, Northwind Threads]\n"
                + "  - name: b\n    pages: [Northwind Threads]\n")
        let client = PlanableClient(baseURL: server.baseURL, token: token, limiter: nil)
        let threads = try #require(
            try client.listPages(workspaceId: try workspaceId()).first { $0.name == "Northwind Threads" })
        let control = server.baseURL.replacingOccurrences(of: "/api/v1", with: "")
        let disconnect = try HTTPClient().send(
            HTTPRequest(method: "POST", url: control + "/reference/pages/\(threads.id)/disconnect", body: []))
        #expect(disconnect.status == 204)

        let check = try ProductProcess.run(["check", "--config", configPath])
        #expect(check.status == 78, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("page \"Northwind LinkedIn\": found, linkedin, connected"), "\(check.stdout)")
        #expect(check.stdout.contains("page \"Northwind X\" (rule \"a\"): found, x, connected"), "\(check.stdout)")
        #expect(
            check.stdout.contains("page \"Northwind Threads\" (rules \"a\", \"b\"): found, threads, NOT connected"),
            "\(check.stdout)")
    }

    /// A wrong page does not hide the templates, the sources and the other pages: one run lists every problem.
    @Test func reportsEveryProblemInOneRun() throws {
        defer { cleanUp() }
        try writeConfiguration(
            pages: "[Nowhere, Northwind X, Elsewhere]", template: "{{#title}}", path: "missing",
            extra: "rules:\n  - name: x\n    pages: [Gone]\n    template: \"{{/title}}\"\n")
        let check = try ProductProcess.run(["check", "--config", configPath])
        #expect(check.status == 78, "\(check.stdout)\(check.stderr)")
        let lines = check.stdout
        #expect(lines.contains("page \"Nowhere\": not found in workspace \"Northwind Coffee\""), "\(lines)")
        #expect(lines.contains("page \"Elsewhere\": not found in workspace"), "\(lines)")
        #expect(lines.contains("page \"Gone\" (rule \"x\"): not found in workspace"), "\(lines)")
        #expect(lines.contains("page \"Northwind X\": found, x, connected"), "\(lines)")
        #expect(lines.contains("templates: invalid"), "\(lines)")
        #expect(lines.contains("error: \(configPath): template \"template\": line 1"), "\(lines)")
        #expect(lines.contains("error: \(configPath): template \"rules.x.template\": line 1"), "\(lines)")
        #expect(lines.contains("source \"posts\": folder \(root.path)/missing does not exist"), "\(lines)")
        #expect(check.stderr.contains("found 6 problems"), "\(check.stderr)")

        // Without the API, the checks that need none still run, and the exit code is still 78.
        let stopped = try String(contentsOfFile: configPath, encoding: .utf8)
            .replacingOccurrences(of: server.baseURL, with: "http://127.0.0.1:1")
        try stopped.write(toFile: configPath, atomically: true, encoding: .utf8)
        let offline = try ProductProcess.run(["check", "--config", configPath])
        #expect(offline.status == 78, "\(offline.stdout)\(offline.stderr)")
        #expect(offline.stdout.contains("error: the Planable API is unavailable"), "\(offline.stdout)")
        #expect(offline.stdout.contains("folder \(root.path)/missing does not exist"), "\(offline.stdout)")

        // With only the API down, check exits 69, as before.
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("missing"), withIntermediateDirectories: true)
        try writeConfiguration(path: "missing")
        let onlyAPI = try String(contentsOfFile: configPath, encoding: .utf8)
            .replacingOccurrences(of: server.baseURL, with: "http://127.0.0.1:1")
        try onlyAPI.write(toFile: configPath, atomically: true, encoding: .utf8)
        let unavailable = try ProductProcess.run(["check", "--config", configPath])
        #expect(unavailable.status == 69, "\(unavailable.stdout)\(unavailable.stderr)")
    }

    /// An api url that names another server, or the API's host without `/api/v1`, is a configuration error for
    /// check, sync and the daemon, since sending again cannot help. The daemon stops at start instead of retrying.
    @Test func wrongAPIURLIsConfigurationError() throws {
        defer { cleanUp() }
        let other = try LoopbackHTTPServer { _ in
            .init(status: 404, headers: [("Content-Type", "text/html")], body: Array("<h1>Not Found</h1>".utf8))
        }
        defer { other.stop() }
        try writeConfiguration()
        let configured = try String(contentsOfFile: configPath, encoding: .utf8)
        let withoutVersion = String(server.baseURL.dropLast("/v1".count))
        for url in [withoutVersion, other.baseURL + "/"] {
            try configured.replacingOccurrences(of: server.baseURL, with: url)
                .write(toFile: configPath, atomically: true, encoding: .utf8)
            let check = try ProductProcess.run(["check", "--config", configPath])
            #expect(check.status == 78, "\(url): \(check.stdout)\(check.stderr)")
            #expect(check.stdout.contains("api url"), "\(url): \(check.stdout)")

            let sync = try ProductProcess.run(["sync", "--config", configPath])
            #expect(sync.status == 78, "\(url): \(sync.stdout)\(sync.stderr)")
            #expect(sync.stderr.contains("api url"), "\(url): \(sync.stderr)")

            let daemon = try ProductProcess.run(["run", "--config", configPath], timeout: 60)
            #expect(daemon.status == 78, "\(url): \(daemon.stderr)")
            #expect(!daemon.stderr.contains("daemon ready"), "\(url): \(daemon.stderr)")
        }
    }

    /// A state folder this user may not write makes sync exit 78 at its lock file, so check reports it too,
    /// instead of "the first sync creates it".
    @Test func stateFolderNotWritable() throws {
        defer { cleanUp() }
        let state = root.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        // Root owns the folder with mode 0755 when the test runs as root, and the binary runs as nobody; another
        // user gets a folder without write permission.
        chmod(state.path, getuid() == 0 ? 0o755 : 0o555)
        defer { chmod(state.path, 0o755) }
        chmod(root.appendingPathComponent("token").path, 0o644)
        try writeConfiguration()

        let check = try ProductProcess.run(["check", "--config", configPath], withoutRoot: true)
        #expect(check.status == 78, "\(check.stdout)\(check.stderr)")
        #expect(
            check.stdout.contains("state \(state.path)/planable-sync.sqlite: this user cannot write the folder"),
            "\(check.stdout)")
        #expect(check.stdout.contains("Permission denied"), "\(check.stdout)")
        #expect(!check.stdout.contains("the first sync creates it"), "\(check.stdout)")
        #expect(check.stdout.contains("page \"Northwind LinkedIn\": found"), "the other checks still run")
        let sync = try ProductProcess.run(["sync", "--config", configPath], withoutRoot: true)
        #expect(sync.status == 78, "\(sync.stderr)")
        #expect(sync.stderr.contains("cannot create the lock file"), "\(sync.stderr)")

        // A state that exists in that folder cannot be opened either, because SQLite creates its shared-memory file
        // beside it. The folder's problem is listed once, and the checks that need the API still run.
        chmod(state.path, 0o755)
        let firstSync = try ProductProcess.run(["sync", "--config", configPath])
        #expect(firstSync.status == 0, "\(firstSync.stderr)")
        chmod(state.path, getuid() == 0 ? 0o755 : 0o555)
        let existing = try ProductProcess.run(["check", "--config", configPath], withoutRoot: true)
        #expect(existing.status == 78, "\(existing.stdout)\(existing.stderr)")
        #expect(existing.stderr.contains("found 1 problem"), "\(existing.stderr)")
        #expect(!existing.stdout.contains("cannot open state database"), "\(existing.stdout)")
        #expect(
            existing.stdout.contains(
                "planable-sync.sqlite: not checked against the workspace, because of the state folder's problem"),
            "\(existing.stdout)")
        #expect(existing.stdout.contains("page \"Northwind LinkedIn\": found"), "\(existing.stdout)")
        chmod(state.path, 0o755)
        for file in try FileManager.default.contentsOfDirectory(atPath: state.path) {
            try FileManager.default.removeItem(at: state.appendingPathComponent(file))
        }
        chmod(state.path, getuid() == 0 ? 0o755 : 0o555)

        // A state folder that does not exist yet is judged by the nearest folder above it.
        try writeConfiguration(state: "state/client/planable-sync.sqlite")
        let nested = try ProductProcess.run(["check", "--config", configPath], withoutRoot: true)
        #expect(nested.status == 78)
        #expect(
            nested.stdout.contains("the folder \(state.path)/client does not exist, and this user cannot create it"),
            "\(nested.stdout)")
        // sync names the same cause, where it once gave "No such file or directory" for the lock file.
        let nestedSync = try ProductProcess.run(["sync", "--config", configPath], withoutRoot: true)
        #expect(nestedSync.status == 78, "\(nestedSync.stderr)")
        #expect(
            nestedSync.stderr.contains(
                "the folder \(state.path)/client does not exist, and this user cannot create it in \(state.path)"),
            "\(nestedSync.stderr)")

        // The same folder, writable, passes as a state that the first sync creates.
        chmod(state.path, 0o777)
        let writable = try ProductProcess.run(["check", "--config", configPath], withoutRoot: true)
        #expect(writable.status == 0, "\(writable.stdout)\(writable.stderr)")
        #expect(writable.stdout.contains("does not exist yet; the first sync creates it"), "\(writable.stdout)")

        // A read-only state file in a folder that this user may write opens, so its workspace is still compared.
        let client = state.appendingPathComponent("client")
        let secondSync = try ProductProcess.run(["sync", "--config", configPath])
        #expect(secondSync.status == 0, "\(secondSync.stderr)")
        chmod(client.appendingPathComponent("planable-sync.sqlite").path, 0o444)
        chmod(client.path, 0o777)
        let readOnlyFile = try ProductProcess.run(["check", "--config", configPath], withoutRoot: true)
        #expect(readOnlyFile.status == 78, "\(readOnlyFile.stdout)\(readOnlyFile.stderr)")
        #expect(readOnlyFile.stdout.contains("give the file to user"), "\(readOnlyFile.stdout)")
        #expect(
            readOnlyFile.stdout.contains("planable-sync.sqlite: belongs to this workspace"), "\(readOnlyFile.stdout)")
    }

    /// `check` rejects the report options that the shared parser takes, instead of printing text regardless.
    @Test(arguments: [
        (["--dry-run"], "check sends no write, so it takes no --dry-run"),
        (["--format", "json"], "check prints text only, so it takes no --format json"),
        (["--output", "check.txt"], "check prints to standard output only, so it takes no --output"),
    ])
    func reportOptionsRejected(options: [String], message: String) throws {
        defer { cleanUp() }
        try writeConfiguration()
        let check = try ProductProcess.run(["check", "--config", configPath] + options)
        #expect(check.status == 64, "\(check.stdout)\(check.stderr)")
        #expect(check.stderr.contains(message), "\(check.stderr)")
        #expect(check.stdout.isEmpty, "\(check.stdout)")
    }

    /// An API url that names another web server gets one error line that points at the url, not its HTML page.
    @Test func foreignServerNamesApiUrl() throws {
        defer { cleanUp() }
        let page = "<!DOCTYPE HTML>\n<html>\n  <body>\n    <h1>Error response</h1>\n  </body>\n</html>\n"
        let web = try LoopbackHTTPServer { _ in
            .init(status: 404, headers: [("Content-Type", "text/html")], body: Array(page.utf8))
        }
        defer { web.stop() }
        try writeConfiguration()
        let configuration = try String(contentsOfFile: configPath, encoding: .utf8)
            .replacingOccurrences(of: server.baseURL, with: "http://127.0.0.1:\(web.port)/api/v1")
        try configuration.write(toFile: configPath, atomically: true, encoding: .utf8)

        let check = try ProductProcess.run(["check", "--config", configPath])
        let line = try #require(
            check.stdout.split(separator: "\n").first { $0.hasPrefix("error: ") }, "\(check.stdout)")
        #expect(line.contains("GET /ping returned an invalid answer (status 404)"), "\(line)")
        #expect(line.contains("<!DOCTYPE HTML> <html> <body> <h1>Error response</h1>"), "\(line)")
        #expect(line.contains("check that the configuration's api url names the API"), "\(line)")
        #expect(!check.stdout.contains("\n<html>"), "\(check.stdout)")
    }

    /// A token that the API rejects is traced to the setting that it was read from, which the message names
    /// without the token itself.
    @Test func rejectedTokenNamesItsSource() throws {
        defer { cleanUp() }
        let wrong = "pln_" + String(repeating: "0b", count: 16)
        let file = root.appendingPathComponent("badtoken")
        try wrong.write(to: file, atomically: true, encoding: .utf8)
        chmod(file.path, 0o600)
        try writeConfiguration(token: "token_file: badtoken")

        let check = try ProductProcess.run(["check", "--config", configPath])
        #expect(check.status == 78, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("401 UNAUTHORIZED"), "\(check.stdout)")
        #expect(
            check.stdout.contains(
                "; the token was read from the file \(file.path), which the configuration's api token_file names\n"),
            "\(check.stdout)")
        #expect(!check.stdout.contains(wrong), "\(check.stdout)")
        let sync = try ProductProcess.run(["sync", "--config", configPath])
        #expect(sync.status == 78, "\(sync.stderr)")
        #expect(sync.stderr.contains("the token was read from the file \(file.path)"), "\(sync.stderr)")
        #expect(!sync.stderr.contains(wrong), "\(sync.stderr)")

        try writeConfiguration(token: "token_env: PLANABLE_CHECK_WRONG_TOKEN")
        let fromVariable = try ProductProcess.run(
            ["check", "--config", configPath], environment: ["PLANABLE_CHECK_WRONG_TOKEN": wrong])
        #expect(fromVariable.status == 78, "\(fromVariable.stdout)\(fromVariable.stderr)")
        #expect(
            fromVariable.stdout.contains(
                "the token was read from the environment variable PLANABLE_CHECK_WRONG_TOKEN, which the "
                    + "configuration's api token_env names"),
            "\(fromVariable.stdout)")
        #expect(!fromVariable.stdout.contains(wrong), "\(fromVariable.stdout)")

        let credentials = root.appendingPathComponent("credentials")
        try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
        try wrong.write(to: credentials.appendingPathComponent("planable"), atomically: true, encoding: .utf8)
        try writeConfiguration(token: "token_credential: planable")
        let fromCredential = try ProductProcess.run(
            ["check", "--config", configPath], environment: ["CREDENTIALS_DIRECTORY": credentials.path])
        #expect(fromCredential.status == 78, "\(fromCredential.stdout)\(fromCredential.stderr)")
        #expect(
            fromCredential.stdout.contains(
                "the token was read from the systemd credential planable, which the configuration's api "
                    + "token_credential names"),
            "\(fromCredential.stdout)")
        #expect(!fromCredential.stdout.contains(wrong), "\(fromCredential.stdout)")
    }

    /// The checks that an API error or a missing workspace keeps from running each get a line that states so, and
    /// the exit code stays that of the error.
    @Test func skippedChecksAreListed() throws {
        defer { cleanUp() }
        let rules = "rules:\n  - name: jobs\n    labels: [Hiring]\n    campaign: Spring launch\n"
        try writeConfiguration(extra: rules)
        let offlineText = try String(contentsOfFile: configPath, encoding: .utf8)
            .replacingOccurrences(of: server.baseURL, with: "http://127.0.0.1:1")
        try offlineText.write(toFile: configPath, atomically: true, encoding: .utf8)
        let offline = try ProductProcess.run(["check", "--config", configPath])
        #expect(offline.status == 69, "\(offline.stdout)\(offline.stderr)")
        let unreachable = "not checked, because the API could not be reached\n"
        for subject in ["workspace \"Northwind Coffee\"", "pages", "labels", "campaigns"] {
            #expect(offline.stdout.contains("\n\(subject): \(unreachable)"), "\(subject): \(offline.stdout)")
        }
        let statePath = root.appendingPathComponent("state/planable-sync.sqlite").path
        #expect(
            offline.stdout.contains("\nstate \(statePath): not checked against the workspace, because the API could "),
            "\(offline.stdout)")

        let wrong = root.appendingPathComponent("badtoken")
        try ("pln_" + String(repeating: "0c", count: 16)).write(to: wrong, atomically: true, encoding: .utf8)
        chmod(wrong.path, 0o600)
        try writeConfiguration(token: "token_file: badtoken")
        let rejected = try ProductProcess.run(["check", "--config", configPath])
        #expect(rejected.status == 78, "\(rejected.stdout)\(rejected.stderr)")
        #expect(
            rejected.stdout.contains("\npages: not checked, because the API rejected the token\n"),
            "\(rejected.stdout)")
        #expect(!rejected.stdout.contains("labels: not checked"), "no rule names a label: \(rejected.stdout)")

        try writeConfiguration(workspace: "Nowhere", extra: rules)
        let missing = try ProductProcess.run(["check", "--config", configPath])
        #expect(missing.status == 78, "\(missing.stdout)\(missing.stderr)")
        #expect(missing.stdout.contains("workspace \"Nowhere\": not found"), "\(missing.stdout)")
        #expect(
            missing.stdout.contains("\npages: not checked, because the workspace was not found\n"),
            "\(missing.stdout)")
        #expect(
            missing.stdout.contains("\nlabels: not checked, because the workspace was not found\n"),
            "\(missing.stdout)")
    }

    /// A source folder that this user may not list would sync as an empty one, so check reports it as a problem
    /// that names the folder, the user and the fix. The modes take away read permission, search permission, or
    /// both.
    @Test(arguments: [0o000, 0o311, 0o644] as [mode_t])
    func sourceFolderNotReadable(mode: mode_t) throws {
        defer { cleanUp() }
        let content = root.appendingPathComponent("content")
        // The binary runs as nobody when the test runs as root, so the mode's bits for others apply to it, and
        // another user is the folder's owner.
        chmod(content.path, mode)
        defer { chmod(content.path, 0o755) }
        chmod(root.appendingPathComponent("token").path, 0o644)
        let state = root.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        chmod(state.path, 0o777)
        try writeConfiguration()

        let check = try ProductProcess.run(["check", "--config", configPath], withoutRoot: true)
        let user = ProductProcess.userWithoutRoot
        #expect(check.status == 78, "\(check.stdout)\(check.stderr)")
        #expect(
            check.stdout.contains(
                "source \"posts\": folder \(content.path) exists, but user \(user) cannot read it (Permission denied); "
                    + "give user \(user) read and search (r and x) permission on the folder"),
            "\(check.stdout)")
        #expect(!check.stdout.contains("folder \(content.path) exists\n"), "\(check.stdout)")
        #expect(check.stderr.contains("found 1 problem"), "\(check.stderr)")

        chmod(content.path, 0o755)
        let readable = try ProductProcess.run(["check", "--config", configPath], withoutRoot: true)
        #expect(readable.status == 0, "\(readable.stdout)\(readable.stderr)")
        #expect(readable.stdout.contains("source \"posts\": folder \(content.path) exists\n"), "\(readable.stdout)")
    }
}

/// The exit code of `check` for a feed that cannot be read follows what makes a later read succeed, as that of
/// `sync` does: 75 for a server error or a document cut off in transfer, 65 for a document that is not a feed, and
/// 78 for a URL that names no feed.
@Suite(.serialized) struct CheckFeedExitCodeTests {
    static let wholeRSS = """
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>News</title>
        <item><guid>a</guid><title>Alpha</title><description>First entry.</description></item>
        <item><guid>b</guid><title>Beta</title><description>Second entry, long enough to be cut.</description></item>
        </channel></rss>
        """
    static let wholeJSON = """
        {"version": "https://jsonfeed.org/version/1.1", "title": "News",
         "items": [{"id": "a", "title": "Alpha", "content_text": "First entry."},
                   {"id": "b", "title": "Beta", "content_text": "Second entry, long enough to be cut."}]}
        """

    /// Returns the bytes of `text` up to the first `marker`, as a transfer cut off there gets them.
    static func cutBefore(_ marker: String, in text: String) -> [UInt8] {
        guard let end = text.range(of: marker)?.lowerBound else { return Array(text.utf8) }
        return Array(text[..<end].utf8)
    }

    /// The responses of the test's feed server, by path.
    static let responses: [String: LoopbackHTTPServer.Response] = [
        "/error.xml": .init(status: 500),
        "/busy.xml": .init(status: 503),
        "/gone.xml": .init(status: 404),
        "/cut.xml": .init(
            status: 200, headers: [("Content-Type", "application/rss+xml")],
            body: cutBefore("long", in: wholeRSS)),
        "/cut.json": .init(
            status: 200, headers: [("Content-Type", "application/feed+json")],
            body: cutBefore("long", in: wholeJSON)),
        "/page.html": .init(
            status: 200, headers: [("Content-Type", "text/html")],
            body: Array("<html><body>Not a feed</body></html>".utf8)),
        "/whole.json": .init(
            status: 200, headers: [("Content-Type", "application/feed+json")], body: Array(wholeJSON.utf8)),
    ]

    @Test(arguments: [
        (
            "/error.xml", 75,
            "cannot be fetched (a temporary failure, so check again later): the server answered with HTTP status 500; "
        ),
        ("/busy.xml", 75, "check again later): the server answered with HTTP status 503; the server may recover"),
        ("/cut.xml", 75, "cannot be read for now: the document ends inside an <item> element"),
        ("/cut.json", 75, "cannot be read for now: the document ends inside a JSON string"),
        ("/page.html", 65, "is not a feed planable-sync can read: the root element is <html>, "),
        ("/gone.xml", 78, "cannot be fetched: the server answered with HTTP status 404; check the feed URL"),
        ("/whole.json", 0, "read, json11, 2 entries"),
    ])
    func feedExitCode(path: String, status: Int32, line: String) throws {
        let fixture = try CheckFixture()
        defer { fixture.cleanUp() }
        let feeds = try LoopbackHTTPServer { request in Self.responses[request.path] ?? .init(status: 404) }
        defer { feeds.stop() }
        try fixture.writeConfiguration(feedURL: feeds.baseURL + path)

        let check = try ProductProcess.run(["check", "--config", fixture.configPath])
        #expect(check.status == status, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("source \"news\": feed \(feeds.baseURL)\(path) "), "\(check.stdout)")
        #expect(check.stdout.contains(line), "\(check.stdout)")
    }

    /// `sync` exits as `check` does for a feed that a later read may get: 75, for a cut-off JSON Feed as well.
    @Test(arguments: ["/error.xml", "/cut.xml", "/cut.json"])
    func syncAgreesOnTemporaryFeed(path: String) throws {
        let fixture = try CheckFixture()
        defer { fixture.cleanUp() }
        let feeds = try LoopbackHTTPServer { request in Self.responses[request.path] ?? .init(status: 404) }
        defer { feeds.stop() }
        try fixture.writeConfiguration(feedURL: feeds.baseURL + path)

        let sync = try ProductProcess.run(["sync", "--config", fixture.configPath])
        #expect(sync.status == 75, "\(sync.stdout)\(sync.stderr)")
        let check = try ProductProcess.run(["check", "--config", fixture.configPath])
        #expect(check.status == 75, "\(check.stdout)\(check.stderr)")
    }

    /// A missing local feed file is a wrong path in the configuration, as a missing folder is.
    @Test func missingFeedFileIsConfigurationError() throws {
        let fixture = try CheckFixture()
        defer { fixture.cleanUp() }
        let missing = fixture.root.appendingPathComponent("exports/absent.xml")
        try fixture.writeConfiguration(feedURL: missing.absoluteString)
        let check = try ProductProcess.run(["check", "--config", fixture.configPath])
        #expect(check.status == 78, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("file \(missing.path) does not exist"), "\(check.stdout)")
    }

    /// A configuration problem still makes the exit code 78 when a feed's failure, listed first, is temporary.
    @Test func configurationProblemOutranksTemporaryFeed() throws {
        let fixture = try CheckFixture()
        defer { fixture.cleanUp() }
        let feeds = try LoopbackHTTPServer { request in Self.responses[request.path] ?? .init(status: 404) }
        defer { feeds.stop() }
        try fixture.writeConfiguration(feedURL: feeds.baseURL + "/error.xml", folder: "missing")
        let check = try ProductProcess.run(["check", "--config", fixture.configPath])
        #expect(check.status == 78, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("folder \(fixture.root.path)/missing does not exist"), "\(check.stdout)")
        #expect(check.stdout.contains("cannot be fetched (a temporary failure"), "\(check.stdout)")
        #expect(check.stderr.contains("found 2 problems"), "\(check.stderr)")
    }
}

/// A reference server with the demo workspace, a token file and a folder source, for one check.
struct CheckFixture {
    let root: URL
    let server: ReferenceServer
    let token = "pln_" + String(repeating: "e5", count: 16)

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-check-feed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        var options = ReferenceServerOptions(databasePath: root.appendingPathComponent("reference.sqlite").path)
        options.seed = ReferenceSeed.demo(token: token)
        server = try ReferenceServer(options: options)
        try server.start()
        try token.write(to: root.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        chmod(root.appendingPathComponent("token").path, 0o600)
    }

    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }

    func cleanUp() {
        server.stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// Writes a configuration with a folder source and a feed source named `news` at `feedURL`.
    func writeConfiguration(feedURL: String, folder: String = "content") throws {
        try """
        state: state/planable-sync.sqlite
        api:
          url: \(server.baseURL)
          token_file: token
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn]
        template: "{{title}}"
        sources:
          - name: posts
            type: directory
            path: \(folder)
          - name: news
            type: feed
            url: \(feedURL)
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }
}
