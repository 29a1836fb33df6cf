import HTTPClient

/// The error codes the API documents, with unknown codes kept as written.
package enum PlanableErrorCode: Sendable, Equatable, CustomStringConvertible {
    case validationError
    case unauthorized
    case forbidden
    case notFound
    case methodNotAllowed
    case rateLimited
    case postAlreadyPublished
    case publishingInProgress
    case workspaceLimitReached
    case internalError
    case other(String)

    package init(rawValue: String) {
        switch rawValue {
        case "VALIDATION_ERROR": self = .validationError
        case "UNAUTHORIZED": self = .unauthorized
        case "FORBIDDEN": self = .forbidden
        case "NOT_FOUND": self = .notFound
        case "METHOD_NOT_ALLOWED": self = .methodNotAllowed
        case "RATE_LIMITED": self = .rateLimited
        case "POST_ALREADY_PUBLISHED": self = .postAlreadyPublished
        case "PUBLISHING_IN_PROGRESS": self = .publishingInProgress
        case "WORKSPACE_LIMIT_REACHED": self = .workspaceLimitReached
        case "INTERNAL": self = .internalError
        default: self = .other(rawValue)
        }
    }

    package var rawValue: String {
        switch self {
        case .validationError: "VALIDATION_ERROR"
        case .unauthorized: "UNAUTHORIZED"
        case .forbidden: "FORBIDDEN"
        case .notFound: "NOT_FOUND"
        case .methodNotAllowed: "METHOD_NOT_ALLOWED"
        case .rateLimited: "RATE_LIMITED"
        case .postAlreadyPublished: "POST_ALREADY_PUBLISHED"
        case .publishingInProgress: "PUBLISHING_IN_PROGRESS"
        case .workspaceLimitReached: "WORKSPACE_LIMIT_REACHED"
        case .internalError: "INTERNAL"
        case .other(let code): code
        }
    }

    package var description: String { rawValue }
}

/// A failed API call.
///
/// Descriptions never include the token or the request headers.
package enum PlanableAPIError: Error, CustomStringConvertible, Sendable {
    /// The API answered with its documented error body.
    case api(status: Int, code: PlanableErrorCode, message: String, requestId: String?, operation: String)
    /// The answer was not what the contract describes, such as an undecodable body.
    case invalidResponse(status: Int, message: String, operation: String)
    /// No answer arrived: refused connection, time-out, dropped connection.
    case transport(HTTPClientError, operation: String)
    /// The request was not sent because the process is stopping.
    case cancelled(operation: String)

    package var description: String {
        switch self {
        case .api(let status, let code, let message, let requestId, let operation):
            let request = requestId.map { ", request \($0)" } ?? ""
            return "\(operation) failed with \(status) \(code): \(message)\(request)"
        case .invalidResponse(let status, let message, let operation):
            return "\(operation) returned an invalid answer (status \(status)): \(message)"
        case .transport(let error, let operation):
            return "\(operation) got no answer: \(error)"
        case .cancelled(let operation):
            return "\(operation) was not sent because planable-sync is stopping"
        }
    }

    package var status: Int? {
        switch self {
        case .api(let status, _, _, _, _), .invalidResponse(let status, _, _): status
        case .transport, .cancelled: nil
        }
    }

    package var code: PlanableErrorCode? {
        if case .api(_, let code, _, _, _) = self { code } else { nil }
    }

    /// Whether sending the same request again may succeed: a rate limit, a server error or no answer at all.
    /// Validation, authorization and not-found errors are permanent.
    package var isRetryable: Bool {
        switch self {
        case .transport:
            return true
        case .cancelled:
            return false
        case .api(let status, let code, _, _, _):
            return status == 429 || status >= 500 || code == .publishingInProgress
        case .invalidResponse(let status, _, _):
            return status >= 500
        }
    }

    /// Whether the response shows that the configured API URL names something other than Planable's API. That is a
    /// 404 or 405 to `GET /ping` or `GET /workspaces`, which the API always serves. It is also a response to them
    /// with a 4xx status other than 401, 403, 408 and 429 and a body that is not the API's error body. Sending
    /// again cannot help, so this is a configuration error.
    package var showsWrongAPIURL: Bool {
        let status: Int
        let operation: String
        switch self {
        case .api(let apiStatus, _, _, _, let apiOperation):
            guard apiStatus == 404 || apiStatus == 405 else { return false }
            (status, operation) = (apiStatus, apiOperation)
        case .invalidResponse(let answerStatus, _, let answerOperation):
            (status, operation) = (answerStatus, answerOperation)
        case .transport, .cancelled:
            return false
        }
        guard operation == "GET /ping" || operation == "GET /workspaces" else { return false }
        return (400..<500).contains(status) && ![401, 403, 408, 429].contains(status)
    }

    /// Whether a write may have taken effect although no success answer arrived.
    ///
    /// A 429 or another 4xx response means the server did nothing, and so does a connection that never opened. A
    /// 5xx or another missing response leaves it unknown. So does a 2xx whose body cannot be decoded, because the
    /// server did the write but the response does not show what it created.
    package var outcomeIsUnknown: Bool {
        switch self {
        case .transport: !neverReachedServer
        case .cancelled: false
        case .api(let status, _, _, _, _): status >= 500
        case .invalidResponse(let status, _, _): status >= 500 || (200..<300).contains(status)
        }
    }

    /// Whether the request certainly never reached the server, because the connection was refused or the host name
    /// never resolved.
    ///
    /// libcurl fails with CURLE_COULDNT_RESOLVE_HOST (6) or CURLE_COULDNT_CONNECT (7) before it sends a byte. A
    /// connection that timed out gives CURLE_OPERATION_TIMEDOUT (28), like a response that timed out, so it does
    /// not count.
    package var neverReachedServer: Bool {
        guard case .transport(.transport(let code, _, _), _) = self else { return false }
        return code == 6 || code == 7
    }
}
