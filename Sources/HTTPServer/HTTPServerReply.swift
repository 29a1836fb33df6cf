import Dispatch
import Synchronization

/// An outcome that another thread sends later, for a handler that returns `HTTPServerOutcome.deferred`.
///
/// While the reply waits, the server suspends the connection, so its pool thread goes on serving other
/// connections. `send` may come before or after the server starts waiting. Most replies of the reference server
/// are sent before the handler returns, so the reply keeps its state behind an inline mutex and makes a semaphore
/// only for a thread that blocks in `wait`.
package final class HTTPServerReply: Sendable {
    private struct State {
        var outcome: HTTPServerOutcome?
        var onSend: (@Sendable () -> Void)?
        var waiter: DispatchSemaphore?
    }

    private let state = Mutex(State())

    package init() {}

    /// Delivers the outcome. Only the first call counts.
    package func send(_ outcome: HTTPServerOutcome) {
        let (action, waiter) = state.withLock { state -> ((@Sendable () -> Void)?, DispatchSemaphore?) in
            guard state.outcome == nil else { return (nil, nil) }
            state.outcome = outcome
            defer {
                state.onSend = nil
                state.waiter = nil
            }
            return (state.onSend, state.waiter)
        }
        action?()
        waiter?.signal()
    }

    /// The outcome once sent, nil before.
    package var sentOutcome: HTTPServerOutcome? {
        state.withLock { $0.outcome }
    }

    /// Blocks until the outcome is sent and returns it, or nil after `timeout` seconds without it.
    package func wait(timeout: Double) -> HTTPServerOutcome? {
        let waiter = state.withLock { state -> DispatchSemaphore? in
            guard state.outcome == nil else { return nil }
            let semaphore = state.waiter ?? DispatchSemaphore(value: 0)
            state.waiter = semaphore
            return semaphore
        }
        if let waiter { _ = waiter.wait(timeout: .now() + timeout) }
        return sentOutcome
    }

    /// Runs `action` once the outcome is sent: at once when it already is, else on the thread that sends it.
    func whenSent(_ action: @escaping @Sendable () -> Void) {
        let sent = state.withLock { state -> Bool in
            if state.outcome != nil { return true }
            state.onSend = action
            return false
        }
        if sent { action() }
    }
}
