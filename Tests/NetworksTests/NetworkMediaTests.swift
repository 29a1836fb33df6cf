import Testing

@testable import Networks

/// Media count and kind rules, and the fields some networks require.
@Suite struct NetworkMediaTests {
    private static func media(images: Int = 0, videos: Int = 0, documents: Int = 0, unknown: Int = 0) -> [PostMedium] {
        (0..<images).map { PostMedium(url: "https://cdn.example.com/i\($0).jpg", kind: .image) }
            + (0..<videos).map { PostMedium(url: "https://cdn.example.com/v\($0).mp4", kind: .video) }
            + (0..<documents).map { PostMedium(url: "https://cdn.example.com/d\($0).pdf", kind: .document) }
            + (0..<unknown).map { PostMedium(url: "https://cdn.example.com/u\($0)", kind: .unknown) }
    }

    private static func rules(_ post: PostDraft, _ network: Network) -> [NetworkViolation.Rule] {
        NetworkCheck.check(post, network: network).map(\.rule)
    }

    /// Network, media, and the rules the post breaks (empty when it is fine).
    static let cases: [(Network, [PostMedium], [NetworkViolation.Rule])] = [
        (.x, media(images: 4), []),
        (.x, media(images: 5), [.mediaCount]),
        (.x, media(videos: 1), []),
        (.x, media(videos: 2), [.mediaCount]),
        (.x, media(images: 3, videos: 2), [.mediaCount, .mediaCount, .mediaKind]),
        (.x, media(images: 1, videos: 1), [.mediaKind]),
        (.x, media(documents: 1), [.mediaKind]),
        (.linkedin, media(images: 20), []),
        (.linkedin, media(images: 21), [.mediaCount]),
        (.linkedin, media(videos: 1), []),
        (.linkedin, media(videos: 2), [.mediaCount]),
        (.linkedin, media(images: 2, videos: 1), [.mediaKind]),
        (.instagram, [], [.mediaRequired]),
        (.instagram, media(images: 1), []),
        (.instagram, media(videos: 1), []),
        (.instagram, media(images: 5, videos: 5), []),
        (.instagram, media(images: 11), [.mediaCount]),
        (.instagram, media(documents: 1), [.mediaKind, .mediaRequired]),
        (.youtube, media(videos: 1), []),
        (.youtube, [], [.mediaRequired]),
        (.youtube, media(videos: 2), [.mediaCount]),
        (.youtube, media(images: 1, videos: 1), [.mediaCount, .mediaKind, .mediaKind]),
        (.tiktok, media(videos: 1), []),
        (.tiktok, media(images: 1), [.mediaKind, .mediaRequired]),
        (.pinterest, media(images: 1), []),
        (.pinterest, [], [.mediaRequired]),
        (.pinterest, media(videos: 1), [.mediaKind, .mediaRequired]),
        (.threads, [], []),
        (.threads, media(images: 10, videos: 10), []),
        (.facebook, media(images: 20), []),
        (.googleBusiness, media(images: 1), []),
        (.googleBusiness, media(images: 2), [.mediaCount]),
    ]

    @Test(arguments: cases)
    func mediaRule(network: Network, media: [PostMedium], expected: [NetworkViolation.Rule]) {
        let post = PostDraft(
            text: "text", media: media, youtubeTitle: "Title", pinterestBoardId: "board", linkedinDocumentTitle: "Deck")
        #expect(Self.rules(post, network) == expected)
    }

    @Test func apiMaximumAppliesEverywhere() throws {
        let post = PostDraft(text: "text", media: Self.media(images: 21))
        let violation = try #require(
            NetworkCheck.check(post, network: .unknown("mastodon")).first { $0.rule == .mediaCount })
        #expect(violation.message == "post has 21 media; the Planable API accepts at most 20 per post")
        #expect(violation.limit == 20)
        #expect(violation.measured == 21)
    }

    @Test func xImageMessage() {
        let messages = NetworkCheck.check(PostDraft(text: "t", media: Self.media(images: 5)), network: .x).map(
            \.message)
        #expect(messages == ["post has 5 media; X allows at most 4"])
    }

    @Test func mixedKindsMessage() {
        let messages = NetworkCheck.check(PostDraft(text: "t", media: Self.media(images: 1, videos: 1)), network: .x)
            .map(\.message)
        #expect(messages == ["post mixes images and videos; X takes one kind per post"])
    }

    @Test func unknownKindDowngradesRequirement() {
        let violations = NetworkCheck.check(PostDraft(text: "t", media: Self.media(unknown: 1)), network: .instagram)
        #expect(violations.map(\.rule) == [.mediaRequired, .unknownMediaKind])
        #expect(violations.allSatisfy { $0.severity == .warning })
        #expect(
            violations.last?.message
                == "medium https://cdn.example.com/u0 is of unknown kind, so Instagram's media rules could not be checked for it"
        )
    }

    @Test func linkedinDocumentNeedsTitle() {
        let post = PostDraft(text: "t", media: Self.media(documents: 1))
        let violations = NetworkCheck.check(post, network: .linkedin)
        #expect(violations.map(\.rule) == [.requiredField])
        #expect(
            violations.first?.message == "LinkedIn document title is missing; LinkedIn needs one for a document post")
        var titled = post
        titled.linkedinDocumentTitle = "Q3 report"
        #expect(NetworkCheck.check(titled, network: .linkedin) == [])
    }

    @Test func youtubeTitleRequiredAndLimited() {
        var post = PostDraft(text: "t", media: Self.media(videos: 1))
        #expect(Self.rules(post, .youtube) == [.requiredField])
        #expect(
            NetworkCheck.check(post, network: .youtube).first?.message
                == "YouTube title is missing; YouTube needs a title for every video")
        post.youtubeTitle = "   "
        #expect(Self.rules(post, .youtube) == [.requiredField])
        post.youtubeTitle = String(repeating: "t", count: 100)
        #expect(Self.rules(post, .youtube) == [])
        post.youtubeTitle = String(repeating: "t", count: 101)
        #expect(
            NetworkCheck.check(post, network: .youtube).map(\.message) == [
                "YouTube title is 101 characters; YouTube allows at most 100"
            ])
    }

    @Test func pinterestBoardRequiredAndTitleLimited() {
        var post = PostDraft(text: "t", media: Self.media(images: 1))
        #expect(
            NetworkCheck.check(post, network: .pinterest).map(\.message) == [
                "Pinterest board is missing; Pinterest needs a board id for every pin"
            ])
        post.pinterestBoardId = "board-1"
        post.pinterestTitle = String(repeating: "p", count: 100)
        #expect(Self.rules(post, .pinterest) == [])
        post.pinterestTitle = String(repeating: "p", count: 101)
        #expect(Self.rules(post, .pinterest) == [.titleLength])
    }

    @Test func otherNetworksIgnoreNetworkFields() {
        let post = PostDraft(text: "t", youtubeTitle: String(repeating: "t", count: 500))
        #expect(Self.rules(post, .linkedin) == [])
    }
}
