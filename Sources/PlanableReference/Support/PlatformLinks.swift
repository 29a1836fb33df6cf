import Hashing

/// Plausible public URLs for pages and published posts; the server never fetches them.
enum PlatformLinks {
    static let platforms = [
        "linkedin", "facebook", "instagram", "x", "pinterest", "youtube", "tiktok", "threads", "googlebusiness",
    ]

    static func slug(_ name: String) -> String {
        let lowered = name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(lowered).split(separator: "-").joined(separator: "-")
    }

    /// Returns the page's handle on `platform`: its name's slug, with underscores where the network allows no
    /// hyphen.
    static func handle(platform: String, name: String) -> String {
        let slug = slug(name)
        switch platform {
        case "instagram", "x", "tiktok", "threads": return slug.replacingOccurrences(of: "-", with: "_")
        default: return slug
        }
    }

    static func profileLink(platform: String, name: String) -> String {
        let handle = handle(platform: platform, name: name)
        switch platform {
        case "linkedin": return "https://www.linkedin.com/company/\(handle)"
        case "facebook": return "https://www.facebook.com/\(handle)"
        case "instagram": return "https://www.instagram.com/\(handle)"
        case "x": return "https://x.com/\(handle)"
        case "pinterest": return "https://www.pinterest.com/\(handle)"
        case "youtube": return "https://www.youtube.com/@\(handle)"
        case "tiktok": return "https://www.tiktok.com/@\(handle)"
        case "threads": return "https://www.threads.net/@\(handle)"
        default: return "https://business.google.com/\(handle)"
        }
    }

    /// The published post's URL. Its id part comes from the SHA-256 digest of the whole post id, so the same post
    /// always gets the same link, and posts whose ObjectIds differ only in the counter still get different ones.
    ///
    /// NOTE: two different post ids get the same link when their digests agree in the 63 bits that the number
    /// keeps (66 for a shortcode). Among a million posts that has a chance of about one in 18 million.
    ///
    /// - Parameter profileLink: the page's stored link, whose handle the post's link takes when it has the form
    ///   that `profileLink(platform:name:)` gives, as for a page stored before that form changed.
    static func publishedLink(platform: String, pageName: String, postID: String, profileLink: String? = nil) -> String
    {
        let digest = SHA256.digest(Array(postID.utf8))
        let number = String(numericID(digest))
        let code = shortcode(digest)
        let prefix = Self.profileLink(platform: platform, name: "")
        var handle = handle(platform: platform, name: pageName)
        if let profileLink, profileLink.hasPrefix(prefix) {
            let stored = profileLink.dropFirst(prefix.count)
            if !stored.isEmpty && !stored.contains("/") { handle = String(stored) }
        }
        switch platform {
        case "linkedin": return "https://www.linkedin.com/feed/update/urn:li:activity:\(number)"
        case "facebook": return "https://www.facebook.com/\(handle)/posts/\(number)"
        case "instagram": return "https://www.instagram.com/p/\(code)"
        case "x": return "https://x.com/\(handle)/status/\(number)"
        case "pinterest": return "https://www.pinterest.com/pin/\(number)"
        case "youtube": return "https://www.youtube.com/watch?v=\(code)"
        case "tiktok": return "https://www.tiktok.com/@\(handle)/video/\(number)"
        case "threads": return "https://www.threads.net/@\(handle)/post/\(code)"
        default: return "https://business.google.com/posts/\(number)"
        }
    }

    /// Returns a 19-digit number from the first 8 bytes of `digest`, as long as LinkedIn activity, X status and
    /// TikTok video ids.
    private static func numericID(_ digest: [UInt8]) -> UInt64 {
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return 1_000_000_000_000_000_000 + value % 9_000_000_000_000_000_000
    }

    /// Encodes the first 66 bits of `digest` as 11 base64url characters, the form of Instagram and Threads
    /// shortcodes and YouTube video ids.
    private static func shortcode(_ digest: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let bits = digest.prefix(9).reduce(into: [Bool]()) { bits, byte in
            for shift in stride(from: 7, through: 0, by: -1) { bits.append(byte >> UInt8(shift) & 1 == 1) }
        }
        return String(
            (0..<11).map { index in
                let value = bits[index * 6..<index * 6 + 6].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }
                return alphabet[value]
            })
    }

    /// The public share link of a post group, on Planable's share host.
    static func shareLink(groupKey: String) -> String {
        "https://app.planable.io/share/\(groupKey)"
    }
}
