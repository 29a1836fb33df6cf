import Foundation
import Networks

/// The limits that the request body of `POST /posts` in Planable's OpenAPI document sets on each text field,
/// whatever the network: the document's `maxLength` of each property, and `format: uri` for the Pinterest link.
///
/// JSON Schema counts `maxLength` in Unicode code points, and so does this check.
/// NOTE: the document does not say how Planable's server counts, so text near a limit may still be rejected.
enum RequestFieldLimits {
    static let text = 25_000
    static let firstComment = 8_000
    static let internalNote = 8_000
    static let youtubeTitle = 100
    static let linkedinTitle = 150
    static let pinterestTitle = 100
    static let pinterestDescription = 500

    /// Returns a message for each field of `payload` that the API would reject.
    ///
    /// - Parameter reported: the network rules that the network check already reported for the post, so that a
    ///   field over both limits gets one message.
    static func violations(_ payload: PostPayload, reported: Set<NetworkViolation.Rule>) -> [String] {
        var fields: [(name: String, value: String?, limit: Int)] = []
        if !reported.contains(.textLength) { fields.append(("text", payload.text, text)) }
        if !reported.contains(.firstCommentLength) {
            fields.append(("first comment", payload.firstComment, firstComment))
        }
        fields.append(("internal note", payload.internalNote, internalNote))
        if !reported.contains(.titleLength) {
            fields.append(("YouTube title", payload.youtubeTitle, youtubeTitle))
            fields.append(("Pinterest title", payload.pinterest?.title, pinterestTitle))
        }
        fields.append(("LinkedIn PDF carousel title", payload.linkedinPdfTitle, linkedinTitle))
        fields.append(("LinkedIn video title", payload.linkedinVideoTitle, linkedinTitle))
        fields.append(("Pinterest description", payload.pinterest?.description, pinterestDescription))

        var messages: [String] = []
        for field in fields {
            guard let value = field.value else { continue }
            let length = value.unicodeScalars.count
            if length > field.limit {
                messages.append(
                    "\(field.name) is \(length) characters; the Planable API accepts at most \(field.limit)")
            }
        }
        if let link = payload.pinterest?.link, !isAbsoluteURL(link) {
            messages.append(
                "Pinterest link \"\(link)\" is not an absolute URL; the Planable API needs one such as "
                    + "https://example.com/page")
        }
        return messages
    }

    /// Tells whether `text` is an absolute URL with a scheme and a host, as the document's `format: uri` requires.
    private static func isAbsoluteURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme, !scheme.isEmpty, let host = url.host else {
            return false
        }
        return !host.isEmpty
    }
}
