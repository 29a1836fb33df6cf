import Foundation
import SyncEngine
import Timestamps

/// The text `forget` prints: each removed item with its post records and pending creates, the read failures and
/// feed records, then the counts.
enum ForgetReport {
    static func lines(_ records: ForgottenRecords, pageNames: [String: String]) -> [String] {
        var lines: [String] = []
        let posts = Dictionary(grouping: records.posts, by: { [$0.source, $0.identity] })
        let intents = Dictionary(grouping: records.intents, by: { [$0.source, $0.identity] })
        var keys = records.items.map { [$0.source, $0.identity] }
        // A create in flight for an item without a row yet has only its intent.
        for intent in records.intents where !keys.contains([intent.source, intent.identity]) {
            keys.append([intent.source, intent.identity])
        }
        let items = Dictionary(records.items.map { ([$0.source, $0.identity], $0) }, uniquingKeysWith: { a, _ in a })
        for key in keys {
            let item = items[key]
            let title = item.map { $0.title.isEmpty ? "" : " \"\($0.title)\"" } ?? ""
            lines.append("\(key[0])/\(key[1])\(title) (\(item?.status ?? "no item row yet"))")
            for post in posts[key] ?? [] {
                let page = pageNames[post.pageId].map { "page \"\($0)\" (\(post.pageId))" } ?? "page \(post.pageId)"
                var parts = ["post \(post.postId)", page]
                if let status = post.status { parts.append(status) }
                // A status poll records a publication in both fields, which the line names once.
                if post.published && post.status != "published" { parts.append("published") }
                lines.append("    " + parts.joined(separator: ", "))
            }
            for intent in intents[key] ?? [] {
                lines.append(
                    "    pending create for pages \(intent.pageIds.joined(separator: ", ")), started "
                        + Timestamp.format(intent.startedAt, fractional: false))
            }
        }
        for failure in records.readFailures {
            let entry = failure.entry.isEmpty ? "" : ", entry \(failure.entry)"
            lines.append("read failure \(failure.source): \(failure.location)\(entry)")
        }
        for source in records.feedSources {
            lines.append("feed record of source \"\(source)\" (its validators and first-run baseline)")
        }
        return lines
    }

    /// Returns the closing line with the counts, which states whether anything changed.
    static func summary(_ records: ForgottenRecords, statePath: String, dryRun: Bool) -> String {
        var counts = [
            counted(records.items.count, "item"), counted(records.posts.count, "post record"),
            counted(records.readFailures.count, "read failure"), counted(records.intents.count, "pending create"),
        ]
        if !records.feedSources.isEmpty { counts.append(counted(records.feedSources.count, "feed record")) }
        let list = counts.joined(separator: ", ")
        if dryRun {
            return "Would remove from state database \(statePath): \(list). Nothing was changed (--dry-run)."
        }
        return "Removed from state database \(statePath): \(list)."
    }

}
