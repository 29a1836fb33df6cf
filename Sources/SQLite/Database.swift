import CSQLite
import Foundation

/// A failed SQLite call, with SQLite's result code and message.
///
/// The description never contains bound statement arguments, so values such as tokens stay out of logs.
package struct SQLiteError: Error, CustomStringConvertible {
    package var code: Int32
    package var message: String
    package var path: String

    package var description: String {
        let advice = code & 0xff == SQLITE_FULL ? "; free space on the disk that holds it" : ""
        return "sqlite error \(code): \(message) (database \(path))\(advice)"
    }

    /// Whether the error is `SQLITE_CANTOPEN`, `SQLITE_READONLY` or `SQLITE_PERM`: the path is a folder, or a file
    /// or folder that this process may not write, which trying again does not change.
    package var isInaccessible: Bool {
        let primary = code & 0xff
        return primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY || primary == SQLITE_PERM
    }

    /// Whether the error is `SQLITE_CORRUPT` or `SQLITE_NOTADB`: the file is damaged or not a database.
    package var isCorruption: Bool {
        let primary = code & 0xff
        return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB
    }

    /// Whether the error is `SQLITE_BUSY` or `SQLITE_LOCKED`.
    package var isBusy: Bool {
        let primary = code & 0xff
        return primary == SQLITE_BUSY || primary == SQLITE_LOCKED
    }
}

/// A value bound to or read from a statement column.
package enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// Types that bind to a statement parameter.
package protocol SQLiteBindable {
    var sqliteValue: SQLiteValue { get }
}

extension Int: SQLiteBindable {
    package var sqliteValue: SQLiteValue { .integer(Int64(self)) }
}

extension Int64: SQLiteBindable {
    package var sqliteValue: SQLiteValue { .integer(self) }
}

extension Double: SQLiteBindable {
    package var sqliteValue: SQLiteValue { .real(self) }
}

extension String: SQLiteBindable {
    package var sqliteValue: SQLiteValue { .text(self) }
}

extension Bool: SQLiteBindable {
    package var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) }
}

extension SQLiteValue: SQLiteBindable {
    package var sqliteValue: SQLiteValue { self }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    package var sqliteValue: SQLiteValue {
        switch self {
        case .none: .null
        case .some(let value): value.sqliteValue
        }
    }
}

/// One result row, with columns by name and by index.
package struct SQLiteRow: Sendable {
    package var columns: [String]
    package var values: [SQLiteValue]

    package subscript(_ name: String) -> SQLiteValue {
        guard let index = columns.firstIndex(of: name) else { return .null }
        return values[index]
    }

    package func string(_ name: String) -> String? {
        switch self[name] {
        case .text(let value): value
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .blob(let bytes): String(decoding: bytes, as: UTF8.self)
        case .null: nil
        }
    }

    package func int(_ name: String) -> Int? {
        switch self[name] {
        case .integer(let value): Int(value)
        case .real(let value): Int(value)
        case .text(let value): Int(value)
        default: nil
        }
    }

    package func double(_ name: String) -> Double? {
        switch self[name] {
        case .integer(let value): Double(value)
        case .real(let value): value
        case .text(let value): Double(value)
        default: nil
        }
    }

    package func bool(_ name: String) -> Bool? {
        int(name).map { $0 != 0 }
    }
}

/// A connection to one SQLite database file, with a cache of prepared statements.
///
/// Preparing a statement cost more than running it for the short statements the engine and the reference server
/// run per item and per request, so each distinct SQL text is prepared once and reset after each use.
///
/// A connection is not safe to use from several threads at once; callers serialize access, for example with a lock
/// or by keeping the connection inside one actor.
package final class SQLiteDatabase {
    package let path: String
    private var handle: OpaquePointer?
    private var statements: [String: (statement: OpaquePointer, columns: [String])] = [:]
    private var tableChanges: TableChanges?
    /// The maximum number of statements kept prepared. The cache empties when it is full, because SQL texts with a
    /// variable number of placeholders could otherwise grow it without bound.
    private static let statementCapacity = 256

    /// Opens or creates the database at `path`.
    ///
    /// - Parameters:
    ///   - path: the file path, or `:memory:`.
    ///   - readOnly: opens without write access and without creating the file.
    ///   - busyTimeout: how long, in seconds, a statement waits for another connection's lock.
    package init(path: String, readOnly: Bool = false, busyTimeout: Double = 5) throws {
        self.path = path
        let flags =
            readOnly
            ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
            : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(opened)
            throw SQLiteError(code: code, message: message, path: path)
        }
        handle = opened
        sqlite3_extended_result_codes(opened, 1)
        sqlite3_busy_timeout(opened, Int32(busyTimeout * 1000))
    }

    deinit {
        // `init` throws before it sets `handle` when the file cannot be opened, and SQLite's hook setters do not
        // accept a null connection.
        guard let handle else { return }
        for entry in statements.values { sqlite3_finalize(entry.statement) }
        sqlite3_update_hook(handle, nil, nil)
        sqlite3_rollback_hook(handle, nil, nil)
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that take no parameters.
    package func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if code != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(errorMessage)
            throw SQLiteError(code: code, message: message, path: path)
        }
    }

    /// Runs one statement with positional parameters and returns the number of rows it changed.
    @discardableResult
    package func run(_ sql: String, _ arguments: [any SQLiteBindable] = []) throws -> Int {
        try withStatement(sql, arguments) { statement, columns in
            try step(statement, columns: columns) { _ in }
        }
        return Int(sqlite3_changes(handle))
    }

    /// Runs one query with positional parameters and returns every row.
    package func query(_ sql: String, _ arguments: [any SQLiteBindable] = []) throws -> [SQLiteRow] {
        var rows: [SQLiteRow] = []
        try withStatement(sql, arguments) { statement, columns in
            try step(statement, columns: columns) { rows.append($0) }
        }
        return rows
    }

    /// Runs one query with positional parameters and returns `transform` of each row, read in place.
    package func query<Row>(
        _ sql: String, _ arguments: [any SQLiteBindable] = [], map transform: (SQLiteStatementRow) throws -> Row
    ) throws -> [Row] {
        var rows: [Row] = []
        try withStatement(sql, arguments) { statement, _ in
            while true {
                let code = sqlite3_step(statement)
                if code == SQLITE_DONE { return }
                guard code == SQLITE_ROW else {
                    throw SQLiteError(code: code, message: lastMessage, path: path)
                }
                rows.append(try transform(SQLiteStatementRow(statement: statement)))
            }
        }
        return rows
    }

    /// Runs one query and returns its first row, if any.
    package func queryFirst(_ sql: String, _ arguments: [any SQLiteBindable] = []) throws -> SQLiteRow? {
        try query(sql, arguments).first
    }

    /// The number of rows changed by this connection since it opened, including changes made by triggers.
    ///
    /// It reads a counter in memory, so it costs far less than `SELECT total_changes()`.
    package var totalChanges: Int64 {
        sqlite3_total_changes64(handle)
    }

    /// Starts counting the rows that change in `tables`, for `changes(in:)`. A later call replaces the list.
    package func countChanges(in tables: [String]) {
        let counter = TableChanges(tables: tables)
        counter.install(on: handle)
        tableChanges = counter
    }

    /// The rows changed in `table` since `countChanges(in:)` named it, with each rollback counted as a change.
    /// It only grows, so a cached copy of the table's rows is current while the count is the same. The count
    /// misses rows that a REPLACE conflict deletes and rows that a `DELETE` without `WHERE` removes.
    package func changes(in table: String) -> Int64 {
        tableChanges?.count(table) ?? 0
    }

    /// Starts keeping the rowids that change in `table`, which `countChanges(in:)` must have set up, for
    /// `takeChangedRows`. The same cases as for `changes(in:)` go unseen.
    package func trackRows(of table: String) {
        tableChanges?.trackRows(of: table)
    }

    /// Returns the rowids changed in the table that `trackRows(of:)` named since the last call, or nil when every
    /// row may have changed, as after a rollback.
    package func takeChangedRows() -> [Int64]? {
        tableChanges?.takeChangedRows()
    }

    /// The rowid of the last inserted row on this connection.
    package var lastInsertRowID: Int64 {
        sqlite3_last_insert_rowid(handle)
    }

    /// Runs `body` inside a transaction, committing when it returns and rolling back when it throws.
    ///
    /// `BEGIN IMMEDIATE` takes the write lock at once, so two processes never deadlock upgrading a read lock.
    /// Inside a transaction that is already open, `body` runs in a savepoint instead, so that a failure rolls back
    /// only its own changes and the outer transaction decides the commit.
    /// The result is discardable because a body often ends in `run`, whose changed-row count callers rarely need.
    @discardableResult
    package func transaction<T>(_ body: () throws -> T) throws -> T {
        let nested = !isAutocommit
        // Prepared statements: parsing these short texts again for each request cost more than running them.
        try run(nested ? "SAVEPOINT nested" : "BEGIN IMMEDIATE")
        do {
            let result = try body()
            try run(nested ? "RELEASE nested" : "COMMIT")
            return result
        } catch {
            try? execute(nested ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK")
            // SQLite calls its rollback hook only for whole transactions, so a savepoint's rollback is counted here.
            if nested { tableChanges?.noteRollback() }
            throw error
        }
    }

    /// Whether no transaction is open, so that each statement commits by itself.
    package var isAutocommit: Bool {
        sqlite3_get_autocommit(handle) != 0
    }

    /// The schema version stored in `PRAGMA user_version`.
    package var userVersion: Int {
        get throws {
            try queryFirst("PRAGMA user_version")?.values.first.flatMap {
                if case .integer(let value) = $0 { Int(value) } else { nil }
            } ?? 0
        }
    }

    /// Applies the migrations after the stored `user_version`, each in its own transaction.
    ///
    /// Migration `i` (zero-based) moves the schema from version `i` to `i + 1`.
    ///
    /// - Throws: `SQLiteMigrationError.newerSchema` when the file was written by a newer program.
    package func migrate(_ migrations: [String]) throws {
        let current = try userVersion
        guard current <= migrations.count else {
            throw SQLiteMigrationError.newerSchema(path: path, found: current, supported: migrations.count)
        }
        // Version 0 is an empty file. A negative version, or tables at version 0, mean that something else changed
        // the version, and migrating would fail half way.
        let hasTables =
            try queryFirst("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?
            .values.first.map { $0 != .integer(0) } ?? false
        guard current > 0 || (current == 0 && !hasTables) else {
            throw SQLiteMigrationError.mismatchedSchema(path: path, found: current)
        }
        for (index, sql) in migrations.enumerated() where index >= current {
            try transaction {
                try execute(sql)
                try execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }

    /// Runs `PRAGMA quick_check` and returns its problems, an empty list when the file is sound.
    package func integrityProblems() throws -> [String] {
        let rows = try query("PRAGMA quick_check")
        let messages = rows.compactMap { $0.values.first }.compactMap { value -> String? in
            if case .text(let text) = value { text } else { nil }
        }
        return messages == ["ok"] ? [] : messages
    }

    private var lastMessage: String {
        String(cString: sqlite3_errmsg(handle))
    }

    /// Runs `body` with the cached statement for `sql`, bound to `arguments`, and resets it afterwards, so that no
    /// statement keeps a read transaction open between calls.
    private func withStatement(
        _ sql: String, _ arguments: [any SQLiteBindable], _ body: (OpaquePointer, [String]) throws -> Void
    ) throws {
        let entry: (statement: OpaquePointer, columns: [String])
        if let cached = statements[sql] {
            entry = cached
        } else {
            var prepared: OpaquePointer?
            let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
            guard code == SQLITE_OK, let prepared else {
                throw SQLiteError(code: code, message: lastMessage, path: path)
            }
            let count = sqlite3_column_count(prepared)
            entry = (prepared, (0..<count).map { String(cString: sqlite3_column_name(prepared, $0)) })
            if statements.count >= Self.statementCapacity {
                for old in statements.values { sqlite3_finalize(old.statement) }
                statements.removeAll()
            }
            statements[sql] = entry
        }
        defer {
            sqlite3_reset(entry.statement)
            sqlite3_clear_bindings(entry.statement)
        }
        try bind(arguments, to: entry.statement)
        try body(entry.statement, entry.columns)
    }

    private func bind(_ arguments: [any SQLiteBindable], to statement: OpaquePointer) throws {
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch argument.sqliteValue {
            case .null:
                code = sqlite3_bind_null(statement, index)
            case .integer(let value):
                code = sqlite3_bind_int64(statement, index, value)
            case .real(let value):
                code = sqlite3_bind_double(statement, index, value)
            case .text(let value):
                // Binds the bytes in place with their count. Passing the String itself would copy it into a new C
                // string first, and the count, not -1, keeps a text with a NUL character whole.
                var text = value
                code = text.withUTF8 { bytes in
                    guard let base = bytes.baseAddress, !bytes.isEmpty else {
                        return sqlite3_bind_text(statement, index, "", 0, planable_sqlite_transient())
                    }
                    return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        sqlite3_bind_text(statement, index, $0, Int32(bytes.count), planable_sqlite_transient())
                    }
                }
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { buffer in
                    sqlite3_bind_blob(
                        statement, index, buffer.baseAddress, Int32(buffer.count), planable_sqlite_transient())
                }
            }
            guard code == SQLITE_OK else {
                throw SQLiteError(code: code, message: lastMessage, path: path)
            }
        }
    }

    private func step(_ statement: OpaquePointer, columns cachedColumns: [String], row: (SQLiteRow) -> Void) throws {
        var count = Int32(cachedColumns.count)
        var columns = cachedColumns
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw SQLiteError(code: code, message: lastMessage, path: path)
            }
            // SQLite prepares a statement again after a schema change, which can change `SELECT *` columns.
            if sqlite3_column_count(statement) != count {
                count = sqlite3_column_count(statement)
                columns = (0..<count).map { String(cString: sqlite3_column_name(statement, $0)) }
            }
            var values: [SQLiteValue] = []
            values.reserveCapacity(Int(count))
            for column in 0..<count {
                values.append(readColumn(statement, column))
            }
            row(SQLiteRow(columns: columns, values: values))
        }
    }

    private func readColumn(_ statement: OpaquePointer, _ column: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            return .text(columnText(statement, column))
        case SQLITE_BLOB:
            let length = Int(sqlite3_column_bytes(statement, column))
            guard length > 0, let pointer = sqlite3_column_blob(statement, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: length)))
        default:
            return .null
        }
    }
}

/// A schema that this program cannot use.
package enum SQLiteMigrationError: Error, CustomStringConvertible {
    case newerSchema(path: String, found: Int, supported: Int)
    /// The stored version is negative, or 0 while the file has tables.
    case mismatchedSchema(path: String, found: Int)

    package var description: String {
        switch self {
        case .mismatchedSchema(let path, let found):
            "database \(path) has schema version \(found), which does not match its tables"
        case .newerSchema(let path, let found, let supported):
            "database \(path) has schema version \(found), but this program supports up to \(supported); "
                + "upgrade planable-sync or point it at another state file"
        }
    }
}
