import Testing

@testable import Networks

/// Text limits per network, exactly at the limit and one over, and the counting unit of each.
@Suite struct NetworkTextTests {
    private static let image = PostMedium(url: "https://cdn.example.com/a.jpg", kind: .image)
    private static let video = PostMedium(url: "https://cdn.example.com/a.mp4", kind: .video)

    /// Builds a post that satisfies every rule but the text, so only text violations remain.
    private static func post(_ text: String, for network: Network) -> PostDraft {
        switch network {
        case .youtube:
            return PostDraft(text: text, media: [video], youtubeTitle: "Title")
        case .tiktok:
            return PostDraft(text: text, media: [video])
        case .pinterest:
            return PostDraft(text: text, media: [image], pinterestBoardId: "board-1")
        case .instagram:
            return PostDraft(text: text, media: [image])
        default:
            return PostDraft(text: text)
        }
    }

    /// Network, text exactly at the limit, the same text one unit longer, and the expected message.
    static let limitCases: [(Network, String, String, String)] = [
        (
            .linkedin, String(repeating: "a", count: 3000), String(repeating: "a", count: 3001),
            "text is 3001 characters; LinkedIn allows at most 3000"
        ),
        (
            .facebook, String(repeating: "a", count: 63206), String(repeating: "a", count: 63207),
            "text is 63207 characters; Facebook allows at most 63206"
        ),
        (
            .instagram, String(repeating: "a", count: 2200), String(repeating: "a", count: 2201),
            "text is 2201 characters; Instagram allows at most 2200"
        ),
        (
            .x, String(repeating: "a", count: 280), String(repeating: "a", count: 281),
            "text is 281 weighted characters; X allows at most 280"
        ),
        (
            .x, String(repeating: "の", count: 140), String(repeating: "の", count: 140) + "a",
            "text is 281 weighted characters; X allows at most 280"
        ),
        (
            .threads, String(repeating: "😀", count: 500), String(repeating: "😀", count: 501),
            "text is 501 characters; Threads allows at most 500"
        ),
        (
            .pinterest, String(repeating: "a", count: 500), String(repeating: "a", count: 501),
            "description is 501 characters; Pinterest allows at most 500"
        ),
        (
            .youtube, String(repeating: "é", count: 2500), String(repeating: "é", count: 2500) + "a",
            "description is 5001 bytes; YouTube allows at most 5000"
        ),
        (
            .tiktok, String(repeating: "😀", count: 1100), String(repeating: "😀", count: 1100) + "a",
            "text is 2201 characters; TikTok allows at most 2200"
        ),
        (
            .googleBusiness, String(repeating: "a", count: 1500), String(repeating: "a", count: 1501),
            "text is 1501 characters; Google Business Profile allows at most 1500"
        ),
    ]

    @Test(arguments: limitCases)
    func textLimit(network: Network, atLimit: String, overLimit: String, message: String) throws {
        #expect(NetworkCheck.check(Self.post(atLimit, for: network), network: network) == [])
        let violations = NetworkCheck.check(Self.post(overLimit, for: network), network: network)
        #expect(violations.count == 1)
        let violation = try #require(violations.first)
        #expect(violation.rule == .textLength)
        #expect(violation.severity == .error)
        #expect(violation.message == message)
        #expect(violation.limit == NetworkRules.rules(for: network).textLimit)
        #expect(violation.measured == NetworkCheck.count(overLimit, network: network))
    }

    @Test func linkedinExampleMessage() {
        let violations = NetworkCheck.check(PostDraft(text: String(repeating: "b", count: 3104)), network: .linkedin)
        #expect(violations.map(\.message) == ["text is 3104 characters; LinkedIn allows at most 3000"])
        #expect(violations.first?.measured == 3104)
    }

    @Test(arguments: [
        (Network.x, 2), (.linkedin, 2), (.threads, 1), (.youtube, 4), (.pinterest, 1), (.tiktok, 2),
    ])
    func emojiCountsPerNetwork(network: Network, expected: Int) {
        #expect(NetworkCheck.count("😀", network: network) == expected)
    }

    @Test func familyEmojiUnits() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}"
        #expect(NetworkCheck.count(family, network: .threads) == 1)
        #expect(NetworkCheck.count(family, network: .pinterest) == 7)
        #expect(NetworkCheck.count(family, network: .linkedin) == 11)
        #expect(NetworkCheck.count(family, network: .x) == 2)
    }

    @Test func instagramHashtagLimit() throws {
        let thirty = (1...30).map { "#tag\($0)" }.joined(separator: " ")
        #expect(NetworkCheck.check(PostDraft(text: thirty, media: [Self.image]), network: .instagram) == [])
        let violations = NetworkCheck.check(
            PostDraft(text: thirty + " #more", media: [Self.image]), network: .instagram)
        let violation = try #require(violations.first)
        #expect(violations.count == 1)
        #expect(violation.rule == .hashtagCount)
        #expect(violation.message == "text has 31 hashtags; Instagram allows at most 30")
    }

    @Test func hashtagCountingSkipsEntitiesAndAnchors() {
        #expect(TextCounter.hashtagCount("#one #two,#three a#b &#39; # ##x") == 3)
        #expect(TextCounter.mentionCount("@ann ann@example.com @bob.smith @") == 2)
    }

    @Test func instagramMentionLimit() throws {
        let mentions = (1...21).map { "@user\($0)" }.joined(separator: " ")
        let violations = NetworkCheck.check(PostDraft(text: mentions, media: [Self.image]), network: .instagram)
        #expect(violations.map(\.rule) == [.mentionCount])
        #expect(violations.first?.measured == 21)
    }

    @Test func youtubeRejectsAngleBrackets() {
        let post = PostDraft(text: "a <b> c", media: [Self.video], youtubeTitle: "x > y")
        let violations = NetworkCheck.check(post, network: .youtube)
        #expect(violations.map(\.rule) == [.forbiddenCharacters, .forbiddenCharacters])
        #expect(violations.first?.message == "description contains \"<\" or \">\", which YouTube rejects; remove them")
    }

    @Test func firstCommentLimit() {
        let post = PostDraft(text: "ok", firstComment: String(repeating: "a", count: 281))
        let violations = NetworkCheck.check(post, network: .x)
        #expect(violations.map(\.rule) == [.firstCommentLength])
        #expect(violations.first?.message == "first comment is 281 weighted characters; X allows at most 280")
    }

    @Test func unknownNetworkIsPermissive() {
        let network = Network(platform: "Mastodon")
        #expect(network == .unknown("Mastodon"))
        let violations = NetworkCheck.check(PostDraft(text: String(repeating: "a", count: 100_000)), network: network)
        #expect(violations.map(\.rule) == [.unknownNetwork])
        #expect(violations.first?.severity == .warning)
        #expect(NetworkCheck.count("😀", network: network) == 1)
        #expect(NetworkCheck.truncate("long text", keeping: nil, toFit: network) == "long text")
    }

    @Test(arguments: [
        ("linkedin", Network.linkedin), ("Twitter", .x), (" X ", .x), ("googlebusiness", .googleBusiness),
        ("YouTube", .youtube), ("tiktok", .tiktok),
    ])
    func platformNames(platform: String, network: Network) {
        #expect(Network(platform: platform) == network)
    }
}
