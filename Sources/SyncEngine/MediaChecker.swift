import Foundation
import HTTPClient
import Logging
import Networks

/// Checks each medium before a post refers to it: reachable, an image or video, at most 100 MB.
///
/// URLs are probed with HEAD, falling back to a GET of the first byte (`Range: bytes=0-0`) for servers that do
/// not support HEAD. Results are cached in the state, so each URL is checked once; failures are checked again
/// after nine minutes, because a server may come back, or a file not yet uploaded may appear.
package final class MediaChecker: @unchecked Sendable {
    /// The API's limit per medium.
    package static let maximumBytes = 100 * 1024 * 1024
    /// A minute shorter than the daemon's default `rescan_interval`, because a check happens a moment after a pass
    /// starts. So the next rescan, or a cron job's sync ten minutes later, checks the URL again.
    static let failureRetryInterval: TimeInterval = 540

    /// The set of URLs that are probed over the network.
    package enum Reach: Sendable {
        /// Every URL, as with the real API.
        case everyHost
        /// Loopback URLs only; others are judged by their file extension. The embedded server uses this, so an
        /// offline run never contacts another host.
        case loopbackOnly
    }

    /// A failed check, with a message naming the URL, what is wrong and what to do.
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
        /// When the check failed only because Planable cannot post the medium's type: what showed the type, such as
        /// "it is served as audio/mpeg".
        package var unpostableType: String?

        package init(description: String, unpostableType: String? = nil) {
            self.description = description
            self.unpostableType = unpostableType
        }
    }

    /// The prefix of the `kind` that the cache stores for a failed check of a medium served with a type that
    /// Planable cannot post, before the type.
    static let unpostableTypePrefix = "type:"

    private let state: StateStore
    private let http: HTTPClient
    let reach: Reach
    private let enabled: Bool

    package init(state: StateStore, http: HTTPClient = HTTPClient(), reach: Reach, enabled: Bool = true) {
        self.state = state
        self.http = http
        self.reach = reach
        self.enabled = enabled
    }

    /// Maps `media` to checked public URLs; local files go through `mediaBaseURL`.
    ///
    /// - Returns: The checked media, and warnings for media left out (a local file without a base URL) or not
    ///   probed.
    /// - Parameter optionalLimit: the maximum number of optional media to use; optional media past it, or past
    ///   the API's 20, are not checked.
    /// - Throws: `Failure` for the first medium that is unreachable, too large or not an image or video, unless it
    ///   is optional, in which case it is left out with a warning.
    package func check(
        _ media: [SourceMedia], mediaBaseURL: String?, optionalLimit: Int = .max
    ) throws -> (media: [CheckedMedium], warnings: [String]) {
        var checked: [CheckedMedium] = []
        var warnings: [String] = []
        var optionalUsed = 0
        for medium in media {
            if medium.isOptional && (optionalUsed >= optionalLimit || checked.count >= NetworkRules.apiMaxMedia) {
                continue
            }
            // A feed states the type of an enclosure, and a podcast's audio cannot be posted, so it is left out
            // rather than failing the entry.
            if let type = medium.declaredType, Self.kind(forContentType: type) == .unknown {
                warnings.append(
                    "medium \(medium.location.shown) left out: the feed gives its type as \(type), which is not an "
                        + "image or video that Planable can post")
                continue
            }
            let before = checked.count
            do {
                try check(medium, mediaBaseURL: mediaBaseURL, into: &checked, warnings: &warnings)
            } catch let failure as Failure where medium.isOptional {
                warnings.append("picture left out: \(failure)")
            } catch let failure as Failure where medium.isLeftOutWhenNotPostable {
                // The check learned the type that the feed did not state, as a podcast's audio enclosure shows.
                guard let shown = failure.unpostableType else { throw failure }
                warnings.append(
                    "medium \(medium.location.shown) left out: \(shown), which is not an image or video that "
                        + "Planable can post")
            }
            if medium.isOptional && checked.count > before { optionalUsed += 1 }
        }
        let maximum = NetworkRules.apiMaxMedia
        if checked.count > maximum {
            warnings.append("\(checked.count) media found; only the first \(maximum) are attached, as the API allows")
            checked = Array(checked.prefix(maximum))
        }
        return (checked, warnings)
    }

    /// Checks one medium and appends it to `checked`, unless a medium with its URL is there already.
    private func check(
        _ medium: SourceMedia, mediaBaseURL: String?, into checked: inout [CheckedMedium], warnings: inout [String]
    ) throws {
        switch medium.location {
        case .url(let url):
            guard !checked.contains(where: { $0.url == url }) else { return }
            let (kind, warning) = try probe(url, declaredType: medium.declaredType)
            if let warning { warnings.append(warning) }
            checked.append(CheckedMedium(url: url, kind: kind))
        case .localFile(let path, let sitePath):
            guard let base = mediaBaseURL else {
                warnings.append(
                    "local medium \(sitePath) left out: set media_base_url on the source to publish local files")
                return
            }
            let kind = try checkLocalFile(
                path, reference: sitePath, searched: medium.searchedPaths, note: medium.searchNote)
            let url = Self.join(base, sitePath)
            if !checked.contains(where: { $0.url == url }) { checked.append(CheckedMedium(url: url, kind: kind)) }
        }
    }

    /// Returns a clause that explains a local file's URL built from `base`, the source's `media_base_url`, when
    /// `message` names it, or else an empty string. The API's import errors, such as an HTTP 404, name only the URL.
    static func mediaBaseURLNote(_ message: String, media: [SourceMedia], base: String?) -> String {
        guard let base else { return "" }
        for medium in media {
            guard case .localFile(_, let sitePath) = medium.location else { continue }
            let url = join(base, sitePath)
            guard message.contains(url) else { continue }
            return "; the media URL \(url) is the source's media_base_url \(base) followed by the file's site path "
                + "\(sitePath), so check that media_base_url is the address where the site is published and that "
                + "the site serves the file at that path"
        }
        return ""
    }

    static func join(_ base: String, _ path: String) -> String {
        let trimmedBase = base.hasSuffix("/") ? String(base.dropLast()) : base
        let encoded = path.split(separator: "/", omittingEmptySubsequences: true)
            .map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0) }
        return trimmedBase + "/" + encoded.joined(separator: "/")
    }

    private func checkLocalFile(
        _ path: String, reference: String, searched: [String], note: String?
    ) throws -> MediaKind {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? Int
        else {
            let others = searched.filter { $0 != path }
            let alsoSearched = others.isEmpty ? "" : " (also looked for \(others.joined(separator: ", ")))"
            let reason = note.map { "; \($0)" } ?? ""
            let description =
                "medium \(reference): file \(path) does not exist\(alsoSearched)\(reason); fix the reference or add "
                + "the file"
            throw Failure(description: description)
        }
        if size > Self.maximumBytes {
            throw Failure(description: "medium \(reference) is \(Self.tooLarge(size))")
        }
        let fileExtension = (path as NSString).pathExtension
        let kind = Self.kind(forExtension: fileExtension)
        if kind == .unknown {
            throw Failure(
                description: "medium \(reference) is not an image or video file (by its extension)"
                    + Self.pdfHint(fileExtension),
                unpostableType: fileExtension.isEmpty ? nil : "its extension is .\(fileExtension)")
        }
        return kind
    }

    private func probe(_ url: String, declaredType: String?) throws -> (MediaKind, String?) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https",
            let host = parsed.host
        else {
            throw Failure(
                description: "medium \(url) is not an http or https URL; Planable downloads media by public URL")
        }
        if !enabled || (reach == .loopbackOnly && !Self.isLoopback(host)) {
            // A URL that is not probed is judged by its extension. One without a media extension may still be an
            // image, as a CDN's or a script's (thumb.php?id=3) often is, but an HTML page's extension rules the
            // medium out, as a probe's text/html would.
            let pageExtensions: Set = ["html", "htm", "xhtml"]
            let fileExtension = parsed.pathExtension.lowercased()
            if declaredType == nil, pageExtensions.contains(fileExtension) {
                throw Failure(
                    description: "medium \(url) names an HTML page, not an image or video; link the image or video "
                        + "file itself")
            }
            // So does the extension of a file that Planable cannot post, such as a podcast's audio, so that a feed's
            // enclosure of it is left out instead of being sent as an image that Planable then fails to process.
            if declaredType == nil, Self.unpostableExtensions.contains(fileExtension) {
                throw Failure(
                    description: "medium \(url) is not an image or video (by its extension .\(fileExtension)); "
                        + "link an image or video file\(Self.pdfHint(fileExtension))",
                    unpostableType: "its extension is .\(fileExtension)")
            }
            let kind = declaredType.map(Self.kind(forContentType:)) ?? Self.kind(forExtension: parsed.pathExtension)
            let reason = enabled ? "the embedded server stays on this machine" : "check_media is off"
            return (kind == .unknown ? .image : kind, "medium \(url) was not checked (\(reason))")
        }
        // Earlier versions stored a PDF as a passed check, so such a result is checked again, and now fails.
        if let cached = try cachedResult(url), cached.kind != MediaKind.document.rawValue {
            if cached.ok { return (MediaKind(rawValue: cached.kind) ?? .unknown, nil) }
            let servedType =
                cached.kind.hasPrefix(Self.unpostableTypePrefix)
                ? String(cached.kind.dropFirst(Self.unpostableTypePrefix.count)) : nil
            throw Failure(
                description: cached.message ?? "medium \(url) failed its check",
                unpostableType: servedType.map { "it is served as \($0)" })
        }
        do {
            let kind = try probeOverHTTP(url)
            try store(url, ok: true, kind: kind.rawValue, message: nil)
            return (kind, nil)
        } catch let failure as ServedTypeFailure {
            try store(
                url, ok: false, kind: Self.unpostableTypePrefix + failure.type, message: failure.failure.description)
            throw Self.timed(failure.failure, checkedAt: Date())
        } catch let failure as Failure {
            try store(url, ok: false, kind: MediaKind.unknown.rawValue, message: failure.description)
            throw Self.timed(failure, checkedAt: Date())
        }
    }

    private func probeOverHTTP(_ url: String) throws -> MediaKind {
        var response: HTTPResponse
        do {
            response = try send(HTTPRequest(method: "HEAD", url: url, timeout: 15))
            if !(200..<300).contains(response.status) {
                var ranged = HTTPRequest(url: url, headers: [("Range", "bytes=0-0")], timeout: 15)
                ranged.stopAfterHeaders = true
                response = try send(ranged)
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "medium \(url) is unreachable: \(error); fix the URL or make it public")
        }
        guard (200..<300).contains(response.status) else {
            throw Failure(description: "medium \(url) returned HTTP \(response.status); fix the URL or make it public")
        }
        let contentType = response.header("content-type") ?? ""
        let kind = Self.kind(forContentType: contentType)
        guard kind != .unknown else {
            guard let type = Self.mediaType(contentType) else {
                throw Failure(description: "medium \(url) is served with no content type, not as an image or video")
            }
            throw ServedTypeFailure(
                type: type,
                failure: Failure(
                    description: "medium \(url) is served with type \(contentType), not as an image or video"
                        + (type == "application/pdf" ? Self.pdfHint("pdf") : ""),
                    unpostableType: "it is served as \(type)"))
        }
        if let size = Self.size(of: response), size > Self.maximumBytes {
            throw Failure(description: "medium \(url) is \(Self.tooLarge(size))")
        }
        return kind
    }

    /// The maximum number of redirects followed for one probe.
    static let maximumRedirects = 5

    /// Sends `request`, following redirects here rather than in libcurl, so that each target passes
    /// `redirectTarget` first and a loopback-only check never leaves this machine.
    private func send(_ request: HTTPRequest) throws -> HTTPResponse {
        var request = request
        request.followRedirects = false
        let original = request.url
        for _ in 0...Self.maximumRedirects {
            let response = try http.send(request)
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.header("location") else {
                return response
            }
            request.url = try Self.redirectTarget(
                from: request.url, location: location, original: original, reach: reach)
        }
        throw Failure(
            description: "medium \(original) redirects more than \(Self.maximumRedirects) times; link the file itself")
    }

    /// The absolute URL a redirect from `current` to `location` leads to, when the probe may follow it: an http
    /// or https URL, and on loopback when `reach` is `.loopbackOnly`.
    static func redirectTarget(from current: String, location: String, original: String, reach: Reach) throws -> String
    {
        guard let target = URL(string: location, relativeTo: URL(string: current))?.absoluteURL,
            let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = target.host
        else {
            throw Failure(description: "medium \(original) redirects to \(location), which is not an http or https URL")
        }
        if reach == .loopbackOnly && !isLoopback(host) {
            throw Failure(
                description: "medium \(original) redirects to \(target.absoluteString), off this machine; with the "
                    + "embedded server media are checked on loopback only, so link the final URL")
        }
        return target.absoluteString
    }

    /// The total size from `Content-Range` (`bytes 0-0/12345`) of a ranged response, else `Content-Length`.
    static func size(of response: HTTPResponse) -> Int? {
        if response.status == 206, let range = response.header("content-range"), let slash = range.lastIndex(of: "/") {
            return Int(range[range.index(after: slash)...].trimmingCharacters(in: .whitespaces))
        }
        return response.header("content-length").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// A failed probe of a medium served with a type that Planable cannot post, with the type for the cache.
    private struct ServedTypeFailure: Error {
        var type: String
        var failure: Failure
    }

    /// Returns the lower-cased media type of a `Content-Type` value without its parameters, or nil when it has none.
    static func mediaType(_ contentType: String) -> String? {
        let type =
            contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return type.isEmpty ? nil : type
    }

    static func kind(forContentType contentType: String) -> MediaKind {
        let type = mediaType(contentType) ?? ""
        if type.hasPrefix("image/") && type != "image/svg+xml" { return .image }
        if type.hasPrefix("video/") { return .video }
        return .unknown
    }

    static func kind(forExtension fileExtension: String) -> MediaKind {
        switch fileExtension.lowercased() {
        case "jpg", "jpeg", "png", "gif", "webp", "heic", "avif", "bmp", "tif", "tiff": .image
        case "mp4", "mov", "m4v", "webm", "avi", "mkv": .video
        default: .unknown
        }
    }

    /// Extensions of files that are no image or video: audio, archives, PDF and office documents, and programs. A
    /// URL that is not probed is judged by them, where an unknown extension is taken for an image.
    static let unpostableExtensions: Set = [
        "pdf",
        "mp3", "m4a", "aac", "wav", "ogg", "oga", "opus", "flac", "wma", "aif", "aiff", "mid", "midi",
        "zip", "rar", "7z", "gz", "tgz", "tar", "bz2", "xz",
        "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "txt", "csv", "epub",
        "exe", "msi", "dmg", "apk", "deb", "rpm",
    ]

    /// Returns, for a PDF, the way to a LinkedIn document post through the API, which takes no PDF file.
    static func pdfHint(_ fileExtension: String) -> String {
        guard fileExtension.lowercased() == "pdf" else { return "" }
        return ". Planable's API takes image and video URLs only; for a LinkedIn PDF carousel, give its pages as "
            + "images and set linkedin_document_title"
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }

    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f", Double(bytes) / 1_048_576)
    }

    /// Describes a size over the limit, with the bytes as well, because a file just over 100 MB rounds to "100.0".
    static func tooLarge(_ bytes: Int) -> String {
        "\(megabytes(bytes)) MB (\(grouped(bytes)) bytes); Planable accepts at most 100 MB (\(grouped(maximumBytes)) "
            + "bytes) per medium"
    }

    /// Writes `value` with a comma between groups of three digits, whatever the locale.
    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }

    /// Returns the stored result of `url`'s last check, or nil when there is none or it failed longer ago than
    /// `failureRetryInterval`. A failure's message gives the time of the check and of the next one.
    private func cachedResult(_ url: String) throws -> (ok: Bool, kind: String, message: String?)? {
        try state.withDatabase { database in
            guard let row = try database.queryFirst("SELECT * FROM media_checks WHERE url = ?", [url]) else {
                return nil
            }
            let ok = row.bool("ok") ?? false
            var message = row.string("message")
            if !ok, let checked = StateStore.date(row.string("checked_at")) {
                if Date().timeIntervalSince(checked) > Self.failureRetryInterval { return nil }
                message =
                    Self.timed(Failure(description: message ?? "medium \(url) failed its check"), checkedAt: checked)
                    .description
            }
            return (ok, row.string("kind") ?? "", message)
        }
    }

    /// Adds to a failed check's message the time of the check and the time from which the URL is checked again,
    /// the same on the run that checked it as on later runs that read the stored result.
    private static func timed(_ failure: Failure, checkedAt checked: Date) -> Failure {
        let again = checked.addingTimeInterval(failureRetryInterval)
        var timed = failure
        timed.description +=
            " (checked at \(StateStore.timestamp(checked)); checked again from \(StateStore.timestamp(again)))"
        return timed
    }

    /// Stores a check's result. `kind` is the medium's `MediaKind`, or for a medium served with a type that Planable
    /// cannot post, `unpostableTypePrefix` and the type.
    private func store(_ url: String, ok: Bool, kind: String, message: String?) throws {
        try state.withDatabase { database in
            _ = try database.run(
                """
                INSERT INTO media_checks (url, ok, kind, message, checked_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (url) DO UPDATE SET ok = excluded.ok, kind = excluded.kind,
                    message = excluded.message, checked_at = excluded.checked_at
                """,
                [url, ok, kind, message, StateStore.timestamp()])
        }
    }
}
