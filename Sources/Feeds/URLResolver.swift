/// Resolution of relative references as RFC 3986 section 5 gives it, for URIs and IRIs alike: non-ASCII
/// characters pass through unchanged, as feedparser leaves them.
package enum URLResolver {
    private struct Reference {
        var scheme: String?
        var authority: String?
        var path: String
        var query: String?
        var fragment: String?
    }

    /// Resolves `reference` against `base`; returns `reference` unchanged when there is no base or it is absolute.
    static func resolve(_ reference: String, against base: String?) -> String {
        let trimmed = reference.trimmedWhitespace
        guard let base, !base.isEmpty, !hasScheme(trimmed) else { return trimmed }
        let relative = split(trimmed)
        let root = split(base)
        guard root.scheme != nil else { return trimmed }
        var target = Reference(scheme: root.scheme, authority: nil, path: "", query: nil, fragment: relative.fragment)
        if relative.authority != nil {
            target.authority = relative.authority
            target.path = removeDotSegments(relative.path)
            target.query = relative.query
        } else {
            target.authority = root.authority
            if relative.path.isEmpty {
                target.path = root.path
                target.query = relative.query ?? root.query
            } else {
                if relative.path.hasPrefix("/") {
                    target.path = removeDotSegments(relative.path)
                } else {
                    target.path = removeDotSegments(merge(base: root, path: relative.path))
                }
                target.query = relative.query
            }
        }
        return compose(target)
    }

    /// Whether `reference` starts with a URI scheme such as `http:` or `mailto:`.
    package static func hasScheme(_ reference: String) -> Bool {
        guard let colon = reference.firstIndex(of: ":"), colon != reference.startIndex else { return false }
        let scheme = reference[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter else { return false }
        return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }

    /// Splits a reference into its five components, as the regular expression in RFC 3986 appendix B does.
    private static func split(_ text: String) -> Reference {
        var rest = Substring(text)
        var reference = Reference(path: "")
        if let hash = rest.firstIndex(of: "#") {
            reference.fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: "?") {
            reference.query = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        if let colon = rest.firstIndex(of: ":"), hasScheme(String(rest[...colon])) {
            reference.scheme = String(rest[..<colon]).lowercased()
            rest = rest[rest.index(after: colon)...]
        }
        if rest.hasPrefix("//") {
            let afterSlashes = rest.dropFirst(2)
            let end = afterSlashes.firstIndex(of: "/") ?? afterSlashes.endIndex
            reference.authority = String(afterSlashes[..<end])
            rest = afterSlashes[end...]
        }
        reference.path = String(rest)
        return reference
    }

    private static func merge(base: Reference, path: String) -> String {
        if base.authority != nil && base.path.isEmpty { return "/" + path }
        guard let slash = base.path.lastIndex(of: "/") else { return path }
        return String(base.path[...slash]) + path
    }

    private static func removeDotSegments(_ path: String) -> String {
        var input = Substring(path)
        var output: [Substring] = []
        while !input.isEmpty {
            if input.hasPrefix("../") {
                input = input.dropFirst(3)
            } else if input.hasPrefix("./") {
                input = input.dropFirst(2)
            } else if input.hasPrefix("/./") {
                input = input.dropFirst(2)
            } else if input == "/." {
                input = "/"
            } else if input.hasPrefix("/../") {
                input = input.dropFirst(3)
                if !output.isEmpty { output.removeLast() }
            } else if input == "/.." {
                input = "/"
                if !output.isEmpty { output.removeLast() }
            } else if input == "." || input == ".." {
                input = ""
            } else {
                let start = input.hasPrefix("/") ? input.index(after: input.startIndex) : input.startIndex
                let end = input[start...].firstIndex(of: "/") ?? input.endIndex
                output.append(input[..<end])
                input = input[end...]
            }
        }
        return output.joined()
    }

    private static func compose(_ reference: Reference) -> String {
        var result = ""
        if let scheme = reference.scheme { result += scheme + ":" }
        if let authority = reference.authority { result += "//" + authority }
        result += reference.path
        if let query = reference.query { result += "?" + query }
        if let fragment = reference.fragment { result += "#" + fragment }
        return result
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    var trimmedWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
