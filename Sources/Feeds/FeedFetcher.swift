import Foundation
import HTTPClient

/// The outcome of a conditional GET for a feed.
package enum FeedFetchResult: Sendable {
    /// The server responded 304 Not Modified: the feed is unchanged since the stored validators.
    case notModified
    /// The feed's bytes with the validators to store for the next conditional GET.
    case fetched(
        data: [UInt8], contentType: String?, etag: String?, lastModified: String?, finalURL: String,
        redirects: [String])
}

/// Fetches feeds over libcurl: `http`, `https` and `file` URLs, with conditional GET, a time-out and a size cap.
package struct FeedFetcher: Sendable {
    private let client: HTTPClient
    private let timeout: Double
    private let maximumBytes: Int
    /// The maximum number of redirects followed before the fetch fails.
    package static let maximumRedirects = 5

    /// - Parameters:
    ///   - client: The HTTP client that sends the requests.
    ///   - timeout: The whole transfer's time limit, in seconds.
    ///   - maximumBytes: The largest feed accepted, in bytes.
    package init(client: HTTPClient, timeout: Double, maximumBytes: Int) {
        self.client = client
        self.timeout = timeout
        self.maximumBytes = maximumBytes
    }

    /// Fetches `url`, sending `If-None-Match` and `If-Modified-Since` when validators are given.
    ///
    /// Redirects are followed one by one so that each hop is recorded in `redirects`.
    /// - Throws: `FeedError` with code `fetchFailed` for a transport failure, a time-out, a body over the size
    ///   cap, too many redirects or an HTTP status other than 200 and 304.
    package func fetch(url: String, etag: String?, lastModified: String?) throws -> FeedFetchResult {
        // libcurl reports a missing file as error 37 without the path, and reads a folder as an empty document.
        if url.hasPrefix("file:"), let problem = Self.localFileProblem(url) {
            throw FeedError(
                .fetchFailed, problem.message, remedy: problem.isConfigurationProblem ? .fixConfiguration : .retry)
        }
        var current = url
        var redirects: [String] = []
        while true {
            var headers: [(String, String)] = [
                (
                    "Accept",
                    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8"
                )
            ]
            if let etag { headers.append(("If-None-Match", etag)) }
            if let lastModified { headers.append(("If-Modified-Since", lastModified)) }
            let request = HTTPRequest(
                url: current, headers: headers, timeout: timeout, connectTimeout: min(timeout, 10),
                maximumResponseBytes: maximumBytes, followRedirects: false)
            // Messages show the URLs with the password of their userinfo redacted.
            let shownCurrent = URLCredentials.redactingPassword(in: current)
            let response: HTTPResponse
            do {
                response = try client.send(request)
            } catch let error as HTTPClientError {
                switch error {
                case .responseTooLarge(let limit, _):
                    throw FeedError(.tooLarge, "the feed at \(shownCurrent) is larger than the limit of \(limit) bytes")
                case .transport(let code, let message, _):
                    // The feed's URL is already in the caller's message; only a redirect's target is named here.
                    let request = current == url ? "the request" : "the request to \(shownCurrent)"
                    let kind = error.isTimeout ? "timed out after \(timeout) seconds" : "failed"
                    throw FeedError(.fetchFailed, "\(request) \(kind): \(message) (curl error \(code))")
                }
            }
            switch response.status {
            case 200:
                return .fetched(
                    data: response.body,
                    contentType: current.hasPrefix("file:") ? nil : response.header("content-type"),
                    etag: response.header("etag"), lastModified: response.header("last-modified"), finalURL: current,
                    redirects: redirects)
            case 304:
                return .notModified
            case 301, 302, 303, 307, 308:
                guard let location = response.header("location") else {
                    throw FeedError(
                        .fetchFailed,
                        "\(shownCurrent) responded \(response.status) without a Location header; check the feed URL",
                        remedy: .fixConfiguration)
                }
                guard redirects.count < Self.maximumRedirects else {
                    throw FeedError(
                        .fetchFailed,
                        "\(URLCredentials.redactingPassword(in: url)) redirected more than \(Self.maximumRedirects) "
                            + "times; last hop \(shownCurrent)")
                }
                let next = URLResolver.resolve(location, against: current)
                guard next.hasPrefix("http://") || next.hasPrefix("https://") else {
                    throw FeedError(
                        .fetchFailed,
                        "\(shownCurrent) redirected to \(URLCredentials.redactingPassword(in: next)), which is not an "
                            + "http or https URL",
                        remedy: .fixConfiguration)
                }
                redirects.append(next)
                current = next
            default:
                // A client error other than a time-out or a rate limit shows that the URL names no feed this program
                // may read, such as 404 or 410. Server errors and the rest may pass.
                let urlIsWrong = (400..<500).contains(response.status) && ![408, 425, 429].contains(response.status)
                let advice = urlIsWrong ? "check the feed URL" : "the server may recover"
                let server = current == url ? "the server" : shownCurrent
                throw FeedError(
                    .fetchFailed, "\(server) answered with HTTP status \(response.status); \(advice)",
                    remedy: urlIsWrong ? .fixConfiguration : .retry)
            }
        }
    }

    /// Describes why the file that a `file:` URL names cannot be read as a feed, with its path, or returns nil
    /// when it is a file that this user can open. `isConfigurationProblem` is set when the file is missing, a folder
    /// or not readable for this user, which an operator fixes, and not for an error such as EIO.
    static func localFileProblem(_ url: String) -> (message: String, isConfigurationProblem: Bool)? {
        guard let path = URL(string: url)?.path, !path.isEmpty else { return nil }
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                return ("file \(path) does not exist; check the path or URL of the feed", true)
            }
            return ("cannot read file \(path): \(String(cString: strerror(code)))", code == EACCES || code == EPERM)
        }
        if status.st_mode & S_IFMT == S_IFDIR {
            return ("\(path) is a folder, not a feed file; name the feed file in it", true)
        }
        // O_NONBLOCK keeps a FIFO without a writer from blocking the open.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let code = errno
            let reason = String(cString: strerror(code))
            return (
                "cannot read file \(path): \(reason); make it readable for this user", code == EACCES || code == EPERM
            )
        }
        close(descriptor)
        return nil
    }
}
