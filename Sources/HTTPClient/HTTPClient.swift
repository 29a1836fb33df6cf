import CCurl
import Foundation

/// An HTTP request for `HTTPClient`.
package struct HTTPRequest: Sendable {
    package var method: String
    package var url: String
    package var headers: [(String, String)]
    package var body: [UInt8]?
    /// The whole transfer's time limit, in seconds.
    package var timeout: Double
    /// The connection's time limit, in seconds.
    package var connectTimeout: Double
    /// The largest response body accepted, in bytes; a larger one fails with `HTTPClientError.responseTooLarge`
    /// as soon as the limit is passed, without reading the rest.
    package var maximumResponseBytes: Int
    /// Whether 3xx responses are followed, up to `maximumRedirects`.
    package var followRedirects: Bool
    package var maximumRedirects: Int
    /// Whether the transfer ends once the headers have arrived, leaving the body empty; for probing a URL's type
    /// and size with a GET when a server does not support HEAD.
    package var stopAfterHeaders = false

    package init(
        method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        timeout: Double = 30, connectTimeout: Double = 10, maximumResponseBytes: Int = 64 << 20,
        followRedirects: Bool = false, maximumRedirects: Int = 5
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maximumResponseBytes = maximumResponseBytes
        self.followRedirects = followRedirects
        self.maximumRedirects = maximumRedirects
    }
}

/// An HTTP response: the status, the headers of the final response and the body.
package struct HTTPResponse: Sendable {
    package var status: Int
    /// Header names are lower-cased; a repeated header keeps its last value.
    package var headers: [String: String]
    package var body: [UInt8]
    /// The URL that answered, after redirects.
    package var effectiveURL: String
    package var redirectCount: Int

    package init(status: Int, headers: [String: String], body: [UInt8], effectiveURL: String, redirectCount: Int = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.effectiveURL = effectiveURL
        self.redirectCount = redirectCount
    }

    package func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }
}

/// A transfer that did not produce an HTTP answer.
package enum HTTPClientError: Error, CustomStringConvertible, Equatable {
    /// libcurl failed, for example on a refused connection or a time-out; `code` is the `CURLcode`.
    case transport(code: Int, message: String, url: String)
    case responseTooLarge(limit: Int, url: String)

    /// The message, with the password of the URL's userinfo redacted.
    package var description: String {
        switch self {
        case .transport(let code, let message, let url):
            "request to \(URLCredentials.redactingPassword(in: url)) failed: \(message) (curl error \(code))"
        case .responseTooLarge(let limit, let url):
            "response from \(URLCredentials.redactingPassword(in: url)) is larger than the limit of \(limit) bytes"
        }
    }

    /// Whether the failure is a time-out.
    package var isTimeout: Bool {
        if case .transport(let code, _, _) = self { return code == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }
        return false
    }
}

/// A blocking HTTP client over libcurl that reuses connections across requests.
///
/// Each call takes an idle easy handle from a pool, so several threads can send requests at once.
/// Loopback addresses never go through a proxy, whatever `http_proxy` is set to.
package final class HTTPClient: Sendable {
    private static let globalInit: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    private let pool = HandlePool()

    package init() {
        _ = Self.globalInit
    }

    /// Sends `request` and waits for the whole answer.
    ///
    /// - Throws: `HTTPClientError` when no HTTP answer arrived or the body passed the size limit.
    package func send(_ request: HTTPRequest) throws -> HTTPResponse {
        let handle = pool.take()
        defer { pool.giveBack(handle) }
        return try Transfer(handle: handle, request: request).run()
    }
}

private final class HandlePool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [UnsafeMutableRawPointer] = []

    func take() -> UnsafeMutableRawPointer {
        lock.lock()
        defer { lock.unlock() }
        if let handle = idle.popLast() { return handle }
        return curl_easy_init()
    }

    func giveBack(_ handle: UnsafeMutableRawPointer) {
        lock.lock()
        defer { lock.unlock() }
        if idle.count < 16 {
            idle.append(handle)
        } else {
            curl_easy_cleanup(handle)
        }
    }

    deinit {
        idle.forEach { curl_easy_cleanup($0) }
    }
}

private final class Transfer {
    let handle: UnsafeMutableRawPointer
    let request: HTTPRequest
    var body: [UInt8] = []
    var headerLines: [String] = []
    var exceededLimit = false
    var stoppedAfterHeaders = false
    var uploadOffset = 0

    init(handle: UnsafeMutableRawPointer, request: HTTPRequest) {
        self.handle = handle
        self.request = request
    }

    func run() throws -> HTTPResponse {
        curl_easy_reset(handle)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }

        set(CURLOPT_URL, request.url)
        set(CURLOPT_NOPROXY, "localhost,127.0.0.1,::1")
        set(CURLOPT_PROTOCOLS_STR, "http,https,file")
        set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000))
        set(CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
        set(CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0)
        set(CURLOPT_MAXREDIRS, request.maximumRedirects)
        set(CURLOPT_ACCEPT_ENCODING, "")
        set(CURLOPT_USERAGENT, "planable-sync/0.1")
        // A kept-alive connection idle for 20 s or more is not reused, because servers close idle connections after
        // a timeout of their own (the reference server after 30 s). A request sent just as the server closes one
        // gets no response, and a create without a response costs a read-back.
        set(CURLOPT_MAXAGE_CONN, 20)

        switch request.method {
        case "GET":
            set(CURLOPT_HTTPGET, 1)
        case "HEAD":
            set(CURLOPT_NOBODY, 1)
        default:
            set(CURLOPT_CUSTOMREQUEST, request.method)
        }
        if let requestBody = request.body {
            set(CURLOPT_POST, 1)
            set(CURLOPT_CUSTOMREQUEST, request.method)
            planable_curl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(requestBody.count))
            // NOTE: without a seek function, libcurl cannot resend a body that a reused connection took before it
            // closed, and fails with CURLE_SEND_FAIL_REWIND (65). With one, it retries on a new connection, and a
            // refused one gives CURLE_COULDNT_CONNECT (7) for a POST that the server received, which
            // `PlanableAPIError.neverReachedServer` takes for a request never sent.
            planable_curl_setopt_data_callback(handle, CURLOPT_READFUNCTION, readCallback)
            planable_curl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(self).toOpaque())
        }

        var names = Set<String>()
        for (name, value) in request.headers {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
            names.insert(name.lowercased())
        }
        // libcurl adds "Expect: 100-continue" to larger uploads, which costs a round trip on every write.
        if !names.contains("expect") { headerList = curl_slist_append(headerList, "Expect:") }
        planable_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList))

        let context = Unmanaged.passUnretained(self).toOpaque()
        planable_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, writeCallback)
        planable_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        planable_curl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, headerCallback)
        planable_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)

        let code = withExtendedLifetime(self) { curl_easy_perform(handle) }
        if exceededLimit {
            throw HTTPClientError.responseTooLarge(limit: request.maximumResponseBytes, url: request.url)
        }
        guard code == CURLE_OK || (code == CURLE_WRITE_ERROR && stoppedAfterHeaders) else {
            let message = String(cString: curl_easy_strerror(code))
            throw HTTPClientError.transport(code: Int(code.rawValue), message: message, url: request.url)
        }

        var status = 0
        planable_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var redirects = 0
        planable_curl_getinfo_long(handle, CURLINFO_REDIRECT_COUNT, &redirects)
        var effective: UnsafeMutablePointer<CChar>?
        planable_curl_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        // file:// transfers have no status line.
        if status == 0 && request.url.hasPrefix("file:") { status = 200 }
        return HTTPResponse(
            status: status, headers: parseHeaders(), body: body,
            effectiveURL: effective.map { String(cString: $0) } ?? request.url, redirectCount: redirects)
    }

    private func set(_ option: CURLoption, _ value: String) {
        planable_curl_setopt_string(handle, option, value)
    }

    private func set(_ option: CURLoption, _ value: Int) {
        planable_curl_setopt_long(handle, option, value)
    }

    /// Keeps the headers of the last answer only, because each redirect or `100 Continue` starts a new status line.
    private func parseHeaders() -> [String: String] {
        var headers: [String: String] = [:]
        for line in headerLines {
            if line.hasPrefix("HTTP/") {
                headers = [:]
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingHTTPWhitespace().lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingHTTPWhitespace()
        }
        return headers
    }

    fileprivate func receive(_ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int {
        if request.stopAfterHeaders {
            stoppedAfterHeaders = true
            return 0
        }
        if body.count + length > request.maximumResponseBytes {
            exceededLimit = true
            return 0
        }
        buffer.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
        }
        return length
    }

    fileprivate func receiveHeader(_ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int {
        let line = buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        headerLines.append(line)
        return length
    }

    fileprivate func send(_ buffer: UnsafeMutablePointer<CChar>, _ capacity: Int) -> Int {
        guard let requestBody = request.body else { return 0 }
        let count = min(capacity, requestBody.count - uploadOffset)
        guard count > 0 else { return 0 }
        requestBody.withUnsafeBufferPointer { source in
            buffer.withMemoryRebound(to: UInt8.self, capacity: count) { target in
                target.update(from: source.baseAddress! + uploadOffset, count: count)
            }
        }
        uploadOffset += count
        return count
    }
}

private let writeCallback: planable_curl_data_callback = { buffer, size, count, context in
    guard let buffer, let context else { return 0 }
    return Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().receive(buffer, size * count)
}

private let headerCallback: planable_curl_data_callback = { buffer, size, count, context in
    guard let buffer, let context else { return 0 }
    return Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().receiveHeader(buffer, size * count)
}

private let readCallback: planable_curl_data_callback = { buffer, size, count, context in
    guard let buffer, let context else { return 0 }
    return Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().send(buffer, size * count)
}
