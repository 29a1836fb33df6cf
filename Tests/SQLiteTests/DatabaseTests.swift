import Foundation
import Testing

@testable import SQLite

@Suite final class DatabaseTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    @Test func migrationsRaiseUserVersion() throws {
        let path = directory.appendingPathComponent("a.sqlite").path
        let database = try SQLiteDatabase(path: path)
        try database.migrate(["CREATE TABLE a (x INTEGER)", "ALTER TABLE a ADD COLUMN y TEXT"])
        #expect(try database.userVersion == 2)
        try database.run("INSERT INTO a (x, y) VALUES (?, ?)", [1, "one"])
        let row = try #require(try database.queryFirst("SELECT x, y FROM a"))
        #expect(row.int("x") == 1)
        #expect(row.string("y") == "one")
    }

    @Test func newerSchemaIsRejected() throws {
        let path = directory.appendingPathComponent("b.sqlite").path
        let database = try SQLiteDatabase(path: path)
        try database.execute("PRAGMA user_version = 9")
        #expect(throws: SQLiteMigrationError.self) { try database.migrate(["CREATE TABLE a (x)"]) }
    }

    @Test func transactionRollsBackOnError() throws {
        let database = try SQLiteDatabase(path: directory.appendingPathComponent("c.sqlite").path)
        try database.execute("CREATE TABLE a (x INTEGER)")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try database.transaction {
                try database.run("INSERT INTO a VALUES (1)")
                throw Stop()
            }
        }
        #expect(try database.query("SELECT * FROM a").isEmpty)
    }

    @Test func corruptFileReportsCorruption() throws {
        let path = directory.appendingPathComponent("d.sqlite").path
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        let database = try SQLiteDatabase(path: path)
        do {
            _ = try database.integrityProblems()
            Issue.record("expected an error for a file that is not a database")
        } catch let error as SQLiteError {
            #expect(error.isCorruption)
        }
    }

    @Test func nullAndBlobRoundTrip() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE a (x, y)")
        try database.run("INSERT INTO a VALUES (?, ?)", [SQLiteValue.null, SQLiteValue.blob([1, 2, 3])])
        let row = try #require(try database.queryFirst("SELECT x, y FROM a"))
        #expect(row["x"] == .null)
        #expect(row["y"] == .blob([1, 2, 3]))
    }

    @Test func changesAreCountedPerTableAndOnRollback() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE a (x); CREATE TABLE b (x)")
        database.countChanges(in: ["a"])
        try database.run("INSERT INTO a VALUES (1), (2)")
        try database.run("INSERT INTO b VALUES (1)")
        #expect(database.changes(in: "a") == 2)
        #expect(database.changes(in: "b") == 0)
        try database.run("UPDATE a SET x = 3 WHERE x = 1")
        try database.run("DELETE FROM a WHERE x = 2")
        #expect(database.changes(in: "a") == 4)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try database.transaction {
                try database.run("INSERT INTO b VALUES (2)")
                throw Stop()
            }
        }
        // The rollback undid no row of a, but a cache of a may hold rows read inside the transaction.
        #expect(database.changes(in: "a") == 5)
    }

    @Test func nestedTransactionRollsBackAlone() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE a (x)")
        database.countChanges(in: ["a"])
        struct Stop: Error {}
        try database.transaction {
            try database.run("INSERT INTO a VALUES (1)")
            #expect(throws: Stop.self) {
                try database.transaction {
                    try database.run("INSERT INTO a VALUES (2)")
                    throw Stop()
                }
            }
            #expect(!database.isAutocommit)
            try database.transaction { try database.run("INSERT INTO a VALUES (3)") }
        }
        #expect(database.isAutocommit)
        let values = try database.query("SELECT x FROM a ORDER BY x").compactMap { $0.int("x") }
        #expect(values == [1, 3])
        // Three inserts and the savepoint's rollback, which SQLite's rollback hook does not report.
        #expect(database.changes(in: "a") == 4)
    }

    @Test func changedRowsAreTrackedUntilRollback() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE a (x); CREATE TABLE b (x)")
        database.countChanges(in: ["a"])
        database.trackRows(of: "a")
        #expect(database.takeChangedRows() == nil)
        try database.run("INSERT INTO a VALUES (10), (20)")
        try database.run("INSERT INTO b VALUES (1)")
        try database.run("UPDATE a SET x = 11 WHERE x = 10")
        #expect(database.takeChangedRows() == [1, 2, 1])
        #expect(database.takeChangedRows() == [])
        try database.run("DELETE FROM a WHERE x = 20")
        #expect(database.takeChangedRows() == [2])
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try database.transaction {
                try database.run("INSERT INTO b VALUES (2)")
                throw Stop()
            }
        }
        #expect(database.takeChangedRows() == nil)
        #expect(database.takeChangedRows() == [])
    }

    @Test func rowsReadInPlaceKeepTypesAndWholeText() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE a (t, i, r, n)")
        try database.run("INSERT INTO a VALUES (?, ?, ?, ?)", ["one\u{0}two é", 7, 2.5, SQLiteValue.null])
        let rows = try database.query("SELECT t, i, r, n FROM a") { row in
            (row.text(0), row.integer(1), row.double(1), row.double(2), row.text(1), row.isNull(3), row.count)
        }
        let row = try #require(rows.first)
        #expect(row.0 == "one\u{0}two é")
        #expect(row.1 == 7)
        #expect(row.2 == 7)
        #expect(row.3 == 2.5)
        #expect(row.4 == nil)
        #expect(row.5)
        #expect(row.6 == 4)
    }
}
