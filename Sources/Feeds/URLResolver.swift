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
        let bytes = reference.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return false }
        return isScheme(bytes[..<colon])
    }

    /// Tells whether `bytes` are a scheme: an ASCII letter, then ASCII letters, digits, `+`, `-` and `.`.
    private static func isScheme<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard let first = bytes.first, isASCIILetter(first) else { return false }
        return bytes.allSatisfy {
            isASCIILetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "+")
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
        }
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// Splits a reference into its five components, as the regular expression in RFC 3986 appendix B does. It works
    /// on UTF-8 bytes, because every delimiter is ASCII and no other character's UTF-8 contains an ASCII byte.
    private static func split(_ text: String) -> Reference {
        let bytes = Array(text.utf8)
        func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        var reference = Reference(path: "")
        var end = bytes.count
        if let hash = bytes.firstIndex(of: UInt8(ascii: "#")) {
            reference.fragment = string((hash + 1)..<end)
            end = hash
        }
        if let question = bytes[..<end].firstIndex(of: UInt8(ascii: "?")) {
            reference.query = string((question + 1)..<end)
            end = question
        }
        var start = 0
        if let colon = bytes[..<end].firstIndex(of: UInt8(ascii: ":")), isScheme(bytes[..<colon]) {
            reference.scheme = string(0..<colon).lowercased()
            start = colon + 1
        }
        if bytes[start..<end].starts(with: "//".utf8) {
            let authorityStart = start + 2
            let authorityEnd = bytes[authorityStart..<end].firstIndex(of: UInt8(ascii: "/")) ?? end
            reference.authority = string(authorityStart..<authorityEnd)
            start = authorityEnd
        }
        reference.path = string(start..<end)
        return reference
    }

    private static func merge(base: Reference, path: String) -> String {
        if base.authority != nil && base.path.isEmpty { return "/" + path }
        guard let slash = base.path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(base.path[...slash]) + path
    }

    /// Removes `.` and `..` segments as RFC 3986 section 5.2.4 does, on UTF-8 bytes.
    private static func removeDotSegments(_ path: String) -> String {
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        var input = ArraySlice(path.utf8)
        var output: [ArraySlice<UInt8>] = []
        func starts(_ prefix: [UInt8]) -> Bool { input.starts(with: prefix) }
        while !input.isEmpty {
            if starts([dot, dot, slash]) {
                input = input.dropFirst(3)
            } else if starts([dot, slash]) {
                input = input.dropFirst(2)
            } else if starts([slash, dot, slash]) {
                input = input.dropFirst(2)
            } else if input.elementsEqual([slash, dot]) {
                input = [slash]
            } else if starts([slash, dot, dot, slash]) {
                input = input.dropFirst(3)
                if !output.isEmpty { output.removeLast() }
            } else if input.elementsEqual([slash, dot, dot]) {
                input = [slash]
                if !output.isEmpty { output.removeLast() }
            } else if input.elementsEqual([dot]) || input.elementsEqual([dot, dot]) {
                input = []
            } else {
                let segmentStart = input.first == slash ? input.startIndex + 1 : input.startIndex
                let segmentEnd = input[segmentStart...].firstIndex(of: slash) ?? input.endIndex
                output.append(input[..<segmentEnd])
                input = input[segmentEnd...]
            }
        }
        return String(decoding: output.joined(), as: UTF8.self)
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
