import Foundation
import HTTPClient

/// Reads RSS 0.90 to 2.0, RSS 1.0 (RDF), Atom 0.3 and 1.0 and JSON Feed 1.0 and 1.1.
///
/// XML goes through libxml2 in recovery mode, so an ill-formed document still yields what it contains and is
/// flagged (`Feed.isIllFormed`), as feedparser does.
package enum FeedParser {
    /// The largest document accepted, in bytes.
    package static let maximumDocumentBytes = 32 << 20

    /// Parses a feed document.
    ///
    /// - Parameters:
    ///   - data: The document's bytes as served.
    ///   - url: The document's own URL, the last base for relative links; nil when unknown. Its userinfo is left
    ///     out of the base, so that links resolved against a feed URL with a password do not carry the password.
    ///   - contentType: The HTTP `Content-Type` value, or nil when the document did not come over HTTP.
    /// - Throws: `FeedError` when the document is too large, passes a limit of `XMLMarkupScan.Limits`, cannot be
    ///   decoded or is not a feed.
    package static func parse(_ data: [UInt8], url: String?, contentType: String?) throws -> Feed {
        let url = url.map(URLCredentials.removingUserinfo(from:))
        guard data.count <= maximumDocumentBytes else {
            throw FeedError(
                .tooLarge, "the document is \(data.count) bytes, more than the limit of \(maximumDocumentBytes)")
        }
        if looksLikeJSON(data, contentType: contentType, url: url) {
            return try JSONFeedReader.parse(data, url: url)
        }
        let decoded = try FeedEncoding.decode(data, contentType: contentType)
        if let violation = XMLMarkupScan.firstViolation(in: decoded.utf8) {
            throw FeedError(.tooLarge, violation.message(in: decoded.utf8))
        }
        let result = XMLReader.parse(decoded.utf8, url: url)
        guard let root = result.root else {
            throw FeedError(.notAFeed, "the document is not XML: \(result.error ?? "it has no root element")")
        }
        // A document that ends with its root's end tag was sent whole, and an element that libxml2 leaves open in it,
        // such as an unclosed <b> in a copyright line, is a markup error, not a cut.
        let endsWhole = Self.endsWithEndTag(decoded.utf8, named: root.name)
        // An entry still open at the end lost its end, so its text would be cut short. Such a document is not
        // read at all, because a later fetch usually gets it whole.
        if !endsWhole, let open = result.openElements.last(where: { $0 == "item" || $0 == "entry" }) {
            throw FeedError(
                .cutOff,
                "the document ends inside an <\(open)> element, as a feed cut off in transfer or read while it was "
                    + "being written does; the next read fetches it again")
        }
        var feed: Feed
        switch (root.name, root.namespace) {
        case ("rss", _), ("RDF", _), ("channel", ""):
            feed = RSSReader.read(root)
        case ("feed", _):
            feed = AtomReader.read(root)
        default:
            throw FeedError(
                .notAFeed,
                "the root element is <\(root.name)>, not <rss>, <rdf:RDF> or <feed>; check that the URL points at a feed"
            )
        }
        // A document that ends inside its channel before any entry is whole may have lost every entry. A sync that
        // took it as an empty feed would store its validators, and later reads of the whole feed would get 304.
        if feed.entries.isEmpty, let open = result.openElements.last {
            // A whole document whose entries an unclosed element before them took in reads the same way every
            // time, so only its publisher can fix it.
            if endsWhole {
                throw FeedError(
                    .notAFeed,
                    "the document is whole, but an element before its first entry is never closed (libxml2 left "
                        + "<\(open)> open), so no entry can be read; the feed should close that element or escape "
                        + "its HTML")
            }
            throw FeedError(
                .cutOff,
                "the document ends inside its <\(open)> element before its first entry, as a feed cut off in transfer "
                    + "or read while it was being written does; the next read fetches it again")
        }
        // Items inside another element of the channel, as a well-formed feed may have them, are not read. The repair
        // of a feed that is not well-formed closes an element left open in the channel where the first item starts.
        // NOTE: feedparser 6.0.14 reads items inside any element, so it reads the entries of such a feed.
        if feed.entries.isEmpty, let holder = elementHoldingEntries(in: root) {
            // In a well-formed document, the element that contains the entries is closed after them.
            let cause =
                result.error == nil
                ? "the entries are inside <\(holder)>, where they are not read as entries; the feed should put them "
                    + "directly in its channel or feed element"
                : "an element before its first entry is never closed, so the entries are inside <\(holder)>, where "
                    + "they are not read as entries; the feed should close that element or escape its HTML"
            throw FeedError(.notAFeed, cause)
        }
        feed.encoding = decoded.encoding
        feed.isCutShort = !result.openElements.isEmpty && !endsWhole
        if let problem = decoded.problem ?? result.error {
            feed.isIllFormed = true
            feed.illFormedReason = problem
        }
        feed.entries = feed.entries.map(FeedIdentity.complete)
        return feed
    }

    /// Tells whether `bytes` end, before trailing white space, with the end tag of an element whose local name is
    /// `name`, with or without a prefix: `</rss>`, `</feed>` or `</rdf:RDF>`.
    static func endsWithEndTag(_ bytes: [UInt8], named name: String) -> Bool {
        var end = bytes.count
        while end > 0, [0x20, 0x09, 0x0A, 0x0D, 0x00].contains(bytes[end - 1]) { end -= 1 }
        guard end > 0, bytes[end - 1] == UInt8(ascii: ">") else { return false }
        // The tag's start is within a short distance of its end, so a long document is not searched back far.
        var start = end - 1
        while start > 0, end - start < 256, bytes[start] != UInt8(ascii: "<") { start -= 1 }
        guard bytes[start] == UInt8(ascii: "<"), start + 1 < end, bytes[start + 1] == UInt8(ascii: "/") else {
            return false
        }
        let qualified = String(decoding: bytes[(start + 2)..<(end - 1)], as: UTF8.self)
            .trimmingCharacters(in: .whitespaces)
        let local = qualified.split(separator: ":").last.map(String.init) ?? qualified
        return local == name
    }

    /// Returns the name of the first element, in document order, that contains an `item` or `entry` element where
    /// the readers do not look for entries: inside any element but the root and an RSS `channel`.
    private static func elementHoldingEntries(in root: XMLElement) -> String? {
        let entryNamespaces = Namespace.rss.union(Namespace.atom)
        var pending = Array(root.elements.reversed())
        while let element = pending.popLast() {
            let isChannel = element.name == "channel" && Namespace.rss.contains(element.namespace)
            if !isChannel,
                element.elements.contains(where: {
                    ($0.name == "item" || $0.name == "entry") && entryNamespaces.contains($0.namespace)
                })
            {
                return element.name
            }
            pending += element.elements.reversed()
        }
        return nil
    }

    /// Tells whether the document is JSON by its content type, else by its first character. A `.json` file that
    /// came without a content type, such as a local export, counts as JSON whatever it starts with, so that its
    /// error is a JSON error.
    private static func looksLikeJSON(_ data: [UInt8], contentType: String?, url: String?) -> Bool {
        // A document that starts with markup is XML, whatever a misconfigured server calls it.
        let start = data.drop {
            $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF
        }
        if start.first == UInt8(ascii: "<") { return false }
        if let contentType {
            let mediaType = FeedEncoding.parseContentType(contentType).mediaType
            if mediaType == "application/feed+json" || mediaType == "application/json" { return true }
        } else if let path = url.flatMap(URLComponents.init(string:))?.path, path.lowercased().hasSuffix(".json") {
            return true
        }
        let first = data.drop {
            $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF
        }
        return first.first == UInt8(ascii: "{")
    }
}

/// The namespaces feeds use, by their URIs.
enum Namespace {
    static let atom10 = "http://www.w3.org/2005/Atom"
    static let atom03 = "http://purl.org/atom/ns#"
    static let rss10 = "http://purl.org/rss/1.0/"
    static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let dc = "http://purl.org/dc/elements/1.1/"
    static let dcterms = "http://purl.org/dc/terms/"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let xhtml = "http://www.w3.org/1999/xhtml"
    /// Podcast feeds declare the iTunes namespace in either letter case.
    static let itunes: Set<String> = [
        "http://www.itunes.com/dtds/podcast-1.0.dtd", "http://www.itunes.com/DTDs/Podcast-1.0.dtd",
    ]
    static let media: Set<String> = ["http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss"]
    /// RSS elements: no namespace, the RSS 1.0 and 0.90 namespaces, and the namespaces some RSS 2.0 feeds declare.
    static let rss: Set<String> = [
        "", rss10, rss090, "http://backend.userland.com/rss2", "http://blogs.law.harvard.edu/tech/rss",
        "http://purl.org/rss/2.0/",
    ]
    static let atom: Set<String> = [atom10, atom03, ""]

    /// The namespaces of the prefixes that feeds use with one meaning, for elements whose prefix the feed did not
    /// declare.
    static let wellKnownPrefixes: [String: String] = [
        "media": "http://search.yahoo.com/mrss/", "content": content, "dc": dc, "dcterms": dcterms,
        "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "atom": atom10, "rdf": rdf,
    ]

    /// Namespace URIs that feeds write without their trailing slash, by the URI the readers look for.
    static let aliases: [String: String] = [
        "http://purl.org/rss/1.0/modules/content": content, "http://purl.org/dc/elements/1.1": dc,
        "http://purl.org/dc/terms": dcterms,
    ]
}
