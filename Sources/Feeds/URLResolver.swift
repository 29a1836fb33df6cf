import CLibXML2
import Glibc

/// Resolution of relative references (RFC 3986) with libxml2's URI code.
enum URLResolver {
    /// Resolves `reference` against `base`; returns `reference` unchanged when there is no base or it is absolute.
    static func resolve(_ reference: String, against base: String?) -> String {
        let trimmed = reference.trimmedWhitespace
        guard let base, !base.isEmpty else { return trimmed }
        if hasScheme(trimmed) { return trimmed }
        guard let built = xmlBuildURI(trimmed, base) else { return trimmed }
        defer { free(built) }
        return String(cString: built)
    }

    /// Whether `reference` starts with a URI scheme such as `http:` or `mailto:`.
    static func hasScheme(_ reference: String) -> Bool {
        guard let colon = reference.firstIndex(of: ":"), colon != reference.startIndex else { return false }
        let scheme = reference[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter else { return false }
        return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
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
