import Foundation
import Glibc

/// A small HTTP/1.1 server on 127.0.0.1 for tests: one thread accepts connections and responds to each
/// request with the handler's response, then closes the connection.
package final class LoopbackHTTPServer: @unchecked Sendable {
    package struct Request: Sendable {
        package var method: String
        package var path: String
        /// Header names lower-cased.
        package var headers: [String: String]
    }

    package struct Response: Sendable {
        package var status: Int
        package var headers: [(String, String)] = []
        package var body: [UInt8] = []
        /// Seconds to wait before responding, to test time-outs.
        package var delay: Double = 0

        package init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], delay: Double = 0) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }
    }

    package let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (Request) -> Response
    private let lock = NSLock()
    private var recorded: [Request] = []
    private var stopped = false

    /// The requests received so far, in order.
    package var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    package var baseURL: String { "http://127.0.0.1:\(port)" }

    package init(handler: @escaping @Sendable (Request) -> Response) throws {
        self.handler = handler
        let listening = try LoopbackListener()
        listener = listening.descriptor
        port = listening.port
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    package func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        // Shutting the socket down wakes accept(). The accept loop closes the socket itself, so that another server
        // cannot get the same descriptor number while this loop still accepts on it.
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                lock.lock()
                let done = stopped
                lock.unlock()
                if done {
                    close(listener)
                    return
                }
                continue
            }
            let worker = Thread { [self] in serve(connection) }
            worker.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !buffer.containsHeaderEnd {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return }
            buffer += chunk[0..<count]
        }
        let head = String(decoding: buffer, as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2 else { return }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let request = Request(method: String(parts[0]), path: String(parts[1]), headers: headers)
        lock.lock()
        recorded.append(request)
        lock.unlock()
        let response = handler(request)
        if response.delay > 0 { Thread.sleep(forTimeInterval: response.delay) }
        var text =
            "HTTP/1.1 \(response.status) Status\r\nContent-Length: \(response.body.count)\r\nConnection: close\r\n"
        for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
        let bytes = Array((text + "\r\n").utf8) + response.body
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { return }
            offset += sent
        }
    }
}
