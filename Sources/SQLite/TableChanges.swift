import CSQLite
import Foundation

/// Counts the rows that change in chosen tables of one connection, for caches of rows that rarely change.
///
/// SQLite's update hook reports every row that an INSERT, UPDATE or DELETE changes in a rowid table, inside a
/// transaction as well as outside one. A rollback counts as a change to every table, since a cache may hold a row
/// that the rollback undid. The hook misses rows that a REPLACE conflict deletes and rows that the truncate
/// optimization of a `DELETE` without `WHERE` removes, so a caller that caches must not change its tables that way.
final class TableChanges {
    private let names: [String]
    private var counts: [Int64]

    init(tables: [String]) {
        names = tables
        counts = Array(repeating: 0, count: tables.count)
    }

    /// Returns the changes counted for `table`, or 0 for a table that is not counted.
    func count(_ table: String) -> Int64 {
        names.firstIndex(of: table).map { counts[$0] } ?? 0
    }

    /// Starts counting on `handle`, replacing its update and rollback hooks. The connection keeps a pointer to
    /// this object, so the owner keeps the object for as long as the connection is open.
    func install(on handle: OpaquePointer?) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_update_hook(
            handle,
            { context, _, _, table, _ in
                guard let context, let table else { return }
                Unmanaged<TableChanges>.fromOpaque(context).takeUnretainedValue().noteChange(table)
            }, context)
        sqlite3_rollback_hook(
            handle,
            { context in
                guard let context else { return }
                Unmanaged<TableChanges>.fromOpaque(context).takeUnretainedValue().noteRollback()
            }, context)
    }

    private func noteChange(_ table: UnsafePointer<CChar>) {
        for index in names.indices where names[index].withCString({ strcmp($0, table) == 0 }) {
            counts[index] += 1
        }
    }

    private func noteRollback() {
        for index in counts.indices { counts[index] += 1 }
    }
}
