/// An error answer with the documented body `{"error": {"code", "message", "requestId"}}`.
struct APIError: Error, Equatable {
    var status: Int
    var code: String
    var message: String

    static func validation(_ message: String) -> APIError {
        APIError(status: 400, code: "VALIDATION_ERROR", message: message)
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(status: 401, code: "UNAUTHORIZED", message: message)
    }

    static func forbidden(_ message: String) -> APIError {
        APIError(status: 403, code: "FORBIDDEN", message: message)
    }

    static func notFound(_ message: String) -> APIError {
        APIError(status: 404, code: "NOT_FOUND", message: message)
    }

    static func methodNotAllowed(_ message: String) -> APIError {
        APIError(status: 405, code: "METHOD_NOT_ALLOWED", message: message)
    }

    static func rateLimited(_ message: String) -> APIError {
        APIError(status: 429, code: "RATE_LIMITED", message: message)
    }

    static func alreadyPublished(_ postID: String) -> APIError {
        APIError(
            status: 400, code: "POST_ALREADY_PUBLISHED",
            message:
                "post \(postID) is already published and can no longer be changed; create a new post for a new version")
    }

    static func publishingInProgress(_ postID: String) -> APIError {
        APIError(
            status: 400, code: "PUBLISHING_IN_PROGRESS",
            message: "post \(postID) is being published; retry once GET /posts/\(postID) shows it published or failed")
    }

    static func workspaceLimitReached(_ limit: Int) -> APIError {
        APIError(
            status: 403, code: "WORKSPACE_LIMIT_REACHED",
            message: "the company already has its limit of \(limit) workspaces; delete one before creating another")
    }

    static func `internal`(_ message: String) -> APIError {
        APIError(status: 500, code: "INTERNAL", message: message)
    }

    func body(requestID: String) -> JSONValue {
        ["error": ["code": .string(code), "message": .string(message), "requestId": .string(requestID)]]
    }
}

/// A successful answer: a status and an optional JSON body.
struct APIResponse {
    var status: Int
    var body: JSONValue?
    /// The body already serialized, for an answer from the response cache.
    var serializedBody: [UInt8]?
    /// An error that the server returns although the request's changes are committed. `status` and `body` are
    /// then unused.
    var committedError: APIError?

    init(status: Int, body: JSONValue?, serializedBody: [UInt8]? = nil) {
        self.status = status
        self.body = body
        self.serializedBody = serializedBody
    }

    static func ok(_ body: JSONValue) -> APIResponse { APIResponse(status: 200, body: body) }
    /// A response whose body was written as bytes already.
    static func ok(serialized bytes: [UInt8]) -> APIResponse {
        APIResponse(status: 200, body: nil, serializedBody: bytes)
    }
    static func created(_ body: JSONValue) -> APIResponse { APIResponse(status: 201, body: body) }
    static func created(serialized bytes: [UInt8]) -> APIResponse {
        APIResponse(status: 201, body: nil, serializedBody: bytes)
    }
    static let noContent = APIResponse(status: 204, body: nil)

    /// Returns an error response for a request whose changes are kept, where a thrown error would roll them back.
    static func committedError(_ error: APIError) -> APIResponse {
        var response = APIResponse(status: error.status, body: nil)
        response.committedError = error
        return response
    }
}
