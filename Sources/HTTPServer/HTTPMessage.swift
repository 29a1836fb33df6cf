/// An HTTP request as the server received it, with its whole body.
package struct HTTPServerRequest: Sendable {
    package var method: String
    /// The path without the query string, percent-decoded by libmicrohttpd.
    package var path: String
    /// The query arguments in the order they appear; a key without `=` has an empty value.
    package var query: [(name: String, value: String)]
    /// The headers in the order received, with lower-cased names. A list, not a dictionary, because a request
    /// has a handful of headers and building a dictionary for each request cost more than searching the list.
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package init(
        method: String, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The value of header `name` in any case, with the values of a repeated header joined with ", ", as RFC 9110
    /// allows.
    package func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        var found: String?
        for header in headers where header.name == lowered {
            found = found.map { $0 + ", " + header.value } ?? header.value
        }
        return found
    }

    /// Every value of the query argument `name`, in order.
    package func queryValues(_ name: String) -> [String] {
        query.filter { $0.name == name }.map(\.value)
    }
}

/// A response to send: status, headers and body.
package struct HTTPServerResponse: Sendable {
    package var status: Int
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// What a handler decides for one request.
package enum HTTPServerOutcome: Sendable {
    case respond(HTTPServerResponse)
    /// Closes the connection without sending any answer.
    case dropConnection
    /// The outcome comes later through the reply; a reply that sends `deferred` again drops the connection.
    case deferred(HTTPServerReply)
}

/// A handler that turns a request into an outcome; it runs on one of the server's pool threads.
package typealias HTTPServerHandler = @Sendable (HTTPServerRequest) -> HTTPServerOutcome

/// A server that could not start.
package enum HTTPServerError: Error, CustomStringConvertible, Equatable {
    case invalidAddress(String)
    case startFailed(host: String, port: UInt16)
    case alreadyStarted

    package var description: String {
        switch self {
        case .invalidAddress(let host):
            "invalid listen address \(host): use an IPv4 or IPv6 literal such as 127.0.0.1 or ::1"
        case .startFailed(let host, let port):
            "cannot listen on \(host) port \(port): the port may be in use; choose another port or 0 for any free port"
        case .alreadyStarted:
            "the server is already running; stop it before starting it again"
        }
    }
}
