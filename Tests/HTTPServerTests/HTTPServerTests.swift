import Foundation
import HTTPClient
import HTTPServer
import Synchronization
import Testing

@Suite struct HTTPServerTests {
    private func echoServer(host: String = "127.0.0.1", maximumBodyBytes: Int = 1 << 20) throws -> HTTPServer {
        let server = HTTPServer(host: host, port: 0, maximumBodyBytes: maximumBodyBytes) { request in
            if request.path == "/drop" { return .dropConnection }
            let query = request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
            let text =
                "\(request.method) \(request.path) \(query) \(request.header("X-Probe") ?? "-") \(request.body.count)"
            return .respond(HTTPServerResponse(status: 201, headers: [("X-Echo", "yes")], body: Array(text.utf8)))
        }
        try server.start()
        return server
    }

    @Test func routesMethodPathQueryAndHeaders() throws {
        let server = try echoServer()
        defer { server.stop() }
        #expect(server.port != 0)
        let response = try HTTPClient().send(
            HTTPRequest(url: "http://127.0.0.1:\(server.port)/a/b?x=1&y=two%20words&x=3", headers: [("X-Probe", "p")]))
        #expect(response.status == 201)
        #expect(response.header("x-echo") == "yes")
        #expect(String(decoding: response.body, as: UTF8.self) == "GET /a/b x=1&y=two words&x=3 p 0")
    }

    /// libmicrohttpd passes the path and query values on as C strings, where a decoded NUL would end them early.
    @Test func keepsEscapedNulInPathAndQuery() throws {
        let server = try echoServer()
        defer { server.stop() }
        let response = try HTTPClient().send(
            HTTPRequest(url: "http://127.0.0.1:\(server.port)/posts/%00tail%2Fx?id=a%00b&c=%41%4a%4A"))
        #expect(String(decoding: response.body, as: UTF8.self) == "GET /posts/%00tail/x id=a%00b&c=AJJ - 0")
    }

    @Test func joinsRepeatedHeaders() throws {
        let server = try echoServer()
        defer { server.stop() }
        let response = try HTTPClient().send(
            HTTPRequest(url: "http://127.0.0.1:\(server.port)/h", headers: [("X-Probe", "a"), ("x-PROBE", "b")]))
        #expect(String(decoding: response.body, as: UTF8.self) == "GET /h  a, b 0")
    }

    @Test func receivesRequestBody() throws {
        let server = try echoServer()
        defer { server.stop() }
        let body = [UInt8](repeating: 65, count: 300_000)
        let response = try HTTPClient().send(
            HTTPRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/upload", body: body))
        #expect(String(decoding: response.body, as: UTF8.self) == "POST /upload  - 300000")
    }

    /// libmicrohttpd sends a body from the handler's array after the handler has returned, over many writes when
    /// the body is larger than the socket's buffer, so each body must stay whole until it is sent.
    @Test func sendsLargeBodiesWhole() throws {
        let paths = ["/1", "/2", "/3", "/4", "/5", "/6"]
        var bodies: [String: [UInt8]] = [:]
        for (index, path) in paths.enumerated() {
            bodies[path] = (0..<(2 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
        }
        let expected = bodies
        let server = HTTPServer(host: "127.0.0.1", port: 0) { request in
            // A copy with storage of its own, so that only the response keeps it alive.
            var body: [UInt8] = []
            body.append(contentsOf: expected[request.path] ?? [])
            return .respond(HTTPServerResponse(status: 200, headers: [], body: body))
        }
        try server.start()
        defer { server.stop() }
        // glibc now overwrites freed memory, so bytes that libmicrohttpd reads after their release arrive changed.
        setFreedMemoryFill(0xA5)
        defer { setFreedMemoryFill(0) }
        let received = Mutex<[String: Result<[UInt8], any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            let result = Result {
                try HTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(server.port)\(paths[index])")).body
            }
            received.withLock { $0[paths[index]] = result }
        }
        for path in paths {
            let body = try #require(received.withLock { $0[path] }).get()
            #expect(body.count == expected[path]?.count, "\(path) arrived with \(body.count) bytes")
            // A Bool, so that a failure does not print two arrays of 2 MB.
            let intact = body == expected[path]
            #expect(intact, "\(path) arrived with different bytes")
        }

        let empty = HTTPServer(host: "127.0.0.1", port: 0) { _ in
            .respond(HTTPServerResponse(status: 200, headers: [], body: []))
        }
        try empty.start()
        defer { empty.stop() }
        let response = try HTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(empty.port)/none"))
        #expect(response.status == 200)
        #expect(response.header("content-length") == "0")
        #expect(response.body.isEmpty)
    }

    /// Sets glibc's `M_PERTURB`, which fills freed memory with `byte`, and 0 turns it off. Swift's Glibc module
    /// does not import `mallopt`, so it is looked up at run time.
    private func setFreedMemoryFill(_ byte: Int32) {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let perturb: Int32 = -6  // M_PERTURB in glibc's malloc.h
        _ = unsafeBitCast(symbol, to: Mallopt.self)(perturb, byte)
    }

    @Test func servesIPv6Loopback() throws {
        let server = try echoServer(host: "::1")
        defer { server.stop() }
        let response = try HTTPClient().send(HTTPRequest(url: "http://[::1]:\(server.port)/six"))
        #expect(response.status == 201)
    }

    @Test func dropsConnectionWithoutAnswer() throws {
        let server = try echoServer()
        defer { server.stop() }
        #expect(throws: HTTPClientError.self) {
            try HTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(server.port)/drop", timeout: 5))
        }
    }

    @Test func rejectsBodyOverLimit() throws {
        let server = try echoServer(maximumBodyBytes: 1000)
        defer { server.stop() }
        let response = try HTTPClient().send(
            HTTPRequest(
                method: "POST", url: "http://127.0.0.1:\(server.port)/big", body: Array(repeating: 1, count: 5000)))
        #expect(response.status == 413)
    }

    @Test func deferredReplyFreesThread() throws {
        // One pool thread: a reply that held it would keep /release from being served, and /wait would time out.
        let waiting = HTTPServerReply()
        let received = DispatchSemaphore(value: 0)
        let server = HTTPServer(host: "127.0.0.1", port: 0, threadCount: 1) { request in
            switch request.path {
            case "/wait":
                received.signal()
                return .deferred(waiting)
            case "/release":
                waiting.send(.respond(HTTPServerResponse(status: 200, body: Array("released".utf8))))
                return .respond(HTTPServerResponse(status: 204))
            default:
                let sentAlready = HTTPServerReply()
                sentAlready.send(.respond(HTTPServerResponse(status: 202)))
                return .deferred(sentAlready)
            }
        }
        try server.start()
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let answer = LockedResponse()
        let done = DispatchSemaphore(value: 0)
        // Threads of their own, because other tests running in parallel can keep Dispatch's pool busy.
        Thread {
            answer.set(Result { try HTTPClient().send(HTTPRequest(url: base + "/wait", timeout: 10)) })
            done.signal()
        }.start()
        #expect(received.wait(timeout: .now() + 10) == .success)
        #expect(try HTTPClient().send(HTTPRequest(url: base + "/ready", timeout: 5)).status == 202)
        #expect(try HTTPClient().send(HTTPRequest(url: base + "/release", timeout: 5)).status == 204)
        #expect(done.wait(timeout: .now() + 10) == .success)
        let response = try #require(try answer.get()?.get())
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "released")
    }

    @Test func stopWaitsForDeferredReply() throws {
        let received = DispatchSemaphore(value: 0)
        let server = HTTPServer(host: "127.0.0.1", port: 0) { _ in
            received.signal()
            let reply = HTTPServerReply()
            Thread {
                Thread.sleep(forTimeInterval: 0.3)
                reply.send(.respond(HTTPServerResponse(status: 200, body: Array("late".utf8))))
            }.start()
            return .deferred(reply)
        }
        try server.start()
        let port = server.port
        let answer = LockedResponse()
        let done = DispatchSemaphore(value: 0)
        Thread {
            answer.set(Result { try HTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(port)/", timeout: 10)) })
            done.signal()
        }.start()
        #expect(received.wait(timeout: .now() + 10) == .success)
        server.stop()
        #expect(done.wait(timeout: .now() + 10) == .success)
        let response = try #require(try answer.get()?.get())
        #expect(String(decoding: response.body, as: UTF8.self) == "late")
    }

    @Test func rejectsInvalidHost() {
        let server = HTTPServer(host: "localhost", port: 0) { _ in .dropConnection }
        #expect(throws: HTTPServerError.invalidAddress("localhost")) { try server.start() }
    }

    @Test func stopsAndReleasesPort() throws {
        let server = try echoServer()
        let port = server.port
        server.stop()
        #expect(server.port == 0)
        #expect(throws: HTTPClientError.self) {
            try HTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(port)/", timeout: 2, connectTimeout: 2))
        }
    }
}

/// The result of a request made on another thread.
private final class LockedResponse: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<HTTPResponse, any Error>?

    func set(_ value: Result<HTTPResponse, any Error>) {
        lock.lock()
        result = value
        lock.unlock()
    }

    func get() -> Result<HTTPResponse, any Error>? {
        lock.lock()
        defer { lock.unlock() }
        return result
    }
}
