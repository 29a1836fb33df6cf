import Dispatch
import Foundation
import Glibc

/// Runs closures when the process receives signals such as `SIGTERM`, `SIGINT` and `SIGHUP`, through Dispatch signal
/// sources, so a closure runs on a queue and may do anything a normal function does (unlike a `sigaction` handler).
///
/// Dispatch requires the default action to be turned off, so `install` sets a signal whose disposition is still
/// `SIG_DFL` to `SIG_IGN` before it arms the source. On Linux, libdispatch then installs its own `sigaction` handler
/// the first time a source for that signal registers, and never again in the process. That handler forwards the
/// signal to Dispatch's `signalfd`, so `install` leaves any disposition other than `SIG_DFL` in place, and `cancel`
/// restores nothing: a signal stays caught (and without sources, dropped) after `cancel`.
package final class SignalHandler: @unchecked Sendable {
    package typealias Handler = @Sendable () -> Void

    /// The signals a daemon handles: stop (`SIGTERM`, `SIGINT`) and reload (`SIGHUP`).
    package static let daemonSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    private let queue: DispatchQueue
    private let lock = NSLock()
    private var sources: [Int32: DispatchSourceSignal] = [:]

    /// - Parameter queue: where the closures run; a private serial queue by default.
    package init(queue: DispatchQueue = DispatchQueue(label: "planable-sync.signals")) {
        self.queue = queue
    }

    deinit { cancel() }

    /// Arms a source for each signal in `handlers` and returns once every source is registered, so a signal sent
    /// after `install` returns reaches its closure. A signal already installed gets the new closure.
    ///
    /// NOTE: calling `install` on the handler queue deadlocks, because it waits for registration handlers that run
    /// on that queue.
    package func install(_ handlers: [Int32: Handler]) {
        lock.lock()
        defer { lock.unlock() }
        let registered = DispatchGroup()
        for (number, handler) in handlers.sorted(by: { $0.key < $1.key }) {
            sources.removeValue(forKey: number)?.cancel()
            if Self.hasDefaultAction(number) { signal(number, SIG_IGN) }
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler(handler: handler)
            registered.enter()
            // Dispatch arms a signal source asynchronously; the registration handler runs once it is armed.
            source.setRegistrationHandler { registered.leave() }
            source.activate()
            sources[number] = source
        }
        registered.wait()
    }

    /// Cancels every source. The signals stay caught, so a later `install` can arm them again.
    package func cancel() {
        lock.lock()
        defer { lock.unlock() }
        for source in sources.values { source.cancel() }
        sources.removeAll()
    }

    /// Returns whether `number` still has its default action, which would end the process before the Dispatch source receives it.
    static func hasDefaultAction(_ number: Int32) -> Bool {
        var action = sigaction()
        guard sigaction(number, nil, &action) == 0 else { return false }
        return action.__sigaction_handler.sa_handler == nil
    }
}
