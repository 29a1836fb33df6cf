import Foundation
import Synchronization

/// The removals whose deletion of drafts waits out `delete_grace_period`, kept by the daemon across its passes.
///
/// A pass that finds the file of an item with drafts gone records the time here and deletes nothing. Once the
/// period has passed, `takeDueChecks` hands the daemon the file's path to scan again, and a pass that still finds the
/// file gone deletes the drafts. A pass that reads the file again drops the wait.
package final class RemovalGrace: Sendable {
    /// One waiting removal.
    struct Pending: Sendable {
        /// The file's path below the source folder, nil for an item whose file a scan never read.
        var location: String?
        var firstMissing: Date
        /// Whether `takeDueChecks` already handed the path out for its check.
        var checkQueued = false
    }

    private struct Key: Hashable {
        var source: String
        var identity: String
    }

    private struct Contents {
        var period: TimeInterval
        var pending: [Key: Pending] = [:]
    }

    private let contents: Mutex<Contents>

    /// - Parameter period: the wait in seconds; 0 deletes at once.
    package init(period: TimeInterval) {
        contents = Mutex(Contents(period: period))
    }

    /// The wait in seconds, which a reload of the configuration may change.
    package var period: TimeInterval {
        get { contents.withLock { $0.period } }
        set { contents.withLock { $0.period = newValue } }
    }

    /// Records that the item's file is missing at `now`, unless an earlier pass recorded it, and returns the time
    /// at which its removal may proceed, or nil when that time has come.
    ///
    /// - Returns: the due time, and whether this call started the wait.
    func hold(source: String, identity: String, location: String?, now: Date) -> (due: Date, isNew: Bool)? {
        contents.withLock { contents in
            let key = Key(source: source, identity: identity)
            let existing = contents.pending[key]
            let firstMissing = existing?.firstMissing ?? now
            let due = firstMissing.addingTimeInterval(contents.period)
            guard due > now else { return nil }
            if existing == nil {
                contents.pending[key] = Pending(location: location, firstMissing: now)
            } else {
                // A check handed out before a reload raised the period is handed out again at the new due time.
                contents.pending[key]?.checkQueued = false
            }
            return (due, existing == nil)
        }
    }

    /// Drops the wait of an item whose removal was handled.
    func release(source: String, identity: String) {
        _ = contents.withLock { $0.pending.removeValue(forKey: Key(source: source, identity: identity)) }
    }

    /// Drops the wait of each item of `source` that a scan covered and did not find removed, such as a file that is
    /// back, and returns their identities. `scannedPaths` are the paths of a partial scan, and nil stands for a scan
    /// of the whole source.
    func releaseFound(source: String, scannedPaths: Set<String>?, removed: Set<String>) -> [String] {
        contents.withLock { contents in
            let found = contents.pending.filter { key, pending in
                guard key.source == source, !removed.contains(key.identity) else { return false }
                guard let scannedPaths else { return true }
                guard let location = pending.location else { return false }
                return DirectorySource.isUnder(location, anyOf: Array(scannedPaths))
            }
            for key in found.keys { contents.pending.removeValue(forKey: key) }
            return found.keys.map(\.identity).sorted()
        }
    }

    /// The earliest time at which a waiting removal is due for its check, or nil when none waits.
    package var nextDue: Date? {
        contents.withLock { contents in
            contents.pending.values.filter { !$0.checkQueued }
                .map { $0.firstMissing.addingTimeInterval(contents.period) }.min()
        }
    }

    /// Returns the removals due at `now` for a check, as the source and the file's path below its folder, nil
    /// for an item that only a whole scan of the source checks. Each is handed out once.
    package func takeDueChecks(now: Date) -> [(source: String, location: String?)] {
        contents.withLock { contents in
            var due: [(source: String, location: String?)] = []
            for (key, pending) in contents.pending
            where !pending.checkQueued && pending.firstMissing.addingTimeInterval(contents.period) <= now {
                contents.pending[key]?.checkQueued = true
                due.append((key.source, pending.location))
            }
            return due
        }
    }
}
