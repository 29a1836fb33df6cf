/// The userinfo of a URL's authority (`user:password@`), which a feed URL may carry for basic authentication.
///
/// Requests use the URL as given, while messages, logs, reports and the state database show it through
/// `redactingPassword(in:)`, so the password stays in the configuration file.
package enum URLCredentials {
    /// The text that replaces the password in a URL that is shown or stored.
    package static let passwordMask = "***"

    /// Returns `url` with the password of its userinfo replaced by `***`, such as `http://client:***@host/feed.xml`.
    /// The user name stays, so that an operator can tell which account the URL uses. A userinfo without a password
    /// is replaced whole (`http://***@host/feed.xml`), because a service may take a token as the user name. A URL
    /// without userinfo, or text that is not an absolute URL with an authority, is returned unchanged.
    package static func redactingPassword(in url: String) -> String {
        guard let userinfo = userinfoRange(in: url) else { return url }
        guard let colon = url[userinfo].firstIndex(of: ":") else {
            return userinfo.isEmpty ? url : url.replacingCharacters(in: userinfo, with: passwordMask)
        }
        let password = url.index(after: colon)..<userinfo.upperBound
        guard !password.isEmpty else { return url }
        return url.replacingCharacters(in: password, with: passwordMask)
    }

    /// Returns `text` with the password of each URL in it redacted as `redactingPassword(in:)` does, for a message
    /// of an earlier version that a state database stored as it was. A URL runs from its scheme to the next white
    /// space, quote or angle bracket.
    package static func redactingPasswords(inText text: String) -> String {
        guard text.contains("://") else { return text }
        let ends: Set<Character> = ["\"", "'", "<", ">", "`"]
        var result = ""
        var rest = Substring(text)
        while let separator = rest.range(of: "://") {
            var start = separator.lowerBound
            while start > rest.startIndex {
                let before = rest.index(before: start)
                let character = rest[before]
                guard character.isASCII, character.isLetter || character.isNumber || "+-.".contains(character) else {
                    break
                }
                start = before
            }
            let end = rest[separator.upperBound...].firstIndex { $0.isWhitespace || ends.contains($0) } ?? rest.endIndex
            result += rest[..<start]
            result += redactingPassword(in: String(rest[start..<end]))
            rest = rest[end...]
        }
        return result + rest
    }

    /// Returns `url` without its userinfo and the `@` after it, such as `http://host/feed.xml`, for a base that
    /// relative links resolve against: a link resolved against the feed's URL would otherwise carry its password.
    package static func removingUserinfo(from url: String) -> String {
        guard let userinfo = userinfoRange(in: url) else { return url }
        return url.replacingCharacters(in: userinfo.lowerBound...userinfo.upperBound, with: "")
    }

    /// Returns the first `/`, `?` or `#` in the password of `url`'s userinfo, or nil when there is none. Such a
    /// character ends the authority, so neither libcurl nor Foundation reads the URL's host as meant; the password
    /// needs it percent-encoded.
    package static func delimiterInPassword(of url: String) -> Character? {
        guard let userinfo = userinfoRange(in: url), let colon = url[userinfo].firstIndex(of: ":") else { return nil }
        return url[url.index(after: colon)..<userinfo.upperBound].first { "/?#".contains($0) }
    }

    /// Returns the range of the userinfo in `url`, between `://` and the `@` that ends it, or nil when there is none.
    /// The authority ends at the first `/`, `?` or `#`, and the last `@` in it ends the userinfo (RFC 3986, 3.2).
    ///
    /// A password with an unencoded `/`, `?` or `#` ends the authority early, in `user:pa/ss@host`. So when the
    /// text before that character has no `@`, and its colon is followed by something other than a port number, the
    /// userinfo runs on to an `@` after it. Messages then do not show such a password either.
    private static func userinfoRange(in url: String) -> Range<String.Index>? {
        guard let separator = url.range(of: "://") else { return nil }
        let scheme = url[..<separator.lowerBound]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        let authorityStart = separator.upperBound
        let isDelimiter: (Character) -> Bool = { "/?#".contains($0) }
        let authorityEnd = url[authorityStart...].firstIndex(where: isDelimiter) ?? url.endIndex
        if let at = url[authorityStart..<authorityEnd].lastIndex(of: "@") { return authorityStart..<at }
        // The early end: `user:pa` is not `host:port`, and an `@` follows.
        let authority = url[authorityStart..<authorityEnd]
        guard !authority.hasPrefix("["), let colon = authority.firstIndex(of: ":") else { return nil }
        let port = authority[authority.index(after: colon)...]
        guard port.isEmpty || !port.allSatisfy({ $0.isASCII && $0.isNumber }),
            let firstAt = url[authorityEnd...].firstIndex(of: "@")
        else { return nil }
        let segmentEnd = url[firstAt...].firstIndex(where: isDelimiter) ?? url.endIndex
        guard let at = url[authorityEnd..<segmentEnd].lastIndex(of: "@") else { return nil }
        return authorityStart..<at
    }
}
