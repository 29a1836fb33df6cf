import Foundation
import Networks
import Testing

@testable import PlanPreview

/// The HTML plan preview: its content, escaping and self-containment.
@Suite struct PlanHTMLRendererTests {
    /// Builds a plan with one post per known network, every decision and some over-limit text.
    static func samplePlan() -> PreviewPlan {
        let article = "Swift on Linux, part 3: structured concurrency in a systemd service."
        let link = "https://blog.example.com/2026/12/swift-on-linux-3"
        func post(
            _ page: String, _ network: Network, _ text: String, media: [String] = [], warnings: [String] = []
        )
            -> PreviewPlan.Post
        {
            PreviewPlan.Post(
                pageName: page, network: network, text: text, mediaURLs: media,
                characterCount: NetworkCheck.count(text, network: network),
                limit: NetworkRules.rules(for: network).textLimit, warnings: warnings)
        }
        let image = "https://cdn.example.com/img/cover.jpg"
        let video = "https://cdn.example.com/video/teaser.mp4"
        let items = [
            PreviewPlan.Item(
                identity: "content/posts/swift-on-linux-3.md", title: "Swift on Linux, part 3", decision: .create,
                posts: [
                    post(
                        "Acme Engineering", .linkedin, "\(article)\n\nRead more: \(link)\n#swift #linux", media: [image]
                    ),
                    post("Acme", .x, "\(article) \(link)"),
                    post("Acme", .facebook, "\(article)\n\(link)", media: [image, image, image]),
                    post("acme.eng", .instagram, "\(article)\n.\n#swift #linux #serverside", media: [image, image]),
                    post("Acme", .threads, "\(article) \(link)"),
                ]),
            PreviewPlan.Item(
                identity: "https://blog.example.com/feed.xml#teaser", title: "Teaser <video> & notes",
                decision: .update,
                posts: [
                    post("Acme Channel", .youtube, "Teaser for part 3. Chapters below.", media: [video]),
                    post("acme", .tiktok, "Part 3 in 60 seconds #swift", media: [video]),
                    post("Acme Boards", .pinterest, "Swift on Linux cheat sheet", media: [image]),
                    post("Acme Berlin", .googleBusiness, "Meetup on Thursday: Swift on Linux, part 3."),
                    post(
                        "Fediverse", .unknown("mastodon"), "Part 3 is out.",
                        warnings: ["platform \"mastodon\" is not known to this version"]),
                ]),
            PreviewPlan.Item(
                identity: "content/posts/too-long.md", title: "A post that is too long for X", decision: .blocked,
                error: "text is 512 weighted characters; X allows at most 280",
                posts: [post("Acme", .x, String(repeating: "Long text with many words. ", count: 19))]),
            PreviewPlan.Item(
                identity: "content/posts/broken.md", title: "Broken template", decision: .failed,
                error: "template \"linkedin\": line 2, column 14: section \"tags\" is never closed; add {{/tags}}"),
            PreviewPlan.Item(identity: "content/posts/old.md", title: "An older post", decision: .unchanged),
            PreviewPlan.Item(identity: "content/drafts/wip.md", title: "Work in progress", decision: .skip),
            PreviewPlan.Item(
                identity: "content/posts/retired.md", title: "A retired post", decision: .delete,
                error: "removed from the source; deleting 2 draft posts"),
        ]
        return PreviewPlan(
            title: "planable-sync plan: acme.yaml", generatedAt: "2026-12-04 14:30 UTC",
            summary: PreviewPlan.Summary(counting: items), items: items)
    }

    @Test func summaryCountsDecisions() {
        let summary = Self.samplePlan().summary
        #expect(
            summary
                == PreviewPlan.Summary(
                    created: 1, updated: 1, deleted: 1, unchanged: 1, skipped: 1, failed: 1, blocked: 1))
        #expect(summary.total == 7)
    }

    @Test func pageShowsSummaryItemsAndCards() throws {
        let html = PlanHTMLRenderer.render(Self.samplePlan())
        #expect(html.contains("<span class=\"n\">1</span> blocked"))
        #expect(html.components(separatedBy: "<section class=\"item").count - 1 == 7)
        #expect(html.components(separatedBy: "<article class=\"card").count - 1 == 11)
        for network in Network.known {
            #expect(html.contains("class=\"card n-\(network.platform)\""), "no card for \(network)")
        }
        #expect(html.contains("class=\"card n-other\""))
        #expect(html.contains("--brand:#0A66C2"))
        let blocked = try #require(Self.samplePlan().items[2].posts.first)
        let over = blocked.characterCount - 280
        #expect(over > 0)
        #expect(html.contains("\(blocked.characterCount) / 280 · \(over) over the limit"))
        #expect(html.contains("section \"tags\" is never closed".replacingOccurrences(of: "\"", with: "&quot;")))
    }

    /// A plan sends no write, so its counts of creates, updates and deletes read as what the sync would do.
    @Test func summaryCountsReadAsWould() {
        let html = PlanHTMLRenderer.render(Self.samplePlan())
        #expect(html.contains("<li class=\"count d-create\"><span class=\"n\">1</span> would create</li>"))
        #expect(html.contains("<li class=\"count d-update\"><span class=\"n\">1</span> would update</li>"))
        #expect(html.contains("<li class=\"count d-delete\"><span class=\"n\">1</span> would delete</li>"))
        #expect(!html.contains("</span> created"), "a plan's summary says created")
        #expect(!html.contains("</span> updated"), "a plan's summary says updated")
        #expect(html.contains("<section class=\"item d-delete\""))
        #expect(html.contains("<span class=\"badge\">delete</span>"))
        #expect(html.contains(".d-delete {"), "the style sheet has no colour for deletes")
    }

    /// An item gone from its source whose posts stay in Planable is shown as removed, apart from skipped items,
    /// as the text plan counts it.
    @Test func removedItemsHaveTheirOwnCount() {
        var plan = Self.samplePlan()
        #expect(!PlanHTMLRenderer.render(plan).contains("removed</li>"), "a plan without removals shows a count")
        plan.items.append(
            PreviewPlan.Item(
                identity: "content/posts/gone.md", title: "Gone", decision: .removed,
                error: "removed from the source; its posts are left in Planable"))
        plan.summary = PreviewPlan.Summary(counting: plan.items)
        #expect(plan.summary.removed == 1)
        #expect(plan.summary.skipped == 1)
        let html = PlanHTMLRenderer.render(plan)
        #expect(html.contains("<li class=\"count d-removed\"><span class=\"n\">1</span> removed</li>"))
        #expect(html.contains("<section class=\"item d-removed\""))
        #expect(html.contains("<span class=\"badge\">removed</span>"))
        #expect(html.contains(".d-removed {"), "the style sheet has no colour for removals")
        // A removal is not an error, so its message does not get the error colours.
        #expect(html.contains("<p class=\"message\">removed from the source; its posts are left in Planable</p>"))
        #expect(html.contains(".message {"), "the style sheet has no style for messages")
    }

    /// A failed or blocked item's message gets the error colours, and a skipped item's reason does not.
    @Test func onlyUnsentItemsShowErrors() {
        let items: [(PreviewPlan.Decision, String)] = [
            (.failed, "error"), (.blocked, "error"), (.skip, "message"), (.update, "message"),
        ]
        for (decision, kind) in items {
            var plan = Self.samplePlan()
            plan.items = [PreviewPlan.Item(identity: "a.md", title: "A", decision: decision, error: "why")]
            #expect(PlanHTMLRenderer.render(plan).contains("<p class=\"\(kind)\">why</p>"), "\(decision)")
        }
    }

    @Test func detailsShowUnderTheCard() {
        let post = PreviewPlan.Post(
            pageName: "Northwind X", network: .x, text: "Hello", characterCount: 5, limit: 280,
            details: ["Scheduled 2030-01-15T14:30:00.000Z", "Labels: Launch <2030>"])
        let plan = PreviewPlan(
            title: "Plan", generatedAt: "now", summary: PreviewPlan.Summary(counting: []),
            items: [PreviewPlan.Item(identity: "posts/a.md", title: "A", decision: .create, error: nil, posts: [post])])
        let html = PlanHTMLRenderer.render(plan)
        #expect(
            html.contains("<p class=\"details\">Scheduled 2030-01-15T14:30:00.000Z · Labels: Launch &lt;2030&gt;</p>"))
        #expect(!PlanHTMLRenderer.render(Self.samplePlan()).contains("class=\"details\""))
    }

    @Test func textIsEscaped() {
        let html = PlanHTMLRenderer.render(Self.samplePlan())
        #expect(html.contains("Teaser &lt;video&gt; &amp; notes"))
        #expect(!html.contains("Teaser <video>"))
    }

    @Test func pageIsSelfContained() {
        let html = PlanHTMLRenderer.render(Self.samplePlan())
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("src="))
        #expect(!html.contains("url("))
        #expect(!html.contains("@import"))
        #expect(html.contains("content-visibility: auto"))
    }

    @Test func thousandsOfItemsRenderEverySection() {
        let sample = Self.samplePlan().items[0]
        let items = (0..<3000).map { index in
            var item = sample
            item.identity = "content/posts/\(index).md"
            return item
        }
        let plan = PreviewPlan(title: "big", generatedAt: "now", summary: .init(counting: items), items: items)
        let html = PlanHTMLRenderer.render(plan)
        #expect(html.components(separatedBy: "<section class=\"item").count - 1 == 3000)
        #expect(html.contains("id=\"item-3000\""))
        #expect(html.contains("<span class=\"n\">3000</span> would create"))
    }

    @Test func countedUnchangedItemsAreNotEmpty() {
        let plan = PreviewPlan(
            title: "demo", generatedAt: "now", summary: .init(unchanged: 102), items: [],
            requests: .init(read: 2, write: 0))
        let html = PlanHTMLRenderer.render(plan)
        #expect(html.contains("<span class=\"n\">102</span> unchanged"))
        #expect(html.contains(" · 102 items · 2 read requests · no write was sent</p>"))
        #expect(!html.contains("No source items were found."))
        #expect(html.contains("102 unchanged items are counted above but not listed."))
    }

    @Test func requestSummaryNamesReadsAndWrites() {
        #expect(PlanHTMLRenderer.requestSummary(.init()) == "no request was sent")
        #expect(PlanHTMLRenderer.requestSummary(.init(read: 1)) == "1 read request · no write was sent")
        #expect(PlanHTMLRenderer.requestSummary(.init(read: 3, write: 2)) == "3 read requests · 2 write requests")
    }

    @Test func emptyPlanSaysSo() {
        let plan = PreviewPlan(title: "empty", generatedAt: "now", summary: .init(), items: [])
        #expect(PlanHTMLRenderer.render(plan).contains("No source items were found."))
    }
}
