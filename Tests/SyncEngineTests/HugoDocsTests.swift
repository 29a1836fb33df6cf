import Foundation
import Logging
import Networks
import PlanableAPI
import Testing

@testable import SyncEngine

/// The Hugo documentation (992 Markdown pages with YAML and TOML front matter, shortcodes and page bundles),
/// planned and synced to three pages: not one page may fail to parse or map.
@Suite(.serialized) struct HugoDocsTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hugo-docs")

    /// A copy of the docs in a temporary folder with a three-network configuration.
    ///
    /// Media checks are off and no `media_base_url` is set: the docs link images on public hosts, which an
    /// offline run must never fetch, and the embedded server only probes loopback anyway.
    static func makeWorkspace() throws -> (root: URL, config: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-hugo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixture, to: root.appendingPathComponent("content"))
        let config = root.appendingPathComponent("planable-sync.yaml").path
        try """
        state: state/planable-sync.sqlite
        api:
          embedded:
            reads_per_minute: 100000
            writes_per_minute: 100000
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn, Northwind Facebook, Northwind X]
        truncate: true
        check_media: false
        template: |
          {{title}}

          {{summary}}

          {{url}}
        sources:
          - name: hugo-docs
            type: directory
            path: content
            link: "https://gohugo.io/{{slug}}/"
        """.write(toFile: config, atomically: true, encoding: .utf8)
        return (root, config)
    }

    static func run(_ config: String, _ mode: RunMode) throws -> RunReport {
        let runtime = try Runtime(
            configuration: try Configuration.load(path: config), logger: Logger(label: "test", destination: .none),
            exclusive: mode == .apply)
        return try runtime.engine().run(mode: mode)
    }

    @Test func planAndSyncTheWholeTreeWithoutAFailure() throws {
        let (root, config) = try Self.makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let markdownFiles = FileManager.default.enumerator(atPath: Self.fixture.path)!
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".md") }.count
        #expect(markdownFiles == 992)

        let plan = try Self.run(config, .plan)
        let failures = plan.items.filter { $0.decision == .failed }.map { $0.message ?? $0.identity }
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(5))")
        #expect(plan.errors.isEmpty, "\(plan.errors.prefix(5))")
        #expect(plan.requests.write == 0)
        #expect(plan.items.count == markdownFiles)
        // Skipped pages are Hugo's section lists and the shared snippets under _common, nothing else.
        for item in plan.items where item.decision == .skipped {
            #expect(item.identity.hasSuffix("_index.md") || item.identity.hasPrefix("_common/"), "\(item.identity)")
        }
        #expect(plan.created > 850)
        // A page bundle's index.md takes its folder's name as its slug, as Hugo's own URL does.
        let bundle = try #require(plan.items.first { $0.identity.hasSuffix("/image-processing/index.md") })
        let bundleText = bundle.posts.first?.text ?? ""
        #expect(bundleText.hasSuffix("https://gohugo.io/image-processing/"), "\(bundleText.suffix(80))")
        for item in plan.items {
            for post in item.posts where post.networks.contains("x") {
                let weighted = NetworkCheck.count(post.text, network: .x)
                #expect(weighted <= 280, "\(item.identity): \(weighted) weighted characters on X")
            }
        }

        let sync = try Self.run(config, .apply)
        #expect(sync.failed == 0, "\(sync.items.filter { $0.decision == .failed }.prefix(3).map { $0.message ?? "" })")
        #expect(sync.created == plan.created)
        let plannedGroups = plan.items.reduce(0) { $0 + $1.posts.count }
        let plannedPosts = plan.items.reduce(0) { $0 + $1.posts.reduce(0) { $0 + $1.pages.count } }
        #expect(sync.requests.write == plannedGroups, "one grouped create per group, nothing else")

        let reference = try ReferenceReadBack(stateFolder: root.appendingPathComponent("state"))
        let posts = try reference.posts()
        #expect(posts.count == plannedPosts)
        #expect(Set(posts.map { $0.groupId ?? $0.id }).count == plannedGroups)
        let build = try #require(posts.first { $0.plainText.hasPrefix("hugo build\n") })
        // The page's front matter `url: /commands/hugo_build/` wins over the source's `link` template, as on
        // gohugo.io.
        #expect(build.plainText == "hugo build\n\nBuild your project\n\nhttps://gohugo.io/commands/hugo_build/")
        #expect(build.groupPageIds?.count == 3)

        let again = try Self.run(config, .apply)
        #expect(again.requests.write == 0)
        #expect(again.failed == 0)
    }
}
