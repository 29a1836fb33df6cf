import Foundation
import Glibc
import TestSupport

/// A loopback HTTP/1.1 server for the media checks: one thread answers each connection from a fixed table of
/// resources, then closes it.
///
/// Paths: `/photo.png` (a PNG), `/clip.mp4` (a video), `/page.html` (an HTML page), `/deck` (a PDF), `/no-head.jpg` (answers
/// only a ranged GET), `/huge.mp4` (101 MB by `Content-Length`, body never sent), `/huge-ranged.mp4` (101 MB by
/// `Content-Range` to a ranged GET, HEAD refused), `/missing.png` (404), and `/redirect-in.png` (a redirect to
/// `/photo.png` on this server). Every request is recorded. No resource points anywhere but this server.
final class MediaTestServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        var range: String?
    }

    /// 101 MiB, one mebibyte over the API's limit.
    static let hugeSize = 101 * 1024 * 1024
    /// The signature and header chunk of a 1x1 PNG, enough for a type sniffer to read its kind and size.
    static let pngBytes: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1,
        8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89,
    ]
    /// The start of an MP4 file: an `ftyp` box.
    static let mp4Bytes: [UInt8] = [0, 0, 0, 0x18] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isomiso2".utf8)
    /// The start of a JPEG file.
    static let jpegBytes: [UInt8] =
        [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]

    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var recorded: [Request] = []
    private var stopped = false

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The requests received so far, in order.
    var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    /// The requests for `path`.
    func requests(for path: String) -> [Request] { requests.filter { $0.path == path } }

    init() throws {
        let listening = try LoopbackListener()
        listener = listening.descriptor
        port = listening.port
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func acceptLoop() {
        while !isStopped {
            let connection = accept(listener, nil, nil)
            if connection < 0 { return }
            serve(connection)
            close(connection)
        }
    }

    private func serve(_ connection: Int32) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !data.containsHeaderEnd {
            let count = read(connection, &buffer, buffer.count)
            if count <= 0 { return }
            data += buffer[0..<count]
        }
        let lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2 else { return }
        var range: String?
        for line in lines.dropFirst() where line.lowercased().hasPrefix("range:") {
            range = line.dropFirst("range:".count).trimmingCharacters(in: .whitespaces)
        }
        let request = Request(method: String(parts[0]), path: String(parts[1]), range: range)
        lock.lock()
        recorded.append(request)
        lock.unlock()
        let (status, headers, body) = answer(request)
        var head = "HTTP/1.1 \(status) \(status < 300 ? "OK" : "Not OK")\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        var output = Array(head.utf8)
        if request.method != "HEAD" { output += body }
        output.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                let count = send(connection, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
                if count <= 0 { return }
                sent += count
            }
        }
    }

    /// The status, headers and body for `request`; `Content-Length` is set from the body unless the resource
    /// describes a size it never sends.
    private func answer(_ request: Request) -> (Int, [(String, String)], [UInt8]) {
        let isHead = request.method == "HEAD"
        let isRanged = request.method == "GET" && request.range == "bytes=0-0"
        func sized(_ type: String, _ body: [UInt8]) -> (Int, [(String, String)], [UInt8]) {
            (200, [("Content-Type", type), ("Content-Length", String(body.count))], body)
        }
        // A query string tells URLs of one resource apart, so one post can carry several distinct images.
        switch request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.path {
        case "/photo.png", "/images/logo.png":
            return sized("image/png", Self.pngBytes)
        case "/clip.mp4":
            return sized("video/mp4", Self.mp4Bytes)
        case "/deck":
            return sized("application/pdf", Array("%PDF-1.4\n".utf8))
        case "/page.html", "/page.png":
            return sized("text/html; charset=utf-8", Array("<!DOCTYPE html><title>Not an image</title>".utf8))
        case "/no-head.jpg":
            if isHead { return (405, [("Allow", "GET"), ("Content-Length", "0")], []) }
            guard isRanged else { return sized("image/jpeg", Self.jpegBytes) }
            let size = String(Self.jpegBytes.count)
            return (
                206, [("Content-Type", "image/jpeg"), ("Content-Range", "bytes 0-0/\(size)"), ("Content-Length", "1")],
                [0xFF]
            )
        case "/huge.mp4":
            // The size is only described: HEAD has no body, and a GET is cut short after one byte.
            if isHead || !isRanged {
                return (200, [("Content-Type", "video/mp4"), ("Content-Length", String(Self.hugeSize))], [])
            }
            return (
                206,
                [
                    ("Content-Type", "video/mp4"), ("Content-Range", "bytes 0-0/\(Self.hugeSize)"),
                    ("Content-Length", "1"),
                ], [0]
            )
        case "/huge-ranged.mp4":
            if isHead { return (501, [("Content-Length", "0")], []) }
            return (
                206,
                [
                    ("Content-Type", "video/mp4"), ("Content-Range", "bytes 0-0/\(Self.hugeSize)"),
                    ("Content-Length", "1"),
                ], [0]
            )
        case "/redirect-in.png":
            return (302, [("Location", "/photo.png"), ("Content-Length", "0")], [])
        default:
            return (404, [("Content-Type", "text/plain"), ("Content-Length", "9")], Array("not found".utf8))
        }
    }
}
