import Foundation

/// An outcome that another thread sends later, for a handler that returns `HTTPServerOutcome.deferred`.
///
/// While the reply waits, the server suspends the connection, so its pool thread goes on serving other
/// connections. `send` may come before or after the server starts waiting.
package final class HTTPServerReply: @unchecked Sendable {
    private let condition = NSCondition()
    private var outcome: HTTPServerOutcome?
    private var onSend: (@Sendable () -> Void)?

    package init() {}

    /// Delivers the outcome. Only the first call counts.
    package func send(_ outcome: HTTPServerOutcome) {
        condition.lock()
        guard self.outcome == nil else {
            condition.unlock()
            return
        }
        self.outcome = outcome
        let waiter = onSend
        onSend = nil
        condition.broadcast()
        condition.unlock()
        waiter?()
    }

    /// The outcome once sent, nil before.
    package var sentOutcome: HTTPServerOutcome? {
        condition.lock()
        defer { condition.unlock() }
        return outcome
    }

    /// Blocks until the outcome is sent and returns it, or nil after `timeout` seconds without it.
    package func wait(timeout: Double) -> HTTPServerOutcome? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while outcome == nil && condition.wait(until: deadline) {}
        return outcome
    }

    /// Runs `action` once the outcome is sent: at once when it already is, else on the thread that sends it.
    func whenSent(_ action: @escaping @Sendable () -> Void) {
        condition.lock()
        if outcome != nil {
            condition.unlock()
            action()
            return
        }
        onSend = action
        condition.unlock()
    }
}
