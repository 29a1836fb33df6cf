import Foundation
import HTTPClient
import SQLite

/// A source file, folder or feed that a scan could not read into items, as the state keeps it for `status`.
package struct ReadFailure: Sendable, Equatable {
    package var source: String
    /// The file path relative to the source folder, the source folder itself, or the feed URL.
    package var location: String
    /// The key of the feed entry that could not be read, or empty when the whole file, folder or feed failed.
    package var entry: String
    /// The message the sync logged for the failure.
    package var message: String
    /// The time, in RFC 3339, of the first scan that met the failure; nil before the row is stored.
    package var firstSeenAt: String?
    /// The time, in RFC 3339, of the latest scan that met the failure; nil before the row is stored.
    package var lastSeenAt: String?

    package init(
        source: String, location: String, entry: String = "", message: String, firstSeenAt: String? = nil,
        lastSeenAt: String? = nil
    ) {
        self.source = source
        self.location = location
        self.entry = entry
        self.message = message
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
    }
}

/// The locations of a source that one scan read, whose read failures the scan's result replaces.
package enum ReadFailureScope: Sendable, Equatable {
    /// Every location of the source. A full scan of a folder and every fetch of a feed cover this scope.
    case wholeSource
    /// The given locations and every path below them. The daemon's rescan of changed paths covers this scope.
    case locations(Set<String>)
}

extension StateStore {
    /// Returns the stored read failures, of one source or of all, sorted by source, location and entry.
    package func readFailures(source: String? = nil) throws -> [ReadFailure] {
        try withDatabase { database in
            let rows =
                if let source {
                    try database.query(
                        "SELECT * FROM read_failures WHERE source = ? ORDER BY location, entry", [source])
                } else {
                    try database.query("SELECT * FROM read_failures ORDER BY source, location, entry")
                }
            return rows.map(Self.readFailure)
        }
    }

    /// Replaces the read failures of `source` within `scope` with `failures`, in one transaction.
    ///
    /// A failure already stored keeps its first-seen time and gets the new message and a new last-seen time.
    /// A stored failure within the scope that is not in `failures` is deleted, because the scan read that location
    /// or found it gone. Rows outside the scope stay as they are.
    package func replaceReadFailures(source: String, scope: ReadFailureScope, with failures: [ReadFailure]) throws {
        try withDatabase { database in
            try database.transaction {
                var stale: [SQLiteRow] = []
                switch scope {
                case .wholeSource:
                    stale = try database.query("SELECT location, entry FROM read_failures WHERE source = ?", [source])
                case .locations(let locations):
                    for location in locations {
                        // "/" sorts just before "0", so the range contains exactly the paths below `location`.
                        stale += try database.query(
                            """
                            SELECT location, entry FROM read_failures WHERE source = ?
                            AND (location = ? OR (location >= ? AND location < ?))
                            """, [source, location, location + "/", location + "0"])
                    }
                }
                let found = Set(failures.map { [$0.location, $0.entry] })
                for row in stale {
                    let location = row.string("location") ?? ""
                    let entry = row.string("entry") ?? ""
                    guard !found.contains([location, entry]) else { continue }
                    try database.run(
                        "DELETE FROM read_failures WHERE source = ? AND location = ? AND entry = ?",
                        [source, location, entry])
                }
                let now = Self.timestamp()
                for failure in failures {
                    try database.run(
                        """
                        INSERT INTO read_failures (source, location, entry, message, first_seen_at, last_seen_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (source, location, entry) DO UPDATE SET message = excluded.message,
                            last_seen_at = excluded.last_seen_at
                        """, [source, failure.location, failure.entry, failure.message, now, now])
                }
            }
        }
    }

    /// Deletes the read failures of every source not in `sources`, such as one removed from the configuration,
    /// and returns how many rows it deleted.
    @discardableResult
    package func deleteReadFailures(exceptSources sources: Set<String>) throws -> Int {
        try withDatabase { database in
            try database.transaction {
                var deleted = 0
                let stored = try database.query("SELECT DISTINCT source FROM read_failures")
                for name in stored.compactMap({ $0.string("source") }) where !sources.contains(name) {
                    deleted += try database.run("DELETE FROM read_failures WHERE source = ?", [name])
                }
                return deleted
            }
        }
    }

    /// Reads a stored failure. A state of an earlier version stored a feed's password in its URL, so the location
    /// and message are shown with passwords redacted.
    static func readFailure(_ row: SQLiteRow) -> ReadFailure {
        ReadFailure(
            source: row.string("source") ?? "",
            location: URLCredentials.redactingPasswords(inText: row.string("location") ?? ""),
            entry: row.string("entry") ?? "",
            message: URLCredentials.redactingPasswords(inText: row.string("message") ?? ""),
            firstSeenAt: row.string("first_seen_at"), lastSeenAt: row.string("last_seen_at"))
    }
}
