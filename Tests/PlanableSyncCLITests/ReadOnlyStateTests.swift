import Foundation
import PlanableAPI
import PlanableReference
import TestSupport
import Testing

/// A state database that the sync's user may not write, in a folder that it may write. SQLite opens such a file
/// without an error, so the commands that write the state check it before they send anything. Root passes every
/// permission check, so the binary runs as user nobody when the tests run as root.
@Suite(.serialized) struct ReadOnlyStateTests {
    let root: URL
    let server: ReferenceServer
    let token = "pln_" + String(repeating: "e5", count: 16)
    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }
    var statePath: String { root.appendingPathComponent("state/planable-sync.sqlite").path }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-read-only-state-\(UUID().uuidString)")
        let state = root.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        chmod(state.path, 0o777)
        var options = ReferenceServerOptions(databasePath: root.appendingPathComponent("reference.sqlite").path)
        options.seed = ReferenceSeed.demo(token: token)
        server = try ReferenceServer(options: options)
        try server.start()
        let tokenPath = root.appendingPathComponent("token").path
        try token.write(toFile: tokenPath, atomically: true, encoding: .utf8)
        chmod(tokenPath, 0o644)
        try """
        state: state/planable-sync.sqlite
        api:
          url: \(server.baseURL)
          token_file: token
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn, Northwind Facebook]
        template: "{{title}}"
        sources:
          - name: posts
            type: directory
            path: content
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func cleanUp() {
        server.stop()
        try? FileManager.default.removeItem(at: root)
    }

    func run(_ arguments: [String]) throws -> ProductProcess.Result {
        try ProductProcess.run(arguments + ["--config", configPath], timeout: 60, withoutRoot: true)
    }

    func writePost(title: String) throws {
        try "---\ntitle: \(title)\n---\n\nText.\n".write(
            to: root.appendingPathComponent("content/a.md"), atomically: true, encoding: .utf8)
    }

    func postTexts() throws -> Set<String> {
        let client = PlanableClient(baseURL: server.baseURL, token: token, limiter: nil)
        let workspace = try #require(try client.listWorkspaces().first { $0.name == "Northwind Coffee" })
        return Set(try client.listPosts(workspaceId: workspace.id).items.map(\.plainText))
    }

    /// `sync`, `run` and `check` reject the file with exit 78 and the fix, and `sync` and `run` send nothing.
    @Test func readOnlyStateFileStopsBeforeSending() throws {
        defer { cleanUp() }
        try writePost(title: "Opening")
        let first = try run(["sync"])
        #expect(first.status == 0, "\(first.stderr)")
        try writePost(title: "Opening day")
        chmod(statePath, 0o444)

        let user = ProductProcess.userWithoutRoot
        let fix = "make it writable for user \(user)"
        let sync = try run(["sync"])
        #expect(sync.status == 78, "\(sync.stderr)")
        #expect(sync.stderr.contains("cannot write state database \(statePath)"), "\(sync.stderr)")
        #expect(sync.stderr.contains(fix), "\(sync.stderr)")
        #expect(!sync.stderr.contains("sqlite error"), "\(sync.stderr)")
        #expect(try postTexts() == ["Opening"], "sync sent an update")
        for suffix in ["-wal", "-shm"] {
            var status = stat()
            guard stat(statePath + suffix, &status) == 0 else { continue }
            #expect(status.st_mode & 0o200 != 0, "\(suffix) has mode \(String(status.st_mode & 0o777, radix: 8))")
        }

        let daemon = try run(["run"])
        #expect(daemon.status == 78, "\(daemon.stderr)")
        #expect(daemon.stderr.contains(fix), "\(daemon.stderr)")
        #expect(!daemon.stderr.contains("daemon ready"), "\(daemon.stderr)")
        #expect(try postTexts() == ["Opening"], "the daemon sent an update")

        let check = try run(["check"])
        #expect(check.status == 78, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("this user cannot write \(statePath) (Permission denied)"), "\(check.stdout)")

        // The file is the user's own, so a sync goes on once it may write it.
        chmod(statePath, 0o644)
        let writable = try run(["sync"])
        #expect(writable.status == 0, "\(writable.stderr)")
        #expect(writable.stdout.contains("update 1"), "\(writable.stdout)")
        #expect(try postTexts() == ["Opening day"])
    }

    /// A `state` setting that is a symbolic link: SQLite puts the WAL and shared-memory files beside the link's
    /// target, so the read-only ones that `status` leaves there must get owner write, and are checked there.
    @Test func symlinkedStateFileGetsWritableSideFiles() throws {
        defer { cleanUp() }
        let target = root.appendingPathComponent("real/planable-sync.sqlite").path
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("real"), withIntermediateDirectories: true)
        chmod(root.appendingPathComponent("real").path, 0o777)
        try FileManager.default.createSymbolicLink(atPath: statePath, withDestinationPath: target)
        try writePost(title: "Opening")
        let first = try run(["sync"])
        #expect(first.status == 0, "\(first.stderr)")
        try writePost(title: "Opening day")

        chmod(target, 0o444)
        let status = try run(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        for suffix in ["-wal", "-shm"] {
            var fileStatus = stat()
            guard stat(target + suffix, &fileStatus) == 0 else { continue }
            #expect(
                fileStatus.st_mode & 0o200 != 0,
                "\(suffix) has mode \(String(fileStatus.st_mode & 0o777, radix: 8))")
        }

        chmod(target, 0o644)
        let shm = target + "-shm"
        let shmExists = FileManager.default.fileExists(atPath: shm)
        if shmExists {
            // The side file that a user may not write is named in the rejection.
            chmod(shm, 0o444)
            let rejected = try run(["sync"])
            #expect(rejected.status == 78, "\(rejected.stderr)")
            #expect(rejected.stderr.contains("may not write \(shm)"), "\(rejected.stderr)")
            #expect(try postTexts() == ["Opening"], "sync sent an update")
            chmod(shm, 0o644)
        }
        let sync = try run(["sync"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout.contains("update 1"), "\(sync.stdout)")
        #expect(try postTexts() == ["Opening day"])
    }

    /// A shared-memory file that the user may not write stops `sync` as the database file does.
    @Test func readOnlySharedMemoryFileStopsSync() throws {
        defer { cleanUp() }
        try writePost(title: "Opening")
        let first = try run(["sync"])
        #expect(first.status == 0, "\(first.stderr)")
        try writePost(title: "Opening day")
        let shm = statePath + "-shm"
        if !FileManager.default.fileExists(atPath: shm) {
            _ = FileManager.default.createFile(atPath: shm, contents: Data(count: 32_768))
        }
        chmod(shm, 0o444)

        let sync = try run(["sync"])
        #expect(sync.status == 78, "\(sync.stderr)")
        #expect(sync.stderr.contains("may not write \(shm)"), "\(sync.stderr)")
        #expect(try postTexts() == ["Opening"], "sync sent an update")
        let check = try run(["check"])
        #expect(check.status == 78, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("this user cannot write \(shm)"), "\(check.stdout)")
    }

    /// A `sync` run by hand as root, beside a service that runs as another user, gives the lock file it creates to
    /// the state's owner. A lock file that still belongs to root stops the other user's sync with exit 78 and the fix.
    /// A first sync run by hand as root, in a state folder that the service's user owns, gives the new state
    /// database to that user, so the service can write it afterwards.
    @Test(.enabled(if: getuid() == 0)) func stateFromRootRunGoesToFolderOwner() throws {
        defer { cleanUp() }
        let nobody = try #require(getpwnam("nobody")).pointee
        let folder = root.appendingPathComponent("state").path
        #expect(chown(folder, nobody.pw_uid, nobody.pw_gid) == 0)
        chmod(folder, 0o755)
        try writePost(title: "Opening")
        let asRoot = try ProductProcess.run(["sync", "--config", configPath], timeout: 60)
        #expect(asRoot.status == 0, "\(asRoot.stderr)")
        var status = stat()
        #expect(stat(statePath, &status) == 0)
        #expect(status.st_uid == nobody.pw_uid, "root's first sync left the state database to root")

        try writePost(title: "Opening day")
        let asService = try run(["sync"])
        #expect(asService.status == 0, "\(asService.stderr)")
    }

    @Test(.enabled(if: getuid() == 0)) func lockFileFromRootRunStaysUsable() throws {
        defer { cleanUp() }
        try writePost(title: "Opening")
        let first = try run(["sync"])
        #expect(first.status == 0, "\(first.stderr)")
        let lockPath = statePath + ".lock"
        try FileManager.default.removeItem(atPath: lockPath)

        try writePost(title: "Opening day")
        let asRoot = try ProductProcess.run(["sync", "--config", configPath], timeout: 60)
        #expect(asRoot.status == 0, "\(asRoot.stderr)")
        var status = stat()
        #expect(stat(lockPath, &status) == 0)
        #expect(status.st_uid != 0, "root's sync left the lock file to root")
        let afterRoot = try run(["sync"])
        #expect(afterRoot.status == 0, "\(afterRoot.stderr)")

        chown(lockPath, 0, 0)
        chmod(lockPath, 0o600)
        let blocked = try run(["sync"])
        #expect(blocked.status == 78, "\(blocked.stderr)")
        let named = "cannot open the lock file \(lockPath), which belongs to root"
        #expect(blocked.stderr.contains(named), "\(blocked.stderr)")
        #expect(blocked.stderr.contains("delete the file or give it to this user"), "\(blocked.stderr)")
        #expect(!blocked.stderr.contains("make its folder writable"), "\(blocked.stderr)")
    }
}
