import Foundation
import Testing

@testable import Feeds

/// Date forms from feedparser's date parser tests, with the UTC fields feedparser expects.
@Suite struct FeedDateTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var text: String
        /// Year, month, day, hour, minute, second in UTC, or nil for a string that is no date.
        var expected: [Int]?
        var testDescription: String { text.debugDescription }
    }

    static let cases: [Case] = [
        // RFC 822 and its variants.
        Case(text: "Thu, 01 Jan 2004 19:48:21 GMT", expected: [2004, 1, 1, 19, 48, 21]),
        Case(text: "Thu, 01 Jan 04 19:48:21 GMT", expected: [2004, 1, 1, 19, 48, 21]),
        Case(text: "Thu,  5 Apr 2012 10:00:00 GMT", expected: [2012, 4, 5, 10, 0, 0]),
        Case(text: "Thu, 30 Apr 2015 08:57:00 MET", expected: [2015, 4, 30, 7, 57, 0]),
        Case(text: "Thu, 30 Apr 2015 08:57:00 MEST", expected: [2015, 4, 30, 6, 57, 0]),
        Case(text: "Wed, 19 Aug 2009 18:28:00 Etc/GMT", expected: [2009, 8, 19, 18, 28, 0]),
        Case(text: "Wed, 19 Feb 2012 22:40:00 GMT-01:01", expected: [2012, 2, 19, 23, 41, 0]),
        Case(text: "Wed, 19 Feb 2012 22:40:00 -01:01", expected: [2012, 2, 19, 23, 41, 0]),
        Case(text: "Mon, 13 Feb, 2012 06:28:00 UTC", expected: [2012, 2, 13, 6, 28, 0]),
        Case(text: "Thu, 01 Jan 2004 00:00 GMT", expected: [2004, 1, 1, 0, 0, 0]),
        Case(text: "Thu, 01 Jan 2004", expected: [2004, 1, 1, 0, 0, 0]),
        Case(text: "Mon, 26 January 2004 16:31:00 AT", expected: [2004, 1, 26, 20, 31, 0]),
        Case(text: "Mon, 26 January 2004 16:31:00 ET", expected: [2004, 1, 26, 21, 31, 0]),
        Case(text: "Mon, 26 January 2004 16:31:00 CT", expected: [2004, 1, 26, 22, 31, 0]),
        Case(text: "Mon, 26 January 2004 16:31:00 MT", expected: [2004, 1, 26, 23, 31, 0]),
        Case(text: "Mon, 26 January 2004 16:31:00 PT", expected: [2004, 1, 27, 0, 31, 0]),
        Case(text: "Thu Aug 30 2012 17:26:16 +0200", expected: [2012, 8, 30, 15, 26, 16]),
        Case(text: "Fri, 2006/09/15 08:19:53 EDT", expected: [2006, 9, 15, 12, 19, 53]),
        // A comment after the zone, and the zone again in words, as some servers write them.
        Case(text: "Mon, 02 Dec 2024 10:00:00 +0000 (UTC)", expected: [2024, 12, 2, 10, 0, 0]),
        Case(text: "Mon, 02 Dec 2024 10:00:00 +0200 (CEST)", expected: [2024, 12, 2, 8, 0, 0]),
        Case(text: "Mon, 02 Dec 2024 10:00:00 +0000 GMT", expected: [2024, 12, 2, 10, 0, 0]),
        // Named zones: EST is UTC-5 and EDT UTC-4, whatever the local zone of the machine.
        Case(text: "Tue, 10 Jun 2003 04:00:00 EST", expected: [2003, 6, 10, 9, 0, 0]),
        Case(text: "Tue, 10 Jun 2003 04:00:00 EDT", expected: [2003, 6, 10, 8, 0, 0]),
        Case(text: "Tue, 10 Jun 2003 04:00:00 PST", expected: [2003, 6, 10, 12, 0, 0]),
        Case(text: "Tue, 10 Jun 2003 04:00:00 CDT", expected: [2003, 6, 10, 9, 0, 0]),
        Case(text: "Tue, 10 Jun 2003 04:00:00 Z", expected: [2003, 6, 10, 4, 0, 0]),
        // asctime.
        Case(text: "Sun Jan  4 16:29:06 2004", expected: [2004, 1, 4, 16, 29, 6]),
        Case(text: "Sun Jul 15 01:16:00 +0000 2012", expected: [2012, 7, 15, 1, 16, 0]),
        // W3CDTF and ISO 8601.
        Case(text: "2003-12-31T10:14:55Z", expected: [2003, 12, 31, 10, 14, 55]),
        Case(text: "2003-12-31T10:14:55-08:00", expected: [2003, 12, 31, 18, 14, 55]),
        Case(text: "2003-12-31T18:14:55+08:00", expected: [2003, 12, 31, 10, 14, 55]),
        Case(text: "2007-04-23T23:25:47.538+10:00", expected: [2007, 4, 23, 13, 25, 47]),
        Case(text: "2003-12-31T10:14:55.1234Z", expected: [2003, 12, 31, 10, 14, 55]),
        Case(text: "2003-012-31T10:14:55+00:00", expected: [2003, 12, 31, 10, 14, 55]),
        Case(text: "2003-12-31", expected: [2003, 12, 31, 0, 0, 0]),
        Case(text: "2003-12", expected: [2003, 12, 1, 0, 0, 0]),
        Case(text: "2003", expected: [2003, 1, 1, 0, 0, 0]),
        Case(text: "2003-335", expected: [2003, 12, 1, 0, 0, 0]),
        Case(text: "20031231T101455Z", expected: [2003, 12, 31, 10, 14, 55]),
        Case(text: "03-12-31", expected: [2003, 12, 31, 0, 0, 0]),
        Case(text: "031231", expected: [2003, 12, 31, 0, 0, 0]),
        Case(text: "-03-12", expected: [2003, 12, 1, 0, 0, 0]),
        Case(text: "-0312", expected: [2003, 12, 1, 0, 0, 0]),
        Case(text: "2004-02-28T18:14:55-08:00", expected: [2004, 2, 29, 2, 14, 55]),
        Case(text: "2003-02-28T18:14:55-08:00", expected: [2003, 3, 1, 2, 14, 55]),
        Case(text: "2000-02-28T18:14:55-08:00", expected: [2000, 2, 29, 2, 14, 55]),
        Case(text: "2004-07-08 23:56:58 -00:20", expected: [2004, 7, 9, 0, 16, 58]),
        Case(text: "2004-07-08 23:56:58", expected: [2004, 7, 8, 23, 56, 58]),
        Case(text: "2004-07-08 23:56:58.0", expected: [2004, 7, 8, 23, 56, 58]),
        // Invalid: never "now", always nil.
        Case(text: "", expected: nil),
        Case(text: "yesterday", expected: nil),
        Case(text: "Sun, 31 Dec 9999 23:59:59 -9999", expected: nil),
        Case(text: "Sun, 16 Dec 2012 1:2:3:4 GMT", expected: nil),
        Case(text: "Sun, 16 zzz 2012 11:47:32 GMT", expected: nil),
        Case(text: "Sun, Dec x 2012 11:47:32 GMT", expected: nil),
        Case(text: "Sun, 16 Dec zz 11:47:32 GMT", expected: nil),
        Case(text: "Sun, 16 Dec 2012 11:47:32 +zz:00", expected: nil),
        Case(text: "Sun, 16 Dec 2012 11:47:32 +00:zz", expected: nil),
        Case(text: "Sun, 99 Jun 2009 12:00:00 GMT", expected: nil),
        Case(text: "9999-12-31T23:59:59-99:99", expected: nil),
        Case(text: "2003-12-31T25:14:55Z", expected: nil),
        Case(text: "2003-12-31T10:61:55Z", expected: nil),
        Case(text: "2003-12-31T10:14:61Z", expected: nil),
        Case(text: "22013", expected: nil),
        Case(text: "013", expected: nil),
        Case(text: "2013-01-27-01", expected: nil),
        Case(text: "2013-01-28T11:30:00-06:00Textra", expected: nil),
        Case(text: "2013-xx-27", expected: nil),
        Case(text: "2013-01-28T09:xx:00Z", expected: nil),
        Case(text: "2013-01-28T09:00:00+00:xx", expected: nil),
        Case(text: "2003-02-30", expected: nil),
    ]

    static func fields(_ date: Date) -> [Int] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return [parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!]
    }

    @Test(arguments: cases) func parsesDate(_ testCase: Case) {
        let parsed = FeedDate.parse(testCase.text)
        if let expected = testCase.expected {
            #expect(parsed.map(Self.fields) == expected, "\(testCase.text)")
        } else {
            #expect(parsed == nil, "\(testCase.text) should not parse, got \(String(describing: parsed))")
        }
    }

    @Test func namedZoneInFeedEntry() throws {
        let xml = """
            <rss version="2.0"><channel>
            <item><guid>1</guid><pubDate>Mon, 06 Jan 2025 09:30:00 EST</pubDate></item>
            <item><guid>2</guid><pubDate>Mon, 07 Jul 2025 09:30:00 PDT</pubDate></item>
            </channel></rss>
            """
        let feed = try FeedParser.parse(Array(xml.utf8), url: nil, contentType: nil)
        #expect(feed.entries.count == 2)
        #expect(feed.entries[0].published.map(Self.fields) == [2025, 1, 6, 14, 30, 0], "EST is UTC-5")
        #expect(feed.entries[1].published.map(Self.fields) == [2025, 7, 7, 16, 30, 0], "PDT is UTC-7")
    }

    @Test func invalidDateLeavesEntryUndated() throws {
        let xml = """
            <rss version="2.0"><channel><item><title>A</title><pubDate>soon</pubDate></item></channel></rss>
            """
        let feed = try FeedParser.parse(Array(xml.utf8), url: nil, contentType: nil)
        #expect(feed.entries.count == 1)
        #expect(feed.entries[0].published == nil)
    }
}
