import Glibc

/// The watched folders of one inotify descriptor, and the translation of its records into `WatchEvent`s.
///
/// Not thread-safe: `DirectoryWatcher` uses it from its reader thread only, after `start` has added the first
/// watches.
package final class InotifyTree {
    /// The events watched on every folder. Below the root, `addWatch` adds `IN_DONT_FOLLOW`, so no link is watched.
    /// `IN_ATTRIB` reports permission changes, so a folder or file that becomes readable again is read at once.
    static let folderMask: UInt32 =
        UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB)
        | UInt32(IN_DELETE_SELF | IN_MOVE_SELF) | UInt32(IN_ONLYDIR)
    /// How long an `IN_MOVED_FROM` waits for its `IN_MOVED_TO` before it counts as a move out of the tree. The kernel
    /// queues both records in the same `rename(2)` call, so the wait only covers a read that split the pair.
    static let movePairingTime = 0.05

    private struct PendingMove {
        var path: String
        var isFolder: Bool
        var isIgnored: Bool
        var time: Double
    }

    package let root: String
    let descriptor: Int32
    /// The relative path of each watched folder; the root is "".
    var paths: [Int32: String] = [:]
    var descriptors: [String: Int32] = [:]
    private var pendingMoves: [UInt32: PendingMove] = [:]
    /// The files written to (`IN_MODIFY`) and not closed since (`IN_CLOSE_WRITE`), by relative path. Emptied on an
    /// overflow, because the queue may have lost their close.
    package private(set) var pathsBeingWritten: Set<String> = []
    /// Failures met since the last call to `takeErrors`.
    var errors: [DirectoryWatcherError] = []

    /// - Parameters:
    ///   - root: the absolute path of the root folder.
    ///   - descriptor: an inotify descriptor that this object does not close.
    package init(root: String, descriptor: Int32) {
        self.root = root
        self.descriptor = descriptor
    }

    package var watchedFolders: [String] { descriptors.keys.sorted() }

    package func takeErrors() -> [DirectoryWatcherError] {
        defer { errors.removeAll() }
        return errors
    }

    /// Watches the folder at `relative` and every folder under it, and returns `.changed` for each file found when
    /// `reportFiles` is set (files created before the watch existed are otherwise missed).
    @discardableResult
    package func addTree(_ relative: String, reportFiles: Bool) -> [WatchEvent] {
        var events: [WatchEvent] = []
        var pending = [relative]
        while let folder = pending.popLast() {
            guard addWatch(folder) else { continue }
            for (name, isFolder) in Self.entries(of: absolute(folder)) where !WatchNameFilter.isIgnored(name) {
                let child = Self.join(folder, name)
                if isFolder {
                    pending.append(child)
                } else if reportFiles {
                    events.append(WatchEvent(path: child, kind: .changed))
                }
            }
        }
        return events
    }

    /// Translates records read at `time` into events. Moves whose other half has not arrived yet are held until the
    /// next call or until `expireMoves` gives up on them.
    package func translate(_ records: [InotifyRecord], at time: Double) -> [WatchEvent] {
        var events: [WatchEvent] = []
        for record in records {
            let mask = record.mask
            if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                events.append(.overflow)
                pendingMoves.removeAll()
                pathsBeingWritten.removeAll()
                rebuildWatches()
                continue
            }
            guard let folder = paths[record.descriptor] else { continue }
            if mask & UInt32(IN_IGNORED) != 0 {
                forget(record.descriptor)
                // The kernel dropped the root's watch without a DELETE_SELF or UNMOUNT first, so nothing is watched.
                if folder.isEmpty {
                    removeWatches(under: "")
                    events.append(.overflow)
                }
                continue
            }
            // The root has no watched parent to name it, so a change of its own permissions rescans the whole tree.
            // A folder below the root is reported by its parent, below.
            if mask & UInt32(IN_ATTRIB) != 0 && record.name.isEmpty {
                if folder.isEmpty {
                    addTree("", reportFiles: false)
                    events.append(.overflow)
                }
                continue
            }
            if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT) != 0 {
                // The parent folder reports the same change by name, except for the root, which has no watched parent.
                if folder.isEmpty {
                    // A moved root keeps its watches, which would report from the new place.
                    removeWatches(under: "")
                    events.append(.overflow)
                }
                continue
            }
            guard !record.name.isEmpty else { continue }
            let path = Self.join(folder, record.name)
            let isFolder = mask & UInt32(IN_ISDIR) != 0
            let isIgnored = WatchNameFilter.isIgnored(record.name)
            if mask & UInt32(IN_MOVED_FROM) != 0 {
                pendingMoves[record.cookie] = PendingMove(
                    path: path, isFolder: isFolder, isIgnored: isIgnored, time: time)
            } else if mask & UInt32(IN_MOVED_TO) != 0 {
                let arrival = PendingMove(path: path, isFolder: isFolder, isIgnored: isIgnored, time: time)
                if let departure = pendingMoves.removeValue(forKey: record.cookie) {
                    events += move(from: departure, to: arrival)
                } else {
                    events += moveIn(arrival)
                }
            } else if isIgnored {
                continue
            } else if mask & UInt32(IN_CREATE) != 0 {
                events += isFolder ? addTree(path, reportFiles: true) : [WatchEvent(path: path, kind: .changed)]
            } else if mask & UInt32(IN_DELETE) != 0 {
                if isFolder { removeWatches(under: path) }
                forgetWriting(under: path)
                events.append(WatchEvent(path: path, kind: .removed))
            } else if mask & UInt32(IN_MODIFY | IN_CLOSE_WRITE) != 0, !isFolder {
                if mask & UInt32(IN_MODIFY) != 0 {
                    pathsBeingWritten.insert(path)
                } else {
                    pathsBeingWritten.remove(path)
                }
                events.append(WatchEvent(path: path, kind: .changed))
            } else if mask & UInt32(IN_ATTRIB) != 0 {
                // A folder that became readable may hold files and folders that could not be listed before.
                events += isFolder ? addTree(path, reportFiles: true) : [WatchEvent(path: path, kind: .changed)]
            }
        }
        return events
    }

    /// Removes `path`, and every path under it when it names a folder, from `pathsBeingWritten`.
    private func forgetWriting(under path: String) {
        if pathsBeingWritten.isEmpty { return }
        pathsBeingWritten = pathsBeingWritten.filter { !Self.isSame($0, orUnder: path) }
    }

    /// The time at which the oldest unpaired `IN_MOVED_FROM` counts as a move out of the tree, or nil.
    package var nextMoveDeadline: Double? {
        pendingMoves.values.map(\.time).min().map { $0 + Self.movePairingTime }
    }

    /// Turns the moves still unpaired `movePairingTime` after they were read into removals.
    package func expireMoves(at time: Double) -> [WatchEvent] {
        let expired = pendingMoves.filter { time >= $0.value.time + Self.movePairingTime - 0.001 }
        var events: [WatchEvent] = []
        for (cookie, move) in expired.sorted(by: { $0.value.time < $1.value.time }) {
            pendingMoves[cookie] = nil
            events += moveOut(move)
        }
        return events
    }

    private func move(from departure: PendingMove, to arrival: PendingMove) -> [WatchEvent] {
        switch (departure.isIgnored, arrival.isIgnored) {
        case (true, true): return []
        case (true, false): return moveIn(arrival)
        case (false, true): return moveOut(departure)
        case (false, false): break
        }
        // A writer keeps a renamed file open, so it is still being written under its new name. The file that the
        // rename replaced is unlinked, so a writer that still has it open no longer writes the new one.
        // NOTE: the kernel still reports that writer's later writes and close under this path, so a further
        // write to the replaced file delays the new one again until that close.
        let written = pathsBeingWritten.filter { Self.isSame($0, orUnder: departure.path) }
        pathsBeingWritten.subtract(written)
        forgetWriting(under: arrival.path)
        for path in written { pathsBeingWritten.insert(arrival.path + path.dropFirst(departure.path.count)) }
        guard departure.isFolder else { return [WatchEvent(path: arrival.path, kind: .renamed(from: departure.path))] }
        renameWatches(from: departure.path, to: arrival.path)
        // Report each file, so the consumer can keep the post of every file under the renamed folder.
        return addTree(arrival.path, reportFiles: true).map { event in
            let suffix = event.path.dropFirst(arrival.path.count)
            return WatchEvent(path: event.path, kind: .renamed(from: departure.path + suffix))
        }
    }

    private func moveIn(_ arrival: PendingMove) -> [WatchEvent] {
        if arrival.isIgnored { return [] }
        // A file moved in over one that a writer has open replaces it, so the writer no longer writes this path.
        forgetWriting(under: arrival.path)
        return arrival.isFolder
            ? addTree(arrival.path, reportFiles: true) : [WatchEvent(path: arrival.path, kind: .changed)]
    }

    private func moveOut(_ departure: PendingMove) -> [WatchEvent] {
        // A folder moved out of the tree keeps its watches in the kernel, which would go on reporting from outside.
        if departure.isFolder { removeWatches(under: departure.path) }
        forgetWriting(under: departure.path)
        return departure.isIgnored ? [] : [WatchEvent(path: departure.path, kind: .removed)]
    }
}
