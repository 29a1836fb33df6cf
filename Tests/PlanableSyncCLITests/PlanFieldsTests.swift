import Foundation
import TestSupport
import Testing

/// `planable-sync plan` shows every field that a create or update would send, in text, JSON and HTML, run as a
/// subprocess against the embedded reference server.
@Suite(.serialized) struct PlanFieldsTests {
    let root: URL

    var configPath: String { root.appendingPathComponent("planable-sync.yaml").path }

    /// A video item for LinkedIn and YouTube and an image item for Pinterest, with rules that set every field.
    /// The media URLs are on `.example` hosts, which the embedded server records by file name without fetching.
    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-fields-\(UUID().uuidString)")
        let content = root.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        try """
        ---
        title: Roast day
        date: 2031-02-03
        image: https://media.northwind.example/roast.mp4
        ---

        Watch the roast.
        """.write(to: content.appendingPathComponent("video.md"), atomically: true, encoding: .utf8)
        try """
        ---
        title: Latte art
        date: 2031-02-03
        image: https://media.northwind.example/latte.png
        ---

        A rosetta in three moves.
        """.write(to: content.appendingPathComponent("pin.md"), atomically: true, encoding: .utf8)
        try Self.configuration(firstComment: "Read more: {{url}}")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    static func configuration(firstComment: String) -> String {
        """
        state: state/planable-sync.sqlite
        api: embedded
        workspace: Northwind Coffee
        pages: [Northwind LinkedIn]
        template: "{{title}}\\n\\n{{summary}}"
        create_labels: true
        notify: true
        sources:
          - name: posts
            type: directory
            path: content
            link: "https://coffee.northwind.example/{{path}}/"
        rules:
          - name: video
            match: {path: "video.md"}
            pages: [Northwind LinkedIn, Northwind YouTube]
            labels: [Roasting]
            schedule: {time: "08:15", publish: true}
            first_comment: "\(firstComment)"
            internal_note: "From {{source}}"
            team_only: true
            youtube_title: "{{title}} (video)"
            linkedin_document_title: "{{title}} slides"
            linkedin_video_title: "{{title}} clip"
          - name: pins
            match: {path: "pin.md"}
            pages: [Northwind Pinterest]
            pinterest: {board: board-1, title: "{{title}} pin", link: "{{url}}", description: "{{summary}}"}
        """
    }

    /// The lines that each field gives in the text plan.
    static let textLines = [
        "media: https://media.northwind.example/roast.mp4",
        "scheduled 2031-02-03 08:15 America/New_York (2031-02-03T13:15:00.000Z), published then once approved; "
            + "labels Roasting; team only; "
            + "notifies workspace members",
        "first comment: Read more: https://coffee.northwind.example/video/",
        "internal note: From posts",
        "YouTube title: Roast day (video)",
        "LinkedIn PDF carousel title: Roast day slides",
        "LinkedIn video title: Roast day clip",
        "media: https://media.northwind.example/latte.png",
        "Pinterest board: board-1",
        "Pinterest title: Latte art pin",
        "Pinterest link: https://coffee.northwind.example/pin/",
        "Pinterest description: A rosetta in three moves.",
    ]

    @Test func textPlanShowsEveryField() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try ProductProcess.run(["plan", "--config", configPath])
        #expect(result.status == 0, "stderr: \(result.stderr.suffix(400))")
        let lines = Set(result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        for expected in Self.textLines {
            #expect(lines.contains(expected), "the text plan lacks \(expected):\n\(result.stdout)")
        }
    }

    @Test func jsonPlanAddsFieldsAndKeepsKeys() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try ProductProcess.run(["plan", "--config", configPath, "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr.suffix(400))")
        let posts = try Self.posts(result.stdout)
        let linkedin = try #require(posts["Northwind LinkedIn"])
        // The keys that reports had before keep their names.
        for key in ["pages", "networks", "text", "characters", "media", "postIds", "warnings", "scheduledAt", "labels"]
        {
            #expect(linkedin[key] != nil, "the post lacks \(key)")
        }
        #expect(linkedin["firstComment"] as? String == "Read more: https://coffee.northwind.example/video/")
        #expect(linkedin["internalNote"] as? String == "From posts")
        #expect(linkedin["teamOnly"] as? Bool == true)
        #expect(linkedin["publishAtScheduledDate"] as? Bool == true)
        #expect(linkedin["notify"] as? Bool == true)
        #expect(linkedin["linkedinPdfTitle"] as? String == "Roast day slides")
        #expect(linkedin["linkedinVideoTitle"] as? String == "Roast day clip")
        #expect(linkedin["unchangedByUpdate"] == nil, "a create sends every field")
        let youtube = try #require(posts["Northwind YouTube"])
        #expect(youtube["youtubeTitle"] as? String == "Roast day (video)")
        let pinterest = try #require(posts["Northwind Pinterest"]?["pinterest"] as? [String: Any])
        #expect(pinterest["boardId"] as? String == "board-1")
        #expect(pinterest["title"] as? String == "Latte art pin")
        #expect(pinterest["link"] as? String == "https://coffee.northwind.example/pin/")
        #expect(pinterest["description"] as? String == "A rosetta in three moves.")
    }

    @Test func htmlPlanShowsEveryField() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("plan.html")
        let result = try ProductProcess.run([
            "plan", "--config", configPath, "--format", "html", "--output", output.path,
        ])
        #expect(result.status == 0, "stderr: \(result.stderr.suffix(400))")
        let html = try String(contentsOf: output, encoding: .utf8)
        let fragments = [
            "Scheduled 2031-02-03 08:15 America/New_York (2031-02-03T13:15:00.000Z), published then once approved · "
                + "Labels: Roasting · Team only · "
                + "Notifies workspace members",
            "<dt>First comment</dt><dd>Read more: https://coffee.northwind.example/video/</dd>",
            "<dt>Internal note</dt><dd>From posts</dd>",
            "<dt>YouTube title</dt><dd>Roast day (video)</dd>",
            "<dt>LinkedIn PDF carousel title</dt><dd>Roast day slides</dd>",
            "<dt>LinkedIn video title</dt><dd>Roast day clip</dd>",
            "<dt>Pinterest board</dt><dd>board-1</dd>",
            "<dt>Pinterest title</dt><dd>Latte art pin</dd>",
            "<dt>Pinterest link</dt><dd>https://coffee.northwind.example/pin/</dd>",
            "<dt>Pinterest description</dt><dd>A rosetta in three moves.</dd>",
            "href=\"https://media.northwind.example/roast.mp4\"",
        ]
        for fragment in fragments {
            #expect(html.contains(fragment), "the page lacks \(fragment)")
        }
    }

    /// `PATCH /posts/{id}` has no first comment, internal note or YouTube title, so an update, here of the text,
    /// cannot change them, and every format marks them.
    @Test func updateMarksFieldsItCannotSend() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let sync = try ProductProcess.run(["sync", "--config", configPath])
        #expect(sync.status == 0, "stderr: \(sync.stderr.suffix(400))")
        try Self.configuration(firstComment: "Order at {{url}}").write(
            toFile: configPath, atomically: true, encoding: .utf8)
        let video = root.appendingPathComponent("content/video.md")
        try String(contentsOf: video, encoding: .utf8).replacingOccurrences(of: "Watch the roast.", with: "Watch it.")
            .write(to: video, atomically: true, encoding: .utf8)

        let text = try ProductProcess.run(["plan", "--config", configPath])
        #expect(text.status == 0, "stderr: \(text.stderr.suffix(400))")
        let lines = Set(text.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        let unsent = "(not sent: an update cannot change it)"
        #expect(
            lines.contains("first comment \(unsent): Order at https://coffee.northwind.example/video/"),
            "\(text.stdout)")
        #expect(lines.contains("internal note \(unsent): From posts"), "\(text.stdout)")
        #expect(lines.contains("YouTube title \(unsent): Roast day (video)"), "\(text.stdout)")
        #expect(lines.contains("LinkedIn video title: Roast day clip"), "an update sends the LinkedIn video title")

        let json = try ProductProcess.run(["plan", "--config", configPath, "--format", "json"])
        let posts = try Self.posts(json.stdout)
        let linkedin = try #require(posts["Northwind LinkedIn"])
        #expect(linkedin["decision"] as? String == "update")
        #expect(linkedin["unchangedByUpdate"] as? [String] == ["firstComment", "internalNote"])
        #expect(
            posts["Northwind YouTube"]?["unchangedByUpdate"] as? [String] == [
                "firstComment", "internalNote", "youtubeTitle",
            ])

        let output = root.appendingPathComponent("plan.html")
        _ = try ProductProcess.run(["plan", "--config", configPath, "--format", "html", "--output", output.path])
        let html = try String(contentsOf: output, encoding: .utf8)
        #expect(html.contains("<dt>First comment <span class=\"note\">\(unsent)</span></dt>"))
        #expect(html.contains("<dt>LinkedIn video title</dt>"))
    }

    /// A schedule that the source no longer sets is cleared by the update, and every format shows it.
    @Test func updateShowsClearedSchedule() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let sync = try ProductProcess.run(["sync", "--config", configPath])
        #expect(sync.status == 0, "stderr: \(sync.stderr.suffix(400))")
        try """
        ---
        title: Roast day
        image: https://media.northwind.example/roast.mp4
        ---

        Watch the roast.
        """.write(to: root.appendingPathComponent("content/video.md"), atomically: true, encoding: .utf8)

        let text = try ProductProcess.run(["plan", "--config", configPath])
        #expect(text.status == 0, "stderr: \(text.stderr.suffix(400))")
        let lines = text.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(
            lines.contains { $0.contains("schedule cleared: the source no longer sets one") }, "\(text.stdout)")

        let json = try ProductProcess.run(["plan", "--config", configPath, "--format", "json"])
        let linkedin = try #require(try Self.posts(json.stdout)["Northwind LinkedIn"])
        #expect(linkedin["decision"] as? String == "update")
        #expect(linkedin["clearedByUpdate"] as? [String] == ["scheduledAt"])
        #expect(linkedin["scheduledAt"] == nil)

        let output = root.appendingPathComponent("plan.html")
        _ = try ProductProcess.run(["plan", "--config", configPath, "--format", "html", "--output", output.path])
        let html = try String(contentsOf: output, encoding: .utf8)
        #expect(html.contains("Schedule cleared: the source no longer sets one"))
    }

    /// Returns the posts of a JSON report by their first page's name.
    static func posts(_ stdout: String) throws -> [String: [String: Any]] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        let items = try #require(report["items"] as? [[String: Any]])
        var posts: [String: [String: Any]] = [:]
        for item in items {
            for post in item["posts"] as? [[String: Any]] ?? [] {
                if let page = (post["pages"] as? [String])?.first { posts[page] = post }
            }
        }
        return posts
    }
}
