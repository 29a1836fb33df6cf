import Feeds
import Foundation
import Testing

/// Inputs the fuzzers found that crashed a parser, kept so the crash stays fixed.
@Suite struct FuzzRegressionTests {
    /// RSS dates whose day or year token passes `Character.isNumber` but is no `Int`: too many digits, or digits
    /// from another script. Each crashed `FeedDate` with a force unwrap.
    @Test(arguments: ["Mon, 99999999999999999999 Jan 2004 10:00:00 GMT", "Mon, ٠٣ Jan 2004 10:00:00 GMT", "½ Jan 2004"])
    func rssDateWithOddDigitsIsUnparsed(date: String) throws {
        let feed = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
            <item><title>Odd date</title><guid>odd</guid><pubDate>\(date)</pubDate></item></channel></rss>
            """
        let parsed = try FeedParser.parse(Array(feed.utf8), url: "https://feeds.example/feed.xml", contentType: nil)
        #expect(parsed.entries.count == 1)
        #expect(parsed.entries.first?.published == nil)
    }
}
