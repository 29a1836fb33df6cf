import Foundation
import SQLite
import Timestamps

/// The local sync state: one SQLite file in WAL mode, migrated by `PRAGMA user_version`.
///
/// Every write that must survive a crash commits before the next API request, so a killed run loses at most the
/// answer of the request in flight, and the intent table says which create that was.
package final class StateStore: @unchecked Sendable {
    package let path: String
    let database: SQLiteDatabase
    private let lock = NSLock()

    /// Schema migrations; index `i` moves version `i` to `i + 1`. Append new ones, never edit old ones.
    static let migrations: [String] = [
        """
        CREATE TABLE items (
            source TEXT NOT NULL,
            identity TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            location TEXT,
            content_hash TEXT,
            body_hash TEXT,
            payload_hash TEXT,
            status TEXT NOT NULL,
            last_error TEXT,
            file_size INTEGER,
            file_mtime REAL,
            first_seen_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            published_edit_reported INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (source, identity)
        );
        CREATE TABLE posts (
            post_id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            identity TEXT NOT NULL,
            group_key TEXT NOT NULL,
            page_id TEXT NOT NULL,
            group_id TEXT,
            payload_hash TEXT NOT NULL,
            status TEXT,
            approval_status TEXT,
            scheduled_set INTEGER NOT NULL DEFAULT 0,
            published INTEGER NOT NULL DEFAULT 0,
            published_link TEXT,
            last_error TEXT,
            created_at TEXT NOT NULL,
            checked_at TEXT,
            changed_at TEXT,
            FOREIGN KEY (source, identity) REFERENCES items (source, identity)
        );
        CREATE INDEX posts_by_item ON posts (source, identity);
        CREATE TABLE intents (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            identity TEXT NOT NULL,
            group_key TEXT NOT NULL,
            workspace_id TEXT NOT NULL,
            page_ids TEXT NOT NULL,
            text TEXT NOT NULL,
            payload_hash TEXT NOT NULL,
            started_at TEXT NOT NULL
        );
        CREATE TABLE transitions (
            id INTEGER PRIMARY KEY,
            post_id TEXT NOT NULL,
            at TEXT NOT NULL,
            field TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            command TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            summary TEXT
        );
        CREATE TABLE feeds (
            source TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            final_url TEXT,
            baselined INTEGER NOT NULL DEFAULT 0,
            fetched_at TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            last_error TEXT
        );
        CREATE TABLE media_checks (
            url TEXT PRIMARY KEY,
            ok INTEGER NOT NULL,
            kind TEXT,
            message TEXT,
            checked_at TEXT NOT NULL
        );
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
        // The daemon's partial scans look items up by file path.
        "CREATE INDEX items_by_location ON items (source, location);",
        // Files and feeds that could not be read, for `status`. They are kept apart from items because a file whose
        // front matter cannot be read has no trustworthy identity, so a row is keyed by source, location and entry.
        """
        CREATE TABLE read_failures (
            source TEXT NOT NULL,
            location TEXT NOT NULL,
            entry TEXT NOT NULL DEFAULT '',
            message TEXT NOT NULL,
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            PRIMARY KEY (source, location, entry)
        );
        """,
        // The newest entry date a feed has shown, so that the GUID-rewrite guard can tell new entries from old
        // entries under new ids after the known entries have left the feed.
        "ALTER TABLE feeds ADD COLUMN newest_entry_at TEXT;",
        // The SHA-256 of each post's text as Planable returned it after this program's last create or update, so
        // that an edit made in Planable since is not overwritten unnoticed.
        "ALTER TABLE posts ADD COLUMN planable_text_hash TEXT;",
        // The schedule and campaign id that this program last sent for each post, so that an update can clear the
        // ones the source dropped without clearing those a person set in Planable. NULL also in rows written before.
        """
        ALTER TABLE posts ADD COLUMN sent_scheduled_at TEXT;
        ALTER TABLE posts ADD COLUMN sent_campaign_id TEXT;
        """,
        // States from before completed status polls were recorded have only the start of a sync's last poll,
        // which counts as the last completed one.
        """
        INSERT OR IGNORE INTO settings (key, value)
        SELECT 'status_polled_at', value FROM settings WHERE key = 'status_refreshed_at';
        """,
        // The SHA-256 of the text of the last PATCH this program sent for each post, written before the request is
        // sent. A draft that shows that text is then not taken for an edit made in Planable when the process ended
        // before it could record the response.
        "ALTER TABLE posts ADD COLUMN sent_text_hash TEXT;",
        // The published (else updated) date of each feed entry, so that an entry whose link or id changed can be
        // recognized by its title and date. NULL in rows written before, until the entry's next read.
        "ALTER TABLE items ADD COLUMN entry_date TEXT;",
        // The entry count of each feed's last stored read, which a run that gets 304 counts as unchanged. Also the
        // count and time of the last stored read with entries, which the warning of an empty read names.
        """
        ALTER TABLE feeds ADD COLUMN entry_count INTEGER;
        ALTER TABLE feeds ADD COLUMN last_nonempty_count INTEGER;
        ALTER TABLE feeds ADD COLUMN last_nonempty_at TEXT;
        """,
        // When the warning of a feed that lists no entries was last logged, so that a feed that stays empty is
        // logged as a warning once a day instead of at every poll. NULL while the feed lists entries.
        "ALTER TABLE feeds ADD COLUMN empty_warned_at TEXT;",
        // The LinkedIn PDF carousel title that this program last sent for each post, so that an update turns PDF
        // mode off only where this program turned it on, not where a person did in Planable.
        "ALTER TABLE posts ADD COLUMN sent_pdf_title TEXT;",
        // A feed now counts as new until a run that was not stopped marks it baselined. Earlier versions marked it
        // only after a run without a failed entry and took a feed with items for known, so the feeds they left
        // with items and no mark are marked here. A feed's items are its baselined entries, those with a date,
        // and those whose location is a URL, which a folder's file paths never are.
        """
        UPDATE feeds SET baselined = 1 WHERE baselined = 0 AND source IN (
            SELECT source FROM items WHERE status = 'baselined' OR entry_date IS NOT NULL
                OR location LIKE 'http://%' OR location LIKE 'https://%' OR location LIKE 'file:%');
        INSERT OR IGNORE INTO feeds (source, url, baselined)
            SELECT DISTINCT source, '', 1 FROM items WHERE status = 'baselined' OR entry_date IS NOT NULL
                OR location LIKE 'http://%' OR location LIKE 'https://%' OR location LIKE 'file:%';
        """,
        // For each post, a digest of the first comment, internal note and YouTube title that its create sent, and a
        // hash of its payload without them. A change to those fields alone, which no PATCH can send, then differs
        // from an edit.
        """
        ALTER TABLE posts ADD COLUMN sent_create_only TEXT;
        ALTER TABLE posts ADD COLUMN updatable_hash TEXT;
        """,
        // The same two values for a create whose response was lost, which its posts get when they are read back.
        """
        ALTER TABLE intents ADD COLUMN updatable_hash TEXT;
        ALTER TABLE intents ADD COLUMN create_only_digest TEXT;
        """,
    ]

    /// Opens or creates the state at `path`, checks its integrity and applies pending migrations.
    ///
    /// - Throws: `StateError` when the file is corrupt, from a newer program, or cannot be opened.
    package init(path: String) throws {
        self.path = path
        let directory = parentFolder(of: path)
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let sideFiles = Self.sideFiles(of: path)
        let existingSideFiles = sideFiles.filter { FileManager.default.fileExists(atPath: $0) }
        let isNew = !FileManager.default.fileExists(atPath: path)
        do {
            database = try SQLiteDatabase(path: path)
            try database.execute("PRAGMA journal_mode = WAL")
            try database.execute("PRAGMA synchronous = NORMAL")
            try database.execute("PRAGMA foreign_keys = ON")
            let problems = try database.integrityProblems()
            Self.addOwnerWrite(sideFiles.filter { !existingSideFiles.contains($0) })
            if !problems.isEmpty {
                throw StateError.corrupt(path: path, detail: problems.prefix(3).joined(separator: "; "))
            }
            try database.migrate(Self.migrations)
            if isNew { FolderOwner.giveFiles([path] + sideFiles, in: directory) }
        } catch let error as SQLiteError where error.isCorruption {
            throw StateError.corrupt(path: path, detail: error.message)
        } catch SQLiteMigrationError.mismatchedSchema(_, let found) {
            throw StateError.corrupt(path: path, detail: "schema version \(found) does not match its tables")
        } catch let error as SQLiteMigrationError {
            throw StateError.newerSchema(error.description)
        } catch let error as SQLiteError where error.isInaccessible {
            throw StateError.inaccessible(path: path, detail: error.description)
        } catch let error as SQLiteError {
            throw StateError.unavailable(path: path, detail: error.description)
        }
    }

    /// Adds owner write permission to the WAL and shared-memory files that opening the database created.
    ///
    /// SQLite gives them the database file's mode. When a command that only reads the state, such as `check` or
    /// `status`, opens a read-only database file, they would stay read-only after the file is made writable again,
    /// and every sync would fail on them.
    private static func addOwnerWrite(_ createdFiles: [String]) {
        for file in createdFiles {
            var status = stat()
            guard stat(file, &status) == 0, status.st_mode & S_IWUSR == 0 else { continue }
            chmod(file, (status.st_mode & 0o7777) | S_IWUSR)
        }
    }

    /// Returns the paths of SQLite's WAL and shared-memory files for the database at `path`.
    ///
    /// SQLite (3.40.1 on Debian 12) names them after the database path with its symbolic links resolved, so for a
    /// `state` setting that is a link they lie beside the link's target.
    ///
    /// NOTE: a link whose target does not exist yet is not resolved here, although SQLite creates the files beside
    /// that target.
    package static func sideFiles(of path: String) -> [String] {
        var resolved = path
        if let pointer = realpath(path, nil) {
            resolved = String(cString: pointer)
            free(pointer)
        }
        return [resolved + "-wal", resolved + "-shm"]
    }

    /// Checks that this user may write the state database at `path` and the WAL and shared-memory files beside it,
    /// for a command that writes the state, before it opens the database or sends a request.
    ///
    /// SQLite opens a database file that it may not write without an error, and fails only at the first write.
    /// That write may come after a create or update was sent. Root passes every permission check.
    ///
    /// - Throws: `StateError.readOnly` for the first of the files that exists and that this user may not write.
    package static func checkWritable(path: String) throws {
        if let (file, reason) = unwritableFile(among: [path] + sideFiles(of: path)) {
            throw StateError.readOnly(path: path, file: file, user: FolderAccess.userName, reason: reason)
        }
    }

    /// Returns the first of `files` that exists and that this user may not read and write, with the system's
    /// reason, or nil when there is none.
    package static func unwritableFile(among files: [String]) -> (file: String, reason: String)? {
        for file in files where FileManager.default.fileExists(atPath: file) {
            if faccessat(AT_FDCWD, file, R_OK | W_OK, AT_EACCESS) != 0 {
                return (file, String(cString: strerror(errno)))
            }
        }
        return nil
    }

    /// Runs `body` with the connection, serialized with every other caller.
    func withDatabase<T>(_ body: (SQLiteDatabase) throws -> T) throws -> T {
        try lock.withLock { try body(database) }
    }

    static func timestamp(_ date: Date = Date()) -> String {
        Timestamp.format(date)
    }

    static func date(_ text: String?) -> Date? {
        text.flatMap(Timestamp.date)
    }
}

/// A state database that cannot be used.
package enum StateError: Error, CustomStringConvertible {
    private static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    case corrupt(path: String, detail: String)
    case newerSchema(String)
    case unavailable(path: String, detail: String)
    /// The path cannot be opened or written, such as a folder or a file that this user may not write, which a
    /// retry does not fix.
    case inaccessible(path: String, detail: String)
    /// The database, or its WAL or shared-memory file, exists, but `user` may not write it.
    case readOnly(path: String, file: String, user: String, reason: String)

    package var description: String {
        switch self {
        case .corrupt(let path, let detail):
            "state database \(path) is corrupt (\(detail)); run `planable-sync sync --rebuild-state`, which moves it "
                + "aside and rebuilds it from the API"
        case .newerSchema(let message):
            message
        case .unavailable(let path, let detail):
            "cannot open state database \(path): \(detail)"
        case .inaccessible(let path, let detail):
            "cannot open state database \(path) for writing: \(detail); "
                + (Self.isFolder(path)
                    ? ""
                    : "make its folder \((path as NSString).deletingLastPathComponent) writable for this user, or ")
                + "make the configuration's state setting name a file in a folder that this user may write"
        case .readOnly(let path, let file, let user, let reason):
            "cannot write state database \(path): user \(user) may not write \(file) (\(reason)), so nothing was "
                + "sent; make it writable for user \(user), or change the state setting to a file that is"
        }
    }
}
