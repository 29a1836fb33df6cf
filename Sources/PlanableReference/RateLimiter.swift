/// Per-token request limits over a sliding window, one for reads (GET) and one for writes (POST, PATCH, DELETE).
///
/// Each token and class keeps the times of the requests inside the window; a request is allowed while fewer than
/// `limit` remain there. Rejected requests are not recorded, so a client that backs off regains capacity.
final class RateLimiter: Sendable {
    /// The outcome for one request, with the values of the X-RateLimit-* headers.
    struct Decision: Equatable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Unix seconds, rounded up, when the oldest request in the window leaves it.
        var reset: Int
    }

    enum RequestClass: String, Sendable {
        case read, write

        init(method: String) {
            self = method == "GET" || method == "HEAD" ? .read : .write
        }
    }

    let window: Double
    /// The limits and the logs share one lock, which every API request takes once.
    private let state: LockedValue<State>

    private struct State {
        var readLimit: Int
        var writeLimit: Int
        var logs: [WindowKey: WindowLog] = [:]

        func limit(for requestClass: RequestClass) -> Int {
            requestClass == .read ? readLimit : writeLimit
        }
    }

    private struct WindowKey: Hashable {
        var tokenID: String
        var requestClass: RequestClass
    }

    /// The times of the counted requests of one token and class, oldest first, as a queue.
    private final class WindowLog {
        var times: [Double] = []
        var head = 0

        var count: Int { times.count - head }
        var oldest: Double? { head < times.count ? times[head] : nil }

        /// Counts the requests recorded after `now` as made at `now`, for a clock that was moved back. They were
        /// made within the window, and would otherwise stay in it until the clock reached them again.
        func clamp(to now: Double) {
            var index = times.count - 1
            while index >= head && times[index] > now {
                times[index] = now
                index -= 1
            }
        }

        func dropOlder(than cutoff: Double) {
            while head < times.count && times[head] <= cutoff { head += 1 }
            // Compacting once the dropped part is the larger half keeps each request O(1) amortized.
            if head > 1024 && head * 2 > times.count {
                times.removeFirst(head)
                head = 0
            }
        }
    }

    init(readLimit: Int, writeLimit: Int, window: Double = 60) {
        self.window = window
        state = LockedValue(State(readLimit: readLimit, writeLimit: writeLimit))
    }

    func limit(for requestClass: RequestClass) -> Int {
        state.withLock { $0.limit(for: requestClass) }
    }

    /// Changes the limits from now on; the recorded requests stay.
    func setLimits(read: Int?, write: Int?) {
        state.withLock { state in
            if let read { state.readLimit = read }
            if let write { state.writeLimit = write }
        }
    }

    /// Records a request of `requestClass` for `tokenID` at `now` when the window has room.
    func admit(tokenID: String, requestClass: RequestClass, now: Double) -> Decision {
        decide(tokenID: tokenID, requestClass: requestClass, now: now, counting: true)
    }

    /// Returns the header values for a request of `tokenID` that is not counted, such as one to an unknown path:
    /// the token's window as it is now.
    func current(tokenID: String, requestClass: RequestClass, now: Double) -> Decision {
        decide(tokenID: tokenID, requestClass: requestClass, now: now, counting: false)
    }

    private func decide(tokenID: String, requestClass: RequestClass, now: Double, counting: Bool) -> Decision {
        state.withLock { state in
            let limit = state.limit(for: requestClass)
            let key = WindowKey(tokenID: tokenID, requestClass: requestClass)
            let log: WindowLog
            if let existing = state.logs[key] {
                log = existing
            } else if counting {
                log = WindowLog()
                state.logs[key] = log
            } else {
                return Decision(allowed: true, limit: limit, remaining: limit, reset: Int((now + window).rounded(.up)))
            }
            log.clamp(to: now)
            log.dropOlder(than: now - window)
            let allowed = log.count < limit
            if allowed && counting { log.times.append(now) }
            let oldest = log.oldest ?? now
            return Decision(
                allowed: allowed, limit: limit, remaining: max(0, limit - log.count),
                reset: Int((oldest + window).rounded(.up)))
        }
    }

    /// The headers' values for a request without a valid token, which no window counts.
    func untracked(requestClass: RequestClass, now: Double) -> Decision {
        let limit = limit(for: requestClass)
        return Decision(allowed: true, limit: limit, remaining: limit, reset: Int((now + window).rounded(.up)))
    }

    func reset() {
        state.withLock { $0.logs.removeAll() }
    }
}
