import SQLite

/// Gives a test an older state schema back by dropping the columns that later migrations appended.
enum OlderStateSchema {
    /// The columns that migrations appended to the feeds table, which every older schema lacks.
    static let feedColumns = ["entry_count", "last_nonempty_count", "last_nonempty_at", "empty_warned_at"]

    /// Drops the columns that migrations appended to the feeds table.
    static func dropFeedColumns(_ database: SQLiteDatabase) throws {
        for column in feedColumns { try database.execute("ALTER TABLE feeds DROP COLUMN \(column)") }
    }
}
