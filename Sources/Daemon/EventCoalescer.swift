/// Merges watch events per path and decides when to deliver them, with time passed in (seconds on any monotonic
/// clock), so the rules can be tested without waiting.
///
/// A batch is due when the whole tree has been quiet for `debounce` seconds, or when the oldest pending event is
/// `maximumDelay` seconds old. A batch contains every path that has been quiet for `debounce` seconds or whose first
/// event is `maximumDelay` seconds old, and the other paths wait. Waiting for the whole tree to be quiet, and not for each
/// path separately, keeps a burst of many files in one batch.
///
/// A path that a writer still has open, which `takeDue` and `nextDeadline` get in `writing`, waits past both
/// rules until the writer closes it, and at most `maximumWriteWait` seconds from its first event. So a file copied
/// or saved over several seconds is delivered once, whole, and not first half written.
package struct EventCoalescer: Sendable {
    private struct Entry: Sendable {
        var kind: WatchEvent.Kind
        var firstTime: Double
        var lastTime: Double
    }

    package let debounce: Double
    package let maximumDelay: Double
    package let maximumWriteWait: Double

    private var entries: [String: Entry] = [:]
    /// Paths in the order of their first pending event, so batches keep the order the changes happened in.
    private var order: [String] = []
    /// The time of the first event of a pending `.overflow`, which replaces every path event.
    private var overflowTime: Double?
    private var lastEventTime = 0.0
    /// Comparisons allow this much (one millisecond) so a wake-up rounded by `poll(2)` finds its batch due.
    private let tolerance = 0.001

    package init(debounce: Double, maximumDelay: Double, maximumWriteWait: Double = 60) {
        self.debounce = debounce
        self.maximumDelay = max(maximumDelay, debounce)
        self.maximumWriteWait = max(maximumWriteWait, self.maximumDelay)
    }

    package var isEmpty: Bool { entries.isEmpty && overflowTime == nil }

    /// Adds `event`, seen at `time`, to the pending events.
    package mutating func record(_ event: WatchEvent, at time: Double) {
        lastEventTime = max(lastEventTime, time)
        if overflowTime != nil { return }
        switch event.kind {
        case .overflow:
            entries.removeAll()
            order.removeAll()
            overflowTime = time
        case .changed:
            if var entry = entries[event.path] {
                if case .removed = entry.kind { entry.kind = .changed }
                entry.lastTime = time
                entries[event.path] = entry
            } else {
                insert(event.path, Entry(kind: .changed, firstTime: time, lastTime: time))
            }
        case .removed:
            if var entry = entries[event.path] {
                if case .renamed(let origin) = entry.kind {
                    // The file left `origin` and is now gone: both paths are removed.
                    record(WatchEvent(path: origin, kind: .removed), at: time)
                }
                entry.kind = .removed
                entry.lastTime = time
                entries[event.path] = entry
            } else {
                insert(event.path, Entry(kind: .removed, firstTime: time, lastTime: time))
            }
        case .renamed(let from):
            recordRename(from: from, to: event.path, at: time)
        }
    }

    private mutating func recordRename(from: String, to path: String, at time: Double) {
        var origin = from
        var firstTime = time
        if let source = entries.removeValue(forKey: from) {
            order.removeAll { $0 == from }
            firstTime = source.firstTime
            if case .renamed(let earlier) = source.kind { origin = earlier }
        }
        if let destination = entries[path] { firstTime = min(firstTime, destination.firstTime) }
        // A file moved away and back is a change in place.
        let kind: WatchEvent.Kind = origin == path ? .changed : .renamed(from: origin)
        if entries[path] == nil { order.append(path) }
        entries[path] = Entry(kind: kind, firstTime: firstTime, lastTime: time)
    }

    private mutating func insert(_ path: String, _ entry: Entry) {
        entries[path] = entry
        order.append(path)
    }

    /// Returns the time at which the next batch is due, or nil when nothing is pending, while the paths in
    /// `writing` are open for writing.
    package func nextDeadline(writing: Set<String> = []) -> Double? {
        if let overflowTime { return min(lastEventTime + debounce, overflowTime + maximumDelay) }
        var oldest: Double?
        var writeWaitEnd: Double?
        for (path, entry) in entries {
            if writing.contains(path) {
                writeWaitEnd = min(writeWaitEnd ?? .infinity, entry.firstTime + maximumWriteWait)
            } else {
                oldest = min(oldest ?? .infinity, entry.firstTime)
            }
        }
        // Only paths that no writer has open make the quiet tree or the maximum delay a deadline.
        let ready = oldest.map { min(lastEventTime + debounce, $0 + maximumDelay) }
        return [ready, writeWaitEnd].compactMap { $0 }.min()
    }

    /// Removes and returns the events due at `time`, in the order their paths first changed; empty when none is due.
    ///
    /// - Parameter writing: the paths open for writing, which stay pending until `maximumWriteWait` after their
    ///   first event.
    package mutating func takeDue(at time: Double, writing: Set<String> = []) -> [WatchEvent] {
        if let overflowTime {
            guard time + tolerance >= min(lastEventTime + debounce, overflowTime + maximumDelay) else { return [] }
            self.overflowTime = nil
            return [.overflow]
        }
        guard let deadline = nextDeadline(writing: writing), time + tolerance >= deadline else { return [] }
        let treeIsQuiet = time + tolerance >= lastEventTime + debounce
        var batch: [WatchEvent] = []
        var remaining: [String] = []
        for path in order {
            guard let entry = entries[path] else { continue }
            let due =
                writing.contains(path)
                ? time + tolerance >= entry.firstTime + maximumWriteWait
                : treeIsQuiet || time + tolerance >= entry.lastTime + debounce
                    || time + tolerance >= entry.firstTime + maximumDelay
            if due {
                batch.append(WatchEvent(path: path, kind: entry.kind))
                entries[path] = nil
            } else {
                remaining.append(path)
            }
        }
        order = remaining
        return batch
    }
}
