import Dispatch
import Foundation
import Glibc

/// Watches a folder tree with inotify and delivers debounced batches of changes.
///
/// Every folder under the root gets a watch, including folders created or moved in later; their files found at that
/// moment are reported as changed. Links are not followed below the root, and names that `WatchNameFilter` ignores
/// are neither reported nor entered. Moves are paired by cookie into `.renamed`; a move out of the tree is `.removed`
/// and a move into it `.changed`. Events are merged per path by `EventCoalescer`, which holds back a file that a
/// writer still has open (written to and not closed since) for up to `maximumWriteWait` seconds. When the kernel
/// queue overflows, the watcher re-adds its watches and delivers `.overflow` alone, so the consumer rescans
/// everything. When the root itself is moved, removed or unmounted, the watcher also delivers `.overflow`, and
/// `isRootWatched` is false by then.
///
/// A reader thread waits in `poll(2)` until the descriptor is readable, a batch or a move is due, or `stop` wakes it,
/// so it never polls in a loop while idle. The handler runs on a private serial queue, one batch at a time.
package final class DirectoryWatcher: @unchecked Sendable {
    package typealias Handler = @Sendable ([WatchEvent]) -> Void
    package typealias ErrorHandler = @Sendable (DirectoryWatcherError) -> Void

    package let root: String
    package let debounce: Double
    package let maximumDelay: Double
    package let maximumWriteWait: Double

    private let handlerQueue = DispatchQueue(label: "planable-sync.directory-watcher")
    private let queueKey = DispatchSpecificKey<Bool>()
    private let lock = NSLock()
    private var loop: ReadLoop?
    private let rootState = RootState()

    /// - Parameters:
    ///   - root: the folder to watch; a relative path is taken from the current folder.
    ///   - debounce: how many seconds a path must be quiet before its events are delivered.
    ///   - maximumDelay: the most seconds an event waits while its path keeps changing.
    ///   - maximumWriteWait: the maximum time, in seconds, that an event waits while a writer keeps its file open,
    ///     so that a file that takes long to write is delivered once it is closed, not half written.
    package init(root: String, debounce: Double = 0.3, maximumDelay: Double = 1.0, maximumWriteWait: Double = 60) {
        self.root = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        self.debounce = debounce
        self.maximumDelay = maximumDelay
        self.maximumWriteWait = maximumWriteWait
        handlerQueue.setSpecific(key: queueKey, value: true)
    }

    deinit { stop() }

    /// Whether the root folder has a watch: true from a successful `start` until the root is moved, removed or
    /// unmounted, or its watch cannot be added again after an overflow. Once false, the watcher reports nothing more,
    /// so the consumer stops it and starts a new watcher when the folder is back.
    ///
    /// The flag turns false before the `.overflow` batch that reports the loss reaches the handler.
    package var isRootWatched: Bool { rootState.isWatched }

    /// Adds the watches for the whole tree and starts delivering batches to `handler`.
    ///
    /// Changes made after `start` returns are reported; the caller scans the tree itself afterwards to learn its
    /// current content.
    ///
    /// - Parameter onError: receives the folders that could not be watched after start, such as a new folder past
    ///   the watch limit. It runs on the same queue as `handler`.
    /// - Throws: `DirectoryWatcherError` when the root cannot be watched, or when any folder fails at start because
    ///   the inotify watch limit is reached.
    package func start(handler: @escaping Handler, onError: ErrorHandler? = nil) throws {
        lock.lock()
        defer { lock.unlock() }
        guard loop == nil else { return }
        let inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard inotify >= 0 else { throw DirectoryWatcherError.systemCall("inotify_init1", path: root) }
        // A pipe wakes the reader thread from `poll` when `stop` writes to it.
        var wake: [Int32] = [-1, -1]
        guard pipe(&wake) == 0 else {
            let error = DirectoryWatcherError.systemCall("pipe", path: root)
            close(inotify)
            throw error
        }
        for end in wake { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let tree = InotifyTree(root: root, descriptor: inotify)
        tree.addTree("", reportFiles: false)
        let errors = tree.takeErrors()
        if tree.paths.isEmpty || errors.contains(where: { $0.code == ENOSPC }) {
            close(inotify)
            close(wake[0])
            close(wake[1])
            var error =
                errors.first { $0.code == ENOSPC } ?? errors.first
                ?? DirectoryWatcherError(path: "", message: "the root cannot be watched")
            if error.path.isEmpty { error.path = root }
            throw error
        }
        let loop = ReadLoop(
            tree: tree, wakeReader: wake[0], wakeWriter: wake[1],
            coalescer: EventCoalescer(
                debounce: debounce, maximumDelay: maximumDelay, maximumWriteWait: maximumWriteWait),
            queue: handlerQueue, handler: handler, onError: onError, rootState: rootState)
        rootState.isWatched = true
        for error in errors { handlerQueue.async { onError?(error) } }
        let thread = Thread { loop.run() }
        thread.start()
        self.loop = loop
    }

    /// Stops the reader thread and waits for it, closes the descriptors, and waits until the handler has run every
    /// batch already queued. Events still waiting out their debounce are dropped. Safe to call twice, and from the
    /// handler, where it does not wait for the queue it runs on.
    package func stop() {
        lock.lock()
        let loop = self.loop
        self.loop = nil
        lock.unlock()
        guard let loop else { return }
        loop.stop()
        if DispatchQueue.getSpecific(key: queueKey) == nil { handlerQueue.sync {} }
    }
}

/// Whether the root has a watch, set by the reader thread and read from any thread.
private final class RootState: @unchecked Sendable {
    private let lock = NSLock()
    private var watched = false

    var isWatched: Bool {
        get { lock.withLock { watched } }
        set { lock.withLock { watched = newValue } }
    }
}

/// The reader thread's state: everything in it is used from that thread only, except `stop`.
private final class ReadLoop: @unchecked Sendable {
    private let tree: InotifyTree
    private let wakeReader: Int32
    private let wakeWriter: Int32
    private var coalescer: EventCoalescer
    private let queue: DispatchQueue
    private let handler: DirectoryWatcher.Handler
    private let onError: DirectoryWatcher.ErrorHandler?
    private let rootState: RootState
    private let finished = DispatchSemaphore(value: 0)
    /// Reads per wake-up before the loop delivers due batches, so a storm of events cannot starve delivery.
    private let maximumReadsPerWake = 16
    private let bufferSize = 64 * 1024

    init(
        tree: InotifyTree, wakeReader: Int32, wakeWriter: Int32, coalescer: EventCoalescer, queue: DispatchQueue,
        handler: @escaping DirectoryWatcher.Handler, onError: DirectoryWatcher.ErrorHandler?, rootState: RootState
    ) {
        self.tree = tree
        self.wakeReader = wakeReader
        self.wakeWriter = wakeWriter
        self.coalescer = coalescer
        self.queue = queue
        self.handler = handler
        self.onError = onError
        self.rootState = rootState
    }

    func stop() {
        var byte: UInt8 = 1
        _ = write(wakeWriter, &byte, 1)
        finished.wait()
        close(tree.descriptor)
        close(wakeReader)
        close(wakeWriter)
    }

    func run() {
        defer { finished.signal() }
        // Names the thread for `top -H` and debuggers, because Foundation's Thread.name does not reach the kernel on
        // Linux. The kernel keeps 15 bytes ("planable-inotif").
        try? "planable-inotify".write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            var descriptors = [
                pollfd(fd: tree.descriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0),
            ]
            let result = poll(&descriptors, 2, timeout(now: Self.now()))
            if result < 0 {
                if errno == EINTR { continue }
                report(.systemCall("poll", path: ""))
                return
            }
            if descriptors[1].revents != 0 { return }
            if descriptors[0].revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
                // POLLNVAL means the descriptor is closed. Returning avoids a loop that spins on the error.
                report(DirectoryWatcherError(path: "", message: "poll reported an error on the inotify descriptor"))
                return
            }
            let now = Self.now()
            if descriptors[0].revents & Int16(POLLIN) != 0 { readAvailable(into: buffer, at: now) }
            if tree.descriptors[""] == nil { rootState.isWatched = false }
            for event in tree.expireMoves(at: now) { coalescer.record(event, at: now) }
            for error in tree.takeErrors() { report(error) }
            let batch = coalescer.takeDue(at: now, writing: tree.pathsBeingWritten)
            if !batch.isEmpty {
                let handler = self.handler
                queue.async { handler(batch) }
            }
        }
    }

    private func readAvailable(into buffer: UnsafeMutableRawBufferPointer, at now: Double) {
        for _ in 0..<maximumReadsPerWake {
            let count = read(tree.descriptor, buffer.baseAddress, buffer.count)
            if count <= 0 { return }  // EAGAIN: drained
            let records = InotifyDecoder.decode(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            for event in tree.translate(records, at: now) { coalescer.record(event, at: now) }
        }
    }

    /// Returns the `poll` timeout in milliseconds until the next batch or move is due, or -1 when none is pending.
    private func timeout(now: Double) -> Int32 {
        let deadlines = [coalescer.nextDeadline(writing: tree.pathsBeingWritten), tree.nextMoveDeadline].compactMap {
            $0
        }
        guard let deadline = deadlines.min() else { return -1 }
        return Int32(max(0, min(60_000, ((deadline - now) * 1000).rounded(.up))))
    }

    private func report(_ error: DirectoryWatcherError) {
        guard let onError else { return }
        queue.async { onError(error) }
    }

    static func now() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1_000_000_000
    }
}
