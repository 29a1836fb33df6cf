import Foundation
import Synchronization

/// The store behind one lock, with group commit for API writes.
///
/// A write opens a SQLite transaction (a batch) when none is open. Later writes run in a savepoint inside it, so a
/// failed request rolls back only its own changes. A committer thread commits the open batch with the writes of
/// every request that ran meanwhile, after waiting at most `maximumCommitDelay` for write requests already under
/// way. When the last batch contained more than one write, it also waits, at most `busyCommitDelay`, until the
/// batch contains as many writes as the last. Under load, several writes thus share one commit and one write of
/// each changed page to the WAL file, instead of committing one by one. A lone client's write skips the
/// committer, so its response needs no other thread. It commits the batch it opened on its own thread when no other
/// write request is under way or waits for the lock, and the last batch contained one write.
///
/// No response is sent before the data its request saw is committed. Work that ends while a batch is open, a read
/// as well as a write, gets its result only after that batch's commit. `perform` hands the result to a
/// completion, so that the HTTP thread can serve other connections meanwhile, and `withLock` blocks instead.
///
/// A cached response of the last committed state needs no lock at all. Each release of the lock outside a batch,
/// and each commit, publishes that state's change count to the response cache before any response that depends
/// on it is sent. While a batch is open, such a hit returns the state before the batch, none of whose writes has
/// a response yet.
final class StoreGate: @unchecked Sendable {
    typealias Completion<T> = (Result<T, any Error>) -> Void

    private let lock = NSLock()
    private let store: ReferenceStore
    /// Guarded by `lock`: whether a batch is open, its number (or the last one's), and what waits for its commit.
    private var batchOpen = false
    private var batchNumber: UInt64 = 0
    /// The writes that ran in the open batch.
    private var batchWrites = 0
    /// The writes the committer waits for in the open batch, 0 while it does not wait for them.
    private var busyTarget = 0
    private var waitingForCommit: [((any Error)?) -> Void] = []
    /// The writes of the last closed batch; more than one means that clients write concurrently.
    private var writesOfLastBatch = 0
    /// The writes that have called `perform` and not yet taken `lock`.
    private let writersWaiting = Atomic<Int>(0)
    /// The write requests between `beginWriteRequest` and `endWriteRequest`.
    private let writeRequestsUnderWay = Atomic<Int>(0)

    /// Guards the committer's state below.
    private let commits = NSCondition()
    private var commitRequested = false
    private var committerRunning = false
    private var closing = false
    /// The write requests that reached `beginWriteRequest` and `endWriteRequest`, counted since the start.
    private var writeRequestsBegun: UInt64 = 0
    private var writeRequestsEnded: UInt64 = 0
    /// The count of ended write requests that the committer waits for, 0 while it does not wait.
    private var committerWaitsFor: UInt64 = 0
    /// Every batch up to this number is closed, committed or rolled back.
    private var closedThrough: UInt64 = 0
    /// The errors of batches whose commit failed, by batch number; entries older than 1,024 batches are dropped.
    private var failures: [UInt64: any Error] = [:]

    /// The change count and lifecycle time that `publishCommittedState` last published, guarded by `lock`, so that
    /// an unchanged state is not published again under the response cache's lock. -1 forces the next publication.
    private var publishedVersion: Int64 = -1
    private var publishedUntil = -Double.infinity

    /// The store's token cache, which request threads read without this gate's lock.
    let tokenCache: TokenCache

    init(_ store: ReferenceStore) {
        self.store = store
        tokenCache = store.tokenCache
    }

    /// Runs `body` with the store and passes its result to `completion` once whatever `body` saw is committed: at
    /// once on this thread when no batch is open, else on the committer thread after the commit.
    ///
    /// - Parameter writing: runs `body` in the open batch, opening one when none is open, inside a savepoint that
    ///   a thrown error rolls back. A failed commit passes its error to `completion` in place of the result.
    func perform<T>(
        writing: Bool, _ body: (ReferenceStore) throws -> T, completion: @escaping Completion<T>
    ) {
        if writing { writersWaiting.add(1, ordering: .relaxed) }
        lock.lock()
        if writing { writersWaiting.subtract(1, ordering: .relaxed) }
        closeBatchRolledBackBySQLite()
        var opened = false
        var reachedTarget = false
        let result: Result<T, any Error>
        if writing {
            do {
                if batchOpen {
                    batchWrites += 1
                    reachedTarget = busyTarget > 0 && batchWrites >= busyTarget
                    result = runRollingBack(body)
                } else {
                    try store.database.run("BEGIN IMMEDIATE")
                    batchOpen = true
                    batchNumber += 1
                    batchWrites = 1
                    opened = true
                    result = runOpeningBatch(body)
                }
            } catch {
                result = .failure(error)
            }
        } else {
            result = runRollingBack(body)
        }
        guard batchOpen else {
            publishCommittedState()
            lock.unlock()
            completion(result)
            return
        }
        waitingForCommit.append { failure in completion(failure.map { .failure($0) } ?? result) }
        if store.database.isAutocommit {
            // SQLite rolled the whole batch back by itself, as it may on an I/O error or a full disk. The batch is
            // closed as failed at once, because later writes would otherwise commit outside it.
            closeOpenBatch(committing: false)
            return
        }
        // A lone client's write commits here, because handing it to the committer would cost two thread wake-ups
        // and gather nothing.
        if opened && writesOfLastBatch <= 1 && writersWaiting.load(ordering: .relaxed) == 0
            && writeRequestsUnderWay.load(ordering: .relaxed) <= 1
        {
            closeOpenBatch(committing: true)
            return
        }
        lock.unlock()
        if opened { requestCommit() }
        if reachedTarget {
            commits.lock()
            commits.broadcast()
            commits.unlock()
        }
    }

    /// Runs `body` as the first write of the batch that this call just opened, without a savepoint. The batch
    /// contains no other write yet, so a failure rolls the whole batch back and closes it. Call with `lock` held.
    private func runOpeningBatch<T>(_ body: (ReferenceStore) throws -> T) -> Result<T, any Error> {
        let changesBefore = store.changeCount()
        let result = Result { try body(store) }
        if case .failure = result {
            if !store.database.isAutocommit { try? store.database.execute("ROLLBACK") }
            if store.changeCount() != changesBefore { forgetCachedState() }
            // No one waits for this batch, which opened and closed under this one hold of `lock`, so `closedThrough`
            // is left to the next batch's close, and `commits` is not taken while `lock` is held.
            batchOpen = false
            batchWrites = 0
        }
        return result
    }

    /// Runs `body`, in a savepoint when a batch is open, and empties the store's caches when it throws after
    /// changing rows, because the rollback undid changes that the caches or the lifecycle may have seen.
    /// Call with `lock` held.
    private func runRollingBack<T>(_ body: (ReferenceStore) throws -> T) -> Result<T, any Error> {
        let changesBefore = store.changeCount()
        let result = Result { batchOpen ? try store.database.transaction { try body(store) } : try body(store) }
        if case .failure = result, store.changeCount() != changesBefore { forgetCachedState() }
        return result
    }

    /// Runs `body` with the store and returns once whatever it saw is committed, for reads and for writes that
    /// commit on their own, such as a lifecycle step.
    ///
    /// `body` runs in a transaction of its own, or in a savepoint of the open batch, so that an error that it
    /// throws after writing, as an admin action may, leaves none of its writes behind.
    ///
    /// - Throws: the error of `body`, or the SQLite error of the failed commit of a batch that was open as `body`
    ///   ended, since `body`'s own writes may have been in it.
    func withLock<T>(_ body: (ReferenceStore) throws -> T) throws -> T {
        lock.lock()
        closeBatchRolledBackBySQLite()
        let changesBefore = store.changeCount()
        let result = Result { try store.database.transaction { try body(store) } }
        if case .failure = result, store.changeCount() != changesBefore { forgetCachedState() }
        let batch = batchOpen ? batchNumber : 0
        if batchOpen && store.database.isAutocommit {
            closeOpenBatch(committing: false)
        } else {
            if !batchOpen { publishCommittedState() }
            lock.unlock()
        }
        if batch != 0, let failure = awaitCommit(of: batch) { throw failure }
        return try result.get()
    }

    /// Closes the open batch as failed when SQLite rolled it back by itself, as it may on an I/O error or a full
    /// disk, during work that did not notice, such as a step under `withLockUncommitted`. The next write would
    /// otherwise commit outside the batch and still be reported as failed with it. Call with `lock` held; it is
    /// held again on return.
    private func closeBatchRolledBackBySQLite() {
        guard batchOpen && store.database.isAutocommit else { return }
        closeOpenBatch(committing: false)
        lock.lock()
    }

    /// Runs `body` with the store without waiting for an open batch's commit, for a step whose caller goes on to
    /// `perform`, which then waits for it.
    func withLockUncommitted<T>(_ body: (ReferenceStore) throws -> T) rethrows -> T {
        lock.lock()
        defer {
            if !batchOpen { publishCommittedState() }
            lock.unlock()
        }
        return try body(store)
    }

    /// Returns the cached response for `key` of the last committed state, without taking the lock, or nil when
    /// there is none or a lifecycle step is due at `now`.
    func committedResponse(_ key: String, now: Double) -> [UInt8]? {
        store.responseCache.committedResponse(key, now: now)
    }

    /// Publishes the committed state's change count, and the time until which no lifecycle step is due, to the
    /// response cache, so that requests find the responses of that state without the lock. Call with `lock` held
    /// and no batch open, before any response that depends on the state is sent.
    private func publishCommittedState() {
        let version = store.changeCount()
        let until = store.lifecycleDirty ? -Double.infinity : store.nextLifecycleEvent
        guard version != publishedVersion || until != publishedUntil else { return }
        store.responseCache.publish(version: version, validUntil: until)
        publishedVersion = version
        publishedUntil = until
    }

    /// Empties the store's caches after a rollback, and has the next release of the lock publish the committed
    /// state again, since emptying the response cache also drops its published state. Call with `lock` held.
    private func forgetCachedState() {
        store.forgetCachedState()
        publishedVersion = -1
    }

    /// The writes waiting for the lock, for tests.
    var writersWaitingCount: Int { writersWaiting.load(ordering: .relaxed) }

    /// Whether a batch is open; read only inside a body that this gate runs, which holds the lock.
    var batchIsOpen: Bool { batchOpen }

    /// Notes a write request that is on its way to `perform`, so that the committer waits for it.
    ///
    /// A commit costs about as much for many writes as for one, so before it commits, the committer waits until
    /// as many write requests have ended as had begun when the commit was requested, for at most
    /// `maximumCommitDelay`. Requests that begin later do not hold the commit back, and a lone client's write is
    /// committed at once.
    func beginWriteRequest() {
        writeRequestsUnderWay.add(1, ordering: .relaxed)
        commits.lock()
        writeRequestsBegun += 1
        commits.unlock()
    }

    /// Notes that a write request from `beginWriteRequest` has passed `perform` or ended before it.
    func endWriteRequest() {
        writeRequestsUnderWay.subtract(1, ordering: .relaxed)
        commits.lock()
        writeRequestsEnded += 1
        if committerWaitsFor != 0 && writeRequestsEnded >= committerWaitsFor { commits.broadcast() }
        commits.unlock()
    }

    /// The maximum time, in seconds, that the committer waits for write requests under way before it commits.
    static let maximumCommitDelay = 0.001

    /// The maximum extra time, in seconds, that the committer waits when the last batch contained more than one
    /// write, so that concurrent writers share fewer, larger commits. A lone writer's batches contain one write
    /// each, so it waits at most once, right after a burst of concurrent writes.
    static let busyCommitDelay = 0.000_25

    /// Commits what is open and stops the committer thread. A later write starts it again.
    func close() {
        commits.lock()
        closing = true
        commits.broadcast()
        while committerRunning { commits.wait() }
        closing = false
        commits.unlock()
        commitOpenBatch()
    }

    /// Wakes the committer, starting it when it is not running.
    private func requestCommit() {
        commits.lock()
        commitRequested = true
        if !committerRunning {
            committerRunning = true
            let thread = Thread { [self] in runCommitter() }
            thread.name = "reference-store-commit"
            thread.start()
        }
        // Blocked `withLock` callers wait on the same condition, so a signal could wake one of them instead.
        commits.broadcast()
        commits.unlock()
    }

    private func runCommitter() {
        commits.lock()
        while true {
            while !commitRequested && !closing { commits.wait() }
            guard commitRequested else { break }
            commitRequested = false
            let deadline = Date(timeIntervalSinceNow: Self.maximumCommitDelay)
            committerWaitsFor = writeRequestsBegun
            while writeRequestsEnded < committerWaitsFor && !closing && commits.wait(until: deadline) {}
            committerWaitsFor = 0
            gatherBusyBatch()
            commits.unlock()
            commitOpenBatch()
            commits.lock()
        }
        committerRunning = false
        commits.broadcast()
        commits.unlock()
    }

    /// Waits, at most `busyCommitDelay`, until the open batch contains as many writes as the last one, when the last
    /// one contained more than one. Clients that write concurrently were mostly waiting for the last commit and
    /// send their next writes together. With two clients this waits for the other one's write only, and with many
    /// it gathers a batch as large as the last. Call with `commits` held. It takes `lock` inside, which is safe
    /// because no code takes `commits` while it holds `lock`.
    private func gatherBusyBatch() {
        lock.lock()
        let target = writesOfLastBatch
        lock.unlock()
        guard target > 1 else { return }
        let deadline = Date(timeIntervalSinceNow: Self.busyCommitDelay)
        while !closing {
            lock.lock()
            busyTarget = target
            let gathered = !batchOpen || batchWrites >= busyTarget
            lock.unlock()
            if gathered || !commits.wait(until: deadline) { break }
        }
        lock.lock()
        busyTarget = 0
        lock.unlock()
    }

    /// Blocks until batch `number` is closed and returns its commit's error, if any.
    private func awaitCommit(of number: UInt64) -> (any Error)? {
        commits.lock()
        defer { commits.unlock() }
        while closedThrough < number { commits.wait() }
        return failures[number]
    }

    /// Commits the open batch, if any, then wakes and calls whatever waited for it.
    private func commitOpenBatch() {
        lock.lock()
        guard batchOpen else {
            lock.unlock()
            return
        }
        closeOpenBatch(committing: true)
    }

    /// Commits the open batch, or records it as failed when SQLite already rolled it back, then releases `lock`,
    /// which the caller holds, and wakes and calls whatever waited for the batch.
    private func closeOpenBatch(committing: Bool) {
        let number = batchNumber
        var failure: (any Error)?
        do {
            guard committing else { throw StoreGateError.rolledBackBySQLite }
            try store.database.run("COMMIT")
        } catch {
            failure = error
            if !store.database.isAutocommit { try? store.database.execute("ROLLBACK") }
            forgetCachedState()
            FileHandle.standardError.write(
                Data("reference server: a batch of writes failed and was rolled back: \(error)\n".utf8))
        }
        batchOpen = false
        writesOfLastBatch = batchWrites
        batchWrites = 0
        let waiting = waitingForCommit
        waitingForCommit = []
        publishCommittedState()
        lock.unlock()

        commits.lock()
        closedThrough = max(closedThrough, number)
        if let failure {
            failures[number] = failure
            failures = failures.filter { $0.key + 1024 > number }
        }
        commits.broadcast()
        commits.unlock()
        for completion in waiting { completion(failure) }
    }
}

/// An error that ended a batch of writes other than a failed COMMIT.
enum StoreGateError: Error, CustomStringConvertible {
    /// SQLite rolled the open transaction back by itself after a statement failed, as it may on an I/O error or
    /// a full disk.
    case rolledBackBySQLite

    var description: String {
        switch self {
        case .rolledBackBySQLite:
            "SQLite rolled back the open transaction after a statement failed; check the disk and retry the request"
        }
    }
}
