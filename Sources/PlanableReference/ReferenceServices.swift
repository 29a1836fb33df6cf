import Dispatch
import Foundation

/// The media attached to a post by POST /posts, PATCH /posts/{id} or POST /stories.
struct MediaImport {
    var urls: [String]
    var ids: [String]
    var mediaType: String?
    /// Whether a video is among the media, which a `videoThumbnail` needs. `mediaType` is `mixed` with or
    /// without one.
    var containsVideo: Bool
}

/// A media URL that was downloaded and recognized.
struct FetchedMedia: Sendable {
    var download: DownloadedMedia
    var inspection: MediaInspector.Inspection
}

/// Media import: downloads outside the store lock, then records the outcome in the media library.
final class ReferenceServices: Sendable {
    let downloader: MediaDownloader
    private let queue = DispatchQueue(label: "planable-reference.media", attributes: .concurrent)
    /// Background imports that have not finished; tests wait on it.
    let pendingImports = DispatchGroup()

    let offlineMedia: Bool

    init(downloader: MediaDownloader, offlineMedia: Bool = false) {
        self.downloader = downloader
        self.offlineMedia = offlineMedia
    }

    /// The media type and MIME type that an offline server records for each file extension it accepts.
    static let offlineTypes: [String: (type: String, mimeType: String)] = [
        "png": ("image", "image/png"), "jpg": ("image", "image/jpeg"), "jpeg": ("image", "image/jpeg"),
        "webp": ("image", "image/webp"), "gif": ("gif", "image/gif"), "mp4": ("video", "video/mp4"),
        "m4v": ("video", "video/mp4"), "mov": ("video", "video/quicktime"), "webm": ("video", "video/webm"),
    ]

    /// File extensions of files that are not media the server accepts, such as documents, audio and the image
    /// formats that a download would not accept either.
    static let offlineNonMedia: Set<String> = [
        "pdf", "txt", "html", "htm", "xml", "json", "csv", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "mp3",
        "wav", "m4a", "ogg", "svg", "bmp", "tif", "tiff", "heic", "avif", "ico", "psd",
    ]

    /// Downloads and inspects `url`; with `offlineMedia`, a URL on another host than loopback is recorded by its
    /// file name instead, without a connection.
    func fetch(_ url: String) -> Result<FetchedMedia, MediaDownloadError> {
        if offlineMedia, let host = URL(string: url)?.host?.lowercased(),
            !(host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127."))
        {
            let name = URL(string: url)?.lastPathComponent.lowercased() ?? ""
            let fileExtension = name.contains(".") ? name.split(separator: ".").last.map(String.init) ?? "" : ""
            let kind: (type: String, mimeType: String)
            if let known = Self.offlineTypes[fileExtension] {
                kind = known
            } else if !Self.offlineNonMedia.contains(fileExtension.lowercased()) {
                // A URL without a file extension, or with a script's such as .php, as many image services serve, is
                // taken for a JPEG image.
                kind = ("image", "image/jpeg")
            } else {
                return .failure(
                    MediaDownloadError(
                        url: url,
                        message: "the file name ends in .\(fileExtension), which is not a PNG, JPEG, GIF or WebP image "
                            + "or an MP4, MOV or WebM video; offline, the server reads the type from the file name",
                        bytesReceived: 0))
            }
            let inspection = MediaInspector.Inspection(
                type: kind.type, mimeType: kind.mimeType, width: nil, height: nil)
            return .success(
                FetchedMedia(
                    download: DownloadedMedia(prefix: [], size: 0, contentType: nil, effectiveURL: url),
                    inspection: inspection))
        }
        do {
            let download = try downloader.download(url)
            guard let inspection = MediaInspector.inspect(download.prefix) else {
                return .failure(
                    MediaDownloadError(
                        url: url,
                        message: "the file is not a PNG, JPEG, GIF or WebP image or an MP4, MOV or WebM video",
                        bytesReceived: download.size))
            }
            return .success(FetchedMedia(download: download, inspection: inspection))
        } catch let error as MediaDownloadError {
            return .failure(error)
        } catch {
            return .failure(MediaDownloadError(url: url, message: "\(error)", bytesReceived: 0))
        }
    }

    /// Downloads every URL at once, at most four at a time.
    func fetchAll(_ urls: [String]) -> [String: Result<FetchedMedia, MediaDownloadError>] {
        let unique = Array(Set(urls))
        let results = LockedValue<[String: Result<FetchedMedia, MediaDownloadError>]>([:])
        let limiter = DispatchSemaphore(value: 4)
        DispatchQueue.concurrentPerform(iterations: unique.count) { index in
            limiter.wait()
            defer { limiter.signal() }
            let result = fetch(unique[index])
            results.withLock { $0[unique[index]] = result }
        }
        return results.withLock { $0 }
    }

    /// Inserts a media row in `processing` and returns its id.
    func insertProcessing(_ store: ReferenceStore, workspaceID: String, url: String, now: Double) throws -> String {
        let id = Identifiers.objectID()
        let name = URL(string: url)?.lastPathComponent.nilIfEmpty ?? "media"
        let fileExtension = name.contains(".") ? name.split(separator: ".").last.map { $0.lowercased() } ?? "" : ""
        let guessed = Self.offlineTypes[fileExtension]?.type ?? "image"
        try store.database.run(
            """
            INSERT INTO media (id, workspace_id, source_url, type, name, mime_type, status, created_at)
            VALUES (?, ?, ?, ?, ?, 'application/octet-stream', 'processing', ?)
            """, [id, workspaceID, url, guessed, name, now])
        return id
    }

    /// Records a finished download on media row `id`. A GIF for a story is recorded as failed, because stories do
    /// not support GIFs, and its URL did not show it when the story was created.
    func record(_ result: Result<FetchedMedia, MediaDownloadError>, id: String, store: ReferenceStore) throws {
        var result = result
        if case .success(let media) = result, media.inspection.type == "gif", try Self.isStoryMedia(id, store) {
            result = .failure(
                MediaDownloadError(
                    url: media.download.effectiveURL, message: "the file is a GIF, and stories do not support GIFs",
                    bytesReceived: media.download.size))
        }
        switch result {
        case .success(let media):
            try store.database.run(
                """
                UPDATE media SET status = 'success', type = ?, mime_type = ?, size = ?, width = ?, height = ?, url = ?,
                    failure = NULL WHERE id = ?
                """,
                [
                    media.inspection.type, media.inspection.mimeType, media.download.size, media.inspection.width,
                    media.inspection.height, media.download.effectiveURL, id,
                ])
        case .failure(let error):
            // The size is the media item's, and a failed download left none, whatever error page it received.
            try store.database.run(
                "UPDATE media SET status = 'error', failure = ?, size = 0 WHERE id = ?", [error.message, id])
        }
    }

    /// Tells whether a story post shows media row `id`.
    static func isStoryMedia(_ id: String, _ store: ReferenceStore) throws -> Bool {
        try store.database.queryFirst(
            """
            SELECT 1 FROM posts, json_each(posts.media_ids)
            WHERE posts.classification = 'story' AND json_each.value = ? LIMIT 1
            """, [id]) != nil
    }

    /// Starts the downloads of the media rows still in `processing`, which a stop cut short, so that they end in
    /// `success` or `error` as clients polling them expect. Returns how many it started.
    @discardableResult
    func resumeImports(store: StoreGate) throws -> Int {
        let rows = try store.withLock { store in
            try store.database.query("SELECT id, source_url FROM media WHERE status = 'processing'")
        }
        for row in rows {
            guard let id = row.string("id"), let url = row.string("source_url") else { continue }
            importLater(id: id, url: url, store: store)
        }
        return rows.count
    }

    /// Downloads media row `id` in the background and records the outcome.
    func importLater(id: String, url: String, store: StoreGate) {
        pendingImports.enter()
        queue.async { [self] in
            defer { pendingImports.leave() }
            let result = fetch(url)
            if case .failure(let error) = result {
                // The media schema has no field for the reason, so the log is where a user finds it.
                FileHandle.standardError.write(
                    Data("reference server: media \(id) from \(url) failed: \(error.message)\n".utf8))
            }
            do {
                try store.withLock { try record(result, id: id, store: $0) }
            } catch {
                FileHandle.standardError.write(Data("reference server: recording media \(id) failed: \(error)\n".utf8))
            }
        }
    }

    /// The media for a post body's `media` field from the downloads made before the request took the store lock.
    ///
    /// - Throws: `APIError.validation` naming the first URL that could not be imported.
    func importMedia(_ value: JSONValue?, workspaceID: String, context: APIContext) throws -> MediaImport? {
        guard let value else { return nil }
        let urls = value.arrayValue?.compactMap(\.stringValue) ?? value.stringValue.map { [$0] } ?? []
        var ids: [String] = []
        var types: [String] = []
        var stored: [String] = []
        for url in urls {
            guard let result = context.prefetchedMedia[url] else {
                throw APIError.internal("media \(url) was not downloaded before the request was handled")
            }
            if case .failure(let error) = result {
                throw APIError.validation("media URL \(url) cannot be imported: \(error.message)")
            }
            guard case .success(let media) = result else { continue }
            let id = try insertProcessing(context.store, workspaceID: workspaceID, url: url, now: context.now)
            try record(result, id: id, store: context.store)
            ids.append(id)
            types.append(media.inspection.type)
            stored.append(media.download.effectiveURL)
        }
        let mediaType = Set(types).count > 1 ? "mixed" : types.first
        return MediaImport(urls: stored, ids: ids, mediaType: mediaType, containsVideo: types.contains("video"))
    }
}

extension ReferenceServices {
    /// Checks that the image URL of `body.videoThumbnail`, when given, was downloaded before the request was
    /// handled and is a static image, as the document describes it.
    func checkThumbnail(_ body: JSONValue, context: APIContext) throws {
        guard let url = body["videoThumbnail"]?["imageUrl"]?.stringValue else { return }
        guard let result = context.prefetchedMedia[url] else {
            throw APIError.internal("thumbnail \(url) was not downloaded before the request was handled")
        }
        switch result {
        case .failure(let error):
            throw APIError.validation("body.videoThumbnail.imageUrl \(url) cannot be imported: \(error.message)")
        case .success(let media) where media.inspection.type != "image":
            throw APIError.validation(
                "body.videoThumbnail.imageUrl \(url) is a \(media.inspection.type), not a static image; give a PNG, "
                    + "JPEG or WebP image, or offsetSeconds for a frame of the video")
        case .success:
            break
        }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
