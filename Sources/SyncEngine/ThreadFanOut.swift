import Foundation
import Synchronization

/// Runs blocking work, such as feed fetches that mostly wait for the network, on threads of their own.
package enum ThreadFanOut {
    /// Runs `work` for each of `items`, each on a thread of its own and at most `width` at once, and returns the
    /// results in the order of `items`. Returns nil once `shouldStop` returns true while work still runs; that work
    /// goes on, and its results are dropped.
    package static func map<Item: Sendable, Value: Sendable>(
        _ items: [Item], width: Int, shouldStop: @Sendable () -> Bool = { false },
        _ work: @escaping @Sendable (Item) -> Value
    ) -> [Value]? {
        let results = Mutex<[Int: Value]>([:])
        let slots = DispatchSemaphore(value: width)
        let group = DispatchGroup()
        for (index, item) in items.enumerated() {
            while slots.wait(timeout: .now() + 0.1) == .timedOut {
                if shouldStop() { return nil }
            }
            group.enter()
            Thread.detachNewThread {
                let value = work(item)
                results.withLock { $0[index] = value }
                slots.signal()
                group.leave()
            }
        }
        while group.wait(timeout: .now() + 0.1) == .timedOut {
            if shouldStop() { return nil }
        }
        let values = results.withLock { $0 }
        return items.indices.compactMap { values[$0] }
    }
}
