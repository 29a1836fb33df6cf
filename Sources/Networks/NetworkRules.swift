/// The unit in which a network measures the length of a text.
package enum TextCounting: Sendable, Equatable {
    /// Extended grapheme clusters: what a reader sees as one character, so an emoji counts 1.
    case graphemes
    /// Unicode code points.
    case unicodeScalars
    /// UTF-16 code units, as JavaScript's and Java's `length` count: an emoji outside the BMP counts 2.
    case utf16
    /// UTF-8 bytes.
    case utf8Bytes
    /// twitter-text 3's weighted length: URLs count 23, emoji 2, code points in a few ranges 1, the rest 2.
    case twitterWeighted

    /// The unit for messages, such as "characters" or "bytes".
    package var unit: String {
        switch self {
        case .graphemes, .unicodeScalars, .utf16: return "characters"
        case .utf8Bytes: return "bytes"
        case .twitterWeighted: return "weighted characters"
        }
    }
}

/// The media limits of a network: counts per kind, the total, and what a post must have.
package struct MediaRules: Sendable, Equatable {
    /// The media a post must have.
    package enum Requirement: Sendable, Equatable {
        case none
        case imageOrVideo
        case image
        case exactlyOneVideo
    }

    package var requirement: Requirement
    package var maxImages: Int
    package var maxVideos: Int
    package var maxDocuments: Int
    /// The maximum number of media of all kinds together.
    package var maxItems: Int
    /// True when images and videos may share one post, as in a carousel.
    package var allowsMixedKinds: Bool
}

/// One network's limits: text length and how it is counted, tags, media and extra fields.
package struct NetworkRules: Sendable, Equatable {
    package var textLimit: Int?
    package var textCounting: TextCounting
    package var maxHashtags: Int?
    package var maxMentions: Int?
    /// The limit on the title field (the YouTube video title, the Pinterest pin title), when the network has one.
    package var titleLimit: Int?
    package var titleCounting: TextCounting
    package var media: MediaRules
    /// True when the text and title must not contain `<` or `>`.
    package var rejectsAngleBrackets: Bool

    /// The maximum number of media URLs one `POST /posts` request of the Planable API accepts.
    package static let apiMaxMedia = 20

    /// Returns the rules for `network`; an unknown network gets no text limit and the API's media limit.
    ///
    /// Each number comes from the network's own documentation for its posting API or composer, as recalled
    /// when this table was written. Those pages were not reopened, so NOTE marks the least certain entries.
    /// - X: twitter-text 3 configuration (`config/v3.json`): 280 weighted characters, URLs 23, emoji 2.
    ///   Media: 4 images or 1 video, from X's media upload documentation.
    /// - LinkedIn: 3000 characters of post commentary, from the LinkedIn Posts API documentation; up to 20
    ///   images in a multi-image post, or 1 video, or 1 document.
    /// - Facebook: 63,206 characters per post, the limit Facebook's composer enforces.
    /// - Instagram: 2200 characters, 30 hashtags and 20 @ tags per caption, and at most 10 carousel items,
    ///   from the Instagram Graph API content publishing documentation.
    /// - Threads: 500 characters, carousels of up to 20 items, from the Threads API documentation.
    /// - Pinterest: 500-character description and 100-character title, from the Pinterest API v5 pin fields.
    /// - YouTube: 100-character title and 5000-byte description, neither with `<` or `>`, from the YouTube
    ///   Data API `videos` resource.
    /// - TikTok: a 2200-character caption counted in UTF-16 code units, from the TikTok Content Posting API.
    /// - Google Business Profile: a 1500-character summary, from the Business Profile API `localPosts`.
    package static func rules(for network: Network) -> NetworkRules {
        switch network {
        case .x:
            return NetworkRules(
                textLimit: 280, textCounting: .twitterWeighted,
                media: MediaRules(
                    requirement: .none, maxImages: 4, maxVideos: 1, maxDocuments: 0, maxItems: 4,
                    allowsMixedKinds: false))
        case .linkedin:
            // NOTE: LinkedIn does not say how it counts; UTF-16 (its web composer's count) is assumed.
            return NetworkRules(
                textLimit: 3000, textCounting: .utf16,
                media: MediaRules(
                    requirement: .none, maxImages: 20, maxVideos: 1, maxDocuments: 1, maxItems: 20,
                    allowsMixedKinds: false))
        case .facebook:
            // NOTE: UTF-16 counting and the media limits (20 photos or 1 video, not mixed) are assumptions.
            return NetworkRules(
                textLimit: 63206, textCounting: .utf16,
                media: MediaRules(
                    requirement: .none, maxImages: 20, maxVideos: 1, maxDocuments: 0, maxItems: 20,
                    allowsMixedKinds: false))
        case .instagram:
            // NOTE: UTF-16 counting is assumed; Meta documents the limit in "characters" only.
            return NetworkRules(
                textLimit: 2200, textCounting: .utf16, maxHashtags: 30, maxMentions: 20,
                media: MediaRules(
                    requirement: .imageOrVideo, maxImages: 10, maxVideos: 10, maxDocuments: 0, maxItems: 10,
                    allowsMixedKinds: true))
        case .threads:
            // NOTE: third-party guides disagree on how Threads counts emoji; graphemes are assumed.
            return NetworkRules(
                textLimit: 500, textCounting: .graphemes,
                media: MediaRules(
                    requirement: .none, maxImages: 20, maxVideos: 20, maxDocuments: 0, maxItems: 20,
                    allowsMixedKinds: true))
        case .pinterest:
            // NOTE: the counting unit and the 5-image carousel limit are assumptions; video pins are not modelled.
            return NetworkRules(
                textLimit: 500, textCounting: .unicodeScalars, titleLimit: 100, titleCounting: .unicodeScalars,
                media: MediaRules(
                    requirement: .image, maxImages: 5, maxVideos: 0, maxDocuments: 0, maxItems: 5,
                    allowsMixedKinds: false))
        case .youtube:
            return NetworkRules(
                textLimit: 5000, textCounting: .utf8Bytes, titleLimit: 100, titleCounting: .unicodeScalars,
                media: MediaRules(
                    requirement: .exactlyOneVideo, maxImages: 0, maxVideos: 1, maxDocuments: 0, maxItems: 1,
                    allowsMixedKinds: false),
                rejectsAngleBrackets: true)
        case .tiktok:
            return NetworkRules(
                textLimit: 2200, textCounting: .utf16,
                media: MediaRules(
                    requirement: .exactlyOneVideo, maxImages: 0, maxVideos: 1, maxDocuments: 0, maxItems: 1,
                    allowsMixedKinds: false))
        case .googleBusiness:
            // NOTE: the counting unit and the limit of one photo or video per post are assumptions.
            return NetworkRules(
                textLimit: 1500, textCounting: .unicodeScalars,
                media: MediaRules(
                    requirement: .none, maxImages: 1, maxVideos: 1, maxDocuments: 0, maxItems: 1,
                    allowsMixedKinds: false))
        case .unknown:
            return NetworkRules(
                textLimit: nil, textCounting: .graphemes,
                media: MediaRules(
                    requirement: .none, maxImages: apiMaxMedia, maxVideos: apiMaxMedia, maxDocuments: apiMaxMedia,
                    maxItems: apiMaxMedia, allowsMixedKinds: true))
        }
    }

    private init(
        textLimit: Int?, textCounting: TextCounting, maxHashtags: Int? = nil, maxMentions: Int? = nil,
        titleLimit: Int? = nil, titleCounting: TextCounting = .unicodeScalars, media: MediaRules,
        rejectsAngleBrackets: Bool = false
    ) {
        self.textLimit = textLimit
        self.textCounting = textCounting
        self.maxHashtags = maxHashtags
        self.maxMentions = maxMentions
        self.titleLimit = titleLimit
        self.titleCounting = titleCounting
        self.media = media
        self.rejectsAngleBrackets = rejectsAngleBrackets
    }
}
