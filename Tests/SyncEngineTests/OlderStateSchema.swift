import SQLite

/// Gives a test an older state schema back by dropping the columns that later migrations appended.
enum OlderStateSchema {
    /// The columns that migrations appended to the feeds table, which every older schema lacks.
    static let feedColumns = ["entry_count", "last_nonempty_count", "last_nonempty_at", "empty_warned_at"]

    /// The columns that the latest migrations appended to the posts table, which the older schemas that tests
    /// restore lack.
    static let postColumns = ["sent_pdf_title", "sent_create_only", "updatable_hash"]

    /// The columns that the latest migrations appended to the intents table.
    static let intentColumns = ["updatable_hash", "create_only_digest"]

    /// Drops the columns that the latest migrations appended to the feeds, posts and intents tables.
    static func dropLaterColumns(_ database: SQLiteDatabase) throws {
        for column in feedColumns { try database.execute("ALTER TABLE feeds DROP COLUMN \(column)") }
        for column in postColumns { try database.execute("ALTER TABLE posts DROP COLUMN \(column)") }
        for column in intentColumns { try database.execute("ALTER TABLE intents DROP COLUMN \(column)") }
    }
}
