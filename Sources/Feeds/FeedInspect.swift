import Foundation
import HTTPClient
import Timestamps

/// Renders a parsed feed as JSON for `planable-sync feed inspect --format json`: keys sorted, dates in ISO 8601
/// (UTC), absent values as null.
package func feedInspectJSON(_ feed: Feed) -> String {
    func date(_ value: Date?) -> Any { value.map { Timestamp.format($0, fractional: false) } ?? NSNull() }
    func optional(_ value: String?) -> Any { value ?? NSNull() }
    let entries: [[String: Any]] = feed.entries.map { entry in
        [
            "id": optional(entry.id), "key": entry.key, "title": entry.title, "link": entry.link,
            "author": entry.author, "published": date(entry.published), "updated": date(entry.updated),
            "summary": entry.summary, "summaryHTML": optional(entry.summaryHTML), "content": entry.content,
            "contentHTML": optional(entry.contentHTML), "categories": entry.categories,
            "contentHash": entry.contentHash,
            "media": entry.media.map { media -> [String: Any] in
                [
                    "url": media.url, "type": optional(media.type),
                    "length": media.length.map { $0 as Any } ?? NSNull(),
                    "medium": optional(media.medium), "role": media.role.rawValue,
                ]
            },
        ]
    }
    let object: [String: Any] = [
        "format": feed.format.rawValue, "title": feed.title, "link": feed.link, "id": optional(feed.id),
        "encoding": feed.encoding, "isIllFormed": feed.isIllFormed, "illFormedReason": optional(feed.illFormedReason),
        "entries": entries,
    ]
    guard
        let data = try? JSONSerialization.data(
            withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    else { return "{}" }
    return String(decoding: data, as: UTF8.self)
}

/// Renders a parsed feed as short text for people: the feed line, then one block per entry.
package func feedInspectText(_ feed: Feed) -> String {
    let entries = feed.entries.count == 1 ? "1 entry" : "\(feed.entries.count) entries"
    var lines = ["\(feed.format.rawValue) feed \"\(feed.title)\" \(feed.link) (\(feed.encoding), \(entries))"]
    if let reason = feed.illFormedReason { lines.append("ill-formed: \(reason)") }
    for entry in feed.entries {
        lines.append("- \(entry.title.isEmpty ? "(no title)" : entry.title)")
        lines.append("  key: \(entry.key)")
        if !entry.link.isEmpty { lines.append("  link: \(entry.link)") }
        if let published = entry.published {
            lines.append("  published: \(Timestamp.format(published, fractional: false))")
        }
        if let updated = entry.updated { lines.append("  updated: \(Timestamp.format(updated, fractional: false))") }
        for media in entry.media { lines.append("  \(media.role.rawValue): \(media.url)") }
    }
    var counts: [String: Int] = [:]
    for entry in feed.entries { counts[entry.key, default: 0] += 1 }
    var reported = Set<String>()
    for entry in feed.entries where counts[entry.key, default: 0] > 1 && reported.insert(entry.key).inserted {
        lines.append(
            "warning: \(counts[entry.key] ?? 0) entries share the key \(entry.key), so a sync posts only one of them; "
                + "the feed's publisher should give each entry an id of its own")
    }
    return lines.joined(separator: "\n")
}

/// Runs `planable-sync feed inspect PATH_OR_URL [--format json|text]` and returns the exit status: 0 on success,
/// 64 for a usage error, 65 for a feed that cannot be parsed or is over the size limit, 69 for a fetch failure.
package func runFeedInspectCommand(arguments: [String]) -> Int32 {
    let usage = "usage: planable-sync feed inspect PATH_OR_URL [--format json|text]\n"
    var target: String?
    var format = "text"
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if argument == "--format" {
            guard index + 1 < arguments.count, ["json", "text"].contains(arguments[index + 1]) else {
                FileHandle.standardError.write(Data("--format needs json or text\n\(usage)".utf8))
                return 64
            }
            format = arguments[index + 1]
            index += 2
        } else if argument.hasPrefix("--format=") {
            format = String(argument.dropFirst("--format=".count))
            guard ["json", "text"].contains(format) else {
                FileHandle.standardError.write(Data("--format needs json or text, not \(format)\n\(usage)".utf8))
                return 64
            }
            index += 1
        } else if argument == "-h" || argument == "--help" {
            print(usage, terminator: "")
            return 0
        } else if target == nil && !argument.hasPrefix("-") {
            target = argument
            index += 1
        } else {
            FileHandle.standardError.write(Data("unexpected argument \(argument)\n\(usage)".utf8))
            return 64
        }
    }
    guard let target else {
        FileHandle.standardError.write(Data("missing PATH_OR_URL\n\(usage)".utf8))
        return 64
    }
    let url = URLResolver.hasScheme(target) ? target : URL(fileURLWithPath: target).absoluteString
    // Messages show the URL with the password of its userinfo redacted.
    let shownTarget = URLCredentials.redactingPassword(in: target)
    let fetcher = FeedFetcher(client: HTTPClient(), timeout: 30, maximumBytes: FeedParser.maximumDocumentBytes)
    switch fetcher.readOnce(url) {
    case .success(let feed):
        print(format == "json" ? feedInspectJSON(feed) : feedInspectText(feed))
        return 0
    case .failure(.fetch(let error)):
        // A feed over the size limit stays too large at every read, so it is a data error, as `check` and `sync`
        // report it.
        if (error as? FeedError)?.code == .tooLarge {
            FileHandle.standardError.write(Data("cannot read the feed \(shownTarget): \(error)\n".utf8))
            return 65
        }
        FileHandle.standardError.write(Data("cannot fetch the feed \(shownTarget): \(error)\n".utf8))
        return 69
    case .failure(.notModified):
        FileHandle.standardError.write(
            Data("\(shownTarget) responded 304 Not Modified to a request without validators\n".utf8))
        return 69
    case .failure(.parse(let error)):
        // A document cut off in transfer, or read while it was written, may parse at the next read, which
        // `check` and `sync` also report with 75.
        if let feedError = error as? FeedError, feedError.isTemporary {
            FileHandle.standardError.write(Data("cannot read the feed \(shownTarget) for now: \(error)\n".utf8))
            return 75
        }
        FileHandle.standardError.write(Data("cannot parse the feed \(shownTarget): \(error)\n".utf8))
        return 65
    }
}
