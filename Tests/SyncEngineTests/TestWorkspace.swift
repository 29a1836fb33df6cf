import Foundation
import Logging
import PlanableAPI

@testable import SyncEngine

/// A temporary folder with a content tree and a configuration that syncs it into the embedded reference server.
struct TestWorkspace {
    let root: URL
    /// Folders of their own under the temporary folder that hold feed files the configuration reads, which
    /// `remove` deletes with the workspace.
    private(set) var feedFolders: [URL] = []
    var contentFolder: URL { root.appendingPathComponent("content") }
    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }
    /// The folder of the state database, where the embedded server keeps `reference.sqlite` and its token.
    var stateFolder: URL { root.appendingPathComponent("state") }

    /// - Parameters:
    ///   - extraConfiguration: Top-level settings appended to the configuration.
    ///   - sourceSettings: Settings appended to the `posts` source, one per line, such as `media_base_url: ...`.
    ///   - api: The `api` setting, with its trailing newline.
    init(
        pages: [String] = ["Northwind LinkedIn", "Northwind Facebook", "Northwind X"], extraConfiguration: String = "",
        sourceSettings: String = "", api: String = "api: embedded\n"
    ) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("planable-sync-test-\(UUID().uuidString)")
        feedFolders = Self.feedFolders(in: extraConfiguration)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        let pageList = pages.map { "  - \($0)" }.joined(separator: "\n")
        let configuration = """
            state: state/planable-sync.sqlite
            \(api)workspace: Northwind Coffee
            pages:
            \(pageList)
            template: |
              {{title}}

              {{summary}}
            sources:
              - name: posts
                type: directory
                path: content
            \(sourceSettings.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            \(extraConfiguration)
            """
        try configuration.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Writes a Markdown file with YAML front matter below the content folder.
    func writePost(_ name: String, title: String, body: String, frontMatter: String = "") throws {
        let text = "---\ntitle: \"\(title)\"\n\(frontMatter)---\n\n\(body)\n"
        let url = contentFolder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Writes `bytes` to a file below the content folder, creating its folders.
    func writeFile(_ name: String, bytes: [UInt8]) throws {
        let url = contentFolder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func writeRaw(_ name: String, _ text: String) throws {
        try text.write(to: contentFolder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// Runs one pass in a fresh runtime, as one `sync` or `plan` process would.
    func run(_ mode: RunMode) throws -> RunReport {
        let configuration = try Configuration.load(path: configPath)
        let runtime = try Runtime(
            configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: mode == .apply)
        return try runtime.engine().run(mode: mode)
    }

    /// Runs one pass with a client limiter that allows `writesPerWindow`, whatever the server allows.
    func runWithClientLimits(
        _ mode: RunMode, writesPerWindow: Int, alongside: (@Sendable (String) -> Void)? = nil
    ) throws -> RunReport {
        let configuration = try Configuration.load(path: configPath)
        guard case .embedded(let options) = configuration.api else { throw MappingError("needs api: embedded") }
        let logger = Logger(label: "test", destination: .none)
        let (server, token) = try Runtime.startEmbedded(
            statePath: configuration.statePath, options: options, logger: logger)
        defer { server.stop() }
        if let alongside {
            let root = server.baseURL.replacingOccurrences(of: "/api/v1", with: "")
            Thread.detachNewThread { alongside(root) }
        }
        let client = PlanableClient(
            baseURL: server.baseURL, token: token,
            limiter: RateLimiter(
                readsPerMinute: 10_000, writesPerMinute: writesPerWindow, window: options.windowSeconds),
            logger: logger)
        let state = try StateStore(path: configuration.statePath)
        let runtimeSources = configuration.sources.map { source -> any ItemSource in
            guard case .directory(let path, let include, let exclude) = source.kind else { preconditionFailure() }
            return DirectorySource(
                name: source.name, root: path, include: include, exclude: exclude,
                mappingFingerprint: configuration.mappingFingerprint, allowsEmpty: source.allowsEmpty)
        }
        let engine = SyncEngine(
            configuration: configuration, state: state, client: client, sources: runtimeSources, logger: logger,
            mediaReach: .loopbackOnly)
        return try engine.run(mode: mode)
    }

    /// Makes a workspace for `pages` with the feed source `news`, read from `feed.xml` in a folder of its own that
    /// `remove` deletes, and returns it with that file's path, which the test writes.
    static func withNewsFeed(pages: [String], backfill: Int) throws -> (workspace: TestWorkspace, feedPath: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-news-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let feedPath = folder.appendingPathComponent("feed.xml")
        let workspace = try TestWorkspace(
            pages: pages,
            extraConfiguration: """
                  - name: news
                    type: feed
                    url: \(feedPath.absoluteString)
                    backfill: \(backfill)
                """)
        return (workspace, feedPath)
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
        for folder in feedFolders { try? FileManager.default.removeItem(at: folder) }
    }

    /// Returns the folders of the `file:` feed URLs in `configuration` that a test made for the feed alone: each is
    /// named `planable-sync-...` and lies right in the temporary folder.
    static func feedFolders(in configuration: String) -> [URL] {
        let temporary = FileManager.default.temporaryDirectory.standardizedFileURL.path
        return configuration.split(separator: "\n").compactMap { line in
            guard let start = line.range(of: "url: file://"),
                let url = URL(string: String(line[start.lowerBound...].dropFirst("url: ".count)))
            else { return nil }
            let folder = url.deletingLastPathComponent().standardizedFileURL
            guard folder.deletingLastPathComponent().path == temporary,
                folder.lastPathComponent.hasPrefix("planable-sync-")
            else { return nil }
            return folder
        }
    }
}
