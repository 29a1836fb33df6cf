/// Finds the URLs in a text the way twitter-text recognizes them, closely enough for length counting.
///
/// The scanner recognizes `http://` and `https://` URLs whose host is a domain with a letter-only
/// top-level label, an IPv4 address or a bracketed IPv6 address. It also recognizes URLs without a
/// scheme whose domain ends in a known top-level domain, such as `example.com/path`. Host labels longer than 63 code points make
/// the URL invalid, as in twitter-text. Trailing punctuation and unbalanced closing brackets stay outside.
///
/// NOTE: twitter-text checks the full IANA list of top-level domains and the punycode length of
/// non-ASCII hosts. This scanner knows the country codes and common generic domains only, so a bare
/// domain under a rarer top-level domain counts per character here and as 23 on X.
enum URLScanner {
    /// Returns the ranges of the URLs in `scalars`, as offsets in order.
    static func urlRanges(in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < scalars.count {
            if let end = urlEnd(in: scalars, from: index) {
                ranges.append(index..<end)
                index = end
            } else {
                index += 1
            }
        }
        return ranges
    }

    private static func urlEnd(in scalars: [Unicode.Scalar], from start: Int) -> Int? {
        let previous = start > 0 ? scalars[start - 1] : nil
        if let previous, previous.isASCIIAlphanumeric || "@$#＠＃".unicodeScalars.contains(previous) {
            return nil
        }
        if let schemeLength = schemeLength(in: scalars, at: start) {
            guard let hostEnd = hostEnd(in: scalars, from: start + schemeLength, requireKnownTLD: false) else {
                return nil
            }
            return pathEnd(in: scalars, from: hostEnd)
        }
        guard scalars[start].isASCIIAlphanumeric else { return nil }
        if let previous, "-_./".unicodeScalars.contains(previous) { return nil }
        guard let hostEnd = hostEnd(in: scalars, from: start, requireKnownTLD: true) else { return nil }
        return pathEnd(in: scalars, from: hostEnd)
    }

    private static func schemeLength(in scalars: [Unicode.Scalar], at start: Int) -> Int? {
        for scheme in ["https://", "http://"] {
            let schemeScalars = Array(scheme.unicodeScalars)
            guard start + schemeScalars.count <= scalars.count else { continue }
            let matches = schemeScalars.indices.allSatisfy {
                Character(scalars[start + $0]).lowercased() == String(schemeScalars[$0])
            }
            if matches { return schemeScalars.count }
        }
        return nil
    }

    /// Returns the offset after a valid host (and port) that starts at `start`, or nil.
    private static func hostEnd(in scalars: [Unicode.Scalar], from start: Int, requireKnownTLD: Bool) -> Int? {
        var end = start
        if !requireKnownTLD, start < scalars.count, scalars[start] == "[" {
            while end < scalars.count, scalars[end] != "]", !scalars[end].properties.isWhitespace { end += 1 }
            guard end < scalars.count, scalars[end] == "]", end > start + 2 else { return nil }
            return portEnd(in: scalars, from: end + 1)
        }
        while end < scalars.count, isHostScalar(scalars[end], asciiOnly: requireKnownTLD) { end += 1 }
        var host = Array(scalars[start..<end])
        while let last = host.last, last == "." || last == "-" {
            host.removeLast()
            end -= 1
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false).map { Array($0) }
        guard labels.count >= 2 else { return nil }
        if !requireKnownTLD, labels.count == 4, labels.allSatisfy(isIPv4Octet) {
            return portEnd(in: scalars, from: end)
        }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.first != "-", label.last != "-" else { return nil }
        }
        let topLevel = String(String.UnicodeScalarView(labels[labels.count - 1])).lowercased()
        if requireKnownTLD {
            guard knownTopLevelDomains.contains(topLevel) else { return nil }
            // A bare domain followed by "@" is the local part of something else, such as "a.io@b".
            if end < scalars.count, scalars[end] == "@" { return nil }
        } else {
            guard topLevel.count >= 2, topLevel.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic }) else {
                return nil
            }
        }
        return portEnd(in: scalars, from: end)
    }

    private static func portEnd(in scalars: [Unicode.Scalar], from start: Int) -> Int {
        guard start < scalars.count, scalars[start] == ":" else { return start }
        var end = start + 1
        while end < scalars.count, scalars[end].properties.numericType == .decimal, scalars[end].isASCII { end += 1 }
        return end > start + 1 ? end : start
    }

    /// Extends a URL over its path, query and fragment, then drops trailing punctuation.
    private static func pathEnd(in scalars: [Unicode.Scalar], from start: Int) -> Int {
        guard start < scalars.count, "/?#".unicodeScalars.contains(scalars[start]) else { return start }
        var end = start
        while end < scalars.count, !scalars[end].properties.isWhitespace,
            !"\"<>\\^`{|}".unicodeScalars.contains(scalars[end])
        {
            end += 1
        }
        while end > start {
            let last = scalars[end - 1]
            if ".,;:!?'\"".unicodeScalars.contains(last) {
                end -= 1
            } else if let open = closingBrackets[last], unbalanced(scalars[start..<end], open: open, close: last) {
                end -= 1
            } else {
                break
            }
        }
        return end
    }

    private static let closingBrackets: [Unicode.Scalar: Unicode.Scalar] = [")": "(", "]": "["]

    private static func unbalanced(
        _ path: ArraySlice<Unicode.Scalar>, open: Unicode.Scalar, close: Unicode.Scalar
    ) -> Bool {
        path.filter { $0 == close }.count > path.filter { $0 == open }.count
    }

    private static func isHostScalar(_ scalar: Unicode.Scalar, asciiOnly: Bool) -> Bool {
        if scalar.isASCIIAlphanumeric || scalar == "-" || scalar == "." || scalar == "_" { return true }
        guard !asciiOnly, !scalar.isASCII else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar.properties.isEmoji
    }

    private static func isIPv4Octet(_ label: [Unicode.Scalar]) -> Bool {
        guard (1...3).contains(label.count), label.allSatisfy({ $0.isASCII && $0.properties.numericType == .decimal }),
            let value = Int(String(String.UnicodeScalarView(label)))
        else { return false }
        return value <= 255
    }

    /// Country-code domains and common generic domains, lowercased.
    private static let knownTopLevelDomains: Set<String> = {
        let countryCodes = """
            ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz \
            ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk \
            fm fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir \
            is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk \
            ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl \
            pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz tc \
            td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw
            """
        let generic = """
            com net org info biz edu gov mil int name pro mobi aero coop museum jobs travel tel asia cat post app dev \
            blog shop store online site tech xyz club news live cloud page link space website digital agency media \
            studio design art social today world life email solutions company group network services academy center \
            guru tips ninja wiki top vip win icu
            """
        return Set((countryCodes + " " + generic).split(separator: " ").map(String.init))
    }()
}

extension Unicode.Scalar {
    fileprivate var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}
