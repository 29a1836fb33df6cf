import CSQLite

/// The current row of a running query, read in place by column index.
///
/// It reads each value straight from the statement, without the `SQLiteRow` array of every column, for queries that
/// return many rows of many columns. It is valid only inside the closure that receives it.
package struct SQLiteStatementRow {
    private let statement: OpaquePointer

    init(statement: OpaquePointer) {
        self.statement = statement
    }

    /// The number of columns of the row.
    package var count: Int {
        Int(sqlite3_column_count(statement))
    }

    package func isNull(_ column: Int) -> Bool {
        sqlite3_column_type(statement, Int32(column)) == SQLITE_NULL
    }

    /// Returns the text of a text column, or nil for a column of another type.
    package func text(_ column: Int) -> String? {
        let index = Int32(column)
        guard sqlite3_column_type(statement, index) == SQLITE_TEXT else { return nil }
        return columnText(statement, index)
    }

    /// Returns the number in an integer or real column, or nil for a column of another type.
    package func double(_ column: Int) -> Double? {
        let index = Int32(column)
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER, SQLITE_FLOAT: return sqlite3_column_double(statement, index)
        default: return nil
        }
    }

    /// Returns the value of an integer column, or nil for a column of another type.
    package func integer(_ column: Int) -> Int? {
        let index = Int32(column)
        guard sqlite3_column_type(statement, index) == SQLITE_INTEGER else { return nil }
        return Int(sqlite3_column_int64(statement, index))
    }
}

/// Returns the text of column `column` of the current row of `statement`. The length from SQLite saves a strlen and
/// keeps a text with a NUL character whole.
func columnText(_ statement: OpaquePointer, _ column: Int32) -> String {
    guard let pointer = sqlite3_column_text(statement, column) else { return "" }
    let length = Int(sqlite3_column_bytes(statement, column))
    return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
}
