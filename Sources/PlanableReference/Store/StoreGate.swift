import Foundation
import Synchronization

/// The store behind one lock, with group commit for API writes.
///
/// A write opens a SQLite transaction (a batch) when none is open. Later writes run in a savepoint inside it, so
/// a failed request rolls back only its own changes. The write that ends while no other write waits for the lock
/// commits the batch on its own thread, with the writes of every request that ran in it. Under load, writers
/// queue for the lock while one of them works or commits, so several writes share one commit and one write of
/// each changed page to the WAL file. A lone writer commits at once, on its own thread. A
/// write that ends `maximumBatchAge` or more after its batch opened commits it even while writers wait, so that
/// writers who keep arriving cannot hold a commit back.
///
/// No response is sent before the data its request saw is committed. Work that ends while a batch is open, a read
/// as well as a write, gets its result only after that batch's commit. `perform` hands the result to a completion,
/// so that the HTTP thread can serve other connections meanwhile, and `withLock` blocks instead.
final class StoreGate: @unchecked Sendable {
    typealias Completion<T> = (Result<T, any Error>) -> Void

    private let lock = NSLock()
    private let store: ReferenceStore
    /// Guarded by `lock`: whether a batch is open, its number (or the last one's), and what waits for its commit.
    private var batchOpen = false
    private var batchNumber: UInt64 = 0
    /// When the open batch began, in `DispatchTime` nanoseconds.
    private var batchOpenedAt: UInt64 = 0
    private var waitingForCommit: [((any Error)?) -> Void] = []
    /// The writes that have called `perform` and not yet taken the lock. A write that ends while this is above
    /// zero leaves the batch open for the next one.
    private let writersWaiting = Atomic<Int>(0)

    /// Guards `closedThrough` and `failures`, which blocked `withLock` callers wait on.
    private let commits = NSCondition()
    /// Every batch up to this number is closed, committed or rolled back.
    private var closedThrough: UInt64 = 0
    /// The errors of batches whose commit failed, by batch number; entries older than 1,024 batches are dropped.
    private var failures: [UInt64: any Error] = [:]

    /// The store's token cache, which request threads read without this gate's lock.
    let tokenCache: TokenCache

    init(_ store: ReferenceStore) {
        self.store = store
        tokenCache = store.tokenCache
    }

    /// The maximum age, in seconds, of a batch that a write leaves open for a waiting writer.
    static let maximumBatchAge = 0.001

    /// Runs `body` with the store and passes its result to `completion` once whatever `body` saw is committed: at
    /// once on this thread when no batch is open or when this write commits it, else on the thread of the write
    /// that commits the batch.
    ///
    /// - Parameter writing: runs `body` in the open batch, opening one when none is open, inside a savepoint that
    ///   a thrown error rolls back. A failed commit passes its error to `completion` in place of the result.
    func perform<T>(
        writing: Bool, _ body: (ReferenceStore) throws -> T, completion: @escaping Completion<T>
    ) {
        if writing { writersWaiting.add(1, ordering: .relaxed) }
        lock.lock()
        if writing { writersWaiting.subtract(1, ordering: .relaxed) }
        let result: Result<T, any Error>
        if writing {
            do {
                if batchOpen {
                    result = runRollingBack(body)
                } else {
                    try store.database.run("BEGIN IMMEDIATE")
                    batchOpen = true
                    batchNumber += 1
                    batchOpenedAt = DispatchTime.now().uptimeNanoseconds
                    result = runOpeningBatch(body)
                }
            } catch {
                result = .failure(error)
            }
        } else {
            result = runRollingBack(body)
        }
        guard batchOpen else {
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
        // A read leaves the commit to a write. A write leaves the batch open only while another write waits for the
        // lock, and that one commits it or leaves it to the next.
        let age = Double(DispatchTime.now().uptimeNanoseconds &- batchOpenedAt) / 1e9
        if writing && (writersWaiting.load(ordering: .relaxed) == 0 || age >= Self.maximumBatchAge) {
            closeOpenBatch(committing: true)
            return
        }
        lock.unlock()
    }

    /// Runs `body` as the first write of the batch that this call just opened, without a savepoint: the batch
    /// contains no other write yet, so a failure rolls the whole batch back and closes it. Call with `lock` held.
    private func runOpeningBatch<T>(_ body: (ReferenceStore) throws -> T) -> Result<T, any Error> {
        let changesBefore = store.changeCount()
        let result = Result { try body(store) }
        if case .failure = result {
            if !store.database.isAutocommit { try? store.database.execute("ROLLBACK") }
            if store.changeCount() != changesBefore { store.forgetCachedState() }
            batchOpen = false
            commits.lock()
            closedThrough = max(closedThrough, batchNumber)
            commits.broadcast()
            commits.unlock()
        }
        return result
    }

    /// Runs `body`, in a savepoint when a batch is open, and empties the store's caches when it throws after
    /// changing rows, because the rollback undid changes that the caches or the lifecycle may have seen.
    /// Call with `lock` held.
    private func runRollingBack<T>(_ body: (ReferenceStore) throws -> T) -> Result<T, any Error> {
        let changesBefore = store.changeCount()
        let result = Result { batchOpen ? try store.database.transaction { try body(store) } : try body(store) }
        if case .failure = result, store.changeCount() != changesBefore { store.forgetCachedState() }
        return result
    }

    /// Runs `body` with the store and returns once whatever it saw is committed, for reads and for writes that
    /// commit on their own, such as a lifecycle step.
    ///
    /// - Throws: the error of `body`, or the SQLite error of the failed commit of a batch that was open as `body`
    ///   ended, since `body`'s own writes may have been in it.
    func withLock<T>(_ body: (ReferenceStore) throws -> T) throws -> T {
        lock.lock()
        let result = Result { try body(store) }
        let batch = batchOpen ? batchNumber : 0
        lock.unlock()
        if batch != 0, let failure = awaitCommit(of: batch) { throw failure }
        return try result.get()
    }

    /// Runs `body` with the store without waiting for an open batch's commit, for a step whose caller goes on to
    /// `perform`, which then waits for it.
    func withLockUncommitted<T>(_ body: (ReferenceStore) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(store)
    }

    /// The writes waiting for the lock, for tests.
    var writersWaitingCount: Int { writersWaiting.load(ordering: .relaxed) }

    /// Whether a batch is open; read only inside a body that this gate runs, which holds the lock.
    var batchIsOpen: Bool { batchOpen }

    /// Commits what is open, for a server that stops.
    func close() {
        commitOpenBatch()
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
            store.forgetCachedState()
            FileHandle.standardError.write(
                Data("reference server: a batch of writes failed and was rolled back: \(error)\n".utf8))
        }
        batchOpen = false
        let waiting = waitingForCommit
        waitingForCommit = []
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
