import Foundation
import Testing

@testable import Feeds

/// Decisions over successive runs of one feed, the way the sync engine drives them.
@Suite struct FeedIntakeTests {
    /// Builds an RSS feed with one item per (guid, title, description) triple, in the order given.
    static func rss(_ items: [(guid: String?, title: String, body: String)]) -> String {
        var xml = "<rss version=\"2.0\"><channel><title>Blog</title><link>https://blog.example.com/</link>"
        for item in items {
            xml += "<item><title>\(item.title)</title>"
            if let guid = item.guid { xml += "<guid>\(guid)</guid>" }
            xml += "<description>\(item.body)</description></item>"
        }
        return xml + "</channel></rss>"
    }

    static func parse(_ xml: String) throws -> Feed {
        try FeedParser.parse(Array(xml.utf8), url: "https://blog.example.com/feed", contentType: "application/rss+xml")
    }

    static let fiveItems: [(guid: String?, title: String, body: String)] = (1...5).map {
        (guid: "http://blog.example.com/?p=\($0)", title: "Post \($0)", body: "Body \($0)")
    }

    /// Runs the first, baselining pass and returns the state it leaves.
    static func baseline(_ items: [(guid: String?, title: String, body: String)]) throws -> [String: String] {
        let intake = FeedIntake(feedURL: "https://blog.example.com/feed", known: [:], isNewFeed: true)
        let plan = try intake.decide(try parse(rss(items)))
        #expect(plan.entries(.baselined).count == items.count)
        return plan.knownAfter
    }

    static func run(
        _ items: [(guid: String?, title: String, body: String)], known: [String: String]
    ) throws
        -> FeedIntake.Plan
    {
        try FeedIntake(feedURL: "https://blog.example.com/feed", known: known, isNewFeed: false).decide(
            try parse(rss(items)))
    }

    @Test func firstRunBaselinesEverything() throws {
        let plan = try FeedIntake(feedURL: "f", known: [:], isNewFeed: true).decide(
            try Self.parse(Self.rss(Self.fiveItems)))
        #expect(plan.entries(.new).isEmpty)
        #expect(plan.entries(.baselined).count == 5)
        #expect(plan.knownAfter.count == 5)
    }

    @Test func firstRunBackfillPostsNewestByDate() throws {
        let xml = """
            <rss version="2.0"><channel>
            <item><guid>old</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>
            <item><guid>newest</guid><pubDate>Wed, 03 Jan 2024 10:00:00 GMT</pubDate></item>
            <item><guid>middle</guid><pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate></item>
            </channel></rss>
            """
        let plan = try FeedIntake(feedURL: "f", known: [:], isNewFeed: true, backfill: 2).decide(try Self.parse(xml))
        #expect(Set(plan.entries(.new).map(\.key)) == ["newest", "middle"])
        #expect(plan.entries(.baselined).map(\.key) == ["old"])
    }

    /// A first run stopped after posting the two newest of its four backfill entries resumes where it stopped, also
    /// when a new entry came meanwhile: the new entry is posted, and so are the two that the stop left.
    @Test func stoppedFirstRunResumesItsBackfill() throws {
        func feed(_ numbers: ClosedRange<Int>) throws -> Feed {
            let items = numbers.reversed().map { number in
                "<item><guid>e\(number)</guid><title>Entry \(number)</title>"
                    + "<pubDate>\(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][number - 1]), 0\(number) Jan 2024 "
                    + "10:00:00 GMT</pubDate></item>"
            }
            return try Self.parse("<rss version=\"2.0\"><channel>" + items.joined() + "</channel></rss>")
        }
        let first = try FeedIntake(feedURL: "f", known: [:], isNewFeed: true, backfill: 4).decide(try feed(1...6))
        #expect(Set(first.entries(.new).map(\.key)) == ["e6", "e5", "e4", "e3"])
        // The stop came after e6 and e5 got their posts; e2 and e1 were recorded without one.
        let known = first.knownAfter.filter { ["e6", "e5", "e2", "e1"].contains($0.key) }
        var resumed = FeedIntake(feedURL: "f", known: known, isNewFeed: true, backfill: 4)
        resumed.postedKeys = ["e6", "e5"]
        let plan = try resumed.decide(try feed(1...7))
        #expect(Set(plan.entries(.new).map(\.key)) == ["e7", "e4", "e3"])
        #expect(
            plan.entries(.baselined).isEmpty || Set(plan.entries(.baselined).map(\.key)).isSubset(of: ["e2", "e1"]))
    }

    /// A first run that ended without recording its baseline, as after a crash or a second signal, resumes its
    /// backfill too. This holds in a feed listed oldest first, where it posted the oldest entry of its backfill
    /// first, and in one listed newest first. Entries older than the backfill stay without posts.
    @Test func crashedRunResumesInFeedOrder() throws {
        func feed(_ numbers: [Int]) throws -> Feed {
            let items = numbers.map { number in
                "<item><guid>e\(number)</guid><title>Entry \(number)</title>"
                    + "<pubDate>\(String(format: "%02d", number)) Jan 2024 10:00:00 GMT</pubDate></item>"
            }
            return try Self.parse("<rss version=\"2.0\"><channel>" + items.joined() + "</channel></rss>")
        }
        // Listed oldest first, the backfill of 3 is e8, e9 and e10, created in that order, and the run died after e8.
        let oldestFirst = try FeedIntake(feedURL: "f", known: [:], isNewFeed: true, backfill: 3).decide(
            try feed(Array(1...10)))
        var resumed = FeedIntake(
            feedURL: "f", known: oldestFirst.knownAfter.filter { $0.key == "e8" }, isNewFeed: true, backfill: 3)
        resumed.postedKeys = ["e8"]
        var plan = try resumed.decide(try feed(Array(1...11)))
        #expect(Set(plan.entries(.new).map(\.key)) == ["e9", "e10", "e11"])
        #expect(Set(plan.entries(.baselined).map(\.key)) == Set((1...7).map { "e\($0)" }))

        // Listed newest first, the backfill of 4 is e6 to e3, and the run died after e6 and e5.
        let newestFirst = try FeedIntake(feedURL: "f", known: [:], isNewFeed: true, backfill: 4).decide(
            try feed(Array((1...6).reversed())))
        resumed = FeedIntake(
            feedURL: "f", known: newestFirst.knownAfter.filter { ["e6", "e5"].contains($0.key) }, isNewFeed: true,
            backfill: 4)
        resumed.postedKeys = ["e6", "e5"]
        plan = try resumed.decide(try feed(Array((1...7).reversed())))
        #expect(Set(plan.entries(.new).map(\.key)) == ["e7", "e4", "e3"])
        #expect(Set(plan.entries(.baselined).map(\.key)) == ["e2", "e1"])
    }

    @Test func unchangedFeedPostsNothing() throws {
        let known = try Self.baseline(Self.fiveItems)
        let plan = try Self.run(Self.fiveItems, known: known)
        #expect(plan.entries(.unchanged).count == 5)
    }

    @Test func newEntryAtTopIsNew() throws {
        let known = try Self.baseline(Self.fiveItems)
        let items = [(guid: "http://blog.example.com/?p=6", title: "Post 6", body: "Body 6")] + Self.fiveItems
        let plan = try Self.run(items, known: known)
        #expect(plan.entries(.new).map(\.key) == ["http://blog.example.com/?p=6"])
        #expect(plan.entries(.unchanged).count == 5)
    }

    @Test func entryNewerThanFirstOneListedLast() throws {
        // Some feeds list oldest first, so the newest entry is at the bottom; position must not matter.
        let known = try Self.baseline(Self.fiveItems)
        let items = Self.fiveItems + [(guid: "http://blog.example.com/?p=6", title: "Post 6", body: "Body 6")]
        let plan = try Self.run(items, known: known)
        #expect(plan.entries(.new).map(\.key) == ["http://blog.example.com/?p=6"])
    }

    @Test func reorderedFeedIsUnchanged() throws {
        let known = try Self.baseline(Self.fiveItems)
        let plan = try Self.run(Self.fiveItems.reversed(), known: known)
        #expect(plan.entries(.unchanged).count == 5)
        #expect(plan.entries(.new).isEmpty)
    }

    @Test func editedEntryIsChangedNotNew() throws {
        let known = try Self.baseline(Self.fiveItems)
        var items = Self.fiveItems
        items[2].body = "Body 3, corrected"
        let plan = try Self.run(items, known: known)
        #expect(plan.entries(.changed).map(\.key) == ["http://blog.example.com/?p=3"])
        #expect(plan.entries(.new).isEmpty)
        #expect(plan.knownAfter["http://blog.example.com/?p=3"] == plan.entries(.changed).first?.contentHash)
    }

    @Test func droppedEntryComingBackIsNotNew() throws {
        let known = try Self.baseline(Self.fiveItems)
        let shorter = try Self.run(Array(Self.fiveItems.prefix(4)), known: known)
        #expect(shorter.knownAfter.count == 5, "the state keeps keys that left the feed")
        let back = try Self.run(Self.fiveItems, known: shorter.knownAfter)
        #expect(back.entries(.new).isEmpty)
        #expect(back.entries(.unchanged).count == 5)
    }

    @Test func missingGUIDsStayStableAcrossRuns() throws {
        let items: [(guid: String?, title: String, body: String)] = (1...5).map {
            (guid: nil, title: "Post \($0)", body: "Body \($0)")
        }
        let known = try Self.baseline(items)
        var edited = items
        edited[0].body = "Body 1, edited"
        let plan = try Self.run(edited, known: known)
        #expect(plan.entries(.new).isEmpty)
        #expect(plan.entries(.changed).count == 1)
        #expect(plan.entries(.unchanged).count == 4)
    }

    @Test func guidRewriteIsRejectedWithReport() throws {
        let known = try Self.baseline(Self.fiveItems)
        let rewritten = Self.fiveItems.map { item in
            (
                guid: item.guid.map { $0.replacingOccurrences(of: "http://", with: "https://") }, title: item.title,
                body: item.body
            )
        }
        #expect {
            try Self.run(rewritten, known: known)
        } throws: { error in
            guard let report = error as? FeedIntake.GUIDRewriteReport else { return false }
            return report.newCount == 5 && report.entryCount == 5 && report.rewrittenKnownKeys.count == 5
                && report.description.contains("rewrote its ids")
        }
    }

    /// An accepted rewrite whose ids match the known ones up to their scheme takes each entry for its known one.
    /// The GUIDs are no permalinks and the entries have no links, so the ids alone tie them together.
    @Test func acceptedGUIDRewriteMovesKnownEntries() throws {
        func feed(scheme: String) throws -> Feed {
            var xml = "<rss version=\"2.0\"><channel><title>Blog</title>"
            for number in 1...5 {
                xml += "<item><title>Post \(number)</title><description>Body \(number)</description>"
                xml += "<guid isPermaLink=\"false\">\(scheme)://blog.example.com/?p=\(number)</guid></item>"
            }
            return try Self.parse(xml + "</channel></rss>")
        }
        let first = try FeedIntake(feedURL: "f", known: [:], isNewFeed: true).decide(try feed(scheme: "http"))
        let intake = FeedIntake(feedURL: "f", known: first.knownAfter, isNewFeed: false, rewritePolicy: .baseline)
        let plan = try intake.decide(try feed(scheme: "https"))
        #expect(plan.entries(.unchanged).count == 5)
        #expect(plan.entries(.new).isEmpty)
        #expect(plan.keyChanges.map(\.evidence) == Array(repeating: .idForm, count: 5))
        #expect(plan.keyChanges.first?.knownKey == "http://blog.example.com/?p=1")
        #expect(plan.knownAfter.count == 5)
        #expect(plan.knownAfter["https://blog.example.com/?p=1"] != nil)
    }

    /// An accepted rewrite to ids that nothing ties to the known entries records them without posting.
    @Test func acceptedGUIDRewriteBaselinesUnmatchedEntries() throws {
        let known = try Self.baseline(Self.fiveItems)
        let rewritten = Self.fiveItems.enumerated().map { index, item in
            (guid: Optional("urn:uuid:entry-\(index)"), title: item.title, body: item.body)
        }
        let intake = FeedIntake(feedURL: "f", known: known, isNewFeed: false, rewritePolicy: .baseline)
        let plan = try intake.decide(try Self.parse(Self.rss(rewritten)))
        #expect(plan.entries(.baselined).count == 5)
        #expect(plan.entries(.new).isEmpty)
        #expect(plan.keyChanges.isEmpty)
        #expect(plan.knownAfter.count == 10)
    }

    @Test func guardShareIsConfigurable() throws {
        let sixItems = Self.fiveItems + [(guid: "http://blog.example.com/?p=6", title: "Post 6", body: "Body 6")]
        let tenItems =
            sixItems + (7...10).map { (guid: "http://blog.example.com/?p=\($0)", title: "Post \($0)", body: "") }
        let known = try Self.baseline(Array(tenItems.prefix(4)))
        // Six of ten entries (60%) are new: over the default share of 50%, under a share of 70%.
        #expect(throws: FeedIntake.GUIDRewriteReport.self) { try Self.run(tenItems, known: known) }
        let lenient = FeedIntake(feedURL: "f", known: known, isNewFeed: false, rewriteGuardShare: 0.7)
        let plan = try lenient.decide(try Self.parse(Self.rss(tenItems)))
        #expect(plan.entries(.new).count == 6)
    }

    @Test func smallFeedsAreNotGuarded() throws {
        let known = try Self.baseline(Array(Self.fiveItems.prefix(1)))
        let items = Array(Self.fiveItems.suffix(3))
        let plan = try Self.run(items, known: known)
        #expect(plan.entries(.new).count == 3, "a feed with fewer entries than the minimum turns over freely")
    }

    @Test func nearlyEmptyFirstRunIsNotGuarded() throws {
        // The feed had one entry when it was added, then published four more at once.
        let known = try Self.baseline(Array(Self.fiveItems.prefix(1)))
        let plan = try Self.run(Self.fiveItems, known: known)
        #expect(plan.entries(.new).count == 4, "with fewer known keys than the minimum, no ids can have been rewritten")
    }

    @Test func duplicateKeysAreDecidedOnce() throws {
        let items = Self.fiveItems + [Self.fiveItems[0]]
        let plan = try FeedIntake(feedURL: "f", known: [:], isNewFeed: true).decide(try Self.parse(Self.rss(items)))
        #expect(plan.decisions.count == 5)
        #expect(plan.duplicateKeys == ["http://blog.example.com/?p=1"])
    }
}
