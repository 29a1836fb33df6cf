import Foundation
import HTTPServer

/// The embedded implementation of Planable's Public API v1, on loopback, with its state in SQLite.
///
/// Requests under `/api/v1` follow the OpenAPI document; `/reference/...` holds the controls that Planable leaves
/// to people or that tests need (approve, publish, clock, faults, tokens, statistics).
package final class ReferenceServer: Sendable {
    package let options: ReferenceServerOptions
    let document = OpenAPIDocument.embedded
    let store: StoreGate
    let rateLimiter: RateLimiter
    let faults = FaultInjector()
    let services: ReferenceServices
    let statistics = RequestCounter()
    private let http = LockedValue<HTTPServer?>(nil)
    private let listenHost = LockedValue<String>("127.0.0.1")
    /// Whether this server created the database file, so the seed was applied.
    package let createdDatabase: Bool

    /// Opens (or creates and seeds) the database.
    ///
    /// - Throws: `SQLiteError` or `SQLiteMigrationError` when the file cannot be used.
    package init(options: ReferenceServerOptions) throws {
        self.options = options
        let store = try ReferenceStore(
            path: options.databasePath, clock: options.clock, seed: options.seed,
            publishingSeconds: options.publishingSeconds, exclusiveLocking: options.exclusiveDatabase)
        createdDatabase = store.wasCreated
        self.store = StoreGate(store)
        rateLimiter = RateLimiter(
            readLimit: options.readLimitPerMinute, writeLimit: options.writeLimitPerMinute,
            window: options.rateLimitWindowSeconds)
        services = ReferenceServices(
            downloader: MediaDownloader(
                maximumBytes: options.maximumMediaBytes, allowLoopback: options.allowLoopbackMedia,
                allowPublic: !options.offlineMedia),
            offlineMedia: options.offlineMedia)
        let resumed = try services.resumeImports(store: self.store)
        if resumed > 0 {
            FileHandle.standardError.write(
                Data("reference server: resuming \(resumed) media downloads that the last stop cut short\n".utf8))
        }
    }

    deinit {
        stop()
        store.close()
    }

    /// Starts listening on `host` and `port` (0 for any free port).
    package func start(host: String = "127.0.0.1", port: UInt16 = 0) throws {
        let limits = rateLimiter
        let clock = options.clock
        let server = HTTPServer(
            host: host, port: port, threadCount: options.threadCount, maximumBodyBytes: 4 << 20,
            tooLargeResponse: { limit in
                let error = APIError(
                    status: 413, code: "VALIDATION_ERROR",
                    message: "the request body is larger than \(limit) bytes, the server's limit; send a smaller body")
                return Self.errorResponse(
                    error, Identifiers.requestID(), limits.untracked(requestClass: .write, now: clock.now()))
            }
        ) { [weak self] request in
            guard let self else { return .dropConnection }
            return self.handle(request)
        }
        try server.start()
        listenHost.withLock { $0 = host }
        http.withLock { $0 = server }
    }

    /// The bound port, 0 before `start`.
    package var port: UInt16 {
        http.withLock { $0?.port ?? 0 }
    }

    /// The API base URL, such as `http://127.0.0.1:8080/api/v1`.
    package var baseURL: String {
        let host = listenHost.withLock { $0 }
        let authority = host.contains(":") ? "[\(host)]" : host
        return "http://\(authority):\(port)/api/v1"
    }

    package func stop() {
        let server = http.withLock { server -> HTTPServer? in
            defer { server = nil }
            return server
        }
        server?.stop()
    }

    /// Served API requests (under /api/v1) by HTTP method, such as `["GET": 12, "POST": 3]`.
    package func requestCounts() -> [String: Int] {
        statistics.snapshot()
    }

    package func resetRequestCounts() {
        statistics.reset()
    }

    /// The HTML reference page, generated once from the embedded document.
    static let documentationHTML = DocumentationPage.html(OpenAPIDocument.embedded)

    /// Routes one HTTP request.
    package func handle(_ request: HTTPServerRequest) -> HTTPServerOutcome {
        let requestID = Identifiers.requestID()
        if request.path.hasPrefix("/reference/") || request.path == "/reference" {
            return .respond(handleAdmin(request, requestID: requestID))
        }
        guard request.path == "/api/v1" || request.path.hasPrefix("/api/v1/") else {
            let error = APIError.notFound("no route for \(request.path); the API lives under /api/v1")
            return .respond(errorResponse(error, requestID, nil))
        }
        statistics.count(request.method)
        let relative = String(request.path.dropFirst("/api/v1".count))
        let isDocument = relative == "/openapi.json" || relative.hasPrefix("/docs")
        if isDocument && (request.method == "GET" || request.method == "HEAD") {
            let limits = rateLimiter.untracked(requestClass: .read, now: options.clock.now())
            let headers: [(name: String, value: String)] = [
                ("X-RateLimit-Limit", String(limits.limit)), ("X-RateLimit-Remaining", String(limits.remaining)),
                ("X-RateLimit-Reset", String(limits.reset)), ("X-Request-Id", requestID),
            ]
            if relative == "/openapi.json" {
                return .respond(
                    HTTPServerResponse(
                        status: 200, headers: headers + [("Content-Type", "application/json")],
                        body: Array(servedDocument().utf8)))
            }
            if relative == "/docs" || relative == "/docs/" {
                return .respond(
                    HTTPServerResponse(
                        status: 200, headers: headers + [("Content-Type", "text/html; charset=utf-8")],
                        body: Array(Self.documentationHTML.utf8)))
            }
        }
        if isDocument && ["/openapi.json", "/docs", "/docs/"].contains(relative) {
            var response = errorResponse(
                .methodNotAllowed("\(request.method) is not allowed on /api/v1\(relative); use GET or HEAD"), requestID,
                nil)
            response.headers.append(("Allow", "GET, HEAD"))
            return .respond(response)
        }
        return serveAPI(request, relativePath: relative, requestID: requestID)
    }

    /// Planable's document with its production server URL replaced by this server's, so that a client generated
    /// from it calls the reference server. The rest of the text is served as published.
    func servedDocument() -> String {
        let published = "\"url\": \"\(Self.publishedServerURL)\""
        guard let range = document.text.range(of: published) else { return document.text }
        return document.text.replacingCharacters(in: range, with: "\"url\": \"\(baseURL)\"")
    }

    /// The server URL that Planable's document gives.
    static let publishedServerURL = "https://api.planable.io/api/v1"
}
