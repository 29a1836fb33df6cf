/// The kind of a medium, as the media check (HEAD request or file type) found it.
package enum MediaKind: String, Sendable, Equatable {
    case image
    case video
    /// A PDF or slide deck, which LinkedIn shows as a document post.
    /// NOTE: the media check gives no medium this kind, because Planable's API takes image and video URLs only.
    /// The network rules keep LinkedIn's document limits for drafts built in code.
    case document
    /// A kind the check could not tell, such as a URL whose response had no usable content type.
    case unknown
}

/// One medium of a post, passed to Planable by URL.
package struct PostMedium: Sendable, Equatable {
    package var url: String
    package var kind: MediaKind

    package init(url: String, kind: MediaKind) {
        self.url = url
        self.kind = kind
    }
}

/// The rendered content of one post for one page, before it is sent.
package struct PostDraft: Sendable, Equatable {
    package var text: String
    package var media: [PostMedium]
    package var youtubeTitle: String?
    package var pinterestBoardId: String?
    package var pinterestTitle: String?
    package var linkedinDocumentTitle: String?
    package var firstComment: String?

    package init(
        text: String,
        media: [PostMedium] = [],
        youtubeTitle: String? = nil,
        pinterestBoardId: String? = nil,
        pinterestTitle: String? = nil,
        linkedinDocumentTitle: String? = nil,
        firstComment: String? = nil
    ) {
        self.text = text
        self.media = media
        self.youtubeTitle = youtubeTitle
        self.pinterestBoardId = pinterestBoardId
        self.pinterestTitle = pinterestTitle
        self.linkedinDocumentTitle = linkedinDocumentTitle
        self.firstComment = firstComment
    }
}

/// One rule that a post breaks on a network.
package struct NetworkViolation: Sendable, Equatable, CustomStringConvertible {
    /// The rules a post can break.
    package enum Rule: String, Sendable, Equatable {
        case textLength
        case hashtagCount
        case mentionCount
        case firstCommentLength
        case titleLength
        case forbiddenCharacters
        case mediaCount
        case mediaKind
        case mediaRequired
        case requiredField
        case unknownNetwork
        case unknownMediaKind
    }

    /// The effect of a violation on the post.
    package enum Severity: String, Sendable, Equatable {
        /// The network would reject the post, so it must not be sent.
        case error
        /// The post may be sent, but a rule could not be checked or may not hold.
        case warning
    }

    package var rule: Rule
    package var severity: Severity
    package var network: Network
    /// The limit the rule sets, when it is a number.
    package var limit: Int?
    /// The measured value, when it is a number.
    package var measured: Int?
    /// A sentence that names the value, the limit and the network, such as
    /// "text is 3104 characters; LinkedIn allows at most 3000".
    package var message: String

    package var description: String { message }
}
