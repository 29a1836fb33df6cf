import Foundation

/// The two request classes the API limits separately.
package enum RequestClass: String, Sendable {
    /// GET requests: 600 a minute by default.
    case read
    /// POST, PATCH and DELETE requests: 120 a minute by default.
    case write

    package init(method: String) {
        self = method == "GET" || method == "HEAD" ? .read : .write
    }
}

/// Time as the client sees it, so tests can run the limiter without waiting.
package protocol ClientClock: Sendable {
    func now() -> Date
    func sleep(seconds: Double)
    /// Whether waits should end early because the process is stopping; the client then fails the request.
    var isCancelled: Bool { get }
}

extension ClientClock {
    package var isCancelled: Bool { false }
}

/// The system clock, whose waits end early once `cancel()` is called, so a stopping or reloading daemon does not
/// sit out a rate-limit window. `resume()` lets waits run again, after a reload.
package final class CancellableClock: ClientClock, @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    package init() {}

    package func now() -> Date { Date() }

    package func cancel() {
        lock.withLock { cancelled = true }
    }

    package var isCancelled: Bool {
        lock.withLock { cancelled }
    }

    package func resume() {
        lock.withLock { cancelled = false }
    }

    package func sleep(seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while !isCancelled {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return }
            Thread.sleep(forTimeInterval: min(remaining, 0.1))
        }
    }
}

/// The system clock.
package struct SystemClock: ClientClock {
    package init() {}

    package func now() -> Date { Date() }

    package func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        Thread.sleep(forTimeInterval: seconds)
    }
}

/// A client-side sliding-window limiter per token that matches the API's: at most `limit` requests of a class
/// in any 60-second window.
///
/// The server's `X-RateLimit-*` headers correct the local count: when the server reports fewer remaining
/// requests than the limiter expects (another process shares the token, say), the limiter waits for the reset.
package final class RateLimiter: @unchecked Sendable {
    /// The API's window, in seconds.
    package static let standardWindow: TimeInterval = 60
    package let window: TimeInterval

    private let lock = NSLock()
    private let clock: any ClientClock
    private var limits: [RequestClass: Int]
    private var sent: [RequestClass: [Date]] = [:]
    private var blockedUntil: [RequestClass: Date] = [:]

    /// - Parameters:
    ///   - readsPerMinute: reads allowed per window (600 for the real API).
    ///   - writesPerMinute: writes allowed per window (120 for the real API).
    ///   - window: the window in seconds; only tests against a reference server with a shorter one change it.
    package init(
        readsPerMinute: Int = 600, writesPerMinute: Int = 120, window: TimeInterval = RateLimiter.standardWindow,
        clock: any ClientClock = SystemClock()
    ) {
        self.limits = [.read: readsPerMinute, .write: writesPerMinute]
        self.window = window
        self.clock = clock
    }

    /// Waits until a request of `requestClass` fits in the window, then counts it as sent.
    ///
    /// Returns early, without counting, when the clock is cancelled. `onLongWait` is called with the wait in
    /// seconds before each wait of `longWait` seconds or more, so that a long pause can be reported.
    package func acquire(
        _ requestClass: RequestClass, longWait: Double = 5, onLongWait: (Double) -> Void = { _ in }
    ) {
        while !clock.isCancelled {
            let delay = lock.withLock { () -> Double in
                let now = clock.now()
                if let until = blockedUntil[requestClass], until > now {
                    return until.timeIntervalSince(now)
                }
                var times = sent[requestClass, default: []]
                times.removeAll { now.timeIntervalSince($0) >= window }
                let limit = limits[requestClass] ?? Int.max
                if times.count < limit {
                    times.append(now)
                    sent[requestClass] = times
                    return 0
                }
                sent[requestClass] = times
                return window - now.timeIntervalSince(times[0])
            }
            if delay <= 0 { return }
            if delay >= longWait { onLongWait(delay) }
            clock.sleep(seconds: delay)
        }
    }

    /// Adjusts to the limit, remaining count and reset time the server reported for a request of `requestClass`.
    package func update(_ requestClass: RequestClass, from info: RateLimitInfo) {
        lock.withLock {
            if let limit = info.limit, limit > 0 { limits[requestClass] = limit }
            guard let remaining = info.remaining else { return }
            let now = clock.now()
            var times = sent[requestClass, default: []].filter { now.timeIntervalSince($0) < window }
            let localRemaining = (limits[requestClass] ?? 0) - times.count
            if remaining < localRemaining {
                // Requests this limiter did not send come from another process with the same token. They count as
                // sent at the time that makes them leave the window at the server's reset, or now without a reset.
                // That way the class is not held back past a reset that comes sooner than a whole window.
                let stamp = info.reset.map { min(now, $0.addingTimeInterval(-window)) } ?? now
                times.append(contentsOf: Array(repeating: stamp, count: localRemaining - remaining))
                times.sort()
                sent[requestClass] = times
            }
            if remaining <= 0, let reset = info.reset, reset > now {
                blockedUntil[requestClass] = min(reset, now.addingTimeInterval(window))
            }
        }
    }

    /// Blocks `requestClass` until `date`, after a 429 response, or for one window when `date` is further away.
    ///
    /// A sliding window frees a request at most one window after it was sent. A later reset comes from a server
    /// clock that runs ahead of this one, and waiting for it would stall an unattended run for that long.
    package func block(_ requestClass: RequestClass, until date: Date) {
        lock.withLock {
            let capped = min(date, clock.now().addingTimeInterval(window))
            if let current = blockedUntil[requestClass], current >= capped { return }
            blockedUntil[requestClass] = capped
        }
    }
}

/// The `X-RateLimit-*` headers of one response.
package struct RateLimitInfo: Sendable, Equatable {
    package var limit: Int?
    package var remaining: Int?
    /// When the window frees a request, from the Unix seconds in `X-RateLimit-Reset`.
    package var reset: Date?

    package init(limit: Int? = nil, remaining: Int? = nil, reset: Date? = nil) {
        self.limit = limit
        self.remaining = remaining
        self.reset = reset
    }

    package init(headers: [String: String]) {
        limit = headers["x-ratelimit-limit"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        remaining = headers["x-ratelimit-remaining"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        reset = headers["x-ratelimit-reset"].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            .map { Date(timeIntervalSince1970: $0) }
    }
}
