import Foundation
import Networks
import Testing

@testable import SyncEngine

/// Per-network checks before any request: each limit fails its item, naming the item, the page, the rule and the
/// limit, and nothing is sent for it.
@Suite struct MappingNetworkLimitTests {
    /// One rule per page, so the message can name it; `template` is the whole text.
    static func workspace(pages: [String], rule: String = "every page", extra: String = "") throws -> TestWorkspace {
        let pageList = pages.map { "\"\($0)\"" }.joined(separator: ", ")
        return try TestWorkspace(
            pages: pages,
            extraConfiguration: """
                rules:
                  - name: \(rule)
                    pages: [\(pageList)]
                    template: "{{text}}"
                \(extra)
                """)
    }

    /// Syncs one item and returns its report line; the run must have sent no write for it.
    private func failedItem(_ workspace: TestWorkspace, body: String, frontMatter: String = "") throws -> ReportedItem {
        try workspace.writePost("item.md", title: "Item", body: body, frontMatter: frontMatter)
        let report = try workspace.run(.apply)
        #expect(report.requests.write == 0, "a failed item sends nothing")
        let item = try #require(report.items.first)
        #expect(item.decision == .failed)
        return item
    }

    @Test(arguments: [
        ("Northwind X", 281, "X allows at most 280"), ("Northwind LinkedIn", 3001, "LinkedIn allows at most 3000"),
        ("Northwind Threads", 501, "Threads allows at most 500"),
        ("Northwind Facebook", 63207, "Facebook allows at most 63206"),
    ])
    func textOverTheLimitFailsTheItem(page: String, length: Int, limit: String) throws {
        let workspace = try Self.workspace(pages: [page], rule: "long texts")
        defer { workspace.remove() }
        let body = String(repeating: "a", count: length)
        let item = try failedItem(workspace, body: body)
        let message = try #require(item.message)
        #expect(message.contains("item.md"))
        #expect(message.contains("page \"\(page)\""))
        #expect(message.contains("rule \"long texts\""))
        #expect(message.contains(limit), "\(message)")
        #expect(message.contains("is \(length) "), "\(message)")
        // Without truncate, the message names the setting that would fit the text.
        #expect(message.contains("(set truncate: true, in the configuration or in a rule"), "\(message)")
    }

    @Test func textAtTheLimitPasses() throws {
        let workspace = try Self.workspace(pages: ["Northwind X", "Northwind Threads"])
        defer { workspace.remove() }
        try workspace.writePost("item.md", title: "Item", body: String(repeating: "a", count: 280))
        let report = try workspace.run(.plan)
        #expect(report.failed == 0)
        #expect(report.items.first?.posts.first?.characters == 280)
    }

    @Test func xCountsLinksAsTwentyThreeAndEmojiAsTwo() throws {
        let workspace = try Self.workspace(pages: ["Northwind X"])
        defer { workspace.remove() }
        // 199 letters, a space, a 60-character URL (23), a space and 28 emoji (56): 280 weighted, 317 characters.
        let url = "https://coffee.northwind.example/" + String(repeating: "p", count: 27)
        let body = String(repeating: "b", count: 199) + " " + url + " " + String(repeating: "☕️", count: 28)
        try workspace.writePost("item.md", title: "Item", body: body)
        let report = try workspace.run(.plan)
        #expect(report.failed == 0, "\(report.items.first?.message ?? "")")
        #expect(report.items.first?.posts.first?.characters == 280)
    }

    @Test func instagramHashtagsAndMissingMedia() throws {
        let workspace = try Self.workspace(pages: ["Northwind Instagram"], rule: "instagram")
        defer { workspace.remove() }
        let tags = (1...31).map { "#tag\($0)" }.joined(separator: " ")
        let message = try #require(try failedItem(workspace, body: "Beans. \(tags)").message)
        #expect(message.contains("31 hashtags; Instagram allows at most 30"), "\(message)")
        #expect(message.contains("no image or video; Instagram needs at least one"), "\(message)")
        #expect(message.contains("(add one to the item, or leave the page out for such items"), "\(message)")
        #expect(message.contains("rule \"instagram\""))
    }

    @Test func xTakesAtMostFourImagesAndOneKindOfMedia() throws {
        let server = try MediaTestServer()
        defer { server.stop() }
        let workspace = try Self.workspace(pages: ["Northwind X"], rule: "x media")
        defer { workspace.remove() }
        let five = (1...5).map { "  - \(server.baseURL)/photo.png?\($0)" }.joined(separator: "\n")
        let tooMany = try failedItem(workspace, body: "Five photos.", frontMatter: "images:\n\(five)\n")
        #expect(tooMany.message?.contains("5 media; X allows at most 4") == true, "\(tooMany.message ?? "")")

        let mixed = "images:\n  - \(server.baseURL)/photo.png\n  - \(server.baseURL)/clip.mp4\n"
        let mixedItem = try failedItem(workspace, body: "A photo and a clip.", frontMatter: mixed)
        #expect(mixedItem.message?.contains("X takes one kind per post") == true, "\(mixedItem.message ?? "")")
    }

    /// With `truncate`, a Facebook text is cut to the API's 25,000 characters, below Facebook's own 63,206, which
    /// it failed at before.
    @Test func truncateFitsFacebookTextToTheAPI() throws {
        let workspace = try Self.workspace(pages: ["Northwind Facebook"], rule: "long", extra: "    truncate: true")
        defer { workspace.remove() }
        let words = Array(repeating: "word", count: 9_000).joined(separator: " ")
        try workspace.writePost("item.md", title: "Item", body: words)
        let report = try workspace.run(.apply)
        #expect(report.failed == 0, "\(report.items.compactMap(\.message))")
        #expect(report.created == 1)
        let post = try #require(report.items.first?.posts.first)
        #expect(post.warnings.contains { $0.contains("to fit the Planable API's limit") }, "\(post.warnings)")
        let sent = try #require(try ReferenceReadBack(stateFolder: workspace.stateFolder).posts().first)
        #expect(sent.plainText.unicodeScalars.count <= 25_000)
        #expect(sent.plainText.unicodeScalars.count > 24_900)
        #expect(sent.plainText.hasSuffix("word…"))
    }

    /// With `truncate`, media past X's limits are left out with a warning instead of failing the item: the first
    /// 4 of 5 photos, and of a photo and a clip, the photo.
    @Test func truncateFitsMediaToX() throws {
        let server = try MediaTestServer()
        defer { server.stop() }
        let workspace = try Self.workspace(pages: ["Northwind X"], rule: "x media", extra: "    truncate: true")
        defer { workspace.remove() }
        let photos = (1...5).map { "\(server.baseURL)/photo.png?\($0)" }
        try workspace.writePost(
            "five.md", title: "Five", body: "Five photos.",
            frontMatter: "images:\n" + photos.map { "  - \($0)\n" }.joined())
        try workspace.writePost(
            "mixed.md", title: "Mixed", body: "A photo and a clip.",
            frontMatter: "images:\n  - \(server.baseURL)/photo.png\n  - \(server.baseURL)/clip.mp4\n")
        let report = try workspace.run(.plan)
        let five = try #require(report.items.first { $0.identity == "five.md" }?.posts.first)
        #expect(five.media == Array(photos.prefix(4)), "\(report.items.map(\.message))")
        #expect(
            five.warnings.contains(
                "1 of 5 media left out to fit X's limits on the number and kinds of media; the first ones are kept"),
            "\(five.warnings)")
        let mixed = try #require(report.items.first { $0.identity == "mixed.md" }?.posts.first)
        #expect(mixed.media == [server.baseURL + "/photo.png"], "\(report.items.map(\.message))")
        #expect(report.failed == 0)
    }

    /// `fitMedia` keeps the first kind that the network takes: a clip after a thumbnail on YouTube and TikTok,
    /// which take no image, and a picture after a clip on Pinterest, which takes no video.
    @Test(arguments: [
        (Network.youtube, [MediaKind.image, .video], [MediaKind.video]),
        (.tiktok, [.image, .video], [.video]),
        (.pinterest, [.video, .image], [.image]),
        (.x, [.image, .image, .image, .image, .image, .video], [.image, .image, .image, .image]),
        (.x, [.video, .image, .video], [.video]),
        (.linkedin, [.image, .image], [.image, .image]),
    ])
    func fitMediaKeepsKindsTheNetworkTakes(network: Network, kinds: [MediaKind], expected: [MediaKind]) {
        let media = kinds.enumerated().map { CheckedMedium(url: "https://cdn.example/\($0.offset)", kind: $0.element) }
        let fitted = Mapper.fitMedia(media, rules: NetworkRules.rules(for: network).media)
        #expect(fitted.map(\.kind) == expected, "\(network): \(fitted)")
    }

    @Test func youtubeAndTikTokNeedAVideoAndYouTubeATitle() throws {
        let server = try MediaTestServer()
        defer { server.stop() }
        let workspace = try Self.workspace(pages: ["Northwind YouTube", "Northwind TikTok"], rule: "video")
        defer { workspace.remove() }
        let noVideo = try #require(try failedItem(workspace, body: "No clip.").message)
        #expect(noVideo.contains("page \"Northwind YouTube\""))
        #expect(noVideo.contains("no video; YouTube needs exactly one"), "\(noVideo)")
        #expect(noVideo.contains("YouTube title is missing"), "\(noVideo)")

        let titled = try Self.workspace(
            pages: ["Northwind YouTube"], rule: "video",
            extra: "    youtube_title: \"{{title}} {{title}}\"")
        defer { titled.remove() }
        let longTitle = String(repeating: "t", count: 60)
        try titled.writePost(
            "item.md", title: longTitle, body: "A clip.", frontMatter: "image: \(server.baseURL)/clip.mp4\n")
        let report = try titled.run(.apply)
        let message = try #require(report.items.first?.message)
        #expect(message.contains("YouTube title is 121 characters; YouTube allows at most 100"), "\(message)")
        #expect(report.requests.write == 0)
    }

    @Test func tiktokWithoutVideoFails() throws {
        let workspace = try Self.workspace(pages: ["Northwind TikTok"], rule: "tiktok")
        defer { workspace.remove() }
        let message = try #require(try failedItem(workspace, body: "No clip.").message)
        #expect(message.contains("page \"Northwind TikTok\""))
        #expect(message.contains("no video; TikTok needs exactly one"), "\(message)")
    }

    @Test func pinterestNeedsABoardAndAnImage() throws {
        let workspace = try Self.workspace(pages: ["Northwind Pinterest"], rule: "pins")
        defer { workspace.remove() }
        let message = try #require(try failedItem(workspace, body: "No board.").message)
        #expect(message.contains("Pinterest board is missing"), "\(message)")
        #expect(message.contains("(set pinterest: {board: BOARD_ID} in a rule that applies to the page)"), "\(message)")
        #expect(message.contains("no image; Pinterest needs at least one"), "\(message)")
    }

    @Test func oneFailingPageFailsTheItemButNotOthers() throws {
        let workspace = try Self.workspace(pages: ["Northwind LinkedIn", "Northwind X"])
        defer { workspace.remove() }
        try workspace.writePost("long.md", title: "Long", body: String(repeating: "a", count: 300))
        try workspace.writePost("short.md", title: "Short", body: "Fits everywhere.")
        let report = try workspace.run(.apply)
        #expect(report.failed == 1)
        #expect(report.created == 1)
        #expect(report.items.first { $0.identity == "long.md" }?.message?.contains("page \"Northwind X\"") == true)
        #expect(report.requests.write == 1)
    }

    @Test func theMessageListsEveryPageThatBreaksALimit() throws {
        let workspace = try Self.workspace(
            pages: ["Northwind LinkedIn", "Northwind X", "Northwind Threads"], rule: "all")
        defer { workspace.remove() }
        let message = try #require(try failedItem(workspace, body: String(repeating: "a", count: 600)).message)
        #expect(message.hasPrefix("posts: item.md: page \"Northwind X\" (rule \"all\"): text is 600"), "\(message)")
        #expect(
            message.contains(
                "; page \"Northwind Threads\" (rule \"all\"): text is 600 characters; Threads allows at most 500 (set "
                    + "truncate: true"))
        #expect(!message.contains("Northwind LinkedIn"))
    }

    /// Tags become hashtags once each, whatever their case, and a tag of digits alone is left out.
    @Test func tagsBecomeDistinctHashtags() {
        let tags = ["#coffee", "Women's Day", "coffee", "COFFEE", "2025", "", "Node.js", "咖啡"]
        #expect(Mapper.hashtags(tags) == ["#coffee", "#WomensDay", "#Nodejs", "#咖啡"])
    }

    /// A language whose name ends in `++` or `#` keeps that ending spelled out, so "C++" and "C#" differ from "C".
    @Test func languageTagsKeepTheirEnding() {
        #expect(
            Mapper.hashtags(["C++", "C#", "F#", "C", "#swift", "Notepad++"]) == [
                "#Cpp", "#CSharp", "#FSharp", "#C", "#swift", "#Notepadpp",
            ])
    }

    /// {{path}} is the file's path without its extension, a bundle's folder for its index, and empty for a feed.
    @Test func pathOfFilesAndBundles() {
        func path(_ location: String) -> String? {
            Mapper.sitePath(
                for: SourceItem(source: "s", identity: location, location: location, title: "", contentHash: ""))
        }
        #expect(path("functions/collections/in.md") == "functions/collections/in")
        #expect(path("news/bundle/index.md") == "news/bundle")
        #expect(path("news/_index.md") == "news")
        #expect(path("about.markdown") == "about")
        #expect(path("https://news.example/a") == nil)
    }
}
