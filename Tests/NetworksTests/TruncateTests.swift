import Testing

@testable import Networks

/// Truncation to a network's text limit, at a word boundary, keeping the item's link.
@Suite struct TruncateTests {
    private static let words = (1...400).map { "word\($0)" }.joined(separator: " ")
    private static let link = "https://blog.example.com/posts/2026/12/a-rather-long-article-slug-for-testing"

    @Test(arguments: Network.known)
    func resultFitsEveryNetwork(network: Network) throws {
        let limit = try #require(NetworkRules.rules(for: network).textLimit)
        let text = String(repeating: Self.words + " ", count: max(1, limit / Self.words.count + 1)) + Self.link
        let result = NetworkCheck.truncate(text, keeping: Self.link, toFit: network)
        #expect(NetworkCheck.count(result, network: network) <= limit)
        #expect(result.hasSuffix("… " + Self.link))
        let body = result.dropLast(("… " + Self.link).count)
        #expect(text.hasPrefix(body))
        #expect(body.last?.isNumber == true, "cut at a word boundary: \(body.suffix(12))")
    }

    @Test func fittingTextIsUnchanged() {
        let text = "Short post " + Self.link
        #expect(NetworkCheck.truncate(text, keeping: Self.link, toFit: .x) == text)
    }

    @Test func xCountsTheKeptLinkAsTwentyThree() {
        let result = NetworkCheck.truncate(Self.words, keeping: Self.link, toFit: .x)
        // 280 - 23 for the link - 1 space - 1 ellipsis leaves 255 for whole words.
        let body = String(result.dropLast(("… " + Self.link).count))
        #expect(TwitterText.weightedLength(body) <= 255)
        #expect(TwitterText.weightedLength(body) > 245)
        #expect(TwitterText.weightedLength(result) <= 280)
    }

    @Test func linkInTheMiddleMovesToTheEnd() {
        let text = "Read " + Self.link + " today. " + String(repeating: "more words here ", count: 40)
        let result = NetworkCheck.truncate(text, keeping: Self.link, toFit: .x)
        #expect(result.hasPrefix("Read today. more words"))
        #expect(result.hasSuffix("… " + Self.link))
        #expect(result.components(separatedBy: Self.link).count == 2)
        #expect(NetworkCheck.count(result, network: .x) <= 280)
    }

    @Test func withoutLinkCutsAtWordBoundary() {
        let result = NetworkCheck.truncate(Self.words, keeping: nil, toFit: .threads)
        #expect(result.count <= 500)
        #expect(result.hasSuffix("…"))
        #expect(Self.words.hasPrefix(String(result.dropLast())))
        #expect(result.dropLast().last?.isNumber == true)
    }

    @Test func trailingPunctuationIsDropped() {
        let text = String(repeating: "ab, ", count: 200)
        let result = NetworkCheck.truncate(text, keeping: nil, toFit: .x)
        #expect(result.hasSuffix("ab…"))
        #expect(TwitterText.weightedLength(result) <= 280)
    }

    /// Chinese text has no spaces, so it is cut after a character rather than before it all.
    @Test func chineseTextIsCutBetweenCharacters() {
        let sentence = String(repeating: "咖啡豆的烘焙过程非常重要。", count: 60)
        let text = "CJK article\n\n" + sentence
        for network in [Network.x, .threads] {
            let result = NetworkCheck.truncate(text, keeping: Self.link, toFit: network)
            let limit = NetworkRules.rules(for: network).textLimit ?? 0
            #expect(NetworkCheck.count(result, network: network) <= limit)
            #expect(NetworkCheck.count(result, network: network) > limit - 10, "\(network): \(result)")
            #expect(result.hasPrefix("CJK article\n\n咖啡豆的烘焙"), "\(result)")
        }
    }

    /// A long word after a short one is cut inside, rather than leaving the short word alone.
    @Test func longWordAfterShortOneIsCutInside() {
        let text = "Title " + String(repeating: "x", count: 5_000)
        let result = NetworkCheck.truncate(text, keeping: nil, toFit: .linkedin)
        #expect(result.count > 2_900, "\(result.count)")
        #expect(NetworkCheck.count(result, network: .linkedin) <= 3_000)
    }

    @Test func singleLongWordIsCutInside() {
        let text = String(repeating: "x", count: 600)
        let result = NetworkCheck.truncate(text, keeping: nil, toFit: .threads)
        #expect(result == String(repeating: "x", count: 499) + "…")
    }

    @Test func emojiTextFitsUTF16Limit() {
        let text = String(repeating: "😀 ", count: 2000)
        let result = NetworkCheck.truncate(text, keeping: nil, toFit: .tiktok)
        #expect(result.utf16.count <= 2200)
        #expect(result.utf16.count >= 2190)
    }

    @Test func linkLongerThanLimitIsDropped() {
        let link = "https://example.com/" + String(repeating: "p", count: 600)
        let result = NetworkCheck.truncate(Self.words + " " + link, keeping: link, toFit: .threads)
        #expect(!result.contains(link))
        #expect(result.count <= 500)
    }

    @Test func youtubeDescriptionFitsBytes() {
        let text = String(repeating: "héllo wörld ", count: 600)
        let result = NetworkCheck.truncate(text, keeping: Self.link, toFit: .youtube)
        #expect(result.utf8.count <= 5000)
        #expect(result.hasSuffix(Self.link))
    }
}
