import Foundation
import PlanableAPI
import SQLite

/// Compares the state database with the posts the reference server holds, item by item.
struct StateAudit {
    var duplicates = 0
    var missing = 0
    /// Items whose state rows disagree with the server: wrong post count, unknown post ids, a leftover intent.
    var inconsistencies: [String] = []

    var isClean: Bool { duplicates == 0 && missing == 0 && inconsistencies.isEmpty }

    /// Audits `count` items titled `\(prefix) 0` and on, each expected as one group on `pageCount` pages.
    init(fixture: ReferenceFixture, itemCount count: Int, prefix: String = "Item", pageCount: Int = 3) throws {
        let posts = try fixture.posts()
        var groupsByTitle: [String: Set<String>] = [:]
        for post in posts {
            let title = String(post.plainText.split(separator: "\n", maxSplits: 1).first ?? "")
            groupsByTitle[title, default: []].insert(post.groupId ?? post.id)
        }
        for index in 0..<count {
            let groups = groupsByTitle["\(prefix) \(index)"]?.count ?? 0
            if groups == 0 { missing += 1 }
            if groups > 1 { duplicates += groups - 1 }
        }

        let serverIds = Set(posts.map(\.id))
        let database = try SQLiteDatabase(path: fixture.statePath, readOnly: true)
        let intents = try database.query("SELECT source, identity FROM intents")
        for row in intents {
            inconsistencies.append("intent left for \(row.string("identity") ?? "?")")
        }
        for index in 0..<count {
            let identity = "item-\(index).md"
            let rows = try database.query("SELECT post_id, group_id FROM posts WHERE identity = ?", [identity])
            if rows.count != pageCount {
                inconsistencies.append("\(identity) has \(rows.count) post rows, expected \(pageCount)")
            }
            if Set(rows.compactMap { $0.string("group_id") }).count > 1 {
                inconsistencies.append("\(identity) has post rows from more than one group")
            }
            for row in rows where !serverIds.contains(row.string("post_id") ?? "") {
                inconsistencies.append("\(identity) records post \(row.string("post_id") ?? "?") that the server lacks")
            }
            let status = try database.queryFirst("SELECT status FROM items WHERE identity = ?", [identity])?
                .string("status")
            if status != "synced" { inconsistencies.append("\(identity) has status \(status ?? "none")") }
        }
    }

    var summary: String {
        "duplicates \(duplicates), missing \(missing)"
            + (inconsistencies.isEmpty ? "" : ", state: " + inconsistencies.prefix(5).joined(separator: "; "))
    }
}
