import Foundation
import Glibc
import Testing

@testable import Daemon

/// A Unix datagram socket bound in a temporary folder, standing in for systemd's notification socket.
private final class NotificationSocket {
    let folder: TemporaryFolder
    let path: String
    let descriptor: Int32

    init() throws {
        folder = try TemporaryFolder()
        path = folder.path + "/notify.sock"
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.utf8.enumerated() { bytes[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Returns the next datagram as text, or nil after two seconds without one.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    deinit {
        close(descriptor)
        folder.remove()
    }
}

/// These tests change NOTIFY_SOCKET and WATCHDOG_* for the whole process, so they run one at a time.
@Suite(.serialized) struct SystemdNotifierTests {
    @Test func sendsExactMessages() throws {
        let socket = try NotificationSocket()
        setenv("NOTIFY_SOCKET", socket.path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        let notifier = SystemdNotifier()

        #expect(notifier.ready())
        #expect(socket.receive() == "READY=1")
        #expect(notifier.status("scanning 3 sources"))
        #expect(socket.receive() == "STATUS=scanning 3 sources")
        #expect(notifier.stopping())
        #expect(socket.receive() == "STOPPING=1")
        #expect(notifier.watchdogPing())
        #expect(socket.receive() == "WATCHDOG=1")
        #expect(notifier.extendTimeout(90.5))
        #expect(socket.receive() == "EXTEND_TIMEOUT_USEC=90500000")
    }

    @Test func statusReplacesLineBreaks() throws {
        let socket = try NotificationSocket()
        setenv("NOTIFY_SOCKET", socket.path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }

        SystemdNotifier().status("synced 2 posts\nREADY=1")
        #expect(socket.receive() == "STATUS=synced 2 posts READY=1")
    }

    @Test func reloadingCarriesMonotonicTime() throws {
        let socket = try NotificationSocket()
        setenv("NOTIFY_SOCKET", socket.path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }

        let before = SystemdNotifier.monotonicMicroseconds()
        #expect(SystemdNotifier().reloading())
        let after = SystemdNotifier.monotonicMicroseconds()
        let message = try #require(socket.receive())
        let lines = message.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first == "RELOADING=1")
        let value = try #require(lines.last.flatMap { $0.split(separator: "=").last }.flatMap { UInt64($0) })
        #expect(lines.last?.hasPrefix("MONOTONIC_USEC=") == true)
        #expect(value >= before)
        #expect(value <= after)
    }

    @Test func withoutSocketSendsNothing() {
        unsetenv("NOTIFY_SOCKET")
        #expect(!SystemdNotifier().ready())
        #expect(!SystemdNotifier().watchdogPing())
    }

    @Test func watchdogIntervalFromEnvironment() {
        defer {
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
        }
        unsetenv("WATCHDOG_USEC")
        #expect(SystemdNotifier().watchdogInterval == nil)

        setenv("WATCHDOG_USEC", "60000000", 1)
        setenv("WATCHDOG_PID", String(getpid()), 1)
        #expect(SystemdNotifier().watchdogInterval == 60)

        // A watchdog set for another process (a parent that did not unset it) is not ours to ping.
        setenv("WATCHDOG_PID", String(getpid() + 1), 1)
        #expect(SystemdNotifier().watchdogInterval == nil)
    }
}
