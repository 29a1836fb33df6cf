import Foundation
import HTTPClient
import HTTPServer
import Testing
import Timestamps

@testable import PlanableReference

@Suite(.serialized) struct SeedAndCommandTests {
    static let seedYAML = """
        companies:
          - name: Fabrikam
            workspaceLimit: 3
            members:
              - {name: Robin Diaz, email: robin@fabrikam.example}
              - {name: Sam Fox, email: sam@fabrikam.example, membership: client}
            workspaces:
              - name: Fabrikam Tea
                timezone: Europe/Paris
                approval: MULTIPLE
                approvalLevels:
                  - {id: brand, label: Brand, approvers: [robin@fabrikam.example]}
                  - {id: client, label: Client, approvers: [sam@fabrikam.example]}
                pages:
                  - {name: Tea Facebook, platform: facebook}
                  - {name: Tea Business, platform: googlebusiness, connected: false}
            tokens:
              - {token: pln_fabrikamReadToken123, scope: read}
              - {token: pln_fabrikamWriteToken12, scope: write, workspaces: [Fabrikam Tea], expiresAt: 2099-01-01T00:00:00Z}
        """

    private func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func loadsSeedFile() throws {
        let path = try temporaryFile(Self.seedYAML)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let seed = try ReferenceSeed.load(yamlFile: path)
        let company = try #require(seed.companies.first)
        #expect(company.workspaceLimit == 3)
        #expect(company.members.map(\.membership) == ["team", "client"])
        let workspace = try #require(company.workspaces.first)
        #expect(workspace.approvalType == "MULTIPLE")
        #expect(workspace.approvalLevels.map(\.id) == ["brand", "client"])
        #expect(workspace.pages.map(\.connected) == [true, false])
        #expect(company.tokens.last?.workspaceNames == ["Fabrikam Tea"])
        #expect(company.tokens.last?.expiresAt == Timestamp.parse("2099-01-01T00:00:00Z"))

        let server = try TestServer(seed: seed)
        defer { server.removeFiles() }
        #expect(try server.send("GET", "/ping", token: TestServer.token).status == 401)
        let workspaces = try server.send("GET", "/workspaces", token: "pln_fabrikamReadToken123").data.arrayValue ?? []
        #expect(workspaces.first?["approvalSettings"]?["approvalLevels"]?.arrayValue?.count == 2)
        let pages = try server.send("GET", "/pages", token: "pln_fabrikamWriteToken12").data.arrayValue ?? []
        #expect(pages.map { $0["isConnected"] } == [.bool(true), .bool(false)])
    }

    @Test(arguments: [
        ("companies: []", "non-empty list"),
        (
            "companies:\n  - name: A\n    workspaces:\n      - {name: W, timezone: UTC, pages: [{name: P, platform: myspace}]}",
            "unknown platform"
        ),
        ("companies:\n  - name: A\n    tokens: [{token: secret}]", "must start with pln_"),
        ("companies:\n  - name: A\n    workspaces: [{name: W, timezone: UTC, approval: SOMETIMES}]", "approval"),
        ("companies: [", "line"),
    ])
    func rejectsInvalidSeed(yaml: String, fragment: String) throws {
        let path = try temporaryFile(yaml)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try ReferenceSeed.load(yamlFile: path)
        } throws: { error in
            "\(error)".contains(fragment) || ((error as? ReferenceSeedError)?.line ?? 0) > 0 && fragment == "line"
        }
    }

    @Test func parsesCommandArguments() throws {
        let parsed = try ReferenceCommandArguments([
            "--listen", "[::1]:8080", "--database", "/tmp/x.sqlite", "--seed", "s.yaml",
        ])
        #expect(parsed.host == "::1")
        #expect(parsed.port == 8080)
        #expect(parsed.seedPath == "s.yaml")
        #expect(throws: ReferenceCommandArguments.UsageError.self) {
            try ReferenceCommandArguments(["--database", "x"])
        }
        #expect(throws: ReferenceCommandArguments.UsageError.self) {
            try ReferenceCommandArguments(["--listen", "nohost", "--database", "x"])
        }
        #expect(runReferenceCommand(arguments: ["--bogus"]) == 64)
    }

    @Test(arguments: ["0.0.0.0:0", "[::]:0", "192.0.2.10:8080", "[2001:db8::1]:8080", "localhost:8080"])
    func nonLoopbackListenIsRejected(listen: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("listen-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("state.sqlite").path
        var message = ""
        do {
            _ = try ReferenceCommandArguments(["--listen", listen, "--database", database])
        } catch {
            message = "\(error)"
        }
        // A required check, so that a parser that accepts the address never starts a server on it below.
        try #require(message.contains("is not a loopback address"), "--listen \(listen) was accepted")
        #expect(message.contains("127.0.0.1 or ::1"))
        if listen.hasPrefix("localhost") { #expect(message.contains("host name")) }
        #expect(runReferenceCommand(arguments: ["--listen", listen, "--database", database]) == 64)
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test func loopbackListenIsAccepted() throws {
        for (listen, host) in [("127.0.0.1:0", "127.0.0.1"), ("127.0.0.2:8080", "127.0.0.2"), ("[::1]:0", "::1")] {
            let parsed = try ReferenceCommandArguments(["--listen", listen, "--database", "x.sqlite"])
            #expect(parsed.host == host)
        }
    }

    @Test func lockedDatabaseNamesTheOtherServer() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("locked-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("state.sqlite").path
        var options = ReferenceServerOptions(databasePath: database)
        options.exclusiveDatabase = true
        let holder = try ReferenceServer(options: options)
        try holder.start()
        defer { holder.stop() }

        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let process = Process()
        process.executableURL = root.appendingPathComponent(".build/debug/planable-sync")
        process.arguments = ["reference", "--listen", "127.0.0.1:0", "--database", database]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            Issue.record("the second reference server started on a locked database")
        }
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 75, "stderr: \(message)")
        #expect(message.contains("another reference server holds the database file \(database)"), "stderr: \(message)")
        #expect(message.contains("stop it or pass another --database"), "stderr: \(message)")
    }

    @Test func commandServesUntilSignal() throws {
        let probe = HTTPServer(host: "127.0.0.1", port: 0) { _ in .dropConnection }
        let port = try probe.start()
        probe.stop()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let seedPath = directory.appendingPathComponent("seed.yaml").path
        try Self.seedYAML.write(toFile: seedPath, atomically: true, encoding: .utf8)
        let database = directory.appendingPathComponent("state.sqlite").path
        // The command runs as its own process: a SIGTERM sent to the test process would reach every signal
        // source of the other suites that run beside this one.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let process = Process()
        process.executableURL = root.appendingPathComponent(".build/debug/planable-sync")
        process.arguments = ["reference", "--listen", "127.0.0.1:\(port)", "--database", database, "--seed", seedPath]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let client = HTTPClient()
        var status = 0
        for _ in 0..<200 where status != 200 {
            status =
                (try? client.send(
                    HTTPRequest(
                        url: "http://127.0.0.1:\(port)/api/v1/ping",
                        headers: [("Authorization", "Bearer pln_fabrikamReadToken123")],
                        timeout: 2)))?.status ?? 0
            if status != 200 { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(status == 200)
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: database))
    }
}
