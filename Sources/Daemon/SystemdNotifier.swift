import CSystemd
import Glibc

/// Sends service state to systemd through `sd_notify(3)`, for a `Type=notify` unit.
///
/// Every call is a no-op returning false when `NOTIFY_SOCKET` is not set, as when the program runs outside systemd.
/// `sd_notify` reads the variable on each call, so the notifier has no state.
package struct SystemdNotifier: Sendable {
    package init() {}

    /// Tells systemd that start-up is complete (`READY=1`); a `Type=notify` unit counts as started only then.
    @discardableResult
    package func ready() -> Bool { send("READY=1") }

    /// Sets the one-line status that `systemctl status` shows (`STATUS=`); line breaks become spaces, because a line
    /// break would start another assignment.
    @discardableResult
    package func status(_ text: String) -> Bool {
        send("STATUS=" + text.map { $0.isNewline ? " " : String($0) }.joined())
    }

    /// Tells systemd that the service is shutting down (`STOPPING=1`).
    @discardableResult
    package func stopping() -> Bool { send("STOPPING=1") }

    /// Tells systemd that the service is reloading its configuration (`RELOADING=1`). The message carries
    /// `MONOTONIC_USEC=`, which systemd 253 and later use to match the reload with the `READY=1` that ends it, and
    /// which systemd 252 ignores. Send `ready()` when the reload is done.
    @discardableResult
    package func reloading() -> Bool {
        send("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())")
    }

    /// Asks systemd to wait `seconds` longer for the current start, reload or stop (`EXTEND_TIMEOUT_USEC=`), for a
    /// first scan that outlasts `TimeoutStartSec=`. Repeat it before the extension runs out.
    @discardableResult
    package func extendTimeout(_ seconds: Double) -> Bool {
        send("EXTEND_TIMEOUT_USEC=\(UInt64(max(0, seconds) * 1_000_000))")
    }

    /// Resets the watchdog timer (`WATCHDOG=1`); send it at least every half `watchdogInterval`.
    @discardableResult
    package func watchdogPing() -> Bool { send("WATCHDOG=1") }

    /// The watchdog timeout in seconds that the unit's `WatchdogSec=` set for this process, or nil when the watchdog
    /// is off or set for another process (`WATCHDOG_PID`).
    package var watchdogInterval: Double? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return Double(microseconds) / 1_000_000
    }

    /// Sends `state`, newline-separated `KEY=VALUE` assignments, and returns whether systemd received it.
    @discardableResult
    package func send(_ state: String) -> Bool {
        sd_notify(0, state) > 0
    }

    /// Returns the `CLOCK_MONOTONIC` time in microseconds, the clock systemd compares `MONOTONIC_USEC` with.
    static func monotonicMicroseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000 + UInt64(time.tv_nsec) / 1_000
    }
}
