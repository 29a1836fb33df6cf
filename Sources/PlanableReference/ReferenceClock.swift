import Foundation

/// The server's clock: system time by default, or a time that tests set and advance.
///
/// It is either frozen at a time or running at the speed of system time, with an offset that `advance(by:)` and
/// `run()` set and `resume()` removes.
///
/// Every time-dependent behaviour (scheduling, publication, token expiry, rate-limit windows, synthetic analytics)
/// reads this clock, so a test can move through a post's lifecycle without waiting.
package final class ReferenceClock: Sendable {
    private let state = LockedValue<State>(State(mode: .system(offset: 0)))

    private struct State {
        enum Mode {
            case system(offset: Double)
            case frozen(Double)
        }

        var mode: Mode
    }

    /// A clock that follows system time.
    package init() {}

    /// A clock frozen at `seconds` since 1970 until it is advanced or resumed.
    package init(frozenAt seconds: Double) {
        state.withLock { $0.mode = .frozen(seconds) }
    }

    /// The times an RFC 3339 date-time can express, 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z, in Unix seconds.
    package static let range: ClosedRange<Double> = -62_167_219_200...253_402_300_799

    /// The current time in Unix seconds. A running clock that reaches the end of `range` is frozen there, because
    /// a later time has no date-time to show it. It can be set, advanced back or resumed from there.
    package func now() -> Double {
        state.withLock { Self.reading(&$0) }
    }

    /// Returns the clock's time, and freezes a running clock that passed the end of `range` at that end.
    private static func reading(_ state: inout State) -> Double {
        switch state.mode {
        case .system(let offset):
            let seconds = Date().timeIntervalSince1970 + offset
            guard seconds <= range.upperBound else {
                state.mode = .frozen(range.upperBound)
                return range.upperBound
            }
            return seconds
        case .frozen(let seconds):
            return seconds
        }
    }

    /// Freezes the clock at `seconds` since 1970.
    package func set(_ seconds: Double) {
        state.withLock { $0.mode = .frozen(seconds) }
    }

    /// Moves the clock forward (or back, for a negative value) by `seconds`, frozen or not.
    package func advance(by seconds: Double) {
        state.withLock { state in
            // A clock that ran past the end of `range` moves from that end.
            _ = Self.reading(&state)
            switch state.mode {
            case .system(let offset): state.mode = .system(offset: offset + seconds)
            case .frozen(let current): state.mode = .frozen(current + seconds)
            }
        }
    }

    /// Makes the clock follow system time again, with no offset, so a frozen time and every advance are dropped.
    package func resume() {
        state.withLock { $0.mode = .system(offset: 0) }
    }

    /// Lets a frozen clock run on at the speed of system time from its current reading, which keeps the offset
    /// from system time. A running clock is left as it is.
    package func run() {
        state.withLock { state in
            if case .frozen(let seconds) = state.mode {
                state.mode = .system(offset: seconds - Date().timeIntervalSince1970)
            }
        }
    }

    /// Whether the clock is frozen.
    package var isFrozen: Bool {
        state.withLock { if case .frozen = $0.mode { true } else { false } }
    }
}

/// A value behind a lock, for small shared state.
package final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    package init(_ value: Value) {
        self.value = value
    }

    package func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
