import Foundation
import TestSupport
import Testing

/// `check` and `plan` with two sources that read the same files: a repeated folder or feed is a configuration
/// error, and overlapping folders are a warning.
@Suite(.serialized) struct RepeatedSourceCheckTests {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-repeat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("tpl"), withIntermediateDirectories: true)
        for name in ["a", "b"] {
            try "---\ntitle: Post \(name)\n---\n\nBody \(name).\n".write(
                to: root.appendingPathComponent("tpl/\(name).md"), atomically: true, encoding: .utf8)
        }
    }

    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }

    /// Writes a configuration for the embedded server whose `sources` list is `sources`.
    func writeConfiguration(_ sources: String) throws {
        try """
        state: state/s.sqlite
        api: embedded
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn]
        sources:
        \(sources)
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    @Test(arguments: ["tpl", "./tpl/"])
    func repeatedFolderFailsCheck(secondPath: String) throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try writeConfiguration(
            """
              - {name: a,  type: directory, path: tpl}
              - {name: a2, type: directory, path: \(secondPath)}
            """)
        for command in ["check", "plan", "sync"] {
            let run = try ProductProcess.run([command, "--config", configPath])
            #expect(run.status == 78, "\(command): \(run.stdout)\(run.stderr)")
            let output = run.stdout + run.stderr
            #expect(output.contains("planable-sync.yaml:7:5: sources \"a\" (line 6) and \"a2\" (line 7)"), "\(output)")
        }
        // The sync stopped before it started the embedded server, so nothing was posted.
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("state/reference.sqlite").path))
    }

    @Test func repeatedFeedFailsCheck() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try writeConfiguration(
            """
              - {name: news, type: feed, url: dup.xml}
              - {name: news2, type: feed, url: ./dup.xml}
            """)
        let check = try ProductProcess.run(["check", "--config", configPath])
        #expect(check.status == 78, "\(check.stdout)\(check.stderr)")
        let output = check.stdout + check.stderr
        #expect(output.contains("sources \"news\" (line 6) and \"news2\" (line 7) both read feed"), "\(output)")
    }

    /// A folder inside another source's folder may or may not share files with it, so `check` warns and `plan`
    /// shows each shared file as failed for the second source.
    @Test func nestedFolderWarnsAndPlansOnce() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try writeConfiguration(
            """
              - {name: all, type: directory, path: ., include: ["tpl/**"]}
              - {name: tpl, type: directory, path: tpl}
            """)
        let check = try ProductProcess.run(["check", "--config", configPath])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(
            check.stdout.contains(
                "warning: sources \"all\" and \"tpl\" read overlapping folders and share 2 files, such as "),
            "\(check.stdout)")
        let plan = try ProductProcess.run(["plan", "--config", configPath])
        #expect(plan.stdout.contains("would create 2"), "\(plan.stdout)")
        #expect(plan.stdout.contains("also read by source \"all\""), "\(plan.stdout)")
    }

    /// A folder that the outer source excludes shares no file with it, so `check` does not warn about the two.
    @Test func nestedFoldersWithSeparateFilesDoNotWarn() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try writeConfiguration(
            """
              - {name: all, type: directory, path: ., exclude: ["tpl/**"]}
              - {name: tpl, type: directory, path: tpl}
            """)
        let check = try ProductProcess.run(["check", "--config", configPath])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(!check.stdout.contains("overlapping folders"), "\(check.stdout)")
    }
}
