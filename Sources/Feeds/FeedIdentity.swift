import Foundation
import HTTPClient
import Hashing

/// Stable identity and content hashes for entries.
enum FeedIdentity {
    /// Fills in `key` and `contentHash` from the entry's other fields.
    ///
    /// The key is the id or GUID as written. Without one it is derived from stable fields only: the normalized
    /// link, else the title with the published (or, without one, updated) date. An entry with none of those gets
    /// a key from its summary and content, which changes when they change.
    ///
    /// Media listed twice under the same URL (an `enclosure` and a `media:content`) are kept once, the first.
    static func complete(_ entry: FeedEntry) -> FeedEntry {
        var entry = entry
        var seenURLs = Set<String>()
        entry.media = entry.media.filter { seenURLs.insert($0.url).inserted }
        if let id = entry.id, !id.isEmpty {
            entry.key = id
        } else if !entry.link.isEmpty {
            entry.key = "link:" + normalizeLink(entry.link)
        } else if !entry.title.isEmpty || entry.published != nil || entry.updated != nil {
            // The published date first: `updated` changes with every edit.
            let date = (entry.published ?? entry.updated).map { String(Int($0.timeIntervalSince1970)) } ?? ""
            entry.key = "title:" + SHA256.hex(Array("\(entry.title)\u{1F}\(date)".utf8))
        } else {
            // NOTE: an entry with no id, link, title or date has nothing stable; editing its text makes it new.
            entry.key = "text:" + SHA256.hex(Array("\(entry.summary)\u{1F}\(entry.content)".utf8))
        }
        entry.contentHash = contentHash(entry)
        return entry
    }

    static func completeAll(_ feed: Feed) -> Feed {
        var feed = feed
        feed.entries = feed.entries.map(complete)
        return feed
    }

    /// A SHA-256 over title, link, summary, content, media and categories, each field separated by a unit
    /// separator so that moving text from one field to the next changes the hash.
    static func contentHash(_ entry: FeedEntry) -> String {
        var fields = [entry.title, entry.link, entry.summary, entry.contentHTML ?? entry.content]
        fields += entry.media.map { "\($0.role.rawValue) \($0.url) \($0.type ?? "") \($0.medium ?? "")" }
        fields.append("categories")
        fields += entry.categories
        return SHA256.hex(Array(fields.joined(separator: "\u{1F}").utf8))
    }

    /// Normalizes a link for identity: lower-cased scheme and host, no fragment, no default port, no trailing
    /// slash on the path, `http` and `https` treated alike, and no tracking parameters in the query.
    ///
    /// - Parameter removingTrackingParameters: false gives the form that versions before tracking parameters were
    ///   removed used for keys, which `earlierKeys(of:)` needs to find the entries that states written by those
    ///   versions store.
    static func normalizeLink(_ link: String, removingTrackingParameters: Bool = true) -> String {
        guard var components = URLComponents(string: link.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return link.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        components.fragment = nil
        if removingTrackingParameters, let query = components.percentEncodedQuery {
            // The query is filtered as text, so the parameters that stay keep their encoding and order.
            let kept = query.split(separator: "&", omittingEmptySubsequences: false).filter { parameter in
                let name = parameter.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                return !isTrackingParameter(name)
            }
            components.percentEncodedQuery = kept.isEmpty ? nil : kept.joined(separator: "&")
        }
        if let scheme = components.scheme?.lowercased() {
            components.scheme = scheme == "https" ? "http" : scheme
        }
        components.host = components.host?.lowercased()
        if components.port == 80 || components.port == 443 { components.port = nil }
        if components.path.hasSuffix("/") && components.path.count > 1 { components.path.removeLast() }
        if components.path.isEmpty { components.path = "/" }
        return components.string ?? link
    }

    /// Query parameters that analytics, advertising and e-mail tools add to a link to attribute the visit. A
    /// publisher adds or changes them without changing the page. Beside Google Analytics' `utm_*`, which
    /// `isTrackingParameter` matches by prefix, they are Google Ads' `gclid` and `dclid`, Facebook's `fbclid`,
    /// Microsoft Ads' `msclkid`, Yandex's `yclid`, Instagram's `igshid`, Mailchimp's `mc_cid` and `mc_eid`,
    /// HubSpot's `_hsenc` and `_hsmi`, and Marketo's `mkt_tok`.
    static let trackingParameters: Set<String> = [
        "gclid", "dclid", "fbclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok",
    ]

    /// Tells whether the query parameter `name`, still percent-encoded, is a tracking parameter.
    static func isTrackingParameter(_ name: String) -> Bool {
        let name = (name.removingPercentEncoding ?? name).lowercased()
        return name.hasPrefix("utm_") || trackingParameters.contains(name)
    }

    /// Returns the keys that earlier versions derived for `entry` and that differ from its key now: the link
    /// normalized with its tracking parameters, for an entry without an id whose link has some. A state written
    /// by such a version stores the entry under that key.
    static func earlierKeys(of entry: FeedEntry) -> [String] {
        guard entry.id?.isEmpty ?? true, !entry.link.isEmpty else { return [] }
        let earlier = "link:" + normalizeLink(entry.link, removingTrackingParameters: false)
        return earlier == entry.key ? [] : [earlier]
    }

    /// Tells whether `key` is derived from the entry's link, title or text, because the entry has no id. Such a
    /// key changes with the link, so a changed key is no sign that the publisher rewrote its ids.
    static func isDerivedKey(_ key: String) -> Bool {
        key.hasPrefix("link:") || key.hasPrefix("title:") || key.hasPrefix("text:")
    }

    /// Reduces a link to the form in which two links name the same page: normalized as for keys, then without
    /// scheme and `www.`. The path and query keep their case, since `?v=AbC` and `?v=abc` may be two pages; the
    /// normalization already lowered the scheme and host.
    ///
    /// The userinfo is left out, because links resolved against a feed URL with a password carried it in earlier
    /// versions, and the same page has no userinfo in its link now.
    static func comparableLink(_ link: String) -> String {
        var text = normalizeLink(URLCredentials.removingUserinfo(from: link))
        for prefix in ["https://", "http://"] where text.hasPrefix(prefix) {
            text.removeFirst(prefix.count)
        }
        if text.hasPrefix("www.") { text.removeFirst(4) }
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
