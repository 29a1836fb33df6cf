import Foundation

/// The syndication format and version a feed declares.
package enum FeedFormat: String, Sendable, CaseIterable {
    case rss090, rss091, rss092, rss10, rss20, atom03, atom10, json10, json11, unknown
}

/// A parsed feed: its channel-level fields and its entries in document order.
package struct Feed: Sendable {
    package var format: FeedFormat
    package var title: String
    package var link: String
    package var id: String?
    /// The character encoding the document was decoded with, lower-cased as in Python codec names ("utf-8").
    package var encoding: String
    /// Whether the document was not well-formed or not served as a feed, as feedparser's `bozo` flag.
    package var isIllFormed: Bool
    /// Why the document is ill-formed: the first problem found, with its line where known.
    package var illFormedReason: String?
    /// Whether the document ends before the end of its root element, after a whole entry, as one read while it was
    /// written may. Its entries are read, but a later read may find more.
    package var isCutShort = false
    package var entries: [FeedEntry]

    package init(
        format: FeedFormat = .unknown, title: String = "", link: String = "", id: String? = nil,
        encoding: String = "utf-8", isIllFormed: Bool = false, illFormedReason: String? = nil,
        entries: [FeedEntry] = []
    ) {
        self.format = format
        self.title = title
        self.link = link
        self.id = id
        self.encoding = encoding
        self.isIllFormed = isIllFormed
        self.illFormedReason = illFormedReason
        self.entries = entries
    }
}

/// One item of a feed: an RSS `item`, an Atom `entry` or a JSON Feed item.
package struct FeedEntry: Sendable {
    /// The id or GUID as the document writes it (an Atom id that is a relative path is resolved against its
    /// base), or nil when it has none.
    package var id: String?
    /// The stable identity: the id or GUID, else a key derived from the normalized link, else from title and date.
    package var key: String
    package var title: String
    package var link: String
    package var author: String
    package var published: Date?
    package var updated: Date?
    /// The summary or description as plain text.
    package var summary: String
    /// The summary as HTML with relative URLs resolved, when the document gives HTML.
    package var summaryHTML: String?
    /// The full content as plain text.
    package var content: String
    /// The full content as HTML with relative URLs resolved, when the document gives HTML.
    package var contentHTML: String?
    package var categories: [String]
    package var media: [FeedMedia]
    /// A SHA-256 hex digest over the fields that make the post: title, link, summary, content, media, categories.
    package var contentHash: String

    package init(
        id: String? = nil, key: String = "", title: String = "", link: String = "", author: String = "",
        published: Date? = nil, updated: Date? = nil, summary: String = "", summaryHTML: String? = nil,
        content: String = "", contentHTML: String? = nil, categories: [String] = [], media: [FeedMedia] = [],
        contentHash: String = ""
    ) {
        self.id = id
        self.key = key
        self.title = title
        self.link = link
        self.author = author
        self.published = published
        self.updated = updated
        self.summary = summary
        self.summaryHTML = summaryHTML
        self.content = content
        self.contentHTML = contentHTML
        self.categories = categories
        self.media = media
        self.contentHash = contentHash
    }
}

extension FeedEntry {
    /// The pictures in the entry's HTML content, or in its HTML summary when it has no content, with relative URLs
    /// resolved as in `contentHTML`. See `HTMLText.images` for what is left out.
    package var contentImages: [(url: String, alt: String?)] {
        guard let html = contentHTML ?? summaryHTML else { return [] }
        return HTMLText.images(html)
    }
}

/// A media file attached to an entry.
package struct FeedMedia: Sendable, Equatable {
    /// The element the media came from.
    package enum Role: String, Sendable {
        /// An RSS `enclosure`, an Atom `link rel="enclosure"` or a JSON Feed attachment.
        case enclosure
        /// A `media:content` element.
        case content
        /// A `media:thumbnail` element, or a JSON Feed `image`.
        case thumbnail
    }

    package var url: String
    package var type: String?
    /// The size in bytes, as the feed states it.
    package var length: Int?
    /// The Media RSS `medium`: "image", "video", "audio", "document" or "executable".
    package var medium: String?
    package var role: Role

    package init(url: String, type: String? = nil, length: Int? = nil, medium: String? = nil, role: Role) {
        self.url = url
        self.type = type
        self.length = length
        self.medium = medium
        self.role = role
    }
}

/// A feed that cannot be read at all.
package struct FeedError: Error, CustomStringConvertible, Equatable {
    package enum Code: String, Sendable {
        case notAFeed = "not-a-feed"
        case wrongEncoding = "wrong-encoding"
        case tooLarge = "too-large"
        case fetchFailed = "fetch-failed"
        /// The document ends inside an entry, as one cut off in transfer or read while it was written does.
        case cutOff = "cut-off"
    }

    /// The change that makes a failed read succeed, which the exit codes of `sync` and `check` follow.
    package enum Remedy: Sendable {
        /// Reading again later, as after a time-out, a server error or a document cut off in transfer.
        case retry
        /// A change to the feed by its publisher, as for a document that is not a feed or is over the size limit.
        case fixFeed
        /// A change to the source's configuration or to this user's access: the URL names no feed this program may
        /// read, as for a missing or unreadable file or an HTTP 404.
        case fixConfiguration
    }

    package var code: Code
    package var message: String
    package var remedy: Remedy

    /// - Parameter remedy: what makes a read succeed; nil takes the usual one for `code`, `fixFeed` for a document
    ///   that is not a feed, in the wrong encoding or too large, and `retry` for the others.
    package init(_ code: Code, _ message: String, remedy: Remedy? = nil) {
        self.code = code
        self.message = message
        switch code {
        case .notAFeed, .wrongEncoding, .tooLarge: self.remedy = remedy ?? .fixFeed
        case .fetchFailed, .cutOff: self.remedy = remedy ?? .retry
        }
    }

    /// The message alone, because it describes the failure in words; `code` is for programs that branch on it.
    package var description: String { message }

    /// Whether a later read may succeed without a change to the feed or its URL, as for a document cut off in
    /// transfer or a server error.
    package var isTemporary: Bool { remedy == .retry }
}
