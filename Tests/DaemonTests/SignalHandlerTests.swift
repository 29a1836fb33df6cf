import Dispatch
import Foundation
import Glibc
import Testing

@testable import Daemon

/// Signals go to the whole test process, so these tests run one at a time.
@Suite(.serialized) struct SignalHandlerTests {
    @Test(arguments: SignalHandler.daemonSignals)
    func signalRunsClosure(number: Int32) {
        let handler = SignalHandler()
        defer { handler.cancel() }
        let received = DispatchSemaphore(value: 0)
        handler.install([number: { received.signal() }])

        kill(getpid(), number)
        #expect(received.wait(timeout: .now() + 5) == .success, "signal \(number) did not reach its closure")
    }

    @Test func eachSignalRunsOwnClosure() {
        let handler = SignalHandler()
        defer { handler.cancel() }
        let hangUps = Counter()
        let terminations = Counter()
        let received = DispatchSemaphore(value: 0)
        handler.install([
            SIGHUP: {
                hangUps.increment()
                received.signal()
            },
            SIGTERM: {
                terminations.increment()
                received.signal()
            },
        ])

        kill(getpid(), SIGHUP)
        #expect(received.wait(timeout: .now() + 5) == .success)
        kill(getpid(), SIGTERM)
        #expect(received.wait(timeout: .now() + 5) == .success)
        #expect(hangUps.value == 1)
        #expect(terminations.value == 1)
    }

    @Test func reinstallAfterCancelReceives() {
        // libdispatch on Linux installs its own handler the first time a signal gets a source, so a second
        // SignalHandler must not set SIG_IGN over it.
        for round in 1...3 {
            let handler = SignalHandler()
            let received = DispatchSemaphore(value: 0)
            handler.install([SIGHUP: { received.signal() }])
            kill(getpid(), SIGHUP)
            #expect(received.wait(timeout: .now() + 5) == .success, "round \(round)")
            handler.cancel()
        }
    }

    @Test func signalsLeaveWatcherRunning() throws {
        // A signal may interrupt the watcher's reader thread in poll(2), which must carry on after EINTR.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let recorder = WatchRecorder()
        let watcher = DirectoryWatcher(root: folder.path, debounce: 0.05)
        try watcher.start(handler: recorder.handler)
        defer { watcher.stop() }
        let handler = SignalHandler()
        defer { handler.cancel() }
        let hangUps = Counter()
        handler.install([SIGHUP: { hangUps.increment() }])

        for round in 1...5 {
            kill(getpid(), SIGHUP)
            // Waiting for each signal keeps the kernel from merging two pending SIGHUPs into one.
            let deadline = Date(timeIntervalSinceNow: 5)
            while hangUps.value < round && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            #expect(hangUps.value == round)
            try folder.write("post-\(round).md", "x\n")
            #expect(recorder.wait(for: [WatchEvent(path: "post-\(round).md", kind: .changed)]), "round \(round)")
        }
    }

    @Test func installLeavesNoDefaultAction() {
        let handler = SignalHandler()
        defer { handler.cancel() }
        handler.install([SIGINT: {}])
        #expect(!SignalHandler.hasDefaultAction(SIGINT))
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
