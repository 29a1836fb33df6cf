/// The look of a network in previews: its name, brand colours and the actions under a post.
package struct NetworkPresentation: Sendable, Equatable {
    package var displayName: String
    /// The brand colour as a CSS hex colour, for the card's accent and the page avatar.
    package var brandColor: String
    /// A readable text colour on `brandColor`.
    package var textOnBrandColor: String
    /// The labels of the action row under a post, as the network shows them.
    package var actions: [String]
}

/// The presentation of each network in the HTML plan preview.
///
/// The colours are the networks' published brand colours as recalled, not checked against their
/// brand guidelines: a preview only needs each card to be recognizable.
package enum NetworkCatalog {
    /// Returns the presentation of `network`; an unknown network gets a neutral grey.
    package static func presentation(for network: Network) -> NetworkPresentation {
        switch network {
        case .linkedin:
            return NetworkPresentation(
                displayName: "LinkedIn", brandColor: "#0A66C2", textOnBrandColor: "#FFFFFF",
                actions: ["Like", "Comment", "Repost", "Send"])
        case .facebook:
            return NetworkPresentation(
                displayName: "Facebook", brandColor: "#1877F2", textOnBrandColor: "#FFFFFF",
                actions: ["Like", "Comment", "Share"])
        case .instagram:
            return NetworkPresentation(
                displayName: "Instagram", brandColor: "#E1306C", textOnBrandColor: "#FFFFFF",
                actions: ["Like", "Comment", "Share", "Save"])
        case .x:
            return NetworkPresentation(
                displayName: "X", brandColor: "#000000", textOnBrandColor: "#FFFFFF",
                actions: ["Reply", "Repost", "Like", "Views"])
        case .pinterest:
            return NetworkPresentation(
                displayName: "Pinterest", brandColor: "#E60023", textOnBrandColor: "#FFFFFF",
                actions: ["Save", "Share"])
        case .youtube:
            return NetworkPresentation(
                displayName: "YouTube", brandColor: "#FF0000", textOnBrandColor: "#FFFFFF",
                actions: ["Like", "Dislike", "Share", "Save"])
        case .tiktok:
            return NetworkPresentation(
                displayName: "TikTok", brandColor: "#FE2C55", textOnBrandColor: "#FFFFFF",
                actions: ["Like", "Comment", "Favorite", "Share"])
        case .threads:
            return NetworkPresentation(
                displayName: "Threads", brandColor: "#101010", textOnBrandColor: "#FFFFFF",
                actions: ["Like", "Reply", "Repost", "Share"])
        case .googleBusiness:
            return NetworkPresentation(
                displayName: "Google Business Profile", brandColor: "#4285F4", textOnBrandColor: "#FFFFFF",
                actions: ["Learn more", "Share"])
        case .unknown(let name):
            return NetworkPresentation(
                displayName: name, brandColor: "#6B7280", textOnBrandColor: "#FFFFFF", actions: ["Share"])
        }
    }
}
