import Foundation
import Testing

@testable import Feeds

/// Keys of entries without ids, and new keys that the intake takes for known entries.
@Suite struct KeyChangeTests {
    struct Entry {
        var guid: String?
        var title: String
        var link: String
        var day: Int?
    }

    /// Entry `number` without an id, published on day `number` of November 2026.
    static func entry(_ number: Int, link: String? = nil) -> Entry {
        Entry(title: "Entry \(number)", link: link ?? "https://news.example/2026/\(number)", day: number)
    }

    static func parse(_ entries: [Entry]) throws -> Feed {
        var xml = "<rss version=\"2.0\"><channel><title>News</title><link>https://news.example/</link>"
        for entry in entries {
            xml += "<item>"
            if let guid = entry.guid { xml += "<guid isPermaLink=\"false\">\(guid)</guid>" }
            xml +=
                "<title>\(entry.title)</title><link>\(entry.link.replacingOccurrences(of: "&", with: "&amp;"))</link>"
            xml += "<description>Body of \(entry.title)</description>"
            if let day = entry.day { xml += "<pubDate>\(String(format: "%02d", day)) Nov 2026 09:00:00 GMT</pubDate>" }
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
            details[entry.key] = FeedIntake.KnownEntry(
                link: entry.link, title: entry.title, date: storesDates ? entry.published : nil)
        }
        return FeedIntake(
            feedURL: "https://news.example/feed", known: known, isNewFeed: false, knownEntries: details,
            newestKnownDate: feed.entries.compactMap(\.published).max())
    }

    @Test(arguments: [
        ("https://news.example/a?utm_source=rss&utm_medium=feed", "link:http://news.example/a"),
        ("https://news.example/a/?p=5&utm_campaign=x&lang=en", "link:http://news.example/a?p=5&lang=en"),
        ("https://news.example/a?UTM_Source=rss&fbclid=abc&q=caf%C3%A9", "link:http://news.example/a?q=caf%C3%A9"),
        ("https://news.example/a?source=rss", "link:http://news.example/a?source=rss"),
    ])
    func keyLeavesOutTrackingParameters(link: String, key: String) throws {
        let feed = try Self.parse([Entry(title: "A", link: link, day: 1)])
        #expect(feed.entries.first?.key == key)
    }

    @Test func earlierKeyKeepsTrackingParameters() throws {
        let feed = try Self.parse([
            Entry(title: "A", link: "https://news.example/a?utm_source=rss", day: 1),
            Entry(title: "B", link: "https://news.example/b", day: 2),
            Entry(guid: "b-1", title: "C", link: "https://news.example/c?utm_source=rss", day: 3),
        ])
        #expect(FeedIdentity.earlierKeys(of: feed.entries[0]) == ["link:http://news.example/a?utm_source=rss"])
        #expect(FeedIdentity.earlierKeys(of: feed.entries[1]).isEmpty, "a link without parameters kept its key")
        #expect(FeedIdentity.earlierKeys(of: feed.entries[2]).isEmpty, "an entry with an id never had a link key")
    }

    /// Every link of a feed without ids moves to another host. The state stores the dates, so each entry is
    /// taken for its known one, and the guard, which counts id rewrites, lets the run through.
    @Test func movedLinksMatchByTitleAndDate() throws {
        let intake = try Self.intake(knowing: (1...10).map { Self.entry($0) })
        let moved = (1...10).map { Self.entry($0, link: "https://blog.example/posts/\($0)") }
        let plan = try intake.decide(try Self.parse(moved))
        #expect(plan.entries(.new).isEmpty)
        #expect(plan.entries(.changed).count == 10, "the link is part of the content hash")
        #expect(plan.keyChanges.count == 10)
        #expect(plan.keyChanges.allSatisfy { $0.evidence == .titleAndDate })
        #expect(plan.keyChanges.allSatisfy { !$0.isIDRewrite })
        #expect(plan.keyChanges.first?.knownKey == "link:http://news.example/2026/1")
    }

    /// A new id at a known link, or with a known title and date, may be a new entry. Examples are a weekly menu at
    /// one link and a second job ad with the same title on the same day. Neither is taken for the known entry,
    /// whose draft it would overwrite. The job ad is posted. The menu is held back, because at the same link it may
    /// also be the known entry under a rewritten id.
    @Test(arguments: [
        (
            Entry(guid: "menu-w1", title: "Menu", link: "https://news.example/menu", day: 1),
            Entry(guid: "menu-w2", title: "Menu of the week", link: "https://news.example/menu", day: 8)
        ),
        (
            Entry(guid: "job-1", title: "Barista", link: "https://news.example/jobs/1", day: 3),
            Entry(guid: "job-2", title: "Barista", link: "https://news.example/jobs/2", day: 3)
        ),
    ])
    func newIdIsNewEntry(known: Entry, next: Entry) throws {
        let intake = try Self.intake(knowing: [known])
        let plan = try intake.decide(try Self.parse([next]))
        #expect(plan.keyChanges.isEmpty, "\(plan.keyChanges)")
        // At the same link it may still be the known entry under a rewritten id, so it is held back.
        let sameLink = known.link == next.link
        #expect(plan.entries(.new).count == (sameLink ? 0 : 1))
        #expect(plan.uncertainMatches.count == (sameLink ? 1 : 0))
    }

    /// Links that differ in the case of their path or query name two pages.
    @Test func linkCaseTellsPagesApart() {
        #expect(FeedIdentity.comparableLink("https://www.News.example/watch?v=AbC") == "news.example/watch?v=AbC")
        #expect(
            FeedIdentity.comparableLink("https://news.example/watch?v=AbC")
                != FeedIdentity.comparableLink("https://news.example/watch?v=abc"))
    }

    @Test func storedKeyOfEarlierVersionMatches() throws {
        let links = (1...5).map { "https://news.example/\($0)?utm_source=rss" }
        let feed = try Self.parse((1...5).map { Self.entry($0, link: links[$0 - 1]) })
        var known: [String: String] = [:]
        for (index, entry) in feed.entries.enumerated() {
            known["link:" + FeedIdentity.normalizeLink(links[index], removingTrackingParameters: false)] =
                entry.contentHash
        }
        let plan = try FeedIntake(feedURL: "f", known: known, isNewFeed: false).decide(feed)
        #expect(plan.entries(.unchanged).count == 5)
        #expect(plan.keyChanges.allSatisfy { $0.evidence == .earlierKeyForm })
        #expect(plan.keyChanges.first?.knownKey == "link:http://news.example/1?utm_source=rss")
    }

    /// Two known entries with one title and date identify neither.
    @Test func sharedTitleAndDateMatchesNothing() throws {
        var twins = [Self.entry(1), Self.entry(2), Self.entry(3), Self.entry(4)]
        twins[1].title = "Entry 1"
        twins[1].day = 1
        let intake = try Self.intake(knowing: twins)
        let moved = [
            Entry(title: "Entry 1", link: "https://blog.example/1", day: 1), Self.entry(3), Self.entry(4),
        ]
        let plan = try intake.decide(try Self.parse(moved))
        #expect(plan.keyChanges.isEmpty)
        #expect(plan.entries(.new).isEmpty, "an entry with the title of a known one that left was posted")
        #expect(plan.uncertainMatches.map(\.new) == ["link:http://blog.example/1"])
    }

    /// A link that points to one known entry and a title and date that point to another tie the entry to neither.
    @Test func conflictingEvidenceMatchesNothing() throws {
        let intake = try Self.intake(knowing: (1...4).map { Self.entry($0) })
        let crossed = [
            Entry(title: "Entry 2", link: "https://www.news.example/2026/1", day: 2), Self.entry(3),
            Self.entry(4),
        ]
        let plan = try intake.decide(try Self.parse(crossed))
        #expect(plan.keyChanges.isEmpty)
        #expect(plan.entries(.new).isEmpty)
    }

    /// Two new entries that point to one known entry, one by link and one by title and date, get neither.
    @Test func twoClaimsOnOneKnownEntryMatchNothing() throws {
        let intake = try Self.intake(knowing: (1...4).map { Self.entry($0) })
        let claims = [
            Entry(title: "Other", link: "https://www.news.example/2026/1/", day: 9),
            Entry(title: "Entry 1", link: "https://blog.example/1", day: 1), Self.entry(3), Self.entry(4),
        ]
        let plan = try intake.decide(try Self.parse(claims))
        #expect(plan.keyChanges.isEmpty)
    }

    /// Without stored dates, a moved link is tied to its entry only by the title, which is not enough to move the
    /// draft but is enough not to post the entry a second time.
    @Test func titleWithoutDateIsUncertain() throws {
        let intake = try Self.intake(knowing: (1...3).map { Self.entry($0) }, storesDates: false)
        let moved = (1...3).map { Self.entry($0, link: "https://blog.example/\($0)") }
        let plan = try intake.decide(try Self.parse(moved))
        #expect(plan.keyChanges.isEmpty)
        #expect(plan.entries(.baselined).count == 3)
        #expect(plan.uncertainMatches.first?.known == "link:http://news.example/2026/1")
    }

    /// A new entry whose title a known entry had is new when its date or the known entry's shows another entry.
    @Test func titleWithOtherDateIsNew() throws {
        let intake = try Self.intake(knowing: (1...3).map { Self.entry($0) })
        let next = [Entry(title: "Entry 1", link: "https://news.example/2026/1-again", day: 2), Self.entry(2)]
        let plan = try intake.decide(try Self.parse(next))
        #expect(plan.entries(.new).count == 1)
        #expect(plan.uncertainMatches.isEmpty)

        let undatedIntake = try Self.intake(knowing: (1...3).map { Self.entry($0) }, storesDates: false)
        let later = [Entry(title: "Entry 1", link: "https://news.example/2026/1-later", day: 20), Self.entry(2)]
        #expect(try undatedIntake.decide(try Self.parse(later)).entries(.new).count == 1)
    }

    /// An entry with an id keeps the rule for ids: a new id on a known title is a new entry.
    @Test func newIdWithKnownTitleIsNew() throws {
        var known = (1...3).map { Self.entry($0) }
        for index in known.indices { known[index].guid = "id-\(index)" }
        let intake = try Self.intake(knowing: known, storesDates: false)
        let next = [
            Entry(guid: "id-new", title: "Entry 1", link: "https://news.example/2026/one", day: 1), known[1], known[2],
        ]
        let plan = try intake.decide(try Self.parse(next))
        #expect(plan.entries(.new).map(\.key) == ["id-new"])
    }
}
