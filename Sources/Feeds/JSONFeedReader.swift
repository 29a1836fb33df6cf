import Foundation

/// Maps JSON Feed 1.0 and 1.1 documents to `Feed`.
enum JSONFeedReader {
    static func parse(_ data: [UInt8], url: String?) throws -> Feed {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            if let open = openContainerAtEnd(bytes) {
                throw FeedError(
                    .cutOff,
                    "the document ends inside a JSON \(open), as a feed cut off in transfer or read while it was "
                        + "being written does; the next read fetches it again")
            }
            // Foundation's localized description is a generic "not in the correct format"; the debug description
            // names the problem and often its position.
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw FeedError(.notAFeed, "the document is not valid JSON: \(detail ?? error.localizedDescription)")
        }
        guard let root = object as? [String: Any] else {
            throw FeedError(.notAFeed, "the JSON document is not an object, so it is not a JSON Feed")
        }
        let version = root["version"] as? String ?? ""
        var feed = Feed(encoding: "utf-8")
        switch version {
        case "https://jsonfeed.org/version/1": feed.format = .json10
        case "https://jsonfeed.org/version/1.1": feed.format = .json11
        default:
            guard root["items"] is [Any] else {
                throw FeedError(
                    .notAFeed,
                    "the JSON document has no \"version\" of https://jsonfeed.org/version/1 or 1.1 and no \"items\"")
            }
            feed.format = .unknown
            feed.isIllFormed = true
            feed.illFormedReason = "the JSON Feed version \"\(version)\" is not 1 or 1.1"
        }
        // Relative URLs resolve against the document's own URL, as in XML feeds without xml:base.
        let base = url ?? (root["feed_url"] as? String) ?? (root["home_page_url"] as? String)
        feed.title = HTMLText.collapse(root["title"] as? String ?? "")
        feed.link = (root["home_page_url"] as? String).map { URLResolver.resolve($0, against: url) } ?? ""
        feed.id = root["feed_url"] as? String
        let feedAuthor = authorName(root)
        let items = root["items"] as? [Any] ?? []
        feed.entries = items.compactMap { $0 as? [String: Any] }.map { entry($0, base: base, feedAuthor: feedAuthor) }
        if items.count != feed.entries.count {
            feed.isIllFormed = true
            feed.illFormedReason = feed.illFormedReason ?? "\(items.count - feed.entries.count) items are not objects"
        }
        return FeedIdentity.completeAll(feed)
    }

    /// Names what a document that JSON cannot parse leaves open at its end: "string", "array" or "object". Returns
    /// nil when nothing is open, or when a bracket closes one of another kind, because the document is then broken
    /// rather than cut off.
    static func openContainerAtEnd(_ bytes: [UInt8]) -> String? {
        var open: [UInt8] = []
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                open.append(byte)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                let opening = byte == UInt8(ascii: "}") ? UInt8(ascii: "{") : UInt8(ascii: "[")
                guard open.last == opening else { return nil }
                open.removeLast()
            default:
                break
            }
        }
        if inString { return "string" }
        guard let last = open.last else { return nil }
        return last == UInt8(ascii: "{") ? "object" : "array"
    }

    private static func authorName(_ object: [String: Any]) -> String {
        if let author = object["author"] as? [String: Any], let name = author["name"] as? String { return name }
        if let authors = object["authors"] as? [[String: Any]], let name = authors.first?["name"] as? String {
            return name
        }
        return ""
    }

    private static func entry(_ item: [String: Any], base: String?, feedAuthor: String) -> FeedEntry {
        var entry = FeedEntry()
        if let id = item["id"] as? String {
            entry.id = id
        } else if let number = item["id"] as? NSNumber {
            entry.id = number.stringValue
        }
        entry.title = HTMLText.collapse(item["title"] as? String ?? "")
        entry.link = (item["url"] as? String).map { URLResolver.resolve($0, against: base) } ?? ""
        let author = authorName(item)
        entry.author = author.isEmpty ? feedAuthor : author
        entry.published = (item["date_published"] as? String).flatMap(FeedDate.parse)
        entry.updated = (item["date_modified"] as? String).flatMap(FeedDate.parse)
        entry.summary = HTMLText.collapse(item["summary"] as? String ?? "")
        if let html = item["content_html"] as? String {
            let value = TextConstruct.html(html, base: base)
            entry.content = value.plain
            entry.contentHTML = value.html
        } else if let text = item["content_text"] as? String {
            entry.content = text.trimmingWhitespaceAndNewlines
        }
        entry.categories = (item["tags"] as? [Any] ?? []).compactMap { $0 as? String }
        for key in ["image", "banner_image"] {
            if let image = item[key] as? String {
                entry.media.append(
                    FeedMedia(url: URLResolver.resolve(image, against: base), medium: "image", role: .thumbnail))
            }
        }
        for case let attachment as [String: Any] in item["attachments"] as? [Any] ?? [] {
            guard let url = attachment["url"] as? String else { continue }
            entry.media.append(
                FeedMedia(
                    url: URLResolver.resolve(url, against: base), type: attachment["mime_type"] as? String,
                    length: (attachment["size_in_bytes"] as? NSNumber)?.intValue, role: .enclosure))
        }
        return entry
    }
}
