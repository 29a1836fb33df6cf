import Dispatch
import Foundation

@testable import Daemon

/// Collects the batches a `DirectoryWatcher` delivers, with the time each arrived, and waits for expected events.
final class WatchRecorder: @unchecked Sendable {
    private let condition = NSCondition()
    private var received: [(time: Double, events: [WatchEvent])] = []
    private var failures: [DirectoryWatcherError] = []

    var handler: DirectoryWatcher.Handler {
        { batch in
            self.condition.lock()
            self.received.append((Self.now(), batch))
            self.condition.broadcast()
            self.condition.unlock()
        }
    }

    var errorHandler: DirectoryWatcher.ErrorHandler {
        { error in
            self.condition.lock()
            self.failures.append(error)
            self.condition.unlock()
        }
    }

    var batches: [[WatchEvent]] {
        condition.lock()
        defer { condition.unlock() }
        return received.map(\.events)
    }

    var events: [WatchEvent] { batches.flatMap { $0 } }

    var errors: [DirectoryWatcherError] {
        condition.lock()
        defer { condition.unlock() }
        return failures
    }

    /// Returns the time the first batch containing `event` arrived, or nil.
    func arrival(of event: WatchEvent) -> Double? {
        condition.lock()
        defer { condition.unlock() }
        return received.first { $0.events.contains(event) }?.time
    }

    /// Waits up to `timeout` seconds until `satisfied` holds for all events delivered so far; returns whether it did.
    @discardableResult
    func wait(timeout: Double = 5, until satisfied: ([WatchEvent]) -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while !satisfied(received.flatMap(\.events)) {
            if !condition.wait(until: deadline) { return satisfied(received.flatMap(\.events)) }
        }
        return true
    }

    /// Waits until `events` have all been delivered.
    @discardableResult
    func wait(for events: [WatchEvent], timeout: Double = 5) -> Bool {
        wait(timeout: timeout) { delivered in events.allSatisfy(delivered.contains) }
    }

    /// Sleeps long enough for any further batch to arrive, so a test can check that nothing else came.
    func settle(_ seconds: Double = 0.6) {
        Thread.sleep(forTimeInterval: seconds)
    }

    static func now() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1_000_000_000
    }
}
