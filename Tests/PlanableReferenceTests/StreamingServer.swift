import Foundation
import TestSupport

/// A one-route HTTP server on a raw loopback socket that streams a large body without holding it in memory.
///
/// It answers every connection with a PNG signature followed by zero bytes, `totalBytes` in all, either chunked or
/// with a Content-Length header, and counts the bytes it managed to write.
final class StreamingServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let totalBytes: Int
    private let declareLength: Bool
    private let lock = NSLock()
    private var written = 0
    private let thread: Thread
    private let finished = DispatchSemaphore(value: 0)

    init(totalBytes: Int, declareLength: Bool) throws {
        self.totalBytes = totalBytes
        self.declareLength = declareLength
        let listening = try LoopbackListener(backlog: 4)
        listener = listening.descriptor
        port = listening.port
        let box = Box()
        thread = Thread { box.server?.serve() }
        box.server = self
        thread.start()
    }

    private final class Box: @unchecked Sendable {
        weak var server: StreamingServer?
    }

    var bytesWritten: Int {
        lock.lock()
        defer { lock.unlock() }
        return written
    }

    /// Wakes the accept loop and waits for it to close the socket itself, so the descriptor number is not reused
    /// by another test while this loop can still call accept on it.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        _ = finished.wait(timeout: .now() + 10)
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                close(listener)
                finished.signal()
                return
            }
            var request = [UInt8](repeating: 0, count: 4096)
            _ = recv(connection, &request, request.count, 0)
            var header = "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n"
            header += declareLength ? "Content-Length: \(totalBytes)\r\n\r\n" : "Transfer-Encoding: chunked\r\n\r\n"
            guard sendAll(connection, Array(header.utf8)) else {
                close(connection)
                continue
            }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            chunk.replaceSubrange(0..<8, with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            var sent = 0
            while sent < totalBytes {
                let size = min(chunk.count, totalBytes - sent)
                var frame: [UInt8] = declareLength ? [] : Array((String(size, radix: 16) + "\r\n").utf8)
                frame += chunk[0..<size]
                if !declareLength { frame += Array("\r\n".utf8) }
                guard sendAll(connection, frame) else { break }
                sent += size
                lock.lock()
                written = sent
                lock.unlock()
                if sent == size { chunk.replaceSubrange(0..<8, with: [UInt8](repeating: 0, count: 8)) }
            }
            if sent >= totalBytes && !declareLength { _ = sendAll(connection, Array("0\r\n\r\n".utf8)) }
            close(connection)
        }
    }

    private func sendAll(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes {
                send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }
}
