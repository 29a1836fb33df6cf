import Daemon
import Foundation
import Logging
import SyncEngine

/// The directory watchers of one configuration, and the retries for folders that have no watch.
///
/// A folder has no watch when it was missing or unreadable at start, or when its root was moved, removed or
/// unmounted later. Each such folder is tried again after `retryRange.lowerBound` seconds, and the wait doubles after
/// each failed attempt up to `retryRange.upperBound`. The daemon's work thread makes every call, so the set needs no
/// lock. Only the watcher handlers run elsewhere, and they only call `onEvents`.
final class FolderWatchSet {
    /// Receives a watcher's batch with the source's name, and whether the watcher no longer watches its root.
    typealias EventHandler = @Sendable (_ source: String, _ events: [WatchEvent], _ rootLost: Bool) -> Void

    /// The first and longest wait before a folder without a watch is tried again, in seconds.
    static let retryRange: ClosedRange<Double> = 2...60

    private let logger: Logger
    private let onEvents: EventHandler
    /// The folder of each directory source, by source name.
    private let folders: [String: String]
    private var watchers: [String: DirectoryWatcher] = [:]
    /// The device and inode of each watched root when its watch was added, to notice a path that now leads elsewhere.
    private var watchedRoots: [String: [UInt64]] = [:]
    private var retries: [String: (next: Date, delay: Double)] = [:]

    init(sources: [SourceConfiguration], logger: Logger, onEvents: @escaping EventHandler) {
        var folders: [String: String] = [:]
        for source in sources {
            if case .directory(let path, _, _) = source.kind { folders[source.name] = path }
        }
        self.folders = folders
        self.logger = logger
        self.onEvents = onEvents
    }

    var sourceNames: [String] { folders.keys.sorted() }
    var watchedCount: Int { watchers.count }
    var unwatchedCount: Int { retries.count }
    /// The time of the next retry, or nil when every folder is watched.
    var nextRetry: Date? { retries.values.map(\.next).min() }

    /// Returns the sources whose retry is due at `now`.
    func dueRetries(at now: Date) -> [String] {
        retries.filter { $0.value.next <= now }.map(\.key).sorted()
    }

    /// Starts a watcher for every folder. A folder that cannot be watched gets a retry.
    func startAll() {
        for (name, path) in folders.sorted(by: { $0.key < $1.key }) {
            do {
                try startWatcher(name, path: path)
            } catch {
                logger.error("folder watch failed; \(Self.retryAdvice)", ["source": name, "error": "\(error)"])
                retries[name] = (Date().addingTimeInterval(Self.retryRange.lowerBound), Self.retryRange.lowerBound)
            }
        }
    }

    func stopAll() {
        watchers.values.forEach { $0.stop() }
        watchers = [:]
        watchedRoots = [:]
        retries = [:]
    }

    /// Stops the watchers of `names` that no longer watch their root, and schedules their retries.
    func dropLost(_ names: Set<String>) {
        for name in names.sorted() {
            // A watcher started after the loss was reported watches its root, so it stays.
            guard let watcher = watchers[name], !watcher.isRootWatched else { continue }
            drop(name, reason: "the folder was moved, removed or unmounted")
        }
    }

    /// Replaces the watchers whose root path now leads to another folder or to none, such as after its parent
    /// folder was renamed or a symbolic link on the path was pointed elsewhere, and returns their sources. The kernel
    /// reports no event for that, because the watched folder itself did not move.
    @discardableResult
    func dropMoved() -> [String] {
        let moved = watchers.filter { Self.fileIdentity($0.value.root) != watchedRoots[$0.key] }.keys.sorted()
        for name in moved {
            drop(name, reason: "its path now leads to another folder or to none")
        }
        return moved
    }

    /// Tries again to watch each folder in `names`, and returns those that are watched now. The caller scans those
    /// whole, so files added while they had no watch are synced.
    ///
    /// An unmounted share's empty mount point is watched like the share itself, because a remounted share may get
    /// a new device number. The scan that follows finds no file, which the directory source treats like a missing
    /// folder, so no item is removed.
    func retry(_ names: [String]) -> [String] {
        var armed: [String] = []
        for name in names {
            guard let path = folders[name], let delay = retries[name]?.delay else { continue }
            do {
                try startWatcher(name, path: path)
                retries[name] = nil
                armed.append(name)
                logger.info("folder watched again; rescanning it", ["source": name, "path": path])
            } catch {
                let next = min(Self.retryRange.upperBound, delay * 2)
                retries[name] = (Date().addingTimeInterval(next), next)
                logger.debug("folder watch retry failed", ["source": name, "error": "\(error)", "retry.in": "\(next)"])
            }
        }
        return armed
    }

    private func startWatcher(_ name: String, path: String) throws {
        let watcher = DirectoryWatcher(root: path)
        let onEvents = onEvents
        try watcher.start(
            handler: { [logger, weak watcher] events in
                let rootLost = events.contains { $0.kind == .overflow } && watcher?.isRootWatched == false
                logger.debug("files changed", ["source": name, "events": String(events.count)])
                onEvents(name, events, rootLost)
            },
            onError: { [logger] error in
                logger.warning("watch problem", ["source": name, "error": error.description])
            })
        watchers[name] = watcher
        watchedRoots[name] = Self.fileIdentity(watcher.root)
    }

    private func drop(_ name: String, reason: String) {
        guard let watcher = watchers.removeValue(forKey: name) else { return }
        watcher.stop()
        watchedRoots[name] = nil
        retries[name] = (Date().addingTimeInterval(Self.retryRange.lowerBound), Self.retryRange.lowerBound)
        logger.warning(
            "folder watch lost because \(reason); \(Self.retryAdvice)", ["source": name, "path": watcher.root])
    }

    private static var retryAdvice: String {
        "retrying after \(Int(retryRange.lowerBound)) s, backing off to every \(Int(retryRange.upperBound)) s"
    }

    /// Returns the device and inode numbers of the folder at `path`, following links, or nil when it cannot be read.
    private static func fileIdentity(_ path: String) -> [UInt64]? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return [UInt64(status.st_dev), UInt64(status.st_ino)]
    }
}
