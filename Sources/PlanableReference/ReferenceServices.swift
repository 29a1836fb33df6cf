/// The media attached to a post by POST /posts, PATCH /posts/{id} or POST /stories.
struct MediaImport {
    var urls: [String]
    var ids: [String]
    var mediaType: String?
}

/// Work that handlers delegate outside the store: media import.
final class ReferenceServices: Sendable {
    init() {}

    /// The media for a post body's `media` field, or nil when the body has none.
    // TODO: download and inspect each URL as POST /media does; the URLs are attached as given for now.
    func importMedia(_ value: JSONValue?, workspaceID: String, context: APIContext) throws -> MediaImport? {
        guard let value else { return nil }
        let urls = value.arrayValue?.compactMap(\.stringValue) ?? value.stringValue.map { [$0] } ?? []
        return MediaImport(urls: urls, ids: [], mediaType: nil)
    }
}
