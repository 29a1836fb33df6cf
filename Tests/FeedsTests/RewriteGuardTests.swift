import Foundation
import Testing

@testable import Feeds

/// The GUID-rewrite guard over dated entries with links: new entries of a busy feed pass, and entries that look
/// like known ones under new ids are counted.
@Suite struct RewriteGuardTests {
    struct Entry {
        var guid: String
        var title: String
        var link: String
        var day: Int
    }

    /// Entry `number` of a news feed: its own id, title and link, published on day `number` of November 2026.
    static func entry(_ number: Int) -> Entry {
        Entry(guid: "entry-\(number)", title: "Entry \(number)", link: "http://news.example/\(number)", day: number)
    }

    static func parse(_ entries: [Entry], dated: Bool = true) throws -> Feed {
        var xml = "<rss version=\"2.0\"><channel><title>News</title><link>https://news.example/</link>"
        for entry in entries.sorted(by: { $0.day > $1.day }) {
            xml += "<item><guid isPermaLink=\"false\">\(entry.guid)</guid><title>\(entry.title)</title>"
            xml += "<link>\(entry.link)</link><description>Body of \(entry.title)</description>"
            if dated { xml += "<pubDate>\(String(format: "%02d", entry.day)) Nov 2026 09:00:00 GMT</pubDate>" }
            xml += "</item>"
        }
        return try FeedParser.parse(
            Array((xml + "</channel></rss>").utf8), url: "https://news.example/feed", contentType: "application/rss+xml"
        )
    }

    /// Builds the intake of a later run, with what the state stores after a run over `entries`.
    static func intake(knowing entries: [Entry], storesDates: Bool = true) throws -> FeedIntake {
        let feed = try parse(entries)
        var known: [String: String] = [:]
        var details: [String: FeedIntake.KnownEntry] = [:]
        for entry in feed.entries {
            known[entry.key] = entry.contentHash
            details[entry.key] = FeedIntake.KnownEntry(link: entry.link, title: entry.title)
        }
        let newest = storesDates ? feed.entries.compactMap(\.published).max() : nil
        return FeedIntake(
            feedURL: "https://news.example/feed", known: known, isNewFeed: false, knownEntries: details,
            newestKnownDate: newest)
    }

    @Test func busyFeedPostsNewEntries() throws {
        let intake = try Self.intake(knowing: (1...10).map(Self.entry))
        // Seven of ten entries (70%) were published since the last run.
        let plan = try intake.decide(try Self.parse((8...17).map(Self.entry)))
        #expect(plan.entries(.new).count == 7)
        #expect(plan.entries(.unchanged).count == 3)
    }

    /// An undated feed lists its newest entries first, so new entries above every known one pass, and new ids
    /// on known links are still counted.
    @Test func undatedBusyFeedPostsNewEntries() throws {
        let known = (1...10).map(Self.entry)
        let feed = try Self.parse(known, dated: false)
        var hashes: [String: String] = [:]
        var details: [String: FeedIntake.KnownEntry] = [:]
        for entry in feed.entries {
            hashes[entry.key] = entry.contentHash
            details[entry.key] = FeedIntake.KnownEntry(link: entry.link, title: entry.title)
        }
        let intake = FeedIntake(
            feedURL: "https://news.example/feed", known: hashes, isNewFeed: false, knownEntries: details,
            newestKnownDate: nil)
        let plan = try intake.decide(try Self.parse((8...17).map(Self.entry), dated: false))
        #expect(plan.entries(.new).count == 7, "\(plan)")

        let rewritten = (1...10).map { number in
            Entry(
                guid: "new-\(number)", title: "Entry \(number)", link: "https://www.news.example/\(number)/",
                day: number)
        }
        #expect {
            try intake.decide(try Self.parse(rewritten, dated: false))
        } throws: { error in
            (error as? FeedIntake.GUIDRewriteReport)?.suspectCount == 10
        }
    }

    @Test func turnedOverFeedPostsNewEntries() throws {
        let intake = try Self.intake(knowing: (1...10).map(Self.entry))
        let plan = try intake.decide(try Self.parse((11...20).map(Self.entry)))
        #expect(plan.entries(.new).count == 10, "a feed whose window moved past every known entry was rejected")
    }

    @Test func newIdsOnKnownLinksAreSuspects() throws {
        let intake = try Self.intake(knowing: (1...10).map(Self.entry))
        // The publisher moved: new ids, new titles and dates, but the links stay, under https and www.
        let moved = (1...10).map { number in
            Entry(
                guid: "post-\(number)", title: "Moved entry \(number)", link: "https://www.news.example/\(number)/",
                day: number + 15)
        }
        #expect {
            try intake.decide(try Self.parse(moved))
        } throws: { error in
            guard let report = error as? FeedIntake.GUIDRewriteReport else { return false }
            return report.suspectCount == 10 && report.newCount == 10 && report.entryCount == 10
        }
    }

    @Test func newIdsOnKnownTitlesAreSuspects() throws {
        let intake = try Self.intake(knowing: (1...10).map(Self.entry))
        let renamed = (1...10).map { number in
            Entry(guid: "post-\(number)", title: "Entry \(number)", link: "https://new.example/\(number)", day: 20)
        }
        #expect(throws: FeedIntake.GUIDRewriteReport.self) { try intake.decide(try Self.parse(renamed)) }
    }

    @Test func entriesNotNewerThanKnownAreSuspects() throws {
        let intake = try Self.intake(knowing: (11...20).map(Self.entry))
        // Fresh links and titles, but dated before the newest known entry.
        let older = (1...10).map { number in
            Entry(
                guid: "old-\(number)", title: "Archive \(number)", link: "https://news.example/a/\(number)", day: number
            )
        }
        #expect(throws: FeedIntake.GUIDRewriteReport.self) { try intake.decide(try Self.parse(older)) }
    }

    @Test func knownDatesInFeedSufficeWithoutStoredDate() throws {
        let intake = try Self.intake(knowing: (1...10).map(Self.entry), storesDates: false)
        let plan = try intake.decide(try Self.parse((8...17).map(Self.entry)))
        #expect(plan.entries(.new).count == 7)
    }

    @Test func futureKnownDateIsIgnored() throws {
        var intake = try Self.intake(knowing: (1...10).map(Self.entry))
        // One known entry was dated years ahead by mistake; the run is on 30 November 2026.
        intake.newestKnownDate = Date(timeIntervalSince1970: 4_102_444_800)
        intake.now = Date(timeIntervalSince1970: 1_796_000_000)
        let plan = try intake.decide(try Self.parse((8...17).map(Self.entry)))
        #expect(plan.entries(.new).count == 7)
    }

    /// Suspects that nothing ties to one known entry, here new ids on a mirror's links with known titles, are
    /// baselined.
    @Test func baselinePolicyBaselinesOnlySuspects() throws {
        var intake = try Self.intake(knowing: (1...10).map(Self.entry))
        intake.rewritePolicy = .baseline
        let rewritten = (3...10).map { number in
            Entry(
                guid: "post-\(number)", title: "Entry \(number)", link: "http://mirror.example/\(number)", day: number)
        }
        let plan = try intake.decide(try Self.parse(rewritten + [Self.entry(11), Self.entry(12)]))
        #expect(plan.entries(.baselined).count == 8)
        #expect(plan.entries(.new).map(\.key).sorted() == ["entry-11", "entry-12"])
        #expect(plan.keyChanges.isEmpty)
    }

    /// Under the baseline policy, suspects that keep their link are taken for their known entries, so their
    /// records move to the new ids.
    @Test func baselinePolicyMovesMatchedSuspects() throws {
        var intake = try Self.intake(knowing: (1...10).map(Self.entry))
        intake.rewritePolicy = .baseline
        let rewritten = (3...10).map { number in
            Entry(
                guid: "post-\(number)", title: "Entry \(number)", link: "https://news.example/\(number)/", day: number)
        }
        let plan = try intake.decide(try Self.parse(rewritten + [Self.entry(11)]))
        #expect(plan.entries(.baselined).isEmpty)
        #expect(plan.entries(.new).map(\.key) == ["entry-11"])
        let changes = Dictionary(uniqueKeysWithValues: plan.keyChanges.map { ($0.newKey, $0) })
        #expect(changes.count == 8)
        #expect(changes["post-3"]?.knownKey == "entry-3")
        #expect(changes["post-3"]?.evidence == .link)
        #expect(changes["post-3"]?.isIDRewrite == true)
        #expect(plan.knownAfter["entry-3"] == nil)

        intake.rewritePolicy = .reject
        #expect {
            try intake.decide(try Self.parse(rewritten + [Self.entry(11)]))
        } throws: { error in
            guard let report = error as? FeedIntake.GUIDRewriteReport else { return false }
            return report.matchedCount == 8 && report.description.contains("moves the drafts of the 8")
        }
    }
}
