import Foundation
import SQLite

extension StateStore {
    /// Returns the stored date of each entry of feed source `source` that has one, by key.
    package func feedEntryDates(source: String) throws -> [String: Date] {
        try withDatabase { database in
            var dates: [String: Date] = [:]
            let rows = try database.query(
                "SELECT identity, entry_date FROM items WHERE source = ? AND entry_date IS NOT NULL", [source])
            for row in rows {
                if let identity = row.string("identity"), let date = Self.date(row.string("entry_date")) {
                    dates[identity] = date
                }
            }
            return dates
        }
    }

    /// Stores the published (else updated) date of each entry of feed source `source` that the state has a row
    /// for, in one transaction. Entries without a row are left out.
    package func recordFeedEntryDates(source: String, dates: [(identity: String, date: Date)]) throws {
        guard !dates.isEmpty else { return }
        try withDatabase { database in
            try database.transaction {
                for (identity, date) in dates {
                    let text = Self.timestamp(date)
                    try database.run(
                        """
                        UPDATE items SET entry_date = ?
                        WHERE source = ? AND identity = ? AND entry_date IS NOT ?
                        """, [text, source, identity, text])
                }
            }
        }
    }
}
