import SQLite

/// Records of one table by key, valid while SQLite counts no change to that table.
///
/// Workspaces and pages change rarely, yet nearly every request reads one of each, so the store keeps them here.
/// Any change to the table empties the cache; see `SQLiteDatabase.changes(in:)` for what the count sees.
struct TableCache<Value> {
    let table: String
    /// The maximum number of entries kept. The cache empties when it is full.
    static var capacity: Int { 1024 }

    private var version: Int64 = -1
    private var entries: [String: Value] = [:]

    init(table: String) {
        self.table = table
    }

    /// Drops every entry, whatever the change count says.
    mutating func removeAll() {
        entries.removeAll()
        version = -1
    }

    /// Returns the cached value for `key`, or else the value that `load` reads, which the cache then keeps. A nil
    /// from `load` is not kept.
    mutating func value(_ key: String, in database: SQLiteDatabase, load: () throws -> Value?) rethrows -> Value? {
        let current = database.changes(in: table)
        if current != version {
            entries.removeAll(keepingCapacity: true)
            version = current
        }
        if let hit = entries[key] { return hit }
        guard let loaded = try load() else { return nil }
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = loaded
        return loaded
    }
}
