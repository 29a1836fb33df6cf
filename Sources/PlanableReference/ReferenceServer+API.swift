import Foundation
import HTTPClient
import HTTPServer
import Timestamps

extension ReferenceServer {
    typealias Handler = @Sendable (APIContext) throws -> APIResponse

    /// Handlers by operation key; every operation of the document has one.
    static let handlers: [String: Handler] = {
        var table: [String: Handler] = [
            "GET /ping": WorkspaceHandlers.ping,
            "GET /workspaces": WorkspaceHandlers.list,
            "POST /workspaces": WorkspaceHandlers.create,
            "DELETE /workspaces/{id}": WorkspaceHandlers.delete,
            "GET /members": WorkspaceHandlers.members,
            "GET /pages": PageHandlers.list,
            "GET /posts": PostHandlers.list,
            "POST /posts": PostHandlers.create,
            "GET /posts/{id}": PostHandlers.get,
            "PATCH /posts/{id}": PostHandlers.update,
            "DELETE /posts/{id}": PostHandlers.delete,
            "GET /posts/count": PostHandlers.count,
        ]
        for (key, handler) in extraHandlers { table[key] = handler }
        return table
    }()

    /// Operations whose `media` URLs are downloaded before the store lock is taken, so a slow download blocks no
    /// other request.
    static let downloadsBeforeLock: Set<String> = ["POST /posts", "PATCH /posts/{id}"]

    /// Whether the request names a workspace (POST) or a changeable post (PATCH) the token may use, so that media
    /// is downloaded only for requests that can succeed.
    static func mayImportMedia(
        _ operation: OpenAPIOperation, _ input: RequestInput, token: TokenRecord, store: ReferenceStore
    ) throws -> Bool {
        var workspaceID = input.body["workspaceId"]?.stringValue
        if operation.key == "PATCH /posts/{id}" {
            guard let post = try store.post(id: input.path("id")), post.state != "published", post.state != "publishing"
            else { return false }
            workspaceID = post.workspaceID
        }
        guard let workspaceID, let workspace = try store.workspace(id: workspaceID) else { return false }
        return workspace.companyID == token.companyID
            && (token.allWorkspaces || token.workspaceIDs.contains(workspaceID))
    }

    static func mediaURLs(_ value: JSONValue?) -> [String] {
        value?.arrayValue?.compactMap(\.stringValue) ?? value?.stringValue.map { [$0] } ?? []
    }

    func serveAPI(_ request: HTTPServerRequest, relativePath: String, requestID: String) -> HTTPServerOutcome {
        let now = options.clock.now()
        let requestClass = RateLimiter.RequestClass(method: request.method)
        if requestClass == .write { store.beginWriteRequest() }
        defer { if requestClass == .write { store.endWriteRequest() } }
        // The rate-limit header values for responses sent before the request is counted, computed only when needed.
        var untracked: RateLimiter.Decision { uncountedDecision(request, requestClass: requestClass, now: now) }
        let operation: OpenAPIOperation
        let pathParameters: [String: String]
        switch document.match(method: request.method, path: relativePath.isEmpty ? "/" : relativePath) {
        case .notFound:
            return .respond(
                errorResponse(
                    .notFound("no operation at /api/v1\(relativePath); see GET /api/v1/docs"), requestID, untracked))
        case .methodNotAllowed(let allowed):
            var response = errorResponse(
                .methodNotAllowed(
                    "\(request.method) is not allowed on \(relativePath); use \(allowed.joined(separator: ", "))"),
                requestID, untracked)
            response.headers.append(("Allow", allowed.joined(separator: ", ")))
            return .respond(response)
        case .operation(let matched, let parameters):
            operation = matched
            pathParameters = parameters
        }

        let fault = faults.decide(operationKey: operation.key)
        if let latency = fault.latency { Thread.sleep(forTimeInterval: latency) }
        switch fault.action {
        case .failWith(let status):
            return .respond(
                errorResponse(
                    APIError(status: status, code: "INTERNAL", message: "injected fault on \(operation.key)"),
                    requestID,
                    untracked))
        case .dropConnection:
            return .dropConnection
        case .none, .commitWithoutAnswer:
            break
        }

        let token: TokenRecord
        let cacheKey: String?
        let cached: [UInt8]?
        switch authenticate(request, now: now, operation: operation) {
        case .success(let found): (token, cacheKey, cached) = found
        case .failure(let error): return .respond(errorResponse(error, requestID, untracked))
        }
        let decision = rateLimiter.admit(tokenID: token.id, requestClass: requestClass, now: now)
        guard decision.allowed else {
            let window = Int(rateLimiter.window)
            let error =
                decision.limit == 0
                ? APIError.rateLimited(
                    "the server allows no \(requestClass.rawValue) requests, since its limit is 0 per \(window) "
                        + "seconds; raise it with POST /reference/rate-limits")
                : APIError.rateLimited(
                    "the token made \(decision.limit) \(requestClass.rawValue) requests in the last \(window) seconds; "
                        + "retry after \(Timestamp.format(Double(decision.reset)))")
            return .respond(errorResponse(error, requestID, decision))
        }
        if operation.requiresWrite && !token.canWrite {
            let error = APIError.forbidden(
                "\(operation.key) needs a token with the write scope; this token is read-only")
            return .respond(errorResponse(error, requestID, decision))
        }

        do {
            // A cached response belongs to an identical request that passed validation, so a hit skips validation.
            if let cached {
                if case .commitWithoutAnswer = fault.action { return .dropConnection }
                return .respond(
                    successResponse(APIResponse(status: 200, body: nil, serializedBody: cached), requestID, decision))
            }
            let input = try RequestInput.validate(request, operation: operation, pathParameters: pathParameters)
            guard let handler = Self.handlers[operation.key] else {
                throw APIError.internal("\(operation.key) has no handler")
            }
            var prefetched: [String: Result<FetchedMedia, MediaDownloadError>] = [:]
            if Self.downloadsBeforeLock.contains(operation.key) {
                var urls = Self.mediaURLs(input.body["media"])
                if let thumbnail = input.body["videoThumbnail"]?["imageUrl"]?.stringValue { urls.append(thumbnail) }
                if !urls.isEmpty,
                    try store.withLockUncommitted({
                        try Self.mayImportMedia(operation, input, token: token, store: $0)
                    })
                {
                    prefetched = services.fetchAll(urls)
                }
            }
            let handle = { (store: ReferenceStore) throws -> APIResponse in
                try store.advanceLifecycle(now: now)
                var version: Int64 = 0
                if let cacheKey {
                    version = store.changeCount()
                    if let cached = store.responseCache.lookup(cacheKey, version: version) {
                        return APIResponse(status: 200, body: nil, serializedBody: cached)
                    }
                }
                let context = APIContext(
                    store: store, token: token, now: now, input: input, operation: operation, services: self.services,
                    prefetchedMedia: prefetched, lockedStore: self.store)
                var response = try handler(context)
                if let cacheKey, response.status == 200,
                    let bytes = response.serializedBody ?? response.body?.serialized
                {
                    response.serializedBody = bytes
                    store.responseCache.store(bytes, key: cacheKey, version: version)
                }
                return response
            }
            // Writes share commits with the writes of concurrent requests, and the response waits for the commit
            // (see StoreGate) without holding this HTTP thread.
            let reply = HTTPServerReply()
            store.perform(writing: requestClass == .write, handle) { result in
                reply.send(
                    self.outcome(
                        of: result, operation: operation, requestID: requestID, decision: decision, fault: fault))
            }
            return .deferred(reply)
        } catch {
            return outcome(
                of: .failure(error), operation: operation, requestID: requestID, decision: decision, fault: fault)
        }
    }

    /// Returns the rate-limit header values for a response sent before the request is counted, such as a 404 for
    /// an unknown path or an injected fault. They show the window of the request's token when the token cache
    /// contains the token, so that a client sees its real budget, and a full window otherwise.
    private func uncountedDecision(
        _ request: HTTPServerRequest, requestClass: RateLimiter.RequestClass, now: Double
    ) -> RateLimiter.Decision {
        // Only the token cache is asked: a lookup in the store would record the token's use and wait for the store's
        // lock. A token that the cache does not hold, as after a change to tokens, shows a full window.
        if let header = request.header("authorization"), let plaintext = Self.bearerToken(header),
            case .accepted(let token) = store.tokenCache.check(token: plaintext, now: now, requiringRecentUse: false)
        {
            return rateLimiter.current(tokenID: token.id, requestClass: requestClass, now: now)
        }
        return rateLimiter.untracked(requestClass: requestClass, now: now)
    }

    /// Builds the HTTP outcome of an API request from its handler's result.
    private func outcome(
        of result: Result<APIResponse, any Error>, operation: OpenAPIOperation, requestID: String,
        decision: RateLimiter.Decision, fault: FaultInjector.Decision
    ) -> HTTPServerOutcome {
        switch result {
        case .success(let response):
            if case .commitWithoutAnswer = fault.action { return .dropConnection }
            if let error = response.committedError { return .respond(errorResponse(error, requestID, decision)) }
            return .respond(successResponse(response, requestID, decision))
        case .failure(let error as APIError):
            return .respond(errorResponse(error, requestID, decision))
        case .failure(let error):
            FileHandle.standardError.write(Data("reference server: \(operation.key) failed: \(error)\n".utf8))
            return .respond(
                errorResponse(.internal("the server failed on \(operation.key): \(error)"), requestID, decision))
        }
    }

    /// Finds the request's token and, for a cached operation, its response of the last committed state. A token
    /// that the token cache accepts needs no lock of the store. Another token is checked under the store's lock,
    /// and its response is looked up under the same hold. Returns the token, the cache key when the operation is
    /// cached, and the cached response when there is a current one.
    private func authenticate(
        _ request: HTTPServerRequest, now: Double, operation: OpenAPIOperation
    ) -> Result<(TokenRecord, cacheKey: String?, cached: [UInt8]?), APIError> {
        guard let header = request.header("authorization") else {
            return .failure(.unauthorized("missing Authorization header; send Authorization: Bearer pln_..."))
        }
        guard let plaintext = Self.bearerToken(header) else {
            return .failure(.unauthorized("the Authorization header must be Bearer followed by a pln_ token"))
        }
        let gate = store
        // Looks up the response of a cached operation; a failed lifecycle step is reported by the uncached path,
        // which runs the step again.
        func cachedResponse(_ key: String, _ store: ReferenceStore) -> [UInt8]? {
            try? store.advanceLifecycle(now: now)
            // A response made while a batch is open may show its writes, so it waits for the commit on the
            // uncached path, which looks the cache up again.
            if gate.batchIsOpen { return nil }
            return store.responseCache.lookup(key, version: store.changeCount())
        }
        // A token used within the last second is checked against the token cache alone, without the store's lock,
        // which only a cached operation then takes here.
        let check = gate.tokenCache.check(token: plaintext, now: now)
        if case .accepted(let token) = check {
            guard let key = ResponseCache.key(for: operation, request: request, tokenID: token.id) else {
                return .success((token, nil, nil))
            }
            // A hit needs no lock of the store: the response belongs to its last committed state.
            return .success((token, key, gate.committedResponse(key, now: now)))
        }
        let result = Result {
            try gate.withLockUncommitted { store -> Result<(TokenRecord, String?, [UInt8]?), TokenRejection> in
                let found = try store.authenticate(plaintext, now: now)
                guard case .success(let token) = found else { return found.map { ($0, nil, nil) } }
                if try !store.isAPIEnabled(companyID: token.companyID) { return .failure(.apiDisabled) }
                guard let key = ResponseCache.key(for: operation, request: request, tokenID: token.id) else {
                    return .success((token, nil, nil))
                }
                return .success((token, key, cachedResponse(key, store)))
            }
        }
        switch result {
        case .success(.success(let found)):
            return .success(found)
        case .success(.failure(.expired)):
            return .failure(.unauthorized("the token has expired; create a new token"))
        case .success(.failure(.revoked)):
            return .failure(.unauthorized("the token was revoked; create a new token"))
        case .success(.failure(.unknown)):
            return .failure(.unauthorized("the token is not valid; check that it was copied whole"))
        case .success(.failure(.apiDisabled)):
            return .failure(
                .forbidden(
                    "API access is turned off for this token's company; a company admin turns it on in Planable "
                        + "(on the reference server, POST /reference/companies/{id}/api-access)"))
        case .failure(let error):
            return .failure(.internal("token lookup failed: \(error)"))
        }
    }

    /// Returns the token of an `Authorization: Bearer TOKEN` header value, with HTTP whitespace trimmed, or nil when
    /// the scheme is not Bearer (in any case) or no token follows it. It reads the UTF-8 bytes in place instead of
    /// calling `trimmingHTTPWhitespace` on split parts, because every request runs it.
    static func bearerToken(_ header: String) -> String? {
        var header = header
        return header.withUTF8 { bytes -> String? in
            let scheme: StaticString = "bearer"
            var index = 0
            while index < bytes.count && bytes[index] == 0x20 { index += 1 }
            let schemeStart = index
            while index < bytes.count && bytes[index] != 0x20 { index += 1 }
            guard index - schemeStart == scheme.utf8CodeUnitCount, index + 1 < bytes.count else { return nil }
            for offset in 0..<scheme.utf8CodeUnitCount {
                let byte = bytes[schemeStart + offset]
                let lowered = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                guard lowered == scheme.utf8Start[offset] else { return nil }
            }
            func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
            var start = index + 1
            var end = bytes.count
            while start < end && isBlank(bytes[start]) { start += 1 }
            while end > start && isBlank(bytes[end - 1]) { end -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }

    func successResponse(
        _ response: APIResponse, _ requestID: String, _ decision: RateLimiter.Decision?
    ) -> HTTPServerResponse {
        var headers: [(name: String, value: String)] = [("X-Request-Id", requestID)]
        headers += Self.rateLimitHeaders(decision)
        var body: [UInt8] = []
        if let serialized = response.serializedBody {
            headers.append(("Content-Type", "application/json; charset=utf-8"))
            body = serialized
        } else if let json = response.body {
            headers.append(("Content-Type", "application/json; charset=utf-8"))
            body = json.serialized
        }
        return HTTPServerResponse(status: response.status, headers: headers, body: body)
    }

    func errorResponse(_ error: APIError, _ requestID: String, _ decision: RateLimiter.Decision?) -> HTTPServerResponse
    {
        Self.errorResponse(error, requestID, decision)
    }

    static func errorResponse(
        _ error: APIError, _ requestID: String, _ decision: RateLimiter.Decision?
    ) -> HTTPServerResponse {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json; charset=utf-8"), ("X-Request-Id", requestID),
        ]
        headers += rateLimitHeaders(decision)
        return HTTPServerResponse(
            status: error.status, headers: headers, body: error.body(requestID: requestID).serialized)
    }

    private static func rateLimitHeaders(_ decision: RateLimiter.Decision?) -> [(name: String, value: String)] {
        guard let decision else { return [] }
        return [
            ("X-RateLimit-Limit", String(decision.limit)), ("X-RateLimit-Remaining", String(decision.remaining)),
            ("X-RateLimit-Reset", String(decision.reset)),
        ]
    }
}
