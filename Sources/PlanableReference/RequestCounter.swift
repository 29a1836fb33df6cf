import Synchronization

/// Counts served API requests by HTTP method, for `ReferenceServer.requestCounts()`.
///
/// Each method of the API has an atomic counter, which a request increments without a lock. Another method's name,
/// which only a client outside the API sends, is counted behind a lock.
final class RequestCounter: Sendable {
    private let get = Atomic<Int>(0)
    private let post = Atomic<Int>(0)
    private let patch = Atomic<Int>(0)
    private let delete = Atomic<Int>(0)
    private let put = Atomic<Int>(0)
    private let head = Atomic<Int>(0)
    private let others = LockedValue<[String: Int]>([:])

    func count(_ method: String) {
        switch method {
        case "GET": get.add(1, ordering: .relaxed)
        case "POST": post.add(1, ordering: .relaxed)
        case "PATCH": patch.add(1, ordering: .relaxed)
        case "DELETE": delete.add(1, ordering: .relaxed)
        case "PUT": put.add(1, ordering: .relaxed)
        case "HEAD": head.add(1, ordering: .relaxed)
        default: others.withLock { $0[method, default: 0] += 1 }
        }
    }

    /// The counts by method, leaving out methods with none.
    func snapshot() -> [String: Int] {
        var result = others.withLock { $0 }
        let counts = [
            ("GET", get.load(ordering: .relaxed)), ("POST", post.load(ordering: .relaxed)),
            ("PATCH", patch.load(ordering: .relaxed)), ("DELETE", delete.load(ordering: .relaxed)),
            ("PUT", put.load(ordering: .relaxed)), ("HEAD", head.load(ordering: .relaxed)),
        ]
        for (method, count) in counts where count > 0 { result[method] = count }
        return result
    }

    func reset() {
        others.withLock { $0.removeAll() }
        get.store(0, ordering: .relaxed)
        post.store(0, ordering: .relaxed)
        patch.store(0, ordering: .relaxed)
        delete.store(0, ordering: .relaxed)
        put.store(0, ordering: .relaxed)
        head.store(0, ordering: .relaxed)
    }
}
