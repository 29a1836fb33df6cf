import Foundation
import Testing

@testable import Content

@Suite struct ContentDateTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let newYork = TimeZone(identifier: "America/New_York")!

    @Test(arguments: [
        ("2013-05-06 10:00:00 -0500", 1_367_852_400.0, true, true),
        ("2013-05-06 10:00:00 -05:00", 1_367_852_400.0, true, true),
        ("2013-05-06T15:00:00Z", 1_367_852_400.0, true, true),
        ("2013-05-06T15:00:00.250Z", 1_367_852_400.25, true, true),
        ("2013-05-06T17:00:00+02:00", 1_367_852_400.0, true, true),
        ("2013-05-06 15:00:00 UTC", 1_367_852_400.0, true, true),
        ("2013-05-06 15:00", 1_367_852_400.0, true, false),
        ("2013-05-06", 1_367_798_400.0, false, false),
        ("2023-01-29 18:30:22 2023 -0800", 1_675_045_822.0, true, true),
        ("2013-5-6", 1_367_798_400.0, false, false),
        ("2013-5-6 9:00", 1_367_830_800.0, true, false),
    ])
    func parsesForms(text: String, seconds: Double, hasTime: Bool, hasZone: Bool) throws {
        let date = try #require(ContentDate.parse(text, timeZone: Self.utc))
        #expect(date.date.timeIntervalSince1970 == seconds)
        #expect(date.hasTime == hasTime)
        #expect(date.hasZone == hasZone)
    }

    @Test func zonelessDateUsesGivenZone() throws {
        let winter = try #require(ContentDate.parse("2024-01-15", timeZone: Self.newYork))
        #expect(winter.date.timeIntervalSince1970 == 1_705_294_800)  // 05:00 UTC, EST
        let summer = try #require(ContentDate.parse("2024-07-15 09:00:00", timeZone: Self.newYork))
        #expect(summer.date.timeIntervalSince1970 == 1_721_048_400)  // 13:00 UTC, EDT
        #expect(!summer.hasZone)
    }

    /// Santiago's clocks go from 00:00 to 01:00 on 2026-09-06, so that day has no midnight: its date stays on its
    /// day, at 01:00 -03:00. New York's 01:30 on 2026-11-01 occurs twice, and the first, in summer time, is taken.
    @Test func localTimeInClockChangeStaysOnItsDay() throws {
        let santiago = try #require(TimeZone(identifier: "America/Santiago"))
        let skipped = try #require(ContentDate.parse("2026-09-06", timeZone: santiago))
        #expect(skipped.date.timeIntervalSince1970 == 1_788_667_200)  // 2026-09-06T04:00:00Z
        let before = try #require(ContentDate.parse("2026-09-05", timeZone: santiago))
        #expect(before.date.timeIntervalSince1970 == 1_788_580_800)  // 2026-09-05T04:00:00Z, at -04:00
        let after = try #require(ContentDate.parse("2026-09-07", timeZone: santiago))
        #expect(after.date.timeIntervalSince1970 == 1_788_750_000)  // 2026-09-07T03:00:00Z, at -03:00
        let twice = try #require(ContentDate.parse("2026-11-01 01:30", timeZone: Self.newYork))
        #expect(twice.date.timeIntervalSince1970 == 1_793_511_000)  // 2026-11-01T05:30:00Z, EDT
    }

    @Test(arguments: [
        "2013-13-01", "2013-02-30", "2013-05-06 25:00", "May 6, 2013", "2013-05-06 10:00:00 EST", "", "2013-123-6",
        "2013-05-06T10:00:00+25:00",
    ])
    func rejectsInvalid(text: String) {
        #expect(ContentDate.parse(text, timeZone: Self.utc) == nil)
    }

    @Test func leapDay() {
        #expect(ContentDate.parse("2024-02-29", timeZone: Self.utc) != nil)
        #expect(ContentDate.parse("2023-02-29", timeZone: Self.utc) == nil)
        #expect(ContentDate.parse("2000-02-29", timeZone: Self.utc) != nil)
        #expect(ContentDate.parse("1900-02-29", timeZone: Self.utc) == nil)
    }

    @Test func fileNameDateAndSlug() throws {
        let source = try TemporarySource()
        try source.write("_posts/2013-05-06-jekyll-1-0-0-released.markdown", "---\ntitle: Released\n---\nText\n")
        var options = ContentReaderOptions()
        options.timeZone = Self.newYork
        let item = try #require(
            try source.reader(options).read(relativePath: "_posts/2013-05-06-jekyll-1-0-0-released.markdown").item)
        #expect(item.slug == "jekyll-1-0-0-released")
        #expect(item.date == Date(timeIntervalSince1970: 1_367_812_800))  // midnight in New York, EDT
        #expect(!item.dateHasTime)
        #expect(!item.dateHasZone)
    }

    @Test func frontMatterDateOverridesFileName() throws {
        let source = try TemporarySource()
        try source.write("_posts/2013-05-06-post.md", "---\ndate: 2013-05-07 08:00:00 +0000\n---\nText\n")
        let item = try #require(try source.reader().read(relativePath: "_posts/2013-05-06-post.md").item)
        #expect(item.date == Date(timeIntervalSince1970: 1_367_913_600))
        #expect(item.dateHasTime)
        #expect(item.dateHasZone)
    }

    @Test func invalidDateNamesPosition() throws {
        let source = try TemporarySource()
        try source.write("a.md", "---\ntitle: x\ndate: next tuesday\n---\nText\n")
        let error = try #require(readError(source.reader(), "a.md"))
        #expect(error.line == 3)
        #expect(error.column == 7)
        #expect(error.message.hasPrefix("invalid date \"next tuesday\" in the front matter"))
    }

    @Test func hugoPublishDateAlias() throws {
        let source = try TemporarySource()
        try source.write("a.md", "---\ntitle: x\npublishDate: 2020-02-02T02:02:02Z\n---\nText\n")
        let item = try #require(try source.reader().read(relativePath: "a.md").item)
        #expect(item.date == Date(timeIntervalSince1970: 1_580_608_922))
    }

    /// A date and time without an offset is read in the site's time zone, Jekyll's `timezone` or Hugo's
    /// `timeZone`, as the site's build reads it. A date without a time stays in the workspace's zone, and a date
    /// with an offset keeps it.
    @Test func siteTimeZoneReadsLocalDateTimes() throws {
        var options = ContentReaderOptions()
        options.timeZone = Self.newYork
        let jekyll = try TemporarySource()
        try jekyll.write("_config.yml", "title: Tea\ntimezone: Asia/Tokyo\n")
        try jekyll.write("_posts/2027-06-01-sale.md", "---\ntitle: Sale\ndate: 2027-06-01 19:00\n---\nText")
        try jekyll.write("_posts/2027-06-02-day.md", "---\ntitle: Day\ndate: 2027-06-02\n---\nText")
        try jekyll.write("_posts/2027-06-03-named.md", "---\ntitle: Named\n---\nText")
        try jekyll.write("_posts/2027-06-04-offset.md", "---\ntitle: Offset\ndate: 2027-06-04 19:00 +0200\n---\nText")
        let reader = ContentReader(root: jekyll.root + "/_posts", options: options)
        func date(_ path: String) throws -> Double? {
            try reader.read(relativePath: path).item?.date?.timeIntervalSince1970
        }
        #expect(try date("2027-06-01-sale.md") == 1_811_844_000)  // 2027-06-01T10:00:00Z
        #expect(try date("2027-06-02-day.md") == 1_811_908_800)  // 2027-06-02T04:00:00Z, midnight in New York
        #expect(try date("2027-06-03-named.md") == 1_811_995_200)  // 2027-06-03T04:00:00Z
        #expect(try date("2027-06-04-offset.md") == 1_812_128_400)  // 2027-06-04T17:00:00Z

        let hugo = try TemporarySource()
        try hugo.write("hugo.toml", "title = 'Tea'\ntimeZone = 'Asia/Tokyo'\n")
        try hugo.write("content/sale.md", "---\ntitle: Sale\ndate: 2027-06-01T19:00:00\n---\nText")
        let hugoReader = ContentReader(root: hugo.root + "/content", options: options)
        #expect(try hugoReader.read(relativePath: "sale.md").item?.date?.timeIntervalSince1970 == 1_811_844_000)

        let unknown = try TemporarySource()
        try unknown.write("_config.yml", "timezone: Mars/Olympus\n")
        try unknown.write("_posts/2027-06-01-sale.md", "---\ntitle: Sale\ndate: 2027-06-01 19:00\n---\nText")
        let fallback = ContentReader(root: unknown.root + "/_posts", options: options)
        #expect(fallback.siteTimeZoneProblem?.contains("names the time zone \"Mars/Olympus\"") == true)
        #expect(reader.siteTimeZoneProblem == nil)
        // 19:00 in New York, the workspace's zone.
        #expect(
            try fallback.read(relativePath: "2027-06-01-sale.md").item?.date?.timeIntervalSince1970 == 1_811_890_800)
    }
}
