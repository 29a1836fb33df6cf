import CCurl
import Foundation

/// A media file fetched from a URL: its first bytes for type detection, its size and declared type.
struct DownloadedMedia: Sendable {
    var prefix: [UInt8]
    var size: Int
    var contentType: String?
    var effectiveURL: String
}

/// Why a media URL could not be imported.
struct MediaDownloadError: Error, CustomStringConvertible, Equatable {
    var url: String
    var message: String
    /// Body bytes received before the transfer stopped.
    var bytesReceived: Int

    var description: String { "media \(url): \(message)" }
}

/// Downloads media URLs with libcurl, streaming: it keeps only the first bytes and stops past `maximumBytes`.
///
/// Every connection, redirects included, goes through `AddressPolicy`, which libcurl calls before it opens a socket.
final class MediaDownloader: Sendable {
    /// The size limit, 100 MB (100 * 1024 * 1024 bytes) as the API documents.
    static let defaultMaximumBytes = 100 * 1024 * 1024
    static let prefixBytes = 64 * 1024

    let maximumBytes: Int
    let policy: AddressPolicy
    let timeout: Double
    /// Whether URLs may name public hosts. When false, only localhost and loopback addresses are fetched and a
    /// redirect is followed only to such an address, so no packet leaves the machine.
    let allowPublic: Bool
    /// The maximum number of redirects that one download follows.
    static let maximumRedirects = 5

    init(
        maximumBytes: Int = MediaDownloader.defaultMaximumBytes, allowLoopback: Bool, allowPublic: Bool = true,
        timeout: Double = 60
    ) {
        self.maximumBytes = maximumBytes
        self.policy = AddressPolicy(allowLoopback: allowLoopback || !allowPublic)
        self.allowPublic = allowPublic
        self.timeout = timeout
    }

    /// Whether `url`'s host is localhost, a 127.x address or ::1.
    static func hasLoopbackLiteralHost(_ url: String) -> Bool {
        guard let components = URLComponents(string: url), var host = components.host?.lowercased() else {
            return false
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "::1" || host == "localhost" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Fetches `url` and returns its first bytes and total size.
    ///
    /// - Throws: `MediaDownloadError` for a refused address, a failed transfer, a non-2xx response or a file over the
    ///   limit.
    func download(_ url: String) throws -> DownloadedMedia {
        var current = url
        var redirects = 0
        // The redirects share one time limit, so a chain of them cannot take `timeout` for each hop.
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                throw MediaDownloadError(
                    url: url, message: "the download timed out after \(Int(timeout)) seconds", bytesReceived: 0)
            }
            let hop = try transfer(current, for: url, timeout: remaining)
            guard let next = hop.redirect else { return hop.media }
            // With public hosts, libcurl follows redirects itself. This loop runs only without them, so that a
            // redirect to a host name is rejected before libcurl would look the name up.
            guard redirects < Self.maximumRedirects else {
                throw MediaDownloadError(
                    url: url, message: "the URL redirected more than \(Self.maximumRedirects) times", bytesReceived: 0)
            }
            guard Self.hasLoopbackLiteralHost(next) else {
                throw MediaDownloadError(
                    url: url,
                    message: "the URL redirects to \(next); this server downloads media from loopback addresses "
                        + "only (localhost, 127.0.0.1 or [::1])",
                    bytesReceived: 0)
            }
            redirects += 1
            current = next
        }
    }

    /// Runs one transfer of `url`, the original URL or a redirect's target. Returns the media, or the next URL when
    /// public hosts are off and the server responded with a redirect.
    private func transfer(
        _ url: String, for original: String, timeout: Double
    ) throws -> (media: DownloadedMedia, redirect: String?) {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
            let message =
                url == original
                ? "only http and https URLs can be imported" : "the URL redirects to \(url), which is not http or https"
            throw MediaDownloadError(url: original, message: message, bytesReceived: 0)
        }
        guard allowPublic || Self.hasLoopbackLiteralHost(url) else {
            throw MediaDownloadError(
                url: original,
                message: "this server downloads media from loopback addresses only (localhost, 127.0.0.1 or [::1])",
                bytesReceived: 0)
        }
        guard let handle = curl_easy_init() else {
            throw MediaDownloadError(url: original, message: "libcurl could not create a handle", bytesReceived: 0)
        }
        defer { curl_easy_cleanup(handle) }
        let transfer = DownloadTransfer(maximumBytes: maximumBytes, policy: policy)
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        planable_curl_setopt_string(handle, CURLOPT_URL, url)
        planable_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        planable_curl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        planable_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, allowPublic ? 1 : 0)
        planable_curl_setopt_long(handle, CURLOPT_MAXREDIRS, Self.maximumRedirects)
        planable_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        planable_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
        planable_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, 10_000)
        planable_curl_setopt_string(handle, CURLOPT_NOPROXY, "*")
        planable_curl_setopt_string(handle, CURLOPT_USERAGENT, "planable-reference-media/1.0")
        planable_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, mediaWriteCallback)
        planable_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        planable_curl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, mediaHeaderCallback)
        planable_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        planable_curl_setopt_pointer(
            handle, CURLOPT_OPENSOCKETFUNCTION, unsafeBitCast(mediaOpenSocket, to: UnsafeMutableRawPointer.self))
        planable_curl_setopt_pointer(handle, CURLOPT_OPENSOCKETDATA, context)

        let code = withExtendedLifetime(transfer) { curl_easy_perform(handle) }
        if let refusal = transfer.refusal {
            throw MediaDownloadError(
                url: original, message: "the URL leads to a \(refusal), which media downloads may not reach",
                bytesReceived: 0)
        }
        if transfer.exceededLimit {
            throw MediaDownloadError(
                url: original, message: "the file is larger than the limit of \(maximumBytes) bytes",
                bytesReceived: transfer.received)
        }
        guard code == CURLE_OK else {
            let message = String(cString: curl_easy_strerror(code))
            throw MediaDownloadError(
                url: original, message: "download failed: \(message)", bytesReceived: transfer.received)
        }
        var status = 0
        planable_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        if !allowPublic && (300..<400).contains(status) {
            var location: UnsafeMutablePointer<CChar>?
            planable_curl_getinfo_string(handle, CURLINFO_REDIRECT_URL, &location)
            if let location {
                let media = DownloadedMedia(prefix: [], size: 0, contentType: nil, effectiveURL: url)
                return (media, String(cString: location))
            }
        }
        guard (200..<300).contains(status) else {
            throw MediaDownloadError(
                url: original, message: "the server responded with HTTP \(status)", bytesReceived: transfer.received)
        }
        var effective: UnsafeMutablePointer<CChar>?
        planable_curl_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        let media = DownloadedMedia(
            prefix: transfer.prefix, size: transfer.received, contentType: transfer.contentType,
            effectiveURL: effective.map { String(cString: $0) } ?? url)
        return (media, nil)
    }
}

private final class DownloadTransfer {
    let maximumBytes: Int
    let policy: AddressPolicy
    var prefix: [UInt8] = []
    var received = 0
    var exceededLimit = false
    var refusal: String?
    var contentType: String?

    init(maximumBytes: Int, policy: AddressPolicy) {
        self.maximumBytes = maximumBytes
        self.policy = policy
    }

    func receive(_ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int {
        guard received + length <= maximumBytes else {
            exceededLimit = true
            return 0
        }
        received += length
        if prefix.count < MediaDownloader.prefixBytes {
            let take = min(length, MediaDownloader.prefixBytes - prefix.count)
            buffer.withMemoryRebound(to: UInt8.self, capacity: take) { bytes in
                prefix.append(contentsOf: UnsafeBufferPointer(start: bytes, count: take))
            }
        }
        return length
    }

    func receiveHeader(_ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int {
        let line = buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        guard let colon = line.firstIndex(of: ":") else { return length }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        if name == "content-type" { contentType = value }
        // A declared length over the limit stops the transfer before any body byte is read.
        if name == "content-length", let declared = Int(value), declared > maximumBytes {
            exceededLimit = true
            return 0
        }
        return length
    }
}

private let mediaWriteCallback: planable_curl_data_callback = { buffer, size, count, context in
    guard let buffer, let context else { return 0 }
    return Unmanaged<DownloadTransfer>.fromOpaque(context).takeUnretainedValue().receive(buffer, size * count)
}

private let mediaHeaderCallback: planable_curl_data_callback = { buffer, size, count, context in
    guard let buffer, let context else { return 0 }
    return Unmanaged<DownloadTransfer>.fromOpaque(context).takeUnretainedValue().receiveHeader(buffer, size * count)
}

private let mediaOpenSocket: curl_opensocket_callback = { context, _, address in
    guard let context, let address else { return CURL_SOCKET_BAD }
    let transfer = Unmanaged<DownloadTransfer>.fromOpaque(context).takeUnretainedValue()
    let offset = MemoryLayout<curl_sockaddr>.offset(of: \curl_sockaddr.addr) ?? 16
    let socketAddress = UnsafeRawPointer(address) + offset
    switch transfer.policy.check(socketAddress, family: address.pointee.family) {
    case .allowed:
        return socket(address.pointee.family, address.pointee.socktype, address.pointee.protocol)
    case .refused(let reason):
        transfer.refusal = reason
        return CURL_SOCKET_BAD
    }
}
