import CMicroHTTPD
import Foundation
import Synchronization

/// An HTTP/1.1 server over libmicrohttpd that hands each complete request to one handler.
///
/// libmicrohttpd runs a pool of threads, each polling its share of the connections, and calls the handler on the
/// thread that owns the connection, so a slow handler delays only the connections of its thread.
package final class HTTPServer: Sendable {
    package let host: String
    package let requestedPort: UInt16
    package let threadCount: Int
    /// The largest request body accepted, in bytes; a larger one gets 413 as soon as the limit is passed.
    package let maximumBodyBytes: Int
    private let core: ServerCore
    private let state = LockedDaemon()

    /// Creates a server that is not yet listening.
    ///
    /// - Parameters:
    ///   - host: an IPv4 or IPv6 literal, such as `127.0.0.1` or `::1`.
    ///   - port: the TCP port, or 0 for any free port (read `port` after `start()`).
    ///   - threadCount: the size of libmicrohttpd's thread pool.
    ///   - maximumBodyBytes: the request body limit.
    ///   - tooLargeResponse: the 413 response to a request whose body passes the limit, given the limit; without
    ///     it the server sends `{"error": "request body is larger than N bytes"}`.
    ///   - handler: called once per complete request.
    package init(
        host: String = "127.0.0.1", port: UInt16 = 0, threadCount: Int = 4, maximumBodyBytes: Int = 16 << 20,
        tooLargeResponse: (@Sendable (Int) -> HTTPServerResponse)? = nil, handler: @escaping HTTPServerHandler
    ) {
        self.host = host
        self.requestedPort = port
        self.threadCount = max(1, threadCount)
        self.maximumBodyBytes = maximumBodyBytes
        self.core = ServerCore(
            handler: handler, maximumBodyBytes: maximumBodyBytes,
            tooLargeResponse: tooLargeResponse ?? Self.defaultTooLargeResponse)
    }

    private static let defaultTooLargeResponse: @Sendable (Int) -> HTTPServerResponse = { limit in
        let message = "{\"error\":\"request body is larger than \(limit) bytes\"}"
        return HTTPServerResponse(
            status: 413, headers: [("Content-Type", "application/json")], body: Array(message.utf8))
    }

    deinit {
        stop()
    }

    /// The bound port once started, 0 before.
    package var port: UInt16 {
        state.withLock { $0.port }
    }

    /// Binds and starts serving.
    ///
    /// - Returns: the bound port.
    /// - Throws: `HTTPServerError` when the address is invalid or the port cannot be bound.
    @discardableResult
    package func start() throws -> UInt16 {
        try state.withLock { daemonState in
            guard daemonState.daemon == nil else { throw HTTPServerError.alreadyStarted }
            let address = try SocketAddress(host: host, port: requestedPort)
            // Suspend and resume let a handler send its response later (`HTTPServerOutcome.deferred`) without holding its
            // pool thread.
            var flags = UInt32(MHD_USE_AUTO_INTERNAL_THREAD.rawValue) | UInt32(MHD_ALLOW_SUSPEND_RESUME.rawValue)
            if address.isIPv6 { flags |= UInt32(MHD_USE_IPv6.rawValue) }
            let context = Unmanaged.passUnretained(core).toOpaque()
            let daemon = address.withSockaddr { sockaddr in
                planable_mhd_start(
                    flags, sockaddr, UInt32(threadCount), 30, accessHandler, context, completedHandler, context)
            }
            guard let daemon else { throw HTTPServerError.startFailed(host: host, port: requestedPort) }
            core.startDeferring()
            daemonState.daemon = daemon
            daemonState.port = planable_mhd_bound_port(daemon)
            return daemonState.port
        }
    }

    /// Stops listening and waits for the pool threads to finish; open connections are closed.
    ///
    /// Requests that reached the handler get up to 30 seconds to complete first, deferred ones included, because
    /// libmicrohttpd must not stop with a suspended connection and discards responses that it has not sent. Deferred
    /// replies still awaited then have their connection dropped. If a request is still not complete 5 seconds
    /// later, the server is left running and the failure is written to standard error.
    package func stop() {
        guard core.stopDeferring(waitingUpTo: 30) else {
            FileHandle.standardError.write(
                Data(
                    "HTTP server on port \(port): a request did not complete within 35 seconds of stop(), so the server keeps running\n"
                        .utf8))
            return
        }
        let daemon = state.withLock { daemonState -> OpaquePointer? in
            defer {
                daemonState.daemon = nil
                daemonState.port = 0
            }
            return daemonState.daemon
        }
        if let daemon { MHD_stop_daemon(daemon) }
    }
}

extension HTTPServer {
    /// Keeps freed memory in the process for later responses, instead of returning it to the system, which makes
    /// the next response fault its pages in again. It raises glibc's trim threshold to 64 MB and its mmap threshold
    /// to 1 MB, so it suits a process whose main work is serving.
    package static func keepFreedMemory() {
        planable_keep_freed_memory()
    }
}

private struct DaemonState {
    var daemon: OpaquePointer?
    var port: UInt16 = 0
}

private final class LockedDaemon: @unchecked Sendable {
    private let lock = NSLock()
    private var value = DaemonState()

    func withLock<T>(_ body: (inout DaemonState) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// The handler and limits that the C callbacks reach through their context pointer.
private final class ServerCore: @unchecked Sendable {
    let handler: HTTPServerHandler
    let maximumBodyBytes: Int
    /// The requests passed to the handler and not yet completed, which stop() waits for. Atomic, because every
    /// request counts itself twice and a lock would be contended by the pool threads.
    private let inFlight = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// The replies that requests wait for, with the connection suspended or, while the server stops, in their
    /// pool thread.
    private let deferrals = NSCondition()
    private var waitingReplies: [ObjectIdentifier: HTTPServerReply] = [:]

    let tooLargeResponse: @Sendable (Int) -> HTTPServerResponse

    init(
        handler: @escaping HTTPServerHandler, maximumBodyBytes: Int,
        tooLargeResponse: @escaping @Sendable (Int) -> HTTPServerResponse
    ) {
        self.handler = handler
        self.maximumBodyBytes = maximumBodyBytes
        self.tooLargeResponse = tooLargeResponse
    }

    /// Counts a request from the call of its handler until libmicrohttpd completes it.
    func beginRequest() {
        inFlight.add(1, ordering: .sequentiallyConsistent)
    }

    /// Ends the count of `beginRequest`, and the deferral of `reply` when the request had one.
    func endRequest(deferred reply: HTTPServerReply?) {
        if let reply {
            deferrals.lock()
            waitingReplies[ObjectIdentifier(reply)] = nil
            deferrals.unlock()
        }
        inFlight.subtract(1, ordering: .sequentiallyConsistent)
        if stopping.load(ordering: .sequentiallyConsistent) {
            deferrals.lock()
            deferrals.broadcast()
            deferrals.unlock()
        }
    }

    /// Records a deferred reply whose connection is suspended, or returns false while the server stops, when the
    /// pool thread must wait for the reply itself.
    func beginDeferral(_ reply: HTTPServerReply) -> Bool {
        deferrals.lock()
        defer { deferrals.unlock() }
        guard !stopping.load(ordering: .sequentiallyConsistent) else { return false }
        waitingReplies[ObjectIdentifier(reply)] = reply
        return true
    }

    /// Records a deferred reply that its pool thread waits for because the server is stopping, so that stop() can
    /// drop it.
    func trackWaitInThread(_ reply: HTTPServerReply) {
        deferrals.lock()
        waitingReplies[ObjectIdentifier(reply)] = reply
        deferrals.unlock()
    }

    func startDeferring() {
        stopping.store(false, ordering: .sequentiallyConsistent)
    }

    /// Makes later deferred replies wait in their pool thread, then waits until every request passed to the handler
    /// has completed, dropping the connections of replies still awaited after `seconds`. Returns false when a
    /// request is still not complete 5 seconds after that.
    func stopDeferring(waitingUpTo seconds: Double) -> Bool {
        deferrals.lock()
        stopping.store(true, ordering: .sequentiallyConsistent)
        awaitRequests(until: Date(timeIntervalSinceNow: seconds))
        let late = Array(waitingReplies.values)
        deferrals.unlock()
        for reply in late { reply.send(.dropConnection) }

        deferrals.lock()
        defer { deferrals.unlock() }
        awaitRequests(until: Date(timeIntervalSinceNow: 5))
        return inFlight.load(ordering: .sequentiallyConsistent) == 0
    }

    /// Waits, with `deferrals` locked, until no request is in flight or `deadline` passes. It wakes every 50 ms as
    /// well, in case a request ended between its count and its check of `stopping`.
    private func awaitRequests(until deadline: Date) {
        while inFlight.load(ordering: .sequentiallyConsistent) > 0 && Date() < deadline {
            _ = deferrals.wait(until: min(deadline, Date(timeIntervalSinceNow: 0.05)))
        }
    }
}

/// The body received so far for one request; libmicrohttpd keeps it in the request context pointer.
private final class PendingRequest {
    var body: [UInt8] = []
    var tooLarge = false
    /// The reply that the suspended connection waits for.
    var reply: HTTPServerReply?
    /// The reply of a request that was deferred, so that its completion ends the deferral.
    var deferred: HTTPServerReply?
    /// Whether the handler was called, so that the request's completion ends its count.
    var counted = false
}

/// A connection handle that the thread sending a deferred reply passes to `MHD_resume_connection`.
private struct SuspendedConnection: @unchecked Sendable {
    let pointer: OpaquePointer
}

private let accessHandler: planable_mhd_access_handler = {
    context, connection, url, method, _, uploadData, uploadDataSize, requestContext in
    guard let context, let connection, let uploadDataSize, let requestContext else { return planable_mhd_no }
    let core = Unmanaged<ServerCore>.fromOpaque(context).takeUnretainedValue()

    guard let existing = requestContext.pointee else {
        requestContext.pointee = Unmanaged.passRetained(PendingRequest()).toOpaque()
        return planable_mhd_yes
    }
    let pending = Unmanaged<PendingRequest>.fromOpaque(existing).takeUnretainedValue()
    if uploadDataSize.pointee > 0 {
        let count = uploadDataSize.pointee
        if !pending.tooLarge, let uploadData {
            if pending.body.count + count > core.maximumBodyBytes {
                pending.tooLarge = true
                pending.body = []
            } else {
                uploadData.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
                    pending.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
                }
            }
        }
        uploadDataSize.pointee = 0
        return planable_mhd_yes
    }

    var outcome: HTTPServerOutcome
    if let reply = pending.reply {
        // Called again after MHD_resume_connection, so the deferred outcome has been sent. The deferral ends when
        // the request completes, so that stop() waits until its answer is sent.
        pending.reply = nil
        outcome = reply.sentOutcome ?? .dropConnection
    } else if pending.tooLarge {
        outcome = .respond(core.tooLargeResponse(core.maximumBodyBytes))
    } else {
        core.beginRequest()
        pending.counted = true
        let request = HTTPServerRequest(
            method: method.map { String(cString: $0) } ?? "GET",
            path: url.map { String(cString: $0) } ?? "/",
            query: collectValues(connection, kind: planable_mhd_argument_kind),
            headers: collectHeaders(connection),
            body: pending.body)
        pending.body = []
        outcome = core.handler(request)
    }
    if case .deferred(let reply) = outcome {
        if let sent = reply.sentOutcome {
            outcome = sent
        } else if core.beginDeferral(reply) {
            pending.reply = reply
            pending.deferred = reply
            MHD_suspend_connection(connection)
            let suspended = SuspendedConnection(pointer: connection)
            reply.whenSent { MHD_resume_connection(suspended.pointer) }
            return planable_mhd_yes
        } else {
            // The server is stopping: this thread waits for the reply itself, for a bounded time. The request still
            // counts until it completes, so that stop() waits until its answer is sent.
            core.trackWaitInThread(reply)
            pending.deferred = reply
            outcome = reply.wait(timeout: 30) ?? .dropConnection
        }
    }
    switch outcome {
    case .dropConnection, .deferred:
        return planable_mhd_no
    case .respond(let response):
        return queue(response, on: connection)
    }
}

private let completedHandler: planable_mhd_completed_handler = { context, _, requestContext, _ in
    guard let context, let requestContext, let existing = requestContext.pointee else { return }
    let pending = Unmanaged<PendingRequest>.fromOpaque(existing)
    let request = pending.takeUnretainedValue()
    if request.counted {
        Unmanaged<ServerCore>.fromOpaque(context).takeUnretainedValue().endRequest(deferred: request.deferred)
    }
    pending.release()
    requestContext.pointee = nil
}

private func queue(_ response: HTTPServerResponse, on connection: OpaquePointer) -> MHD_Result {
    guard let mhdResponse = makeResponse(body: response.body) else { return planable_mhd_no }
    defer { MHD_destroy_response(mhdResponse) }
    for header in response.headers {
        // The implicit conversion of two String arguments would copy each into a new array, so the C strings are
        // made explicitly.
        header.name.withCString { name in
            header.value.withCString { value in _ = MHD_add_response_header(mhdResponse, name, value) }
        }
    }
    return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
}

/// Creates a libmicrohttpd response that sends `body` from the array's own storage instead of a copy. The copy cost
/// about 3 µs of an uncached GET /posts of 12.5 KB, which took 42 to 46 µs of CPU time. That was measured in three
/// alternating pairs of wrk runs with benchmarks/reference-throughput's data on a 2-CPU machine.
///
/// The response retains a `ResponseBody` that keeps the array, and libmicrohttpd releases it when it destroys the
/// response, after its last read of the bytes.
private func makeResponse(body: [UInt8]) -> OpaquePointer? {
    if body.isEmpty { return MHD_create_response_from_buffer(0, nil, planable_mhd_must_copy) }
    let owner = ResponseBody(body)
    // NOTE: The pointer outlives `withUnsafeBytes`, which documents it for the closure only. It stays valid
    // because `owner` keeps the array alive and never mutates it, and a native array's storage does not move.
    let base = owner.bytes.withUnsafeBytes { UnsafeMutableRawPointer(mutating: $0.baseAddress) }
    let retained = Unmanaged.passRetained(owner)
    let created = MHD_create_response_from_buffer_with_free_callback_cls(
        body.count, base,
        { context in
            guard let context else { return }
            Unmanaged<ResponseBody>.fromOpaque(context).release()
        }, retained.toOpaque())
    // On failure libmicrohttpd returns NULL before it stores the callback (response.c, 0.9.75), so it never
    // calls it.
    if created == nil { retained.release() }
    return created
}

/// The bytes of a response body that libmicrohttpd sends in place.
private final class ResponseBody {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }
}

private final class ValueCollector {
    var values: [(name: String, value: String)] = []
}

private func collectValues(_ connection: OpaquePointer, kind: MHD_ValueKind) -> [(name: String, value: String)] {
    let collector = ValueCollector()
    let pointer = Unmanaged.passUnretained(collector).toOpaque()
    _ = MHD_get_connection_values(
        connection, kind,
        { context, _, key, value in
            guard let context, let key else { return planable_mhd_yes }
            let collector = Unmanaged<ValueCollector>.fromOpaque(context).takeUnretainedValue()
            collector.values.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
            return planable_mhd_yes
        }, pointer)
    return withExtendedLifetime(collector) { collector.values }
}

/// Collects the request headers with lowercased names, in the order received.
private func collectHeaders(_ connection: OpaquePointer) -> [(name: String, value: String)] {
    let collector = HeaderCollector()
    let pointer = Unmanaged.passUnretained(collector).toOpaque()
    _ = MHD_get_connection_values(
        connection, planable_mhd_header_kind,
        { context, _, key, value in
            guard let context, let key else { return planable_mhd_yes }
            let collector = Unmanaged<HeaderCollector>.fromOpaque(context).takeUnretainedValue()
            collector.headers.append((lowercasedASCII(key), value.map { String(cString: $0) } ?? ""))
            return planable_mhd_yes
        }, pointer)
    return withExtendedLifetime(collector) { collector.headers }
}

private final class HeaderCollector {
    var headers: [(name: String, value: String)] = []

    init() {
        headers.reserveCapacity(8)
    }
}

/// `String(cString:).lowercased()` in one copy; header names are ASCII, and other bytes are kept as they are.
private func lowercasedASCII(_ text: UnsafePointer<CChar>) -> String {
    let count = strlen(text)
    return text.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
        String(unsafeUninitializedCapacity: count) { buffer in
            for index in 0..<count {
                let byte = bytes[index]
                buffer[index] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            }
            return count
        }
    }
}
