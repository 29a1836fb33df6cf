import Foundation

/// Checks a post against a network's rules before it is sent, and fits long text to a network.
package struct NetworkCheck {
    /// Checks `post` against the rules of `network`.
    ///
    /// - Returns: Every rule the post breaks, errors and warnings, in a stable order: text, tags, first
    ///   comment, fields, then media. An empty list means the post is fit to send.
    package static func check(_ post: PostDraft, network: Network) -> [NetworkViolation] {
        var report = ViolationReport(network: network, rules: NetworkRules.rules(for: network))
        if case .unknown(let name) = network {
            report.add(
                .unknownNetwork, .warning,
                "platform \"\(name)\" is not known to this version, so only the API's limit of "
                    + "\(NetworkRules.apiMaxMedia) media was checked")
        }
        report.checkText(post.text)
        report.checkFirstComment(post.firstComment)
        report.checkFields(post)
        report.checkMedia(post.media, linkedinDocumentTitle: post.linkedinDocumentTitle)
        return report.violations
    }

    /// Returns the length of `text` as `network` counts it; see `TextCounting` for each unit.
    package static func count(_ text: String, network: Network) -> Int {
        TextCounter.count(text, by: NetworkRules.rules(for: network).textCounting)
    }

    /// Shortens `text` to fit the text limit of `network`, cutting at a word boundary (or after a Chinese,
    /// Japanese or Korean character) and adding "…".
    ///
    /// Text that fits comes back unchanged, and so does text for a network without a known limit. When
    /// `link` is given, the link is taken out of the text wherever it was and the result ends with it,
    /// after the ellipsis, whether or not the text contained it. When even the link and the ellipsis exceed the limit, the
    /// link is dropped. When the last word boundary that fits keeps less than half of the text that fits, as
    /// before a word longer than the limit, the text is cut inside the word.
    ///
    /// - Parameters:
    ///   - text: The rendered post text.
    ///   - link: The item's URL to keep at the end of the text, or nil.
    ///   - network: The network whose counting and limit apply.
    ///   - maximumScalars: A further limit in Unicode scalars, such as the API's on every post's text, which
    ///     applies to networks without a known limit too.
    /// - Returns: Text whose `count(_:network:)` is at most the network's limit, with at most `maximumScalars`
    ///   Unicode scalars.
    package static func truncate(
        _ text: String, keeping link: String?, toFit network: Network, maximumScalars: Int = .max
    ) -> String {
        let rules = NetworkRules.rules(for: network)
        let limit = rules.textLimit ?? .max
        let counting = rules.textCounting
        func within(_ candidate: String) -> Bool {
            candidate.unicodeScalars.count <= maximumScalars && TextCounter.count(candidate, by: counting) <= limit
        }
        if within(text) { return text }

        var body = text
        var suffix = ""
        if let link, !link.isEmpty {
            body = removing(link, from: text)
            suffix = " " + link
        }
        if !within("…" + suffix) { suffix = "" }
        let characters = Array(body)
        func candidate(_ length: Int) -> String {
            let prefix = trimmedForEllipsis(String(characters[0..<length]))
            if prefix.isEmpty { return suffix.isEmpty ? "" : String(suffix.dropFirst()) }
            return prefix + "…" + suffix
        }
        func fits(_ length: Int) -> Bool { within(candidate(length)) }

        // Chinese and Japanese put no spaces between words, and a line may break after any of their characters.
        var wordEnds: [Int] = []
        for index in characters.indices.dropFirst() {
            let breaksAfterSpace = characters[index].isWhitespace && !characters[index - 1].isWhitespace
            if breaksAfterSpace || isCJK(characters[index - 1]) { wordEnds.append(index) }
        }
        let anywhere = largest(in: Array(0...characters.count), satisfying: fits) ?? 0
        // A cut at a word boundary that would keep less than half of what fits, as before a long word or a URL
        // without spaces, loses too much text, so such text is cut inside the word.
        if let length = largest(in: wordEnds, satisfying: fits), length * 2 >= anywhere { return candidate(length) }
        return candidate(anywhere)
    }

    /// Tells whether `character` is Chinese, Japanese or Korean, or their punctuation, after which a line may
    /// break although no space follows.
    private static func isCJK(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first?.value else { return false }
        return (0x3000...0x30FF).contains(scalar) || (0x3400...0x4DBF).contains(scalar)
            || (0x4E00...0x9FFF).contains(scalar) || (0xAC00...0xD7AF).contains(scalar)
            || (0xF900...0xFAFF).contains(scalar) || (0xFF00...0xFFEF).contains(scalar)
            || (0x20000...0x2FFFF).contains(scalar)
    }

    /// Returns the largest value in the ascending `values` for which `fits` holds, or nil.
    ///
    /// Binary search finds the boundary. Counting is not strictly monotonic on X, where a prefix that
    /// completes a URL counts 23 whatever its length, so the result is verified and stepped down.
    private static func largest(in values: [Int], satisfying fits: (Int) -> Bool) -> Int? {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) / 2
            if fits(values[middle]) { low = middle + 1 } else { high = middle }
        }
        var index = low - 1
        while index >= 0, !fits(values[index]) { index -= 1 }
        return index >= 0 ? values[index] : nil
    }

    private static func removing(_ link: String, from text: String) -> String {
        guard let range = text.range(of: link, options: .backwards) else { return text }
        let before = text[..<range.lowerBound].replacingOccurrences(
            of: "[ \\t]+$", with: "", options: .regularExpression)
        let after = text[range.upperBound...].replacingOccurrences(
            of: "^[ \\t]+", with: "", options: .regularExpression)
        if before.isEmpty || after.isEmpty { return before + after }
        return before + " " + after
    }

    /// Drops trailing whitespace and the punctuation that reads badly before an ellipsis.
    private static func trimmedForEllipsis(_ text: String) -> String {
        var result = Substring(text)
        while let last = result.last, last.isWhitespace || ",;:-–—".contains(last) {
            result = result.dropLast()
        }
        return String(result)
    }
}
