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
        ("companies:\n  - name: A\n    worksapces: []", "unknown key `worksapces` in a company"),
        ("companies:\n  - name: A\n    workspaces: [{name: W, timezone: Mars/Olympus}]", "not an IANA time zone"),
        (
            "companies:\n  - name: A\n    members: [{name: M, email: m@a.example}]\n"
                + "    workspaces: [{name: W, timezone: UTC, approvers: [m@a.exampel]}]",
            "`approvers` names m@a.exampel, who is not a member"
        ),
        (
            "companies:\n  - name: A\n    members: [{name: M, email: m@a.example}]\n"
                + "    tokens: [{token: pln_abcdefghijkl, owner: x@a.example}]",
            "`owner` names x@a.example, who is not a member"
        ),
        (
            "companies:\n  - name: A\n    workspaces: [{name: W, timezone: UTC}]\n"
                + "    tokens: [{token: pln_abcdefghijkl, workspaces: [V]}]",
            "names V, which is not a workspace of the company"
        ),
        (
            "companies:\n  - name: A\n    workspaces: [{name: W, timezone: UTC}, {name: W, timezone: UTC}]",
            "the workspace name \"W\" appears twice"
        ),
        (
            "companies:\n  - name: A\n    members: [{name: M, email: m@a.example}, {name: N, email: m@a.example}]",
            "the member email \"m@a.example\" appears twice"
        ),
        (
            "companies:\n  - name: A\n    workspaces: [{name: W, timezone: UTC, pages: "
                + "[{name: P, platform: x}, {name: P, platform: x}]}]",
            "the page id"
        ),
        (
            "companies:\n  - name: A\n    members: [{id: m1, name: M, email: m@a.example}, "
                + "{id: m1, name: N, email: n@a.example}]",
            "the member id \"m1\" appears twice"
        ),
        (
            "companies:\n  - name: A\n    members: [{name: M, email: m@a.example}]\n"
                + "    tokens: [{token: pln_abcdefghijkl}]\n"
                + "  - name: B\n    members: [{name: N, email: n@b.example}]\n    tokens: [{token: pln_abcdefghijkl}]",
            "the token appears twice"
        ),
        (
            "companies:\n  - name: A\n    tokens: [{token: pln_abcdefghijkl}]",
            "company A has tokens but no `members`"
        ),
        (
            "companies:\n  - name: A\n    members: [{name: M, email: m@a.example}, {name: N, email: M@A.example}]",
            "the member email \"M@A.example\" appears twice (also as \"m@a.example\")"
        ),
        (
            "companies:\n  - name: A\n    members: [{name: M, email: m@a.example}, {name: N, email: n@a.example}]\n"
                + "    workspaces: [{name: W, timezone: UTC, approval: REQUIRED, members: [n@a.example], "
                + "approvers: [m@a.example]}]",
            "`approvers` names m@a.example, who is not among the `members` of workspace W"
        ),
        (
            "companies:\n  - name: A\n    members: [{name: M, email: m@a.example}, {name: N, email: n@a.example}]\n"
                + "    workspaces: [{name: W, timezone: UTC, approval: MULTIPLE, members: [n@a.example], "
                + "approvalLevels: [{id: l1, label: L, approvers: [m@a.example]}]}]",
            "`approvers` names m@a.example, who is not among the `members` of workspace W"
        ),
        (
            "companies:\n  - name: A\n    workspaces: [{name: W, timezone: UTC, approval: REQUIRED, "
                + "approvalLevels: [{id: l1, label: L}]}]",
            "`approvalLevels` applies to MULTIPLE approval only"
        ),
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

    /// An invalid value is reported at its own line, not at the line of the mapping that contains it.
    @Test(arguments: [
        ("approval", "    approval: required"), ("scope", "    scope: admin"), ("expiresAt", "    expiresAt: soon"),
        ("membership", "    membership: owner"),
    ])
    func invalidValueIsReportedAtItsLine(key: String, line: String) throws {
        let lines = [
            "companies:", "- name: A", "  members:", "  - name: M", "    email: m@a.example",
            key == "membership" ? line : "    membership: team", "  workspaces:", "  - name: W", "    timezone: UTC",
            key == "approval" ? line : "    approval: NONE", "  tokens:", "  - token: pln_abcdefghijkl",
            key == "scope" ? line : "    scope: read",
            key == "expiresAt" ? line : "    expiresAt: 2099-01-01T00:00:00Z",
        ]
        let path = try temporaryFile(lines.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let expectedLine = try #require(lines.firstIndex(of: line)) + 1
        #expect {
            try ReferenceSeed.load(yamlFile: path)
        } throws: { error in
            "\(error)".contains("\(path):\(expectedLine):") && "\(error)".contains("`\(key)`")
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

        let loopback = try ReferenceCommandArguments([
            "--listen", "127.0.0.1:0", "--database", "x", "--allow-loopback-media",
        ])
        #expect(loopback.allowLoopbackMedia)
        #expect(!loopback.offlineMedia)
        #expect {
            try ReferenceCommandArguments(["--listen", "127.0.0.1:70000", "--database", "x"])
        } throws: { error in
            "\(error)".contains("has port 70000, which is out of range; use 0 to 65535")
        }
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

    @Test func missingSeedFileIsNamed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("absent-\(UUID().uuidString).yaml")
            .path
        #expect {
            try ReferenceSeed.load(yamlFile: path)
        } throws: { error in
            "\(error)" == "\(path):1:1: the seed file does not exist; check the path"
        }
    }

    /// One person in two client companies, and two companies with a workspace and a page of the same names.
    @Test func companiesMayShareNames() throws {
        let yaml = """
            companies:
              - name: Fabrikam
                members: [{name: Robin Diaz, email: robin@freelance.example}]
                workspaces: [{name: Main, timezone: UTC, pages: [{name: Facebook, platform: facebook}]}]
                tokens: [{token: pln_fabrikamToken0001}]
              - name: Contoso
                members: [{name: Robin Diaz, email: robin@freelance.example}]
                workspaces: [{name: Main, timezone: UTC, pages: [{name: Facebook, platform: facebook}]}]
                tokens: [{token: pln_contosoToken00001}]
            """
        let server = try TestServer(seed: try ReferenceSeed.parse(yaml: yaml))
        defer { server.removeFiles() }
        var pageIDs: Set<String> = []
        for token in ["pln_fabrikamToken0001", "pln_contosoToken00001"] {
            let pages = try server.send("GET", "/pages", token: token).data.arrayValue ?? []
            #expect(pages.count == 1, "\(token): \(pages)")
            if let id = pages.first?["id"]?.stringValue { pageIDs.insert(id) }
            let workspace = pages.first?["workspaceId"]?.stringValue ?? ""
            let members =
                try server.send("GET", "/members?workspaceId=\(workspace)", token: token).data.arrayValue ?? []
            #expect(members.count == 1, "\(token): \(members)")
        }
        #expect(pageIDs.count == 2, "each company has its own page")
    }

    /// An email names its member in any case, in a workspace's members and approvers and a token's owner.
    @Test func memberEmailsMatchInAnyCase() throws {
        let yaml = """
            companies:
              - name: Fabrikam
                members: [{name: Ana Ruiz, email: Ana@fabrikam.example}, {name: Bo Li, email: bo@fabrikam.example}]
                workspaces:
                  - {name: Tea, timezone: UTC, approval: REQUIRED, members: [ana@FABRIKAM.example], approvers: [ANA@fabrikam.example]}
                tokens: [{token: pln_fabrikamToken0001, owner: BO@fabrikam.example}]
            """
        let seed = try ReferenceSeed.parse(yaml: yaml)
        let workspace = try #require(seed.companies.first?.workspaces.first)
        #expect(workspace.memberEmails == ["Ana@fabrikam.example"])
        #expect(workspace.approverEmails == ["Ana@fabrikam.example"])
        #expect(seed.companies.first?.tokens.first?.ownerEmail == "bo@fabrikam.example")
        let server = try TestServer(seed: seed)
        defer { server.removeFiles() }
        let members =
            try server.send(
                "GET", "/members?workspaceId=\(workspace.id)", token: "pln_fabrikamToken0001"
            ).data.arrayValue ?? []
        #expect(members.map { $0["isApprover"] } == [.bool(true)], "\(members)")
    }

    /// A token acts for a member, so the token control rejects one for a company without members instead of
    /// making up an owner that GET /members does not list.
    @Test func tokenControlNeedsMember() throws {
        let seed = ReferenceSeed(companies: [
            .init(name: "Solo", workspaces: [.init(name: "Main", timezone: "UTC", companyName: "Solo")])
        ])
        let server = try TestServer(seed: seed)
        defer { server.removeFiles() }
        let reply = try server.send("POST", "/reference/tokens", body: [:], token: nil)
        #expect(reply.status == 400, "\(reply.text)")
        #expect(reply.text.contains("has no members, and each token acts for a member"), "\(reply.text)")
    }

    /// One brand name often names pages on several networks.
    @Test func pageNamesRepeatAcrossPlatforms() throws {
        let yaml = """
            companies:
              - name: Northwind
                members: [{name: Jordan Lee, email: jordan@northwind.example}]
                workspaces:
                  - name: Coffee
                    timezone: UTC
                    pages: [{name: Northwind Coffee, platform: facebook}, {name: Northwind Coffee, platform: instagram}]
                tokens: [{token: pln_northwindToken001}]
            """
        let server = try TestServer(seed: try ReferenceSeed.parse(yaml: yaml))
        defer { server.removeFiles() }
        let pages = try server.send("GET", "/pages", token: "pln_northwindToken001").data.arrayValue ?? []
        #expect(pages.count == 2, "\(pages)")
    }

    /// A seed that fails part way leaves no schema behind, so the next start applies a corrected seed.
    @Test func failedSeedIsAppliedAgain() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("reference.sqlite").path
        var broken = ReferenceSeed.demo(token: TestServer.token)
        broken.companies[0].tokens.append(.init(token: "pln_brokenToken00001", workspaceNames: ["Nowhere"]))
        #expect(throws: StoreError.self) { _ = try ReferenceServer(options: .init(databasePath: path, seed: broken)) }

        let server = try ReferenceServer(
            options: .init(databasePath: path, seed: ReferenceSeed.demo(token: TestServer.token)))
        #expect(server.createdDatabase)
        try server.start()
        defer { server.stop() }
        let reply = try HTTPClient().send(
            HTTPRequest(
                url: server.baseURL + "/workspaces", headers: [("Authorization", "Bearer \(TestServer.token)")],
                timeout: 5))
        #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
    }

    /// A server that cannot listen removes the database it created, so the next start seeds it and prints the
    /// demo token.
    @Test func portInUseLeavesNoDatabase() throws {
        let holder = HTTPServer(host: "127.0.0.1", port: 0) { _ in .dropConnection }
        let port = try holder.start()
        defer { holder.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("port-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("state.sqlite").path

        let (status, message) = try runCommand(
            ["reference", "--listen", "127.0.0.1:\(port)", "--database", database],
            stillRunning: "the reference server started on a port in use")
        #expect(status == 69, "stderr: \(message)")
        #expect(message.contains("port \(port)"), "stderr: \(message)")
        #expect(!FileManager.default.fileExists(atPath: database), "the database file stayed")

        // A database that existed before, and a link to a file that does not exist yet, stay after such a start.
        do {
            let existing = try ReferenceServer(
                options: .init(databasePath: database, seed: .demo(token: TestServer.token)))
            existing.stop()
        }
        let link = directory.appendingPathComponent("link.sqlite").path
        try FileManager.default.createSymbolicLink(
            atPath: link, withDestinationPath: directory.appendingPathComponent("target.sqlite").path)
        for path in [database, link] {
            let again = try runCommand(
                ["reference", "--listen", "127.0.0.1:\(port)", "--database", path],
                stillRunning: "the reference server started on a port in use")
            #expect(again.status == 69, "stderr: \(again.stderr)")
            #expect((try? FileManager.default.attributesOfItem(atPath: path)) != nil, "\(path) was removed")
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

        let (status, message) = try runCommand(
            ["reference", "--listen", "127.0.0.1:0", "--database", database],
            stillRunning: "the second reference server started on a locked database")
        #expect(status == 75, "stderr: \(message)")
        #expect(message.contains("another reference server holds the database file \(database)"), "stderr: \(message)")
        #expect(message.contains("stop it or pass another --database"), "stderr: \(message)")
    }

    /// Runs the built `planable-sync` with `arguments` until it exits and returns its status and standard error.
    /// A process still running after 30 s gets SIGTERM, and the test records `stillRunning`.
    private func runCommand(_ arguments: [String], stillRunning: String) throws -> (status: Int32, stderr: String) {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let process = Process()
        process.executableURL = root.appendingPathComponent(".build/debug/planable-sync")
        process.arguments = arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            Issue.record(Comment(rawValue: stillRunning))
        }
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, message)
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
