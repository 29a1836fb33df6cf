import Foundation
import HTTPClient
import Logging

/// The retry settings for requests whose failure may pass.
package struct RetryPolicy: Sendable {
    /// The maximum number of attempts per request, the first one included.
    package var maximumAttempts: Int
    /// The first back-off delay, in seconds; each later one doubles, up to `maximumDelay`, with full jitter.
    package var baseDelay: Double
    package var maximumDelay: Double
    /// The maximum wait for a rate-limit reset, in seconds, before the request fails.
    package var maximumRateLimitWait: Double

    package init(
        maximumAttempts: Int = 5, baseDelay: Double = 0.5, maximumDelay: Double = 30, maximumRateLimitWait: Double = 120
    ) {
        self.maximumAttempts = maximumAttempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.maximumRateLimitWait = maximumRateLimitWait
    }

    /// Returns the delay before attempt `attempt + 1`, a random value up to the exponential bound ("full jitter").
    package func delay(afterAttempt attempt: Int) -> Double {
        let bound = min(maximumDelay, baseDelay * pow(2, Double(attempt - 1)))
        return Double.random(in: 0...bound)
    }
}

/// Counts of the requests a client sent, by class, and of the responses that were rate limits or retries.
package struct RequestStatistics: Sendable, Equatable, Codable {
    package var read = 0
    package var write = 0
    package var rateLimited = 0
    package var retried = 0

    package init() {}
}

/// A step of one create's attempts, which `PlanableClient.createPost` reports so that the caller's record of the
/// create stays in step with what was sent.
package enum CreateAttempt: Sendable {
    /// The request is about to be sent, after every rate-limit and 429 wait. An error thrown for it stops the create
    /// before anything is sent.
    case willSend
    /// The attempt failed in a way that shows that the server created nothing: a 4xx response such as a 429, or a
    /// connection that never opened. A `willSend` follows when the client tries again.
    case notPerformed
}

/// A client for Planable's Public API v1 over libcurl, with bearer authentication, the client-side rate limiter
/// and retries with exponential back-off.
///
/// Reads, updates and deletes retry on a rate limit, a server error or a lost response. A create retries only when
/// the server certainly did nothing (a 429, or a connection that never opened); otherwise it throws, and the
/// caller reads the workspace back to learn whether the post exists, because the API has no idempotency key.
///
/// When every attempt of a request fails because no connection opens, the client takes the API for unreachable
/// and tries each later request once, without back-off, until one gets a response. A run over many items then
/// fails them in turn within milliseconds each, instead of spending the retries on each one.
package final class PlanableClient: @unchecked Sendable {
    package let baseURL: String
    private let token: String
    private let http: HTTPClient
    private let limiter: RateLimiter?
    private let retry: RetryPolicy
    private let clock: any ClientClock
    private let logger: Logger
    private let timeout: Double
    private let lock = NSLock()
    private var statistics = RequestStatistics()
    private var lastRateLimit: [RequestClass: RateLimitInfo] = [:]
    /// Whether the last request that ended got no connection in any of its attempts, with no response since.
    private var unreachable = false
    private var reachableAgainHandler: (@Sendable () -> Void)?

    /// Called when a request gets a response after the client took the API for unreachable, such as for a daemon
    /// to retry at once the work that the outage held back.
    package var onReachableAgain: (@Sendable () -> Void)? {
        get { lock.withLock { reachableAgainHandler } }
        set { lock.withLock { reachableAgainHandler = newValue } }
    }

    /// The time limit of one attempt, in seconds: 30, or `PLANABLE_SYNC_API_TIMEOUT` when set to a positive number.
    ///
    /// Crash-recovery tests shorten it, because a resumed run waits this long for a create that may still be in
    /// flight before it creates the post again.
    package static var defaultTimeout: Double {
        if let text = ProcessInfo.processInfo.environment["PLANABLE_SYNC_API_TIMEOUT"], let seconds = Double(text),
            seconds > 0
        {
            return seconds
        }
        return 30
    }

    /// - Parameters:
    ///   - baseURL: the API root, such as `https://api.planable.io/api/v1`.
    ///   - token: a `pln_` bearer token; it is sent only in the `Authorization` header and never logged.
    ///   - timeout: the time limit of one attempt, in seconds.
    package init(
        baseURL: String, token: String, http: HTTPClient = HTTPClient(), limiter: RateLimiter? = RateLimiter(),
        retry: RetryPolicy = RetryPolicy(), clock: any ClientClock = SystemClock(),
        logger: Logger = Logger(label: "api", destination: .none), timeout: Double = PlanableClient.defaultTimeout
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.http = http
        self.limiter = limiter
        self.retry = retry
        self.clock = clock
        self.logger = logger
        self.timeout = timeout
    }

    /// The time limit of one attempt, in seconds.
    package var requestTimeout: Double { timeout }

    /// The requests sent so far, retries included.
    package var requestStatistics: RequestStatistics {
        lock.withLock { statistics }
    }

    /// The rate-limit headers of the last response of each class.
    package func lastRateLimitInfo(_ requestClass: RequestClass) -> RateLimitInfo? {
        lock.withLock { lastRateLimit[requestClass] }
    }

    // MARK: Operations

    /// Sleeps for `seconds` on the client's clock, and throws `PlanableAPIError.cancelled` when a stop cancels the
    /// clock meanwhile, so that a caller's own wait ends with the process's stop as the client's waits do.
    package func wait(seconds: Double, operation: String) throws {
        clock.sleep(seconds: seconds)
        if clock.isCancelled { throw PlanableAPIError.cancelled(operation: operation) }
    }

    package func ping() throws -> PingResult {
        try send("GET", "/ping", as: PingResult.self)
    }

    /// Lists the workspaces that the token may use. The operation takes no parameters and has no pagination.
    package func listWorkspaces() throws -> [Workspace] {
        try send("GET", "/workspaces", as: DataList<Workspace>.self).data
    }

    /// Lists every page of a workspace, following pagination.
    package func listPages(workspaceId: String) throws -> [Page] {
        var pages: [Page] = []
        var offset = 0
        while true {
            let list = try send(
                "GET", "/pages",
                query: [("workspaceId", workspaceId), ("offset", String(offset)), ("limit", "100")],
                as: DataList<Page>.self)
            pages += list.data
            guard let pagination = list.pagination, pagination.hasMore, !list.data.isEmpty else { return pages }
            offset += list.data.count
        }
    }

    /// One page of a workspace's posts.
    package func listPosts(
        workspaceId: String, pageId: String? = nil, offset: Int = 0, limit: Int = 100
    ) throws
        -> ListPage<Post>
    {
        var query = [("workspaceId", workspaceId), ("offset", String(offset)), ("limit", String(limit))]
        if let pageId { query.append(("pageId", pageId)) }
        let list = try send("GET", "/posts", query: query, as: DataList<Post>.self)
        return ListPage(items: list.data, pagination: list.pagination)
    }

    /// Creates one grouped post, one post per page in `request.pageIds`.
    ///
    /// - Parameter onAttempt: called right before each attempt is sent, after any wait for the rate limit, and
    ///   after each attempt that the server certainly did not carry out. An error it throws ends the create with
    ///   that error, and for `.willSend` nothing is sent.
    package func createPost(
        _ request: CreatePostRequest, onAttempt: (CreateAttempt) throws -> Void = { _ in }
    ) throws -> [Post] {
        try send("POST", "/posts", body: request, as: CreatedPosts.self, onAttempt: onAttempt).posts
    }

    package func getPost(id: String) throws -> Post {
        try send("GET", "/posts/\(Self.escape(id))", as: DataItem<Post>.self).data
    }

    package func updatePost(id: String, _ request: UpdatePostRequest) throws -> Post {
        try send("PATCH", "/posts/\(Self.escape(id))", body: request, as: DataItem<Post>.self).data
    }

    package func deletePost(id: String) throws {
        _ = try sendRaw("DELETE", "/posts/\(Self.escape(id))")
    }

    package func listLabels(workspaceId: String) throws -> [Label] {
        try send("GET", "/labels", query: [("workspaceId", workspaceId)], as: DataList<Label>.self).data
    }

    package func createLabel(workspaceId: String, text: String, color: String) throws -> Label {
        struct Body: Encodable {
            var workspaceId: String
            var text: String
            var color: String
        }
        return try send(
            "POST", "/labels", body: Body(workspaceId: workspaceId, text: text, color: color), as: DataItem<Label>.self
        ).data
    }

    /// Lists every campaign of a workspace, following pagination.
    package func listCampaigns(workspaceId: String) throws -> [Campaign] {
        var campaigns: [Campaign] = []
        var offset = 0
        while true {
            let list = try send(
                "GET", "/campaigns",
                query: [("workspaceId", workspaceId), ("offset", String(offset)), ("limit", "100")],
                as: DataList<Campaign>.self)
            campaigns += list.data
            guard let pagination = list.pagination, pagination.hasMore, !list.data.isEmpty else { return campaigns }
            offset += list.data.count
        }
    }

    // MARK: Transport

    private struct DataList<Element: Decodable & Sendable>: Decodable {
        var data: [Element]
        var pagination: Pagination?
    }

    private struct DataItem<Element: Decodable>: Decodable {
        var data: Element
    }

    private struct CreatedPosts: Decodable {
        var posts: [Post]
    }

    private struct ErrorBody: Decodable {
        struct Detail: Decodable {
            var code: String
            var message: String
            var requestId: String?
        }
        var error: Detail
    }

    private static func escape(_ component: String) -> String {
        component.addingPercentEncoding(
            withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? component
    }

    private func send<Response: Decodable>(
        _ method: String, _ path: String, query: [(String, String)] = [], as type: Response.Type
    ) throws -> Response {
        try decode(sendRaw(method, path, query: query, body: nil), as: type, operation: "\(method) \(path)")
    }

    private func send<Body: Encodable, Response: Decodable>(
        _ method: String, _ path: String, body: Body, as type: Response.Type,
        onAttempt: (CreateAttempt) throws -> Void = { _ in }
    ) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(body)
        let response = try sendRaw(method, path, body: Array(data), onAttempt: onAttempt)
        return try decode(response, as: type, operation: "\(method) \(path)")
    }

    private func decode<Response: Decodable>(
        _ response: HTTPResponse, as type: Response.Type, operation: String
    ) throws
        -> Response
    {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch {
            throw PlanableAPIError.invalidResponse(
                status: response.status, message: "cannot decode the body: \(error)", operation: operation)
        }
    }

    /// Sends one request with rate limiting and retries, and returns a 2xx answer or throws `PlanableAPIError`.
    ///
    /// - Parameter onAttempt: for a create, called before each attempt is sent and after each attempt that the
    ///   server did not carry out; see `createPost`.
    @discardableResult
    private func sendRaw(
        _ method: String, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
        onAttempt: (CreateAttempt) throws -> Void = { _ in }
    ) throws
        -> HTTPResponse
    {
        let requestClass = RequestClass(method: method)
        let operation = "\(method) \(path)"
        let isCreate = method == "POST"
        var url = baseURL + path
        if !query.isEmpty {
            let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))
            url +=
                "?"
                + query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }
                .joined(separator: "&")
        }
        var headers = [("Authorization", "Bearer \(token)"), ("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body, timeout: timeout)

        var attempt = 0
        while true {
            attempt += 1
            limiter?.acquire(requestClass) { seconds in
                logger.info(
                    "waiting for the API rate limit",
                    [
                        "api.operation": operation, "api.request_class": requestClass.rawValue,
                        "api.wait_seconds": String(format: "%.1f", seconds),
                    ])
            }
            if clock.isCancelled { throw PlanableAPIError.cancelled(operation: operation) }
            if isCreate { try onAttempt(.willSend) }
            lock.withLock {
                if requestClass == .read { statistics.read += 1 } else { statistics.write += 1 }
                if attempt > 1 { statistics.retried += 1 }
            }
            let failure: PlanableAPIError
            switch Result(catching: { try http.send(request) }) {
            case .success(let response):
                markReachable(operation: operation)
                let info = RateLimitInfo(headers: response.headers)
                lock.withLock { lastRateLimit[requestClass] = info }
                limiter?.update(requestClass, from: info)
                if (200..<300).contains(response.status) { return response }
                failure = apiError(response, operation: operation)
                if isCreate && !failure.outcomeIsUnknown { try onAttempt(.notPerformed) }
                if response.status == 429 {
                    lock.withLock { statistics.rateLimited += 1 }
                    // A sliding window frees a request within one window, so a later reset comes from a server
                    // clock that runs ahead of this one, and the wait stops at one window.
                    let now = clock.now()
                    let windowEnd = now.addingTimeInterval(limiter?.window ?? RateLimiter.standardWindow)
                    let resetAt = min(info.reset ?? windowEnd, windowEnd)
                    let wait = resetAt.timeIntervalSince(now)
                    guard attempt < attemptLimit, wait <= retry.maximumRateLimitWait else { throw failure }
                    logger.warning(
                        "rate limited; waiting for the reset",
                        ["api.operation": operation, "api.wait_seconds": String(format: "%.1f", max(0, wait))])
                    limiter?.block(requestClass, until: resetAt)
                    clock.sleep(seconds: max(0, wait) + Double.random(in: 0...0.25))
                    // A stop that cut the wait short is no failure of the request, which the server refused.
                    if clock.isCancelled { throw PlanableAPIError.cancelled(operation: operation) }
                    continue
                }
            case .failure(let error as HTTPClientError):
                failure = .transport(error, operation: operation)
                if failure.neverReachedServer {
                    // The request was never sent, so the run's request counts leave it out.
                    lock.withLock { if requestClass == .read { statistics.read -= 1 } else { statistics.write -= 1 } }
                }
                if isCreate && !failure.outcomeIsUnknown { try onAttempt(.notPerformed) }
            case .failure(let error):
                throw error
            }
            let safeToRepeat = !isCreate || failure.neverReachedServer
            guard failure.isRetryable, safeToRepeat, attempt < attemptLimit else {
                if failure.neverReachedServer { markUnreachable(failure, attempts: attempt) }
                throw failure
            }
            let delay = retry.delay(afterAttempt: attempt)
            logger.warning(
                "request failed; retrying",
                [
                    "api.operation": operation, "api.attempt": String(attempt), "error": failure.description,
                    "api.delay_seconds": String(format: "%.2f", delay),
                ])
            clock.sleep(seconds: delay)
            // The attempt that failed may be repeated safely, so a stop during the wait leaves nothing done.
            if clock.isCancelled { throw PlanableAPIError.cancelled(operation: operation) }
        }
    }

    /// The number of attempts a request gets: one while the API is unreachable, else the retry policy's maximum.
    private var attemptLimit: Int {
        lock.withLock { unreachable } ? 1 : retry.maximumAttempts
    }

    /// Records that a request got no connection in `attempts` attempts, so later requests are tried once each.
    private func markUnreachable(_ failure: PlanableAPIError, attempts: Int) {
        let changed = lock.withLock { () -> Bool in
            defer { unreachable = true }
            return !unreachable
        }
        guard changed else { return }
        logger.warning(
            "API unreachable; later requests are tried once each until one gets a response",
            ["api.attempts": String(attempts), "error": failure.description])
    }

    /// Ends the single attempts of an unreachable API once a request of `operation` got a response.
    private func markReachable(operation: String) {
        let changed = lock.withLock { () -> Bool in
            defer { unreachable = false }
            return unreachable
        }
        guard changed else { return }
        logger.info("API reachable again", ["api.operation": operation])
        onReachableAgain?()
    }

    private func apiError(_ response: HTTPResponse, operation: String) -> PlanableAPIError {
        if let body = try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body)) {
            return .api(
                status: response.status, code: PlanableErrorCode(rawValue: body.error.code),
                message: body.error.message, requestId: body.error.requestId, operation: operation)
        }
        // The excerpt goes on one line, so that a web server's HTML error page keeps a log line whole.
        let text = String(decoding: response.body.prefix(200), as: UTF8.self)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard !text.isEmpty else {
            return .invalidResponse(status: response.status, message: "no error body", operation: operation)
        }
        // Planable's API sends its JSON error body, or no body, with a 4xx status, so another body most likely
        // comes from another server at the configured URL.
        let hint =
            (400..<500).contains(response.status)
            ? "; this is not an error body of Planable's API, so check that the configuration's api url names "
                + "the API, such as https://api.planable.io/api/v1"
            : ""
        return .invalidResponse(status: response.status, message: text + hint, operation: operation)
    }
}
