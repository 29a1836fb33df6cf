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
    /// The names as C strings, which the update hook compares with the table name that SQLite passes.
    private let nameCStrings: [[CChar]]
    private var counts: [Int64]
    /// The table whose changed rowids are kept, for a cache of single rows.
    private var rowTable: [CChar]?
    /// The rowids changed in `rowTable` since the last `takeChangedRows`, unless `allRowsChanged`.
    private var changedRows: [Int64] = []
    /// Set by a rollback, or when more rows changed than are kept, so that the caller drops every cached row.
    private var allRowsChanged = false
    private static let maximumChangedRows = 4096

    init(tables: [String]) {
        names = tables
        nameCStrings = tables.map { Array($0.utf8CString) }
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
            { context, _, _, table, rowID in
                guard let context, let table else { return }
                Unmanaged<TableChanges>.fromOpaque(context).takeUnretainedValue().noteChange(table, rowID: rowID)
            }, context)
        sqlite3_rollback_hook(
            handle,
            { context in
                guard let context else { return }
                Unmanaged<TableChanges>.fromOpaque(context).takeUnretainedValue().noteRollback()
            }, context)
    }

    /// Starts keeping the rowids that change in `table`, for `takeChangedRows`.
    func trackRows(of table: String) {
        rowTable = Array(table.utf8CString)
        changedRows = []
        allRowsChanged = true
    }

    /// Returns the rowids changed in the tracked table since the last call, or nil when every row may have changed.
    func takeChangedRows() -> [Int64]? {
        defer {
            changedRows.removeAll(keepingCapacity: true)
            allRowsChanged = false
        }
        return allRowsChanged ? nil : changedRows
    }

    private func noteChange(_ table: UnsafePointer<CChar>, rowID: Int64) {
        for index in nameCStrings.indices where strcmp(nameCStrings[index], table) == 0 {
            counts[index] += 1
        }
        if let rowTable, !allRowsChanged, strcmp(rowTable, table) == 0 {
            if changedRows.count < Self.maximumChangedRows {
                changedRows.append(rowID)
            } else {
                allRowsChanged = true
            }
        }
    }

    /// Counts a rollback, of a transaction or to a savepoint, as a change to every table and row.
    func noteRollback() {
        for index in counts.indices { counts[index] += 1 }
        allRowsChanged = true
    }
}
