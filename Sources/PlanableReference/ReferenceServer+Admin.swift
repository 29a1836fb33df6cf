import Foundation
import HTTPServer
import Timestamps

/// The `/reference/...` controls: statistics, clock, approval and publication, pages, tokens, faults and limits.
///
/// They take no token, because only the loopback process that started the server reaches them.
extension ReferenceServer {
    func handleAdmin(_ request: HTTPServerRequest, requestID: String) -> HTTPServerResponse {
        let segments = request.path.split(separator: "/").dropFirst().map(String.init)
        do {
            var body = JSONValue.object([])
            if !request.body.isEmpty {
                do {
                    body = try JSONParser.parse(request.body)
                } catch let error as JSONParseError {
                    throw APIError.validation("the request body is not valid JSON: \(error.description)")
                }
            }
            let response = try routeAdmin(method: request.method, segments: segments, body: body, request: request)
            return successResponse(response, requestID, nil)
        } catch let error as APIError {
            return errorResponse(error, requestID, nil)
        } catch {
            return errorResponse(.internal("the reference control failed: \(error)"), requestID, nil)
        }
    }

    private func routeAdmin(
        method: String, segments: [String], body: JSONValue, request: HTTPServerRequest
    ) throws -> APIResponse {
        let route = method + " " + segments.joined(separator: "/")
        let second = segments.count > 1 ? segments[1] : ""
        let third = segments.count > 2 ? segments[2] : ""
        switch (method, segments.first ?? "", segments.count) {
        case ("POST", "posts", 3):
            return try postAction(id: second, action: third, body: body)
        case ("POST", "pages", 3) where third == "connect" || third == "disconnect":
            try store.withLock { store in
                guard try store.page(id: second) != nil else { throw APIError.notFound("page \(second) not found") }
                // Posts due before this change publish, or fail, with the connection as it was until now.
                try store.advanceLifecycle(now: options.clock.now())
                try store.setPageConnected(id: second, connected: third == "connect")
            }
            return .noContent
        case ("POST", "companies", 3) where third == "api-access":
            guard let enabled = body["enabled"]?.boolValue else {
                throw APIError.validation("the body needs enabled: true or false")
            }
            let found = try store.withLock { try $0.setAPIEnabled(companyID: second, enabled: enabled) }
            guard found else {
                throw APIError.notFound("company \(second) not found; list companies with GET /reference/companies")
            }
            return .noContent
        case ("DELETE", "tokens", 2):
            let revoked = try store.withLock { try $0.revokeToken(id: second, now: options.clock.now()) }
            guard revoked else { throw APIError.notFound("token \(second) not found or already revoked") }
            return .noContent
        default:
            break
        }
        switch route {
        case "GET stats":
            let counts = requestCounts().sorted { $0.key < $1.key }.map { ($0.key, JSONValue.integer($0.value)) }
            return .ok(["requests": .object(counts)])
        case "POST stats/reset":
            resetRequestCounts()
            return .noContent
        case "GET clock":
            return .ok(clockBody())
        case "POST clock":
            try setClock(body)
            return .ok(clockBody())
        case "GET companies":
            return .ok(try companiesBody())
        case "GET tokens":
            return .ok(try tokensBody())
        case "POST tokens":
            return .created(try createToken(body))
        case "GET faults":
            return .ok(["data": .array(faults.list().map(\.json))])
        case "POST faults":
            return .created(["data": try addFault(body).json])
        case "DELETE faults":
            faults.clear()
            return .noContent
        case "POST rate-limits":
            rateLimiter.setLimits(read: body["read"]?.intValue, write: body["write"]?.intValue)
            return .ok(rateLimitBody())
        case "GET rate-limits":
            return .ok(rateLimitBody())
        case "POST rate-limits/reset":
            rateLimiter.reset()
            return .noContent
        default:
            throw APIError.notFound("no reference control \(method) \(request.path); see docs/reference-server.md")
        }
    }

    private func clockBody() -> JSONValue {
        let now = options.clock.now()
        return [
            "now": .string(Timestamp.format(now)), "unixSeconds": .number(now), "frozen": .bool(options.clock.isFrozen),
        ]
    }

    /// Applies a clock body. `resume` must come alone, and the other fields apply in the order set,
    /// advanceSeconds, run, so a body can freeze a time and let it run on from there.
    private func setClock(_ body: JSONValue) throws {
        guard body["set"] != nil || body["advanceSeconds"] != nil || body["resume"] != nil || body["run"] != nil else {
            throw APIError.validation(
                "give set (a date-time), advanceSeconds (a number), run (true) or resume (true)")
        }
        if body["resume"]?.boolValue == true {
            guard body["set"] == nil, body["advanceSeconds"] == nil, body["run"] == nil else {
                throw APIError.validation(
                    "resume returns the clock to system time, so send it alone, without set, advanceSeconds or run")
            }
            options.clock.resume()
        }
        if let text = body["set"]?.stringValue {
            guard let seconds = Timestamp.parse(text) else {
                throw APIError.validation("clock.set \(text) is not an RFC 3339 date-time")
            }
            options.clock.set(seconds)
        }
        if let seconds = body["advanceSeconds"]?.doubleValue {
            options.clock.advance(by: seconds)
        }
        if body["run"]?.boolValue == true {
            options.clock.run()
        }
        try store.withLock { $0.lifecycleDirty = true }
    }

    private func rateLimitBody() -> JSONValue {
        [
            "read": .integer(rateLimiter.limit(for: .read)), "write": .integer(rateLimiter.limit(for: .write)),
            "windowSeconds": .number(rateLimiter.window),
        ]
    }

    private func companiesBody() throws -> JSONValue {
        try store.withLock { store in
            let rows = try store.database.query("SELECT * FROM companies ORDER BY rowid")
            return [
                "data": .array(
                    rows.map { row in
                        [
                            "id": .optional(row.string("id")), "name": .optional(row.string("name")),
                            "apiEnabled": .bool(row.bool("api_enabled") ?? true),
                        ]
                    })
            ]
        }
    }
}
