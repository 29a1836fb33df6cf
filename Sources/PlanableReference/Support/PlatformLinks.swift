/// Plausible public URLs for pages and published posts; the server never fetches them.
enum PlatformLinks {
    static let platforms = ["linkedin", "facebook", "instagram", "x", "pinterest", "youtube", "tiktok", "threads", "googlebusiness"]

    static func slug(_ name: String) -> String {
        let lowered = name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(lowered).split(separator: "-").joined(separator: "-")
    }

    static func profileLink(platform: String, name: String) -> String {
        let handle = slug(name)
        switch platform {
        case "linkedin": return "https://www.linkedin.com/company/\(handle)"
        case "facebook": return "https://www.facebook.com/\(handle)"
        case "instagram": return "https://www.instagram.com/\(handle.replacingOccurrences(of: "-", with: "_"))"
        case "x": return "https://x.com/\(handle.replacingOccurrences(of: "-", with: "_"))"
        case "pinterest": return "https://www.pinterest.com/\(handle)"
        case "youtube": return "https://www.youtube.com/@\(handle)"
        case "tiktok": return "https://www.tiktok.com/@\(handle)"
        case "threads": return "https://www.threads.net/@\(handle.replacingOccurrences(of: "-", with: "_"))"
        default: return "https://business.google.com/\(handle)"
        }
    }

    /// The published post's URL; the numeric part is derived from the post id, so it is stable.
    static func publishedLink(platform: String, pageName: String, postID: String) -> String {
        let number = String(UInt64(postID.prefix(15), radix: 16) ?? 1)
        let handle = slug(pageName)
        switch platform {
        case "linkedin": return "https://www.linkedin.com/feed/update/urn:li:activity:\(number)"
        case "facebook": return "https://www.facebook.com/\(handle)/posts/\(number)"
        case "instagram": return "https://www.instagram.com/p/\(postID.prefix(11))"
        case "x": return "https://x.com/\(handle)/status/\(number)"
        case "pinterest": return "https://www.pinterest.com/pin/\(number)"
        case "youtube": return "https://www.youtube.com/watch?v=\(postID.prefix(11))"
        case "tiktok": return "https://www.tiktok.com/@\(handle)/video/\(number)"
        case "threads": return "https://www.threads.net/@\(handle)/post/\(postID.prefix(11))"
        default: return "https://business.google.com/posts/\(number)"
        }
    }

    /// The public share link of a post group, on Planable's share host.
    static func shareLink(groupKey: String) -> String {
        "https://app.planable.io/share/\(groupKey)"
    }
}
