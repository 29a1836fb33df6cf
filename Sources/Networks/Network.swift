import Foundation

/// A social network, named as the Planable API reports a page's `platform`.
package enum Network: Hashable, Sendable, CustomStringConvertible {
    case linkedin
    case facebook
    case instagram
    case x
    case pinterest
    case youtube
    case tiktok
    case threads
    case googleBusiness
    /// A platform name this version does not know. Checks apply permissive defaults and report a warning.
    case unknown(String)

    /// Every network with rules of its own, in the order previews list them.
    package static let known: [Network] = [
        .linkedin, .facebook, .instagram, .x, .pinterest, .youtube, .tiktok, .threads, .googleBusiness,
    ]

    /// Maps a platform name to a network, ignoring case and surrounding spaces. `twitter` is taken as `x`.
    package init(platform: String) {
        let name = platform.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        switch name {
        case "linkedin": self = .linkedin
        case "facebook": self = .facebook
        case "instagram": self = .instagram
        case "x", "twitter": self = .x
        case "pinterest": self = .pinterest
        case "youtube": self = .youtube
        case "tiktok": self = .tiktok
        case "threads": self = .threads
        case "googlebusiness", "google_business", "google-business": self = .googleBusiness
        default: self = .unknown(platform)
        }
    }

    /// The platform name as the API writes it.
    package var platform: String {
        switch self {
        case .linkedin: return "linkedin"
        case .facebook: return "facebook"
        case .instagram: return "instagram"
        case .x: return "x"
        case .pinterest: return "pinterest"
        case .youtube: return "youtube"
        case .tiktok: return "tiktok"
        case .threads: return "threads"
        case .googleBusiness: return "googlebusiness"
        case .unknown(let name): return name
        }
    }

    /// The name people know the network by, for messages.
    package var displayName: String {
        switch self {
        case .linkedin: return "LinkedIn"
        case .facebook: return "Facebook"
        case .instagram: return "Instagram"
        case .x: return "X"
        case .pinterest: return "Pinterest"
        case .youtube: return "YouTube"
        case .tiktok: return "TikTok"
        case .threads: return "Threads"
        case .googleBusiness: return "Google Business Profile"
        case .unknown(let name): return "\"\(name)\""
        }
    }

    package var description: String { platform }
}
