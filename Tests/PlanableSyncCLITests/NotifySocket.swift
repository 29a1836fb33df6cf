import Foundation

/// A Unix datagram socket that receives what a service sends to `NOTIFY_SOCKET`, as systemd would.
///
/// A reader thread drains the socket as systemd does. Linux queues at most `net.unix.max_dgram_qlen` datagrams (10
/// by default) on an unread socket, and a service's next `sd_notify` then blocks until the test reads.
final class NotifySocket {
    /// What the reader thread shares with the socket, kept apart so that the thread does not keep the socket alive.
    private final class Inbox: @unchecked Sendable {
        let lock = NSLock()
        var received: [String] = []
        var closing = false
    }

    let path: String
    private let descriptor: Int32
    private let inbox = Inbox()
    private let reader = DispatchGroup()

    /// Every message received so far.
    var messages: [String] { inbox.lock.withLock { inbox.received } }

    init() throws {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))").path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            let bytes = Array(path.utf8)
            for (index, byte) in bytes.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard descriptor >= 0, result == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        let (socketDescriptor, sharedInbox, readerGroup) = (descriptor, inbox, reader)
        readerGroup.enter()
        Thread.detachNewThread {
            defer { readerGroup.leave() }
            while !sharedInbox.lock.withLock({ sharedInbox.closing }) {
                var pollDescriptor = pollfd(fd: socketDescriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&pollDescriptor, 1, 50)
                Self.drain(socketDescriptor, into: sharedInbox)
            }
        }
    }

    deinit {
        inbox.lock.withLock { inbox.closing = true }
        reader.wait()
        close(descriptor)
        unlink(path)
    }

    /// Reads every datagram that arrived so far.
    func drain() {
        Self.drain(descriptor, into: inbox)
    }

    private static func drain(_ descriptor: Int32, into inbox: Inbox) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { return }
            let message = String(decoding: buffer[0..<count], as: UTF8.self)
            inbox.lock.withLock { inbox.received.append(message) }
        }
    }

    /// Returns the text of the last `STATUS=` line received so far, or nil when none arrived.
    func latestStatus() -> String? {
        drain()
        for message in messages.reversed() {
            for line in message.split(separator: "\n").reversed() where line.hasPrefix("STATUS=") {
                return String(line.dropFirst("STATUS=".count))
            }
        }
        return nil
    }

    /// Waits until the last `STATUS=` line satisfies `condition`, or `timeout` seconds pass.
    func waitForStatus(timeout: TimeInterval, _ condition: (String) -> Bool) -> Bool {
        matchingStatus(timeout: timeout, condition) != nil
    }

    /// Returns the first last-`STATUS=` line that satisfies `condition` within `timeout` seconds, or nil. A status
    /// read again afterwards may already be a newer one.
    func matchingStatus(timeout: TimeInterval, _ condition: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = latestStatus(), condition(status) { return status }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return nil
    }

    /// Waits until a message containing `text` arrives, or `timeout` seconds pass.
    func waitFor(_ text: String, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            drain()
            if messages.contains(where: { $0.contains(text) }) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }
}
