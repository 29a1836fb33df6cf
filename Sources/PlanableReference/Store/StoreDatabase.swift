import CSQLite
import SQLite

/// One result row of `StoreDatabase`, with columns by name and by position.
struct StoreRow {
    /// The column names, shared by every row of one statement.
    let columns: [String]
    let values: [SQLiteValue]

    subscript(_ name: String) -> SQLiteValue {
        guard let index = columns.firstIndex(of: name) else { return .null }
        return values[index]
    }

    func string(_ name: String) -> String? {
        switch self[name] {
        case .text(let value): value
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .blob(let bytes): String(decoding: bytes, as: UTF8.self)
        case .null: nil
        }
    }

    func int(_ name: String) -> Int? {
        switch self[name] {
        case .integer(let value): Int(value)
        case .real(let value): Int(value)
        case .text(let value): Int(value)
        default: nil
        }
    }

    func double(_ name: String) -> Double? {
        switch self[name] {
        case .integer(let value): Double(value)
        case .real(let value): value
        case .text(let value): Double(value)
        default: nil
        }
    }

    func bool(_ name: String) -> Bool? {
        int(name).map { $0 != 0 }
    }
}

/// A failed SQLite call of `StoreDatabase`; the description never contains bound values.
struct StoreDatabaseError: Error, CustomStringConvertible {
    var code: Int32
    var message: String
    var path: String

    var description: String { "sqlite error \(code): \(message) (database \(path))" }
}

/// The reference server's SQLite connection, with the shape of `SQLiteDatabase` and a cache of prepared
/// statements.
///
/// Preparing a statement was the largest single cost of a request, so each distinct SQL text is prepared once
/// and reset after use. Like `SQLiteDatabase`, a connection is used by one thread at a time.
final class StoreDatabase {
    let path: String
    private var handle: OpaquePointer?
    private var statements: [String: (statement: OpaquePointer, columns: [String])] = [:]
    /// The most statements kept prepared; the cache empties when it is full, since SQL texts with a variable
    /// number of placeholders could otherwise grow it without bound.
    private static let statementCapacity = 256

    init(path: String, busyTimeout: Double = 5) throws {
        self.path = path
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(opened)
            throw StoreDatabaseError(code: code, message: message, path: path)
        }
        handle = opened
        sqlite3_extended_result_codes(opened, 1)
        sqlite3_busy_timeout(opened, Int32(busyTimeout * 1000))
    }

    deinit {
        for entry in statements.values { sqlite3_finalize(entry.statement) }
        sqlite3_close_v2(handle)
    }

    /// Runs statements that take no parameters, without caching them.
    func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if code != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(errorMessage)
            throw StoreDatabaseError(code: code, message: message, path: path)
        }
    }

    /// Runs one statement and returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ arguments: [any SQLiteBindable] = []) throws -> Int {
        try withStatement(sql, arguments) { statement, _ in
            try step(statement) { _ in }
        }
        return Int(sqlite3_changes(handle))
    }

    /// Runs one query and returns every row.
    func query(_ sql: String, _ arguments: [any SQLiteBindable] = []) throws -> [StoreRow] {
        var rows: [StoreRow] = []
        try withStatement(sql, arguments) { statement, columns in
            try step(statement) { values in rows.append(StoreRow(columns: columns, values: values)) }
        }
        return rows
    }

    func queryFirst(_ sql: String, _ arguments: [any SQLiteBindable] = []) throws -> StoreRow? {
        try query(sql, arguments).first
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction, committing when it returns and rolling back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The schema version in `PRAGMA user_version`.
    var userVersion: Int {
        get throws {
            if case .integer(let value) = try queryFirst("PRAGMA user_version")?.values.first { return Int(value) }
            return 0
        }
    }

    /// Applies the migrations after the stored `user_version`, each in its own transaction.
    ///
    /// - Throws: `SQLiteMigrationError.newerSchema` when a newer program wrote the file.
    func migrate(_ migrations: [String]) throws {
        let current = try userVersion
        guard current <= migrations.count else {
            throw SQLiteMigrationError.newerSchema(path: path, found: current, supported: migrations.count)
        }
        for (index, sql) in migrations.enumerated() where index >= current {
            try transaction {
                try execute(sql)
                try execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }

    private var lastMessage: String {
        String(cString: sqlite3_errmsg(handle))
    }

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
                throw StoreDatabaseError(code: code, message: lastMessage, path: path)
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
                code = sqlite3_bind_text(statement, index, value, -1, planable_sqlite_transient())
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { buffer in
                    sqlite3_bind_blob(statement, index, buffer.baseAddress, Int32(buffer.count), planable_sqlite_transient())
                }
            }
            guard code == SQLITE_OK else { throw StoreDatabaseError(code: code, message: lastMessage, path: path) }
        }
    }

    private func step(_ statement: OpaquePointer, row: ([SQLiteValue]) -> Void) throws {
        let count = sqlite3_column_count(statement)
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw StoreDatabaseError(code: code, message: lastMessage, path: path) }
            var values: [SQLiteValue] = []
            values.reserveCapacity(Int(count))
            for column in 0..<count { values.append(readColumn(statement, column)) }
            row(values)
        }
    }

    private func readColumn(_ statement: OpaquePointer, _ column: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            return .text(String(cString: sqlite3_column_text(statement, column)))
        case SQLITE_BLOB:
            let length = Int(sqlite3_column_bytes(statement, column))
            guard length > 0, let pointer = sqlite3_column_blob(statement, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: length)))
        default:
            return .null
        }
    }
}
