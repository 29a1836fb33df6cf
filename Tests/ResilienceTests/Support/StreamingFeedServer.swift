import Foundation
import TestSupport

/// A loopback HTTP server that responds to every request with an endless RSS document, close-delimited and without
/// Content-Length, until `limitBytes` are sent or the client hangs up. Nothing is stored.
final class StreamingFeedServer: @unchecked Sendable {
    let port: UInt16
    let limitBytes: Int
    private let listener: Int32
    private let lock = NSLock()
    private var sent = 0
    private var finished = false

    /// Bytes written to clients so far.
    var bytesSent: Int { lock.withLock { sent } }
    var isFinished: Bool { lock.withLock { finished } }

    init(limitBytes: Int) throws {
        self.limitBytes = limitBytes
        let listening = try LoopbackListener(backlog: 4)
        listener = listening.descriptor
        port = listening.port
        Thread.detachNewThread { [self] in serve() }
    }

    deinit {
        close(listener)
    }

    var url: String { "http://127.0.0.1:\(port)/huge.xml" }

    private func serve() {
        let client = accept(listener, nil, nil)
        guard client >= 0 else { return }
        defer {
            close(client)
            lock.withLock { finished = true }
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        _ = read(client, &buffer, buffer.count)
        let head =
            "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n"
            + "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Huge</title>"
        guard write(all: Array(head.utf8), to: client) else { return }
        let item = Array(
            String(repeating: "<item><title>Filler</title><description>xxxxxxxx</description></item>", count: 200).utf8)
        while bytesSent < limitBytes {
            guard write(all: item, to: client) else { return }
        }
    }

    private func write(all bytes: [UInt8], to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written <= 0 { return false }
            offset += written
            lock.withLock { sent += written }
        }
        return true
    }
}

/// Samples a process's peak resident memory from `/proc` while it runs.
enum PeakMemory {
    /// Reads the `VmHWM` of `pid`, in kilobytes, or returns nil once the process is gone.
    static func kilobytes(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }
}

/// A loopback HTTP server that responds to every request with a 68-byte PNG, for media checks.
final class ImageServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32

    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00,
        0x0B, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D,
        0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        guard listener >= 0 else { throw FixtureError("socket failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw FixtureError("bind or listen failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread {
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                var buffer = [UInt8](repeating: 0, count: 8192)
                let count = read(client, &buffer, buffer.count)
                let isHead = count > 4 && buffer[0] == UInt8(ascii: "H")
                let head =
                    "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: \(Self.png.count)\r\n"
                    + "Connection: close\r\n\r\n"
                let response = Array(head.utf8) + (isHead ? [] : Self.png)
                _ = response.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(client)
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    var url: String { "http://127.0.0.1:\(port)/photo.png" }
}
