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
            _ = try ControlBody(body, control: "POST /reference/pages/{id}/\(third)", fields: [])
            try store.withLock { store in
                guard try store.page(id: second) != nil else { throw APIError.notFound("page \(second) not found") }
                // Posts due before this change publish, or fail, with the connection as it was until now.
                try store.advanceLifecycle(now: options.clock.now())
                try store.setPageConnected(id: second, connected: third == "connect")
            }
            return .noContent
        case ("POST", "companies", 3) where third == "api-access":
            let fields = try ControlBody(
                body, control: "POST /reference/companies/{id}/api-access", fields: ["enabled"])
            guard let enabled = try fields.bool("enabled") else {
                throw fields.missing("enabled", expected: "true or false", example: false)
            }
            let found = try store.withLock { try $0.setAPIEnabled(companyID: second, enabled: enabled) }
            guard found else {
                throw APIError.notFound("company \(second) not found; list companies with GET /reference/companies")
            }
            return .noContent
        case ("DELETE", "tokens", 2):
            _ = try ControlBody(body, control: "DELETE /reference/tokens/{id}", fields: [])
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
            _ = try ControlBody(body, control: "POST /reference/stats/reset", fields: [])
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
            _ = try ControlBody(body, control: "DELETE /reference/faults", fields: [])
            faults.clear()
            return .noContent
        case "POST rate-limits":
            try setRateLimits(body)
            return .ok(rateLimitBody())
        case "GET rate-limits":
            return .ok(rateLimitBody())
        case "POST rate-limits/reset":
            _ = try ControlBody(body, control: "POST /reference/rate-limits/reset", fields: [])
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

    /// Applies a clock body after checking all of it, so a rejected body leaves the clock as it was. `resume`
    /// must come alone, and the other fields apply in the order set, advanceSeconds, run, so a body can freeze a
    /// time and let it run on from there.
    private func setClock(_ body: JSONValue) throws {
        let fields = try ControlBody(
            body, control: "POST /reference/clock", fields: ["set", "advanceSeconds", "run", "resume"])
        let resume = try fields.flag("resume")
        let run = try fields.flag("run")
        let setSeconds = try fields.dateTime("set", example: "2026-06-01T09:00:00Z")
        let advance = try fields.number(
            "advanceSeconds", in: -.greatestFiniteMagnitude ... .greatestFiniteMagnitude,
            expected: "a number of seconds, negative to go back", example: 60)
        guard resume || run || setSeconds != nil || advance != nil else {
            throw APIError.validation(
                "POST /reference/clock needs set (\(ControlBody.dateTimeExpected)), advanceSeconds (a number of seconds), run (true) or "
                    + "resume (true). Send for example {\"advanceSeconds\": 60}")
        }
        if resume {
            guard setSeconds == nil, advance == nil, !run else {
                throw APIError.validation(
                    "resume returns the clock to system time, so send it alone, without set, advanceSeconds or run")
            }
            options.clock.resume()
        } else {
            if let advance {
                let target = (setSeconds ?? options.clock.now()) + advance
                guard ReferenceClock.range.contains(target) else {
                    throw fields.invalid(
                        "advanceSeconds",
                        expected: "a number of seconds that keeps the clock within the years 0000 to 9999", example: 60)
                }
            }
            if let setSeconds { options.clock.set(setSeconds) }
            if let advance { options.clock.advance(by: advance) }
            if run { options.clock.run() }
        }
        try store.withLock { $0.lifecycleDirty = true }
    }

    /// Sets the read and write limits after checking both, so a rejected body changes neither.
    private func setRateLimits(_ body: JSONValue) throws {
        let fields = try ControlBody(body, control: "POST /reference/rate-limits", fields: ["read", "write"])
        let expected = "an integer of 0 or more, the requests allowed per window"
        let read = try fields.integer("read", in: 0...Int.max, expected: expected, example: 600)
        let write = try fields.integer("write", in: 0...Int.max, expected: expected, example: 120)
        guard read != nil || write != nil else {
            throw APIError.validation(
                "POST /reference/rate-limits needs read, write or both, each \(expected). "
                    + "Send for example {\"read\": 600, \"write\": 120}")
        }
        rateLimiter.setLimits(read: read, write: write)
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

/// The JSON object body of a reference control, with readers that check each field's type and range.
///
/// `init` rejects a body that is not an object or that has a field the control does not take. Each reader
/// returns nil for a missing field and throws a 400 `VALIDATION_ERROR` for a present one that is invalid, whose
/// message names the field, its value, what the field must be and an example to send.
struct ControlBody {
    /// The control's method and path template, such as `POST /reference/clock`, for messages.
    let control: String
    private let members: [(String, JSONValue)]

    init(_ body: JSONValue, control: String, fields: [String]) throws {
        self.control = control
        guard let members = body.objectValue else {
            throw APIError.validation(
                "the body of \(control) must be a JSON object, not the \(body.typeName) \(body.serializedString)")
        }
        for (name, _) in members where !fields.contains(name) {
            let accepted = fields.isEmpty ? "takes no fields" : "takes only " + Self.list(fields)
            throw APIError.validation("\(name) is not a field of \(control), which \(accepted)")
        }
        self.members = members
    }

    func value(_ name: String) -> JSONValue? {
        members.first { $0.0 == name }?.1
    }

    func string(_ name: String, expected: String = "a string", example: JSONValue? = nil) throws -> String? {
        guard let value = value(name) else { return nil }
        guard let text = value.stringValue else { throw invalid(name, expected: expected, example: example) }
        return text
    }

    /// Reads a string field that must be one of `choices`.
    func choice(_ name: String, from choices: [String]) throws -> String? {
        let expected = (choices.count > 2 ? "one of " : "") + Self.list(choices, conjunction: "or")
        guard let text = try string(name, expected: expected, example: .string(choices[0])) else { return nil }
        guard choices.contains(text) else { throw invalid(name, expected: expected, example: .string(choices[0])) }
        return text
    }

    /// What a date-time field must be, for messages.
    static let dateTimeExpected = "an RFC 3339 date-time"

    /// Reads an RFC 3339 date-time field as Unix seconds.
    func dateTime(_ name: String, example: String) throws -> Double? {
        guard let text = try string(name, expected: Self.dateTimeExpected, example: .string(example)) else {
            return nil
        }
        guard let seconds = Timestamp.parse(text) else {
            throw invalid(name, expected: Self.dateTimeExpected, example: .string(example))
        }
        return seconds
    }

    func bool(_ name: String) throws -> Bool? {
        guard let value = value(name) else { return nil }
        guard let flag = value.boolValue else { throw invalid(name, expected: "true or false", example: true) }
        return flag
    }

    /// Reads a field that switches something on: true, or left out. False would read as a request to do the
    /// opposite, which no control offers, so it is rejected.
    func flag(_ name: String) throws -> Bool {
        guard let value = value(name) else { return false }
        guard value.boolValue == true else { throw invalid(name, expected: "true, or left out", example: true) }
        return true
    }

    func integer(_ name: String, in range: ClosedRange<Int>, expected: String, example: Int) throws -> Int? {
        guard let value = value(name) else { return nil }
        guard let number = value.intValue, range.contains(number) else {
            throw invalid(name, expected: expected, example: .integer(example))
        }
        return number
    }

    func number(_ name: String, in range: ClosedRange<Double>, expected: String, example: Double) throws -> Double? {
        guard let value = value(name) else { return nil }
        guard let number = value.doubleValue, range.contains(number) else {
            throw invalid(name, expected: expected, example: .number(example))
        }
        return number
    }

    func strings(_ name: String, expected: String) throws -> [String]? {
        guard let value = value(name) else { return nil }
        guard let items = value.arrayValue else { throw invalid(name, expected: expected) }
        return try items.map { item in
            guard let text = item.stringValue else { throw invalid(name, expected: expected) }
            return text
        }
    }

    /// Builds the error for the present field `name`, whose value is not `expected`.
    func invalid(_ name: String, expected: String, example: JSONValue? = nil) -> APIError {
        let value = value(name)?.serializedString ?? "missing"
        return APIError.validation("\(name) is \(value), but it must be \(expected)" + Self.sendExample(name, example))
    }

    /// Builds the error for the required field `name`, which the body lacks.
    func missing(_ name: String, expected: String, example: JSONValue? = nil) -> APIError {
        APIError.validation("\(control) needs \(name), \(expected)" + Self.sendExample(name, example))
    }

    private static func sendExample(_ name: String, _ example: JSONValue?) -> String {
        guard let example else { return "" }
        return ". Send for example " + JSONValue.object([(name, example)]).serializedString
    }

    private static func list(_ names: [String], conjunction: String = "and") -> String {
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " \(conjunction) " + names[names.count - 1]
    }
}
